import { z } from "zod";
import { recordAccess, type Reader } from "../households";
import { getOrganisation } from "../organisations";
import { fromUnits, programmeRow } from "../programmes";
import { parseInput } from "../validation";
import { vendorAllowed } from "./chainFacts";
import { readEntitlement } from "./entitlement";
import { VendorNotAllowedError } from "./errors";
import { findHousehold, householdHandleShape } from "./findHousehold";
import type { DeliveryDeps } from "./types";

/** The programme and the household, named as at the counter (see `householdHandleShape`). */
export const lookupSchema = z.strictObject(householdHandleShape);
export type LookupParams = z.input<typeof lookupSchema>;

/** All a vendor learns: whether the household may receive from this programme now, and up to how much. */
export interface EntitlementLookup {
  programmeId: number;
  hasEntitlement: boolean;
  /** Whole units; "0" when there is none (or no such household: the two look the same). */
  upTo: string;
}

/**
 * A vendor of the programme asks whether the household named by card or national ID has an entitlement
 * in that programme, and up to what amount: no names, no members, no other programmes, and an unknown
 * household answers exactly like one with nothing left. Each lookup of a known household is recorded in
 * the access log. (The route limits how often a vendor may ask.)
 */
export async function lookupEntitlement(
  deps: DeliveryDeps,
  reader: Reader & { purpose?: string | null; requestId?: string | null },
  params: LookupParams,
): Promise<EntitlementLookup> {
  const input = parseInput(lookupSchema, params);
  programmeRow(deps, input.programmeId);
  const vendor = getOrganisation(deps, reader.orgId);
  if (vendor.role !== "vendor" || !(await vendorAllowed(deps, input.programmeId, vendor.address))) {
    throw new VendorNotAllowedError();
  }
  let householdRef: string;
  try {
    householdRef = findHousehold(deps, input).householdRef;
  } catch (error) {
    if ((error as { status?: number }).status === 404) {
      return { programmeId: input.programmeId, hasEntitlement: false, upTo: "0" };
    }
    throw error;
  }
  const { remaining } = await readEntitlement(deps, input.programmeId, householdRef);
  recordAccess(deps.db, {
    reader: { keyId: reader.keyId, orgId: reader.orgId, role: reader.role },
    action: "delivery.lookup",
    subject: householdRef,
    grounds: `vendor:${input.programmeId}`,
    purpose: reader.purpose ?? null,
    requestId: reader.requestId ?? null,
    now: deps.now,
  });
  return {
    programmeId: input.programmeId,
    hasEntitlement: remaining > 0n,
    upTo: fromUnits(remaining, deps.decimals),
  };
}
