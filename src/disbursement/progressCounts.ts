import type { Database } from "better-sqlite3";
import { cachedStatement } from "../db/statements";

/**
 * A long job's rows by status (`disbursement:<id>` or `registration:<reg_id>`), as the database's triggers
 * keep them (`PROGRESS_COUNTS_SQL`): a read of a few counters, whatever the job's size.
 */
export function progressCounts(db: Database, scope: string): Map<string, number> {
  const rows = cachedStatement(db, "SELECT status, n FROM progress_counts WHERE scope = ?").all(scope) as {
    status: string;
    n: number;
  }[];
  return new Map(rows.map((row) => [row.status, row.n]));
}
