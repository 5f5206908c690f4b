import type { DuplicateReviewRecord, ImportCounts, ImportRowRecord, ImportStatus } from "../db";
import { NotFoundError } from "../errors";
import type { HouseholdContext } from "./context";

export type ImportRowResult = Omit<ImportRowRecord, "importId">;
export type DuplicateReview = Omit<DuplicateReviewRecord, "importId">;

export interface ImportReport {
  importId: string;
  idempotencyKey: string;
  status: ImportStatus;
  fileSha256: string | null;
  errorCode: string | null;
  counts: ImportCounts;
  /** One result per data row, in file order. */
  rows: ImportRowResult[];
  /** The duplicates a person must look at. */
  reviews: DuplicateReview[];
}

export interface GetImportReportParams {
  importId: string;
}

/** Everything an import decided, row by row, with its review list; refs only, no personal data. */
export async function getImportReport(
  ctx: HouseholdContext,
  { importId }: GetImportReportParams,
): Promise<ImportReport> {
  return readImportReport(ctx, importId);
}

export function readImportReport(ctx: HouseholdContext, importId: string): ImportReport {
  const record = ctx.store.imports.get(importId);
  if (!record) throw new NotFoundError("importId", "No import has this id");
  return {
    importId,
    idempotencyKey: record.idempotencyKey,
    status: record.status,
    fileSha256: record.fileSha256,
    errorCode: record.errorCode,
    // A running import's counts are those of the rows recorded so far; the stored ones are written at its end.
    counts: record.status === "running" ? ctx.store.imports.tally(importId) : record.counts,
    rows: ctx.store.imports.listRows(importId).map(({ importId: _, ...row }) => row),
    reviews: ctx.store.imports.listReviews(importId).map(({ importId: _, ...review }) => review),
  };
}
