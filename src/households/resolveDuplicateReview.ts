import type { Database } from "better-sqlite3";
import { z } from "zod";
import type { ResolvedReviewRecord } from "../db";
import { cachedStatement } from "../db/statements";
import { AppError, NotFoundError } from "../errors";
import { parseInput } from "../validation";
import { recordAccess, type Reader } from "./access/householdAccess";
import type { HouseholdContext } from "./context";

/**
 * What a charity officer may decide about a duplicate an import held back. The household model has one
 * household per person (the members table and the chain's registry both hold it), and an import that meets
 * a known person writes nothing of that household, so "keep apart" (the person in two households) is not a
 * choice:
 * - `merge` (a person `enrolled_elsewhere` only): the person is the one already enrolled, and stays in the
 *   existing household; the imported household is not enrolled with them;
 * - `reject`: the row was a mistake in the file (the same ID twice, or a wrong ID); the household stays
 *   held until a corrected file is imported.
 */
export const REVIEW_DECISIONS = ["merge", "reject"] as const;

export const resolveReviewSchema = z.strictObject({ decision: z.enum(REVIEW_DECISIONS) });
export type ResolveReviewParams = z.input<typeof resolveReviewSchema>;

export type ResolvedReview = Omit<ResolvedReviewRecord, "importId"> & { importId: string };

export interface ResolveReviewAccess {
  reader: Reader;
  purpose?: string | null;
  requestId?: string | null;
}

/**
 * Closes one open review of an import with the officer's decision, for the charity that ran the import
 * only (anyone else is told what an unknown import answers, 404 on `importId`), and records it in the
 * access log (`import.review_resolution`, the import as subject) in the same transaction. The same decision
 * again answers the review as it stands and writes nothing; another decision on a closed review is 409
 * `already_resolved`; `merge` of anyone but a person enrolled elsewhere is 409 `nothing_to_merge`.
 */
export function resolveDuplicateReview(
  ctx: HouseholdContext,
  db: Database,
  access: ResolveReviewAccess,
  importId: string,
  rowNo: number,
  params: ResolveReviewParams,
): ResolvedReview {
  const { decision } = parseInput(resolveReviewSchema, params);
  const owner = cachedStatement(db, "SELECT org_id FROM imports WHERE import_id = ?", "pluck").get(
    importId,
  ) as string | null | undefined;
  if (
    access.reader.role !== "charity" ||
    owner === undefined ||
    owner === null ||
    owner !== access.reader.orgId
  )
    throw new NotFoundError("importId", "No import has this id.");
  const review = ctx.store.imports.getReview(importId, rowNo);
  if (!review) throw new NotFoundError("rowNo", "This import has no review at this row.");
  if (review.status === "resolved") {
    if (review.resolution === decision) return review;
    throw new AppError(
      "ConflictError",
      409,
      "This review was already resolved otherwise.",
      "decision",
      "already_resolved",
    );
  }
  // Only a person already enrolled elsewhere is someone to merge: a new member of an enrolled household has
  // nothing written anywhere (the import kept no personal data of a held row), nor a repeated ID.
  if (decision === "merge" && review.reason !== "enrolled_elsewhere") {
    throw new AppError(
      "ConflictError",
      409,
      "Only a person already enrolled in another household can be merged into it; reject this row.",
      "decision",
      "nothing_to_merge",
    );
  }
  const resolvedAt = ctx.now().toISOString();
  ctx.store.transaction(() => {
    if (
      !ctx.store.imports.resolveReview(importId, rowNo, {
        resolution: decision,
        resolvedBy: owner,
        resolvedAt,
      })
    )
      throw new AppError(
        "ConflictError",
        409,
        "This review was resolved meanwhile.",
        "decision",
        "already_resolved",
      );
    recordAccess(db, {
      reader: access.reader,
      action: "import.review_resolution",
      subject: importId,
      grounds: "imported",
      purpose: access.purpose ?? null,
      requestId: access.requestId ?? null,
      now: ctx.now,
    });
  });
  return ctx.store.imports.getReview(importId, rowNo)!;
}
