import { NotFoundError } from "../errors";
import type { HouseholdContext } from "./context";

export interface ShredHouseholdParams {
  householdRef: string;
}

export interface ShredHouseholdResult {
  /** False when it had already been shredded. */
  shredded: boolean;
}

/**
 * Erases a household's personal data by destroying its data key (crypto-shredding). Its refs stay,
 * so the ledger and on-chain history still add up, but nothing links them back to a person (its keyed
 * phone refs are deleted too).
 */
export async function shredHousehold(
  ctx: HouseholdContext,
  { householdRef }: ShredHouseholdParams,
): Promise<ShredHouseholdResult> {
  return ctx.store.transaction(() => {
    const household = ctx.store.households.get(householdRef);
    if (!household) throw new NotFoundError("householdRef", "No household has this reference");
    const shredded = ctx.vault.shred(householdRef);
    // The keyed phone index would still tie a number to the household: it goes with the data key.
    ctx.store.phoneRefs.deleteHousehold(householdRef);
    ctx.store.households.setStatus(householdRef, "shredded");
    return { shredded };
  });
}
