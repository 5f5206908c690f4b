import type { Interface, TransactionReceipt } from "ethers";
import type { DecodedRevert } from "../chain/decodeRevert";
import type { ChainJob, JobHandlers } from "../chain/outbox";
import { redeemBatchOutcomes } from "../chain/redeemBatch";
import { cachedStatement } from "../db/statements";
import { receiptOf } from "./receipt";
import { selectorOf } from "../chain/abiWords";
import { encodeRedeem, encodeRedeemBatchCalldata } from "./redeemCalldata";
import type { DeliveryDeps, DeliveryRow } from "./types";

export const REDEEM_JOB = "delivery.redeem";
export const FLAG_JOB = "delivery.flag";

/** One receipt ready for the ledger: the beneficiary's signature and, where given, a field agent's. */
export interface RedemptionItem {
  /** The delivery's receipt fields, its id and digest: a row as stored, or one being written. */
  row: Pick<
    DeliveryRow,
    | "delivery_id"
    | "digest"
    | "programme_id"
    | "beneficiary_ref"
    | "household_ref"
    | "vendor_address"
    | "amount"
    | "evidence_hash"
    | "nonce"
    | "deadline"
  >;
  beneficiarySignature: string;
  fieldAgentSignature: string;
}

/**
 * The most receipts one redemption job carries: ~55k gas each at 50 (a 2.8M-gas transaction), well inside
 * a block, and a refused batch (whole) costs little to retry.
 */
export const REDEEM_BATCH_SIZE = 50;

/**
 * The calldata that redeems `items`, all of one vendor: one receipt is a plain
 * `redeem(receipt, beneficiarySignature, fieldAgentSignature)`, which the chain refuses whole; more are one
 * `redeemBatch`, where each item is redeemed or refused on its own (see `redemptionHandlers`).
 */
export function redemptionCall(ledger: Interface, items: readonly RedemptionItem[]): string {
  if (items.length === 0 || items.length > REDEEM_BATCH_SIZE) {
    throw new RangeError(`a redemption job carries 1 to ${REDEEM_BATCH_SIZE} receipts, not ${items.length}`);
  }
  if (items.length > 1) {
    return encodeRedeemBatchCalldata(
      ledger,
      items.map((item) => ({
        receipt: receiptOf(item.row),
        beneficiarySignature: item.beneficiarySignature,
        fieldAgentSignature: item.fieldAgentSignature,
      })),
    );
  }
  const [item] = items as [RedemptionItem];
  return encodeRedeem(ledger, receiptOf(item.row), item.beneficiarySignature, item.fieldAgentSignature);
}

/** Whether a redemption job's calldata is a `redeemBatch` (its items end one by one) or a plain `redeem`. */
export function isBatchCall(ledger: Interface, data: string): boolean {
  return data.slice(0, 10) === selectorOf(ledger, "redeemBatch");
}

/**
 * Queues the redemption of accepted deliveries of one vendor; call inside the transaction that marks
 * them accepted, so a crash leaves both or neither.
 */
export function queueRedemption(
  deps: Pick<DeliveryDeps, "db" | "outbox" | "system">,
  items: readonly RedemptionItem[],
): ChainJob {
  const vendors = new Set(items.map((item) => item.row.vendor_address));
  if (vendors.size !== 1) throw new RangeError("one redemption job carries one vendor's receipts");
  const ledger = deps.system.ledger;
  const job = deps.outbox.enqueue({
    idempotencyKey: `delivery:redeem:${items.map((item) => item.row.digest).join(",")}`,
    kind: REDEEM_JOB,
    from: items[0]!.row.vendor_address,
    to: ledger.target as string,
    data: redemptionCall(ledger.interface, items),
  });
  const link = cachedStatement(deps.db, "UPDATE deliveries SET redeem_job_id = ? WHERE delivery_id = ?");
  for (const item of items) link.run(job.jobId, item.row.delivery_id);
  return job;
}

/**
 * What a redemption's end does to its deliveries and to the household file's ledger. A plain `redeem`
 * moves every delivery of its job; a mined `redeemBatch` moves each delivery by its own item's outcome
 * (matched by redemption id, the receipt's digest): redeemed, or refused with that item's reason.
 */
export function redemptionHandlers(deps: Pick<DeliveryDeps, "db" | "now" | "system">): JobHandlers {
  const { ledger, registry } = deps.system;
  return {
    confirmed(job, receipt) {
      if (!isBatchCall(ledger.interface, job.data)) {
        markRedeemed(deps, "redeem_job_id = ?", job.jobId, receipt);
        return;
      }
      const digests = cachedStatement(
        deps.db,
        "SELECT digest FROM deliveries WHERE redeem_job_id = ?",
        "pluck",
      ).all(job.jobId) as string[];
      const outcomes = redeemBatchOutcomes(
        ledger.interface,
        ledger.target as string,
        receipt,
        digests.length,
        [ledger.interface, registry.interface],
      );
      for (const outcome of outcomes) {
        const digest = outcome.redemptionId.toLowerCase();
        if (outcome.redeemed) markRedeemed(deps, "digest = ?", digest, receipt);
        else markRefused(deps, "digest = ?", digest, outcome.error, receipt.hash, receipt.blockNumber);
      }
    },
    failed(job, error) {
      markRefused(deps, "redeem_job_id = ?", job.jobId, error, job.txHash, job.blockNumber);
    },
  };
}

function markRedeemed(
  deps: Pick<DeliveryDeps, "db" | "now">,
  where: "redeem_job_id = ?" | "digest = ?",
  key: number | string,
  receipt: TransactionReceipt,
): void {
  const at = deps.now().toISOString();
  cachedStatement(
    deps.db,
    `UPDATE deliveries SET state = 'redeemed', tx_hash = ?, block_number = ?, refusal_name = NULL,
       refusal_args = NULL, updated_at = ? WHERE ${where}`,
  ).run(receipt.hash, receipt.blockNumber, at, key);
  cachedStatement(
    deps.db,
    `UPDATE household_receipts SET status = 'redeemed', tx_hash = ?, block_number = ?, redeemed_at = ?
      WHERE delivery_id IN (SELECT delivery_id FROM deliveries WHERE ${where})`,
  ).run(receipt.hash, receipt.blockNumber, at, key);
}

function markRefused(
  deps: Pick<DeliveryDeps, "db" | "now">,
  where: "redeem_job_id = ?" | "digest = ?",
  key: number | string,
  error: DecodedRevert,
  txHash: string | null,
  blockNumber: number | null,
): void {
  cachedStatement(
    deps.db,
    `UPDATE deliveries SET state = 'refused', refusal_name = ?, refusal_args = ?, tx_hash = ?, block_number = ?,
       updated_at = ? WHERE ${where}`,
  ).run(error.name, JSON.stringify(error.args), txHash, blockNumber, deps.now().toISOString(), key);
  cachedStatement(
    deps.db,
    `UPDATE household_receipts SET status = 'refused'
      WHERE delivery_id IN (SELECT delivery_id FROM deliveries WHERE ${where})`,
  ).run(key);
}

/** What a flag's end does: the delivery shows it flagged (its resolution is then read from the chain). */
export function flagHandlers(deps: Pick<DeliveryDeps, "db" | "now">): JobHandlers {
  return {
    confirmed(job) {
      cachedStatement(
        deps.db,
        "UPDATE deliveries SET flag_state = 'flagged', updated_at = ? WHERE flag_job_id = ?",
      ).run(deps.now().toISOString(), job.jobId);
    },
    failed(job, error) {
      cachedStatement(
        deps.db,
        `UPDATE deliveries SET flag_state = 'refused', refusal_name = ?, refusal_args = ?, updated_at = ?
          WHERE flag_job_id = ?`,
      ).run(error.name, JSON.stringify(error.args), deps.now().toISOString(), job.jobId);
    },
  };
}
