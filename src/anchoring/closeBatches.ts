import { cachedStatement } from "../db/statements";
import { MerkleTree } from "./merkle";
import type { AnchoringDeps } from "./types";

/** The outbox job kind of one batch's `ReceiptAnchor.anchor(root, count, uri)`. */
export const ANCHOR_JOB = "anchor.batch";

/**
 * Where batches are listed: the gateway's route, under which each is found by its root (the event's
 * indexed topic, so the uri need not repeat it: 67 bytes of calldata and log data, ~1,600 gas a batch).
 */
export const BATCH_URI = "/v1/anchors";

export interface ClosedBatch {
  batchId: number;
  root: string;
  count: number;
  jobId: number;
}

/**
 * Closes every batch that is due: one of `batchSize` pending confirmations (the oldest first) as often as
 * there are that many, then, unless `sizeOnly`, the remaining ones when the oldest of them is `maxAgeMs`
 * old. Each closed batch gets its Merkle root and its anchor job, written in one transaction with the
 * batch's membership. A batch the chain refused is queued again once it has waited `maxAgeMs`.
 * Returns the batches closed or queued again.
 */
export function closeDueBatches(deps: AnchoringDeps, options: { sizeOnly?: boolean } = {}): ClosedBatch[] {
  const { batchSize, maxAgeMs } = deps.policy;
  return deps.db.transaction(() => {
    const closed: ClosedBatch[] = [];
    const now = deps.now();
    const dueBefore = new Date(now.getTime() - maxAgeMs).toISOString();
    for (;;) {
      // Pending rows lie between the oldest pending seq and the newest seq: fewer than a batch in that span
      // means no full batch, found from two index lookups instead of a scan of the pending rows.
      const span = cachedStatement(
        deps.db,
        `SELECT (SELECT max(seq) FROM confirmations) - (SELECT seq FROM confirmations WHERE batch_id IS NULL
           ORDER BY seq LIMIT 1) + 1`,
        "pluck",
      ).get() as number | null;
      if (span === null || span < batchSize) break;
      const full = cachedStatement(
        deps.db,
        "SELECT seq FROM confirmations WHERE batch_id IS NULL ORDER BY seq LIMIT 1 OFFSET ?",
        "pluck",
      ).get(batchSize - 1) as number | undefined;
      if (full === undefined) break;
      closed.push(closeBatch(deps, full, now));
    }
    if (options.sizeOnly) return closed;
    const oldest = cachedStatement(
      deps.db,
      "SELECT recorded_at FROM confirmations WHERE batch_id IS NULL ORDER BY seq LIMIT 1",
      "pluck",
    ).get() as string | undefined;
    if (oldest !== undefined && oldest <= dueBefore) {
      const last = cachedStatement(
        deps.db,
        "SELECT max(seq) FROM confirmations WHERE batch_id IS NULL",
        "pluck",
      ).get() as number;
      closed.push(closeBatch(deps, last, now));
    }
    const refused = cachedStatement(
      deps.db,
      "SELECT batch_id FROM anchor_batches WHERE status = 'failed' AND failed_at <= ? ORDER BY batch_id",
      "pluck",
    ).all(dueBefore) as number[];
    for (const batchId of refused) closed.push(requeueBatch(deps, batchId));
    return closed;
  })();
}

/** Closes the pending confirmations up to `lastSeq` (inclusive) as one batch. */
function closeBatch(deps: AnchoringDeps, lastSeq: number, now: Date): ClosedBatch {
  const members = cachedStatement(
    deps.db,
    "SELECT seq, confirmation_hash FROM confirmations WHERE batch_id IS NULL AND seq <= ? ORDER BY seq",
  ).all(lastSeq) as { seq: number; confirmation_hash: string }[];
  const root = MerkleTree.ofConfirmations(members.map((member) => member.confirmation_hash)).root;
  const uri = BATCH_URI;
  const job = enqueueAnchor(deps, root, members.length, uri, 1);
  const batchId = Number(
    cachedStatement(
      deps.db,
      `INSERT INTO anchor_batches (root, count, uri, job_id, status, closed_at) VALUES (?, ?, ?, ?, 'queued', ?)`,
    ).run(root, members.length, uri, job, now.toISOString()).lastInsertRowid,
  );
  const join = cachedStatement(
    deps.db,
    "UPDATE confirmations SET batch_id = ?, leaf_index = ? WHERE seq = ?",
  );
  members.forEach((member, index) => join.run(batchId, index, member.seq));
  return { batchId, root, count: members.length, jobId: job };
}

function requeueBatch(deps: AnchoringDeps, batchId: number): ClosedBatch {
  const batch = cachedStatement(
    deps.db,
    "SELECT root, count, uri, attempts FROM anchor_batches WHERE batch_id = ?",
  ).get(batchId) as { root: string; count: number; uri: string; attempts: number };
  const job = enqueueAnchor(deps, batch.root, batch.count, batch.uri, batch.attempts + 1);
  cachedStatement(
    deps.db,
    `UPDATE anchor_batches SET status = 'queued', job_id = ?, attempts = attempts + 1, failed_at = NULL
       WHERE batch_id = ?`,
  ).run(job, batchId);
  return { batchId, root: batch.root, count: batch.count, jobId: job };
}

/** Queues the anchor; the key names the root and the attempt, so a batch is never anchored twice. */
function enqueueAnchor(
  deps: AnchoringDeps,
  root: string,
  count: number,
  uri: string,
  attempt: number,
): number {
  return deps.outbox.enqueue({
    idempotencyKey: `anchor:${root}:${attempt}`,
    kind: ANCHOR_JOB,
    from: deps.registrar,
    to: deps.anchor.target as string,
    data: deps.anchor.interface.encodeFunctionData("anchor", [root, count, uri]),
  }).jobId;
}
