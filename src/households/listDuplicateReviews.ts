import { NotFoundError } from "../errors";
import type { HouseholdContext } from "./context";
import type { DuplicateReview } from "./getImportReport";

export interface ListDuplicateReviewsParams {
  /** The organisation whose imports raised the reviews: a charity sees only its own. */
  orgId: string;
  limit?: number;
  /** Only reviews older than this one (the `next` of the previous page). */
  before?: number;
}

/** An open review with its place in the list (the cursor of the page that follows it). */
export type ListedReview = DuplicateReview & { importId: string; reviewId: number };

/**
 * The duplicates still waiting for a person, across the organisation's imports, newest first, a page at a
 * time with the cursor of the next page; refs only. A cursor that is not one of its own reviews is the 404 of
 * an unknown one.
 */
export function listDuplicateReviews(
  ctx: HouseholdContext,
  { orgId, limit = 200, before }: ListDuplicateReviewsParams,
): { reviews: ListedReview[]; next: number | null } {
  const found = ctx.store.imports.listOpenReviews(orgId, limit + 1, before);
  if (!found) throw new NotFoundError("before", "No review has this id.");
  const reviews = found.slice(0, limit);
  return { reviews, next: found.length > limit ? reviews[reviews.length - 1]!.reviewId : null };
}
