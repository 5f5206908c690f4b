import { AidLedger__factory } from "../../typechain-types";
import { readEvents } from "./chain/readEvents";
import { readReceipts } from "./chain/readReceipts";
import { domainSeparator } from "./chain/receiptDigest";
import { hexToNumber, mapLimited, type AuditRpc } from "./chain/rpc";
import { answerContractWallets, checkProofs, compareBooks } from "./checks/closingChecks";
import { Findings } from "./checks/findings";
import type { RedemptionEvidence } from "./checks/redemptionCheck";
import { replay } from "./checks/replay";
import { recoverMany, type RecoveryTask } from "./recovery/recoverMany";
import type { AuditAddresses, AuditResult, ChainEvent, MintRecord, PublishedProof } from "./types";

export interface AuditOptions {
  rpc: AuditRpc;
  addresses: AuditAddresses;
  /** The deployment's block (0 if unknown). */
  fromBlock?: number;
  /** The last block audited; the latest if omitted. */
  throughBlock?: number;
  /** Published inclusion proofs of anchored confirmations to check. */
  proofs?: readonly PublishedProof[];
  /** Worker threads for signature recovery (default: one per core). */
  workers?: number;
}

const LEDGER = AidLedger__factory.createInterface();

/**
 * Rebuilds the ledger from the chain alone (events, the redemptions' calldata, and calls at the audited
 * block) and checks it. Every beneficiary and field-agent signature is recovered again.
 */
export async function runAudit(options: AuditOptions): Promise<AuditResult> {
  const started = performance.now();
  const { rpc, addresses } = options;
  const chainId = hexToNumber(await rpc.send<string>("eth_chainId", []));
  const throughBlock = options.throughBlock ?? hexToNumber(await rpc.send<string>("eth_blockNumber", []));
  const fromBlock = options.fromBlock ?? 0;
  const { events } = await readEvents(rpc, addresses, { fromBlock, throughBlock });

  const redeemed = events.filter((event) => event.name === "DeliveryRedeemed");
  const separator = domainSeparator(chainId, addresses.ledger);
  const submitted = await readReceipts(rpc, addresses.ledger, separator, [
    ...new Set(redeemed.map((event) => event.txHash)),
  ]);
  const programmeIds = events
    .filter((event) => event.name === "ProgrammeCreated")
    .map((event) => (event.args.programmeId as bigint).toString());
  const stored = await mapLimited(programmeIds, 8, async (programmeId) => {
    const raw = await rpc.send<string>("eth_call", [
      { to: addresses.ledger, data: LEDGER.encodeFunctionData("programme", [programmeId]) },
      `0x${throughBlock.toString(16)}`,
    ]);
    return LEDGER.decodeFunctionResult("programme", raw)[0].requiresFieldAgent as boolean;
  });
  const requiresFieldAgent = new Map(programmeIds.map((id, index) => [id, stored[index]!]));
  const readMs = performance.now() - started;

  const tasks: RecoveryTask[] = [];
  const slots: { redemptionId: string; beneficiary: number; agent?: number }[] = [];
  for (const event of redeemed) {
    const redemptionId = (event.args.redemptionId as string).toLowerCase();
    const item = submitted.get(redemptionId);
    if (!item) continue;
    const slot: (typeof slots)[number] = { redemptionId, beneficiary: tasks.length };
    tasks.push({ digest: redemptionId, signature: item.beneficiarySignature });
    if (item.fieldAgentSignature !== "0x") {
      slot.agent = tasks.length;
      tasks.push({ digest: redemptionId, signature: item.fieldAgentSignature });
    }
    slots.push(slot);
  }
  const recoverStarted = performance.now();
  const signers = await recoverMany(tasks, { workers: options.workers });
  const recoverMs = performance.now() - recoverStarted;
  const evidence = new Map<string, RedemptionEvidence>();
  for (const slot of slots) {
    evidence.set(slot.redemptionId, {
      submitted: submitted.get(slot.redemptionId)!,
      beneficiarySigner: signers[slot.beneficiary],
      fieldAgentSigner: slot.agent === undefined ? undefined : signers[slot.agent],
    });
  }

  const checkStarted = performance.now();
  const findings = new Findings();
  const { state, questions, redemptions } = replay({ events, requiresFieldAgent, evidence, findings });
  await answerContractWallets(rpc, questions, findings);
  await compareBooks(rpc, addresses.ledger, state, throughBlock, findings);
  checkProofs(options.proofs ?? [], state, findings);
  const checkMs = performance.now() - checkStarted;

  return {
    chainId,
    addresses,
    fromBlock,
    throughBlock,
    counts: {
      events: events.length,
      redemptions: redeemed.length,
      signaturesVerified: tasks.length,
      gifts: state.gifts.size,
      programmes: state.programmes.size,
      anchors: state.anchors.size,
      proofsChecked: options.proofs?.length ?? 0,
    },
    checks: findings.summary(),
    findings: findings.list,
    programmes: [...state.books.values()],
    redemptions,
    mints: mintsOf(events),
    timings: { readMs, recoverMs, checkMs, totalMs: performance.now() - started },
  };
}

const ZERO_ADDRESS = `0x${"0".repeat(40)}`;

/** Entitlements minted: the ERC-1155 id is `programmeId << 32 | period`. */
function mintsOf(events: readonly ChainEvent[]): MintRecord[] {
  const mints: MintRecord[] = [];
  for (const event of events) {
    if (event.name !== "TransferSingle" || (event.args.from as string).toLowerCase() !== ZERO_ADDRESS)
      continue;
    const id = event.args.id as bigint;
    mints.push({
      programmeId: (id >> 32n).toString(),
      period: Number(id & 0xffffffffn),
      account: (event.args.to as string).toLowerCase(),
      blockNumber: event.blockNumber,
    });
  }
  return mints;
}
