import type { Interface } from "ethers";
import { cachedStatement } from "../db/statements";
import {
  REDEEM_BATCH_SIZE,
  REDEEM_JOB,
  isBatchCall,
  redemptionCall,
  type RedemptionItem,
} from "./redeemQueue";
import { batchReceiptKeys } from "./redeemCalldata";
import type { DeliveryDeps, DeliveryRow } from "./types";

interface QueuedRedemption {
  job_id: number;
  from_address: string;
  data: string;
}

/**
 * Gathers the redemptions waiting in the outbox, never signed, into batches: each vendor's queued jobs, in
 * the order they were queued, are packed into `redeemBatch` jobs of up to `REDEEM_BATCH_SIZE` receipts; a
 * job absorbs the ones after it (so the receipts keep their order and the batch its place in the queue),
 * and the absorbed jobs, which no signer ever saw, are deleted. One DB transaction: a crash leaves the jobs
 * as they were or the batch whole. The outbox calls it between jobs (`ChainOutbox.beforeEachJob`), so no
 * job it is sending is touched; a distribution day under load, or the deliveries accepted while the chain
 * was unreachable, then go on chain 50 to a transaction. Returns how many jobs were folded into others.
 */
export function batchQueuedRedemptions(deps: Pick<DeliveryDeps, "db" | "system">): number {
  const { db } = deps;
  const queued = cachedStatement(
    db,
    `SELECT job_id, from_address, data FROM chain_jobs
      WHERE kind = ? AND status = 'queued' AND nonce IS NULL AND block_number IS NULL ORDER BY job_id`,
  ).all(REDEEM_JOB) as QueuedRedemption[];
  if (queued.length < 2) return 0;
  const byVendor = new Map<string, QueuedRedemption[]>();
  for (const job of queued) {
    // Appended in place: copying the vendor's list for every job was quadratic in a vendor's backlog.
    let jobs = byVendor.get(job.from_address);
    if (!jobs) byVendor.set(job.from_address, (jobs = []));
    jobs.push(job);
  }
  let folded = 0;
  db.transaction(() => {
    for (const jobs of byVendor.values()) {
      let into: { job: QueuedRedemption; rows: DeliveryRow[]; absorbed: number[] } | undefined;
      const flush = () => {
        if (into && into.absorbed.length > 0)
          folded += foldInto(deps, into.job.job_id, into.rows, into.absorbed);
      };
      for (const job of jobs) {
        const rows = receiptsOf(deps, job);
        if (rows.length === 0) continue;
        if (into && into.rows.length + rows.length <= REDEEM_BATCH_SIZE) {
          into.rows.push(...rows);
          into.absorbed.push(job.job_id);
          continue;
        }
        flush();
        into = { job, rows, absorbed: [] };
      }
      flush();
    }
  })();
  return folded;
}

/**
 * The accepted deliveries a queued job redeems, in the order of its calldata: a batch's receipts are found
 * by their (programme, household, nonce), which one delivery holds.
 */
function receiptsOf(deps: Pick<DeliveryDeps, "db" | "system">, job: QueuedRedemption): DeliveryRow[] {
  const ledger: Interface = deps.system.ledger.interface;
  if (!isBatchCall(ledger, job.data)) {
    return cachedStatement(
      deps.db,
      "SELECT * FROM deliveries WHERE redeem_job_id = ? AND state = 'accepted'",
    ).all(job.job_id) as DeliveryRow[];
  }
  const byReceipt = cachedStatement(
    deps.db,
    `SELECT * FROM deliveries WHERE programme_id = ? AND household_ref = ? AND nonce = ? AND redeem_job_id = ?
       AND state = 'accepted'`,
  );
  return batchReceiptKeys(job.data).flatMap((receipt) => {
    const row = byReceipt.get(receipt.programmeId, receipt.householdRef, receipt.nonce, job.job_id) as
      DeliveryRow | undefined;
    return row ? [row] : [];
  });
}

/** Job `keep` carries every receipt of `rows`, in order; the `absorbed` jobs go. */
function foldInto(
  deps: Pick<DeliveryDeps, "db" | "system">,
  keep: number,
  rows: DeliveryRow[],
  absorbed: number[],
): number {
  const items: RedemptionItem[] = rows.map((row) => ({
    row,
    beneficiarySignature: row.beneficiary_sig!,
    fieldAgentSignature: row.field_agent_sig ?? "0x",
  }));
  cachedStatement(
    deps.db,
    "UPDATE chain_jobs SET idempotency_key = ?, data = ?, updated_at = ? WHERE job_id = ? AND status = 'queued'",
  ).run(
    `delivery:redeem:${rows.map((row) => row.digest).join(",")}`,
    redemptionCall(deps.system.ledger.interface, items),
    new Date().toISOString(),
    keep,
  );
  const move = cachedStatement(deps.db, "UPDATE deliveries SET redeem_job_id = ? WHERE delivery_id = ?");
  for (const row of rows) move.run(keep, row.delivery_id);
  const drop = cachedStatement(deps.db, "DELETE FROM chain_jobs WHERE job_id = ? AND status = 'queued'");
  for (const jobId of absorbed) drop.run(jobId);
  return absorbed.length;
}
