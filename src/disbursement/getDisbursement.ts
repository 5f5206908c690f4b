import type { Database } from "better-sqlite3";
import { rowCounts } from "../db/rowCounts";
import { cachedStatement } from "../db/statements";
import { NotFoundError } from "../errors";
import { fromUnits } from "../programmes/amounts";
import { rowMessage } from "./refusals";
import {
  ROW_STATUSES,
  type DisbursementDeps,
  type DisbursementReport,
  type DisbursementSummary,
  type JobProgress,
  type JobState,
  type RowStatus,
} from "./types";

export interface GetDisbursementOptions {
  offset?: number;
  limit?: number;
}

/** A disbursement's counts and a page of its rows, each with a readable reason when not issued. */
export function getDisbursement(
  deps: Pick<DisbursementDeps, "db" | "decimals">,
  disbursementId: string,
  options: GetDisbursementOptions = {},
): DisbursementReport {
  const head = cachedStatement(deps.db, "SELECT * FROM disbursements WHERE disbursement_id = ?").get(
    disbursementId,
  ) as { programme_id: number; period: number; source: "csv" | "eligible"; created_at: string } | undefined;
  if (!head) throw new NotFoundError("disbursementId", "No disbursement has this id.");
  const counts = countsOf(deps.db, disbursementId);
  const progress = disbursementProgress(deps.db, disbursementId, counts);
  const rows = cachedStatement(
    deps.db,
    `SELECT r.row_no, r.household_ref, r.amount, r.status, r.error_field, r.error_code, j.tx_hash
       FROM disbursement_rows r LEFT JOIN chain_jobs j ON j.job_id = r.job_id
       WHERE r.disbursement_id = ? ORDER BY r.row_no LIMIT ? OFFSET ?`,
  ).all(disbursementId, options.limit ?? 1000, options.offset ?? 0) as {
    row_no: number;
    household_ref: string | null;
    amount: string | null;
    status: RowStatus;
    error_field: string | null;
    error_code: string | null;
    tx_hash: string | null;
  }[];
  return {
    disbursementId,
    programmeId: head.programme_id,
    period: head.period,
    source: head.source,
    counts,
    state: stateOf(progress),
    progress,
    rows: rows.map((row) => ({
      rowNo: row.row_no,
      householdRef: row.household_ref,
      amount: row.amount === null ? null : fromUnits(BigInt(row.amount), deps.decimals),
      status: row.status,
      field: row.error_field,
      code: row.error_code,
      message: row.status === "issued" || row.status === "queued" ? null : rowMessage(row.error_code),
      txHash: row.status === "issued" ? row.tx_hash : null,
    })),
    createdAt: head.created_at,
  };
}

/** A disbursement's rows by status, from the counters the database keeps as they change. */
function countsOf(db: Database, disbursementId: string): Record<RowStatus, number> {
  const counts = rowCounts(db, `disbursement:${disbursementId}`);
  return Object.fromEntries(ROW_STATUSES.map((status) => [status, counts.get(status) ?? 0])) as Record<
    RowStatus,
    number
  >;
}

/**
 * Rows done, refused and pending, and the disbursement's issuance transactions not yet final (its jobs'
 * idempotency keys all start with `issue:<id>:`, so the unique index finds them without a scan).
 */
function disbursementProgress(
  db: Database,
  disbursementId: string,
  counts: Record<RowStatus, number>,
): JobProgress {
  const rows = ROW_STATUSES.reduce((sum, status) => sum + counts[status], 0);
  const chainWritesPending =
    counts.queued === 0
      ? 0
      : (cachedStatement(
          db,
          `SELECT count(*) FROM chain_jobs WHERE idempotency_key > ? AND idempotency_key < ?
             AND status IN ('queued', 'signed')`,
          "pluck",
        ).get(`issue:${disbursementId}:`, `issue:${disbursementId};`) as number);
  return {
    rows,
    done: counts.issued,
    refused: rows - counts.issued - counts.queued,
    pending: counts.queued,
    chainWritesPending,
  };
}

export function stateOf(progress: JobProgress): JobState {
  return progress.pending === 0 && progress.chainWritesPending === 0 ? "done" : "running";
}

export interface ListDisbursementsOptions {
  /** Only this organisation's disbursements (a charity's view); every one when absent. */
  orgId?: string;
  offset?: number;
  limit?: number;
}

/** Disbursements newest first, a page at a time, each with its counts and state. */
export function listDisbursements(
  deps: Pick<DisbursementDeps, "db">,
  options: ListDisbursementsOptions = {},
): { disbursements: DisbursementSummary[]; total: number; offset: number; limit: number } {
  const offset = options.offset ?? 0;
  const limit = options.limit ?? 100;
  const where = options.orgId === undefined ? "" : "WHERE org_id = ?";
  const filter = options.orgId === undefined ? [] : [options.orgId];
  const total = cachedStatement(deps.db, `SELECT count(*) FROM disbursements ${where}`, "pluck").get(
    ...filter,
  ) as number;
  const heads = cachedStatement(
    deps.db,
    `SELECT disbursement_id, programme_id, org_id, period, source, created_at FROM disbursements ${where}
       ORDER BY rowid DESC LIMIT ? OFFSET ?`,
  ).all(...filter, limit, offset) as DisbursementHead[];
  return { disbursements: heads.map((head) => summaryOf(deps, head)), total, offset, limit };
}

interface DisbursementHead {
  disbursement_id: string;
  programme_id: number;
  org_id: string;
  period: number;
  source: "csv" | "eligible";
  created_at: string;
}

function summaryOf(deps: Pick<DisbursementDeps, "db">, head: DisbursementHead): DisbursementSummary {
  const counts = countsOf(deps.db, head.disbursement_id);
  return {
    disbursementId: head.disbursement_id,
    programmeId: head.programme_id,
    orgId: head.org_id,
    period: head.period,
    source: head.source,
    createdAt: head.created_at,
    state: stateOf(disbursementProgress(deps.db, head.disbursement_id, counts)),
    counts,
  };
}

export interface ListOlderDisbursementsOptions {
  /** The charity whose disbursements are listed: only its own. */
  orgId: string;
  /** Only disbursements older than this one of its own (the `next` of the previous page). */
  before?: string;
  limit: number;
}

/**
 * A charity's disbursements newest first from a cursor (keyset paging: a page does not shift when new ones
 * arrive), with the cursor of the next page. A cursor that is not one of its own is the 404 of an unknown id.
 */
export function listOlderDisbursements(
  deps: Pick<DisbursementDeps, "db">,
  { orgId, before, limit }: ListOlderDisbursementsOptions,
): { disbursements: DisbursementSummary[]; next: string | null } {
  let below = Number.MAX_SAFE_INTEGER;
  if (before !== undefined) {
    const cursor = cachedStatement(
      deps.db,
      "SELECT rowid FROM disbursements WHERE disbursement_id = ? AND org_id = ?",
      "pluck",
    ).get(before, orgId) as number | undefined;
    if (cursor === undefined) throw new NotFoundError("before", "No disbursement has this id.");
    below = cursor;
  }
  const heads = cachedStatement(
    deps.db,
    `SELECT disbursement_id, programme_id, org_id, period, source, created_at FROM disbursements
       WHERE org_id = ? AND rowid < ? ORDER BY rowid DESC LIMIT ?`,
  ).all(orgId, below, limit + 1) as DisbursementHead[];
  const disbursements = heads.slice(0, limit).map((head) => summaryOf(deps, head));
  return {
    disbursements,
    next: heads.length > limit ? disbursements[disbursements.length - 1]!.disbursementId : null,
  };
}
