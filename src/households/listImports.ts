import type { ImportCounts, ImportRecord, ImportStatus } from "../db";
import { NotFoundError } from "../errors";
import type { HouseholdContext } from "./context";

/** An import as its organisation's list shows it: its state and counts, without rows or references. */
export interface ImportSummary {
  importId: string;
  status: ImportStatus;
  errorCode: string | null;
  /** While running, the rows recorded so far; once ended, as the import stored them. */
  counts: ImportCounts;
  /** The data rows of its file (what a running import counts to); null for imports made before this was kept. */
  rowsExpected: number | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface ListImportsParams {
  /** The organisation that ran them: a charity sees only its own. */
  orgId: string;
  /** Only imports older than this one of the organisation's own (the `next` of the previous page). */
  before?: string;
  limit: number;
}

/**
 * The organisation's imports, newest first, a page at a time, with the cursor of the next page. A cursor
 * that is not one of its own imports is the 404 of an unknown one.
 */
export function listImports(
  ctx: HouseholdContext,
  { orgId, before, limit }: ListImportsParams,
): { imports: ImportSummary[]; next: string | null } {
  const records = ctx.store.imports.listByOrg(orgId, { before, limit: limit + 1 });
  if (!records) throw new NotFoundError("before", "No import has this id.");
  const page = records.slice(0, limit).map((record) => importSummary(ctx, record));
  return { imports: page, next: records.length > limit ? page[page.length - 1]!.importId : null };
}

/** An import as the lists show it: while running, the counts of the rows recorded so far. */
export function importSummary(ctx: HouseholdContext, record: ImportRecord): ImportSummary {
  return {
    importId: record.importId,
    status: record.status,
    errorCode: record.errorCode,
    counts: record.status === "running" ? ctx.store.imports.tally(record.importId) : record.counts,
    rowsExpected: record.rowsExpected,
    createdAt: record.createdAt,
    finishedAt: record.finishedAt,
  };
}
