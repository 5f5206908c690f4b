import type { Interface } from "ethers";
import type { ChainJob, JobHandlers } from "../chain/outbox";
import { cachedStatement } from "../db/statements";
import { receiptOf } from "./receipt";
import { encodeRedeem } from "./redeemCalldata";
import type { DeliveryDeps, DeliveryRow } from "./types";

export const REDEEM_JOB = "delivery.redeem";
export const FLAG_JOB = "delivery.flag";

/** One receipt ready for the ledger: the beneficiary's signature and, where given, a field agent's. */
export interface RedemptionItem {
  row: DeliveryRow;
  beneficiarySignature: string;
  fieldAgentSignature: string;
}

/**
 * The seam for batched redemption: the calldata that redeems `items`, all of one vendor. One receipt is
 * `redeem(receipt, beneficiarySignature, fieldAgentSignature)`. When the ledger gains `redeemBatch`, this is
 * the one function to change (encode the list); the queue already records each delivery's job, so a job
 * confirmed or failed moves every delivery it carries.
 */
export function redemptionCall(ledger: Interface, items: readonly RedemptionItem[]): string {
  if (items.length !== 1)
    throw new RangeError("the ledger redeems one receipt per call (no redeemBatch yet)");
  const [item] = items as [RedemptionItem];
  return encodeRedeem(ledger, receiptOf(item.row), item.beneficiarySignature, item.fieldAgentSignature);
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

/** What a redemption's end does to its deliveries and to the household file's ledger. */
export function redemptionHandlers(deps: Pick<DeliveryDeps, "db" | "now">): JobHandlers {
  return {
    confirmed(job, receipt) {
      const at = deps.now().toISOString();
      cachedStatement(
        deps.db,
        `UPDATE deliveries SET state = 'redeemed', tx_hash = ?, block_number = ?, refusal_name = NULL,
           refusal_args = NULL, updated_at = ? WHERE redeem_job_id = ?`,
      ).run(receipt.hash, receipt.blockNumber, at, job.jobId);
      cachedStatement(
        deps.db,
        `UPDATE household_receipts SET status = 'redeemed', tx_hash = ?, block_number = ?, redeemed_at = ?
          WHERE delivery_id IN (SELECT delivery_id FROM deliveries WHERE redeem_job_id = ?)`,
      ).run(receipt.hash, receipt.blockNumber, at, job.jobId);
    },
    failed(job, error) {
      const at = deps.now().toISOString();
      cachedStatement(
        deps.db,
        `UPDATE deliveries SET state = 'refused', refusal_name = ?, refusal_args = ?, tx_hash = ?, block_number = ?,
           updated_at = ? WHERE redeem_job_id = ?`,
      ).run(error.name, JSON.stringify(error.args), job.txHash, job.blockNumber, at, job.jobId);
      cachedStatement(
        deps.db,
        `UPDATE household_receipts SET status = 'refused'
          WHERE delivery_id IN (SELECT delivery_id FROM deliveries WHERE redeem_job_id = ?)`,
      ).run(job.jobId);
    },
  };
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
