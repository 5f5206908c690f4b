import { cpus } from "node:os";
import { AidLedger__factory } from "../../typechain-types";
import { eventPages } from "./chain/readEvents";
import { readReceipts } from "./chain/readReceipts";
import { mandateDomainSeparator } from "./chain/mandateDigest";
import { domainSeparator } from "./chain/receiptDigest";
import { hexToNumber, mapLimited, type AuditRpc } from "./chain/rpc";
import { answerContractWallets, checkProofs, compareBooks, stateUnavailable } from "./checks/closingChecks";
import { Findings } from "./checks/findings";
import type { RedemptionEvidence } from "./checks/redemptionCheck";
import { startReplay } from "./checks/replay";
import { recoverMandates, type MandateEvidence } from "./recovery/mandateRecovery";
import { recoverReceipts } from "./recovery/receiptBatch";
import { RecoveryPool } from "./recovery/recoveryPool";
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
  /** Worker threads for signature recovery (default: one per core; 0 recovers on this thread). */
  workers?: number;
  /** Blocks per `eth_getLogs` request at most (default 5,000). */
  blockRange?: number;
}

const LEDGER = AidLedger__factory.createInterface();
/** `0x` and 64 hex digits: a mandate id in a beneficiary signature's place. */
const MANDATE_ID_HEX = 66;
/** Receipts recovered on this thread before the worker pool starts: what a small audit needs in all. */
const INLINE_RECOVERIES = 1_500;

/** A page read and sent to recovery, waiting for its signers before it is replayed. */
interface ReadPage {
  events: ChainEvent[];
  recovered: Promise<void>;
  /** Whether the signers are back (or their batch failed). */
  done: boolean;
}

/**
 * Rebuilds the ledger from the chain alone (events, the redemptions' calldata, and calls at the audited
 * block) and checks it. Every beneficiary and field-agent signature, and every standing mandate's, is
 * recovered again. The three parts overlap: while the node answers the next page of logs, this thread decodes
 * the last one and sends its signatures to the worker pool, and replays the pages whose signers are back.
 */
export async function runAudit(options: AuditOptions): Promise<AuditResult> {
  const started = performance.now();
  const { rpc, addresses } = options;
  const workers = options.workers ?? cpus().length;
  const pool = new RecoveryPool(workers, INLINE_RECOVERIES);
  try {
    const chainId = hexToNumber(await rpc.send<string>("eth_chainId", []));
    const throughBlock = options.throughBlock ?? hexToNumber(await rpc.send<string>("eth_blockNumber", []));
    const fromBlock = options.fromBlock ?? 0;
    await assertStateAt(rpc, addresses.ledger, throughBlock);
    const separator = domainSeparator(chainId, addresses.ledger);
    const findings = new Findings();
    const requiresFieldAgent = new Map<string, boolean>();
    const evidence = new Map<string, RedemptionEvidence>();
    const mandateEvidence = new Map<string, MandateEvidence>();
    const mandateSeparator = addresses.mandates && mandateDomainSeparator(chainId, addresses.mandates);
    const walk = startReplay({ requiresFieldAgent, evidence, mandateEvidence, findings });
    // Only counts and mints are kept of a page once replayed, so a long ledger's events do not pile up.
    let eventCount = 0;
    const mints: MintRecord[] = [];
    const waiting: ReadPage[] = [];
    let redemptions = 0;
    let signaturesVerified = 0;
    let checkMs = 0;
    let recoverStarted: number | undefined;
    let recoveredAt = started;
    const replayReady = async (all: boolean) => {
      while (waiting.length > 0) {
        const page = waiting[0]!;
        if (!all && !page.done) return;
        await page.recovered;
        waiting.shift();
        const stepStarted = performance.now();
        walk.step(page.events);
        checkMs += performance.now() - stepStarted;
      }
    };

    for await (const page of eventPages(rpc, addresses, {
      fromBlock,
      throughBlock,
      blockRange: options.blockRange,
    })) {
      eventCount += page.events.length;
      mintsOf(page.events, mints);
      await readProgrammes(rpc, addresses.ledger, throughBlock, page.events, requiresFieldAgent);
      const redeemed = page.events.filter((event) => event.name === "DeliveryRedeemed");
      redemptions += redeemed.length;
      const items = await readReceipts(rpc, addresses.ledger, [
        ...new Set(redeemed.map((event) => event.txHash)),
      ]);
      const accepted = page.events.filter(
        (event) => event.source === "mandates" && event.name === "MandateAccepted",
      );
      recoverStarted ??= performance.now();
      const receiptsRecovered = recoverReceipts(pool, separator, items).then((found) => {
        for (const event of redeemed) {
          const redemptionId = (event.args.redemptionId as string).toLowerCase();
          const item = found.get(redemptionId);
          if (!item) continue;
          evidence.set(redemptionId, item);
          // A premium's 32-byte mandate id is no signature: its mandate's signature is counted once, below.
          const { beneficiarySignature, fieldAgentSignature } = item.submitted;
          signaturesVerified +=
            (beneficiarySignature.length === MANDATE_ID_HEX ? 0 : 1) + (fieldAgentSignature === "0x" ? 0 : 1);
        }
      });
      const mandatesRecovered = mandateSeparator
        ? recoverMandates(pool, mandateSeparator, accepted).then((found) => {
            for (const [key, item] of found) mandateEvidence.set(key, item);
            signaturesVerified += found.size;
          })
        : Promise.resolve();
      const recovered = Promise.all([receiptsRecovered, mandatesRecovered]).then(() => {
        recoveredAt = performance.now();
      });
      const read: ReadPage = { events: page.events, recovered, done: false };
      // A failed batch is awaited (and thrown) in order by replayReady; this keeps it from going unhandled.
      recovered.then(
        () => (read.done = true),
        () => (read.done = true),
      );
      waiting.push(read);
      await replayReady(false);
    }
    const readMs = performance.now() - started;
    await replayReady(true);
    const recoverMs = recoverStarted === undefined ? 0 : recoveredAt - recoverStarted;

    const closingStarted = performance.now();
    const { state, questions, redemptions: records } = walk.finish();
    await answerContractWallets(rpc, questions, findings);
    await compareBooks(rpc, addresses.ledger, state, throughBlock, findings);
    checkProofs(options.proofs ?? [], state, findings);
    checkMs += performance.now() - closingStarted;

    return {
      chainId,
      addresses,
      fromBlock,
      throughBlock,
      counts: {
        events: eventCount,
        redemptions,
        signaturesVerified,
        gifts: state.gifts.size,
        programmes: state.programmes.size,
        anchors: state.anchors.size,
        proofsChecked: options.proofs?.length ?? 0,
      },
      checks: findings.summary(),
      findings: findings.list,
      programmes: [...state.books.values()],
      redemptions: records,
      mints,
      timings: { readMs, recoverMs, checkMs, totalMs: performance.now() - started },
    };
  } finally {
    await pool.close();
  }
}

/** `requiresFieldAgent` of each programme a page creates, as stored at the audited block. */
async function readProgrammes(
  rpc: AuditRpc,
  ledger: string,
  throughBlock: number,
  events: readonly ChainEvent[],
  into: Map<string, boolean>,
): Promise<void> {
  const ids = events
    .filter((event) => event.name === "ProgrammeCreated")
    .map((event) => (event.args.programmeId as bigint).toString());
  const stored = await mapLimited(ids, 8, async (programmeId) => {
    const raw = await rpc.send<string>("eth_call", [
      { to: ledger, data: LEDGER.encodeFunctionData("programme", [programmeId]) },
      `0x${throughBlock.toString(16)}`,
    ]);
    return LEDGER.decodeFunctionResult("programme", raw)[0].requiresFieldAgent as boolean;
  });
  ids.forEach((id, index) => into.set(id, stored[index]!));
}

/**
 * The books are compared at the audited block, so the node must keep that block's state: a node that keeps
 * only recent states (anvil's `--prune-history`, Besu's Bonsai layers) is refused here, readably, before any
 * reading, rather than failing the comparison at the end.
 */
async function assertStateAt(rpc: AuditRpc, ledger: string, block: number): Promise<void> {
  try {
    await rpc.send<string>("eth_getCode", [ledger, `0x${block.toString(16)}`]);
  } catch (error) {
    if (!stateUnavailable(error)) throw error;
    throw new Error(
      `the node keeps no state at block ${block}, the block audited through: audit through a recent block, or against a node that keeps history (an archive node)`,
    );
  }
}

const ZERO_ADDRESS = `0x${"0".repeat(40)}`;

/** Entitlements minted: the ERC-1155 id is `programmeId << 32 | period`. */
function mintsOf(events: readonly ChainEvent[], mints: MintRecord[]): void {
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
}
