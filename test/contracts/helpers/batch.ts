import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse, Signer } from "ethers";
import type { AidLedger } from "../../../typechain-types";
import {
  alignToPeriodStart,
  createProgramme,
  programmeParams,
  RECEIPT_TYPES,
  receiptDomain,
  receiptHash,
  type Receipt,
} from "./ledger";
import { DAY, deployedSystem, ref, UNIT } from "./system";

/** One item of `redeemBatch` (mirrors `IRedemptionDesk.SignedReceipt`). */
export interface SignedReceipt {
  receipt: Receipt;
  beneficiarySignature: string;
  fieldAgentSignature: string;
}

/** A single-member household whose member's wallet is a plain key (any number of them, unlike signers). */
export interface BatchMember {
  beneficiaryRef: string;
  householdRef: string;
  wallet: InstanceType<typeof ethers.Wallet>;
}

/** Households of the batch world: a distribution day of 50 and two to spare. */
export const BATCH_HOUSEHOLDS = 52;
/** What each household is issued in the main programme. */
export const ISSUED = 40n * UNIT;
/** What each receipt of the batch redeems: lots of `LOT` are crossed every few receipts. */
export const AMOUNT = 30n * UNIT;
/** Each gift of the main programme: many small lots, so FIFO attribution straddles lots inside a batch. */
export const LOT = 50n * UNIT;

/** The beneficiary's (or a field agent's) signature of `receipt` for `ledger`, by any signer. */
export async function signFor(signer: Signer, ledger: AidLedger, receipt: Receipt): Promise<string> {
  return signer.signTypedData(await receiptDomain(ledger), RECEIPT_TYPES, receipt);
}

/**
 * The deployed system with `BATCH_HOUSEHOLDS` registered households (one member each, a plain key), the chain
 * at the start of a period, and:
 * - programme `programmeId` (no group) with `vendor` allowed, funded by gifts of `LOT` from `donor`, every
 *   household issued `ISSUED`; `items` holds one receipt of `AMOUNT` per household at `vendor`, signed;
 * - programme `agentProgrammeId`, which requires a field agent's co-signature, `vendor` allowed, the first
 *   three households issued `ISSUED`.
 */
export async function batchWorld() {
  const system = await deployedSystem();
  const { registry, registrar, ledger, charity, donor, token, vendor } = system;
  const members: BatchMember[] = Array.from({ length: BATCH_HOUSEHOLDS }, (_, i) => ({
    beneficiaryRef: ref("beneficiary", `batch-${i}`),
    householdRef: ref("household", `batch-${i}`),
    wallet: new ethers.Wallet(ethers.id(`sintech batch test wallet ${i}`)),
  }));
  await registry.connect(registrar).registerBatch(
    members.map((m) => ({
      beneficiaryRef: m.beneficiaryRef,
      householdRef: m.householdRef,
      wallet: m.wallet.address,
    })),
  );
  await alignToPeriodStart();
  const programmeId = await createProgramme(
    ledger,
    charity,
    await programmeParams(token, { vendors: [vendor.address] }),
  );
  const lots = (ISSUED * BigInt(BATCH_HOUSEHOLDS) + LOT - 1n) / LOT;
  for (let i = 0n; i < lots; i++) {
    await ledger.connect(donor).give(programmeId, LOT, ethers.ZeroHash, ethers.ZeroAddress, 0);
  }
  const agentProgrammeId = await createProgramme(
    ledger,
    charity,
    await programmeParams(token, { requiresFieldAgent: true, vendors: [vendor.address] }),
  );
  await ledger.connect(donor).give(agentProgrammeId, 500n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0);
  const issue = (id: bigint, to: readonly BatchMember[]) =>
    ledger.connect(charity).issueBatch(
      id,
      to.map((m) => m.beneficiaryRef),
      to.map((m) => m.householdRef),
      ISSUED,
    );
  await issue(programmeId, members);
  await issue(agentProgrammeId, members.slice(0, 3));
  const world = { ...system, members, programmeId, agentProgrammeId, period: 0n };
  world.period = BigInt(await ledger.currentPeriod(programmeId));
  const items = await Promise.all(members.map((m) => signedReceipt(world, m)));
  return { ...world, items };
}

export type BatchWorld = Awaited<ReturnType<typeof batchWorld>>;

export interface ReceiptOptions {
  programmeId?: bigint;
  vendor?: { address: string };
  amount?: bigint;
  /** Who signs as the beneficiary: the member's own wallet unless told. */
  signer?: Signer;
  fieldAgent?: Signer;
  receipt?: Partial<Receipt>;
}

/**
 * A receipt of `member` (its lowest unused nonce, valid for a day), signed as `options` say: by the member's
 * own key unless `options.signer` is given (which a member whose wallet is a contract needs).
 */
export async function signedReceipt(
  world: { ledger: AidLedger; programmeId: bigint; vendor: { address: string } },
  member: Pick<BatchMember, "beneficiaryRef" | "householdRef"> & { wallet?: Signer },
  options: ReceiptOptions = {},
): Promise<SignedReceipt> {
  const signer = options.signer ?? member.wallet;
  if (!signer) throw new Error("signedReceipt: no signer for a member without a key");
  const { ledger } = world;
  const programmeId = options.programmeId ?? world.programmeId;
  const receipt: Receipt = {
    programmeId,
    beneficiaryRef: member.beneficiaryRef,
    householdRef: member.householdRef,
    vendor: (options.vendor ?? world.vendor).address,
    amount: options.amount ?? AMOUNT,
    evidenceHash: ethers.id(`batch evidence ${member.householdRef}`),
    nonce: await ledger.receiptNonce(programmeId, member.householdRef),
    deadline: BigInt((await time.latest()) + DAY),
    ...options.receipt,
  };
  return {
    receipt,
    beneficiarySignature: await signFor(signer, ledger, receipt),
    fieldAgentSignature: options.fieldAgent ? await signFor(options.fieldAgent, ledger, receipt) : "0x",
  };
}

/** The ledger's raw logs of a transaction, in order: what an indexer or an auditor's rebuild reads. */
export async function ledgerLogs(
  ledger: AidLedger,
  tx: ContractTransactionResponse,
): Promise<{ topics: readonly string[]; data: string }[]> {
  const mined = await tx.wait();
  const address = await ledger.getAddress();
  return mined!.logs
    .filter((log) => log.address === address)
    .map((log) => ({ topics: log.topics, data: log.data }));
}

export interface Refusal {
  redemptionId: string;
  caller: string;
  reason: string;
  index: bigint;
  detail: string;
}

/** Every RedemptionRefused of a transaction, in order. */
export async function refusalsOf(ledger: AidLedger, tx: ContractTransactionResponse): Promise<Refusal[]> {
  const mined = await tx.wait();
  return mined!.logs
    .map((log) => ledger.interface.parseLog(log))
    .filter((parsed) => parsed?.name === "RedemptionRefused")
    .map((parsed) => {
      const [redemptionId, caller, reason, index, detail] = parsed!.args;
      return { redemptionId, caller, reason, index, detail };
    });
}

/** The refusal `redeemBatch` must log for item `index`: `redeem`'s own error, in full. */
export async function expectedRefusal(
  ledger: AidLedger,
  item: SignedReceipt,
  caller: { address: string },
  index: number,
  error: string,
  args: readonly unknown[],
): Promise<Refusal> {
  const fragment = ledger.interface.getError(error)!;
  return {
    redemptionId: await receiptHash(ledger, item.receipt),
    caller: caller.address,
    reason: fragment.selector,
    index: BigInt(index),
    detail: ledger.interface.encodeErrorResult(fragment, args),
  };
}

/** The bit mask of a batch in which every item of `indices` was redeemed. */
export function maskOf(indices: readonly number[]): bigint {
  return indices.reduce((mask, i) => mask | (1n << BigInt(i)), 0n);
}
