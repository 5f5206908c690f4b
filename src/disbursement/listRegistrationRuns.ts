import { cachedStatement } from "../db/statements";
import { NotFoundError } from "../errors";
import { runProgress, type RegistrationRun } from "./registerOnChain";
import type { DisbursementDeps } from "./types";

/** A run in its organisation's list: its progress, how many heads it set out to register, and when. */
export interface ListedRegistrationRun extends RegistrationRun {
  registrationId: string;
  heads: number;
  createdAt: string;
}

export interface ListRegistrationRunsParams {
  /** The organisation that started them: a charity sees only its own. */
  orgId: string;
  /** Only runs older than this one of the organisation's own (the `next` of the previous page). */
  before?: string;
  limit: number;
}

/**
 * The registration runs an organisation started, newest first, a page at a time, each with its progress,
 * and the cursor of the next page. A cursor that is not one of its own runs is the 404 of an unknown one.
 */
export function listRegistrationRuns(
  deps: Pick<DisbursementDeps, "db">,
  { orgId, before, limit }: ListRegistrationRunsParams,
): { runs: ListedRegistrationRun[]; next: string | null } {
  let below = Number.MAX_SAFE_INTEGER;
  if (before !== undefined) {
    const cursor = cachedStatement(
      deps.db,
      "SELECT rowid FROM registration_runs WHERE registration_id = ? AND org_id = ?",
      "pluck",
    ).get(before, orgId) as number | undefined;
    if (cursor === undefined) throw new NotFoundError("before", "No registration run has this id.");
    below = cursor;
  }
  const rows = cachedStatement(
    deps.db,
    `SELECT registration_id AS registrationId, heads, created_at AS createdAt FROM registration_runs
       WHERE org_id = ? AND rowid < ? ORDER BY rowid DESC LIMIT ?`,
  ).all(orgId, below, limit + 1) as { registrationId: string; heads: number; createdAt: string }[];
  const runs = rows.slice(0, limit).map((row) => ({ ...runProgress(deps, row.registrationId), ...row }));
  return { runs, next: rows.length > limit ? runs[runs.length - 1]!.registrationId : null };
}
