import type { Database } from "better-sqlite3";
import type { ImportRowRecord, ResolvedReviewRecord } from "../db";
import { authoriseImportRead, type Reader } from "./access/householdAccess";
import type { HouseholdContext } from "./context";
import { importSummary, type ImportSummary } from "./listImports";

/** A row the import did not enrol, with its review (and the review's decision) when it is a duplicate. */
export type ImportRowNotEnrolled = Omit<ImportRowRecord, "importId"> & {
  review: Omit<ResolvedReviewRecord, "importId"> | null;
};

export interface ImportDetail extends ImportSummary {
  /** A page of the rows not enrolled, in file order. */
  rows: ImportRowNotEnrolled[];
  /** The row number to read the next page after; null on the last page. */
  next: number | null;
}

export interface GetImportDetailParams {
  importId: string;
  /** Rows after this row number (the `next` of the previous page). */
  after?: number;
  limit: number;
}

/**
 * An import's state and counts with a page of the rows it did not enrol (refused, held, already enrolled),
 * each duplicate with its review. For the organisation that ran it (and the registrar and auditors): anyone
 * else gets the 404 of an unknown import. The read is recorded in the access log (`import.report`).
 */
export function getImportDetail(
  ctx: HouseholdContext,
  db: Database,
  access: { reader: Reader; requestId?: string | null },
  { importId, after = 0, limit }: GetImportDetailParams,
): ImportDetail {
  authoriseImportRead(db, { ...access, action: "import.report", subject: importId });
  const record = ctx.store.imports.get(importId)!;
  const found = ctx.store.imports.listRowsNotEnrolled(importId, after, limit + 1);
  const rows = found.slice(0, limit).map(({ importId: _, ...row }) => {
    const held = row.status === "duplicate" ? ctx.store.imports.getReview(importId, row.rowNo) : undefined;
    if (!held) return { ...row, review: null };
    const { importId: _review, ...review } = held;
    return { ...row, review };
  });
  return {
    ...importSummary(ctx, record),
    rows,
    next: found.length > limit ? rows[rows.length - 1]!.rowNo : null,
  };
}
