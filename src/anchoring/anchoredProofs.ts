import type { Database } from "better-sqlite3";
import { cachedStatement } from "../db/statements";

/** An anchored confirmation as anyone may check it: the hash, its batch's root and the inclusion proof. */
export interface AnchoredProof {
  confirmationHash: string;
  kind: string;
  deliveredAt: string;
  root: string;
  leafIndex: number;
  proof: string[];
}

/**
 * A programme's confirmations whose batch is anchored, newest first (at most `limit`), and how many there
 * are. No household appears: each hash mixes in a random salt, so it cannot be linked to one.
 */
export function anchoredProofsOf(
  db: Database,
  programmeId: number,
  limit: number,
): { count: number; latest: AnchoredProof[] } {
  const where = `FROM confirmations c JOIN anchor_batches b ON b.batch_id = c.batch_id
     WHERE c.programme_id = ? AND b.status = 'anchored' AND c.proof IS NOT NULL`;
  const count = cachedStatement(db, `SELECT count(*) ${where}`, "pluck").get(programmeId) as number;
  const rows = cachedStatement(
    db,
    `SELECT c.confirmation_hash, c.kind, c.delivered_at, b.root, c.leaf_index, c.proof ${where}
     ORDER BY c.seq DESC LIMIT ?`,
  ).all(programmeId, limit) as {
    confirmation_hash: string;
    kind: string;
    delivered_at: string;
    root: string;
    leaf_index: number;
    proof: string;
  }[];
  return {
    count,
    latest: rows.map((row) => ({
      confirmationHash: row.confirmation_hash,
      kind: row.kind,
      deliveredAt: row.delivered_at,
      root: row.root,
      leafIndex: row.leaf_index,
      proof: JSON.parse(row.proof) as string[],
    })),
  };
}
