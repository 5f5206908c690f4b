import type { Ref } from "../identity";
import type { HouseholdContext } from "./context";

export interface ExportableHousehold {
  householdRef: Ref;
  members: number;
  enrolledAt: string;
}

/**
 * The households any export (open data, a partner, a report) may include: active ones without
 * military or security staff, whose records the report requires to be kept apart.
 */
export async function listExportableHouseholds(ctx: HouseholdContext): Promise<ExportableHousehold[]> {
  return ctx.store.households.listExportable().map((h) => ({
    householdRef: h.householdRef as Ref,
    members: ctx.store.members.listByHousehold(h.householdRef).length,
    enrolledAt: h.createdAt,
  }));
}
