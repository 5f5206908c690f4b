import type { HouseholdContext } from "./context";
import type { DuplicateReview } from "./getImportReport";

export interface ListDuplicateReviewsParams {
  /** The organisation whose imports raised the reviews: a charity sees only its own. */
  orgId: string;
  limit?: number;
}

/** The duplicates still waiting for a person, across the organisation's imports, newest first; refs only. */
export function listDuplicateReviews(
  ctx: HouseholdContext,
  { orgId, limit = 200 }: ListDuplicateReviewsParams,
): (DuplicateReview & { importId: string })[] {
  return ctx.store.imports.listOpenReviews(orgId, limit);
}
