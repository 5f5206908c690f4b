import { z } from "zod";
import { cachedStatement } from "../db/statements";
import { NotFoundError, ValidationError } from "../errors";
import { beneficiaryRef as deriveBeneficiaryRef, normaliseNationalId, refCandidates } from "../identity";
import type { DeliveryDeps } from "./types";

/**
 * How a vendor names the household at the counter: the reference on its QR or PIN card (the household's
 * or a member's), or a member's national ID typed in, which is turned into its keyed reference here and
 * goes no further (never stored, logged or answered).
 */
export interface HouseholdHandle {
  householdRef?: string;
  beneficiaryRef?: string;
  nationalId?: string;
}

const REF_SCHEMA = z.string().regex(/^0x[0-9a-f]{64}$/);

/** A programme and one household handle, as a request names them (the lookup's and the opening's fields). */
export const householdHandleShape = {
  programmeId: z.number().int().positive(),
  householdRef: REF_SCHEMA.optional(),
  beneficiaryRef: REF_SCHEMA.optional(),
  nationalId: z.string().max(64).optional(),
};

export interface FoundHousehold {
  householdRef: string;
  /** The member the vendor named, when it named one (by card or national ID). */
  memberRef: string | null;
}

const REF = /^0x[0-9a-f]{64}$/;

/** Exactly one of the three; an unknown household, member or ID answers the same 404. */
export function findHousehold(deps: Pick<DeliveryDeps, "db" | "households">, handle: HouseholdHandle) {
  const given = (["householdRef", "beneficiaryRef", "nationalId"] as const).filter(
    (key) => handle[key] !== undefined,
  );
  if (given.length !== 1) {
    throw new ValidationError(
      "householdRef",
      "one_handle",
      "Name the household by exactly one of householdRef, beneficiaryRef or nationalId.",
    );
  }
  const [key] = given as [keyof HouseholdHandle];
  let found: FoundHousehold | undefined;
  if (key === "householdRef") {
    const ref = refOrThrow(handle.householdRef, "householdRef");
    const exists = cachedStatement(
      deps.db,
      "SELECT 1 FROM households WHERE household_ref = ? AND status = 'active'",
      "pluck",
    ).get(ref);
    if (exists !== undefined) found = { householdRef: ref, memberRef: null };
  } else {
    const memberRefs =
      key === "beneficiaryRef"
        ? [refOrThrow(handle.beneficiaryRef, "beneficiaryRef")]
        : refCandidates(
            deps.households.peppers,
            deriveBeneficiaryRef,
            normaliseNationalId(handle.nationalId, "nationalId"),
          ).map((candidate) => candidate.ref);
    for (const memberRef of memberRefs) {
      const householdRef = cachedStatement(
        deps.db,
        `SELECT m.household_ref FROM members m JOIN households h ON h.household_ref = m.household_ref
          WHERE m.beneficiary_ref = ? AND h.status = 'active'`,
        "pluck",
      ).get(memberRef) as string | undefined;
      if (householdRef !== undefined) {
        found = { householdRef, memberRef };
        break;
      }
    }
  }
  if (!found) throw new NotFoundError(key, "No household has an entitlement under this reference.");
  return found;
}

function refOrThrow(value: unknown, field: string): string {
  if (typeof value !== "string" || !REF.test(value)) {
    throw new ValidationError(field, "format", "Expected 0x followed by 64 lower-case hex digits");
  }
  return value;
}

/**
 * The member whose wallet signs the household's receipt: the named member if their wallet is bound and
 * active, else the household's head (the member the registry holds), else any member with an active wallet.
 */
export function receiptSigner(deps: Pick<DeliveryDeps, "db">, found: FoundHousehold): string | undefined {
  const candidates = cachedStatement(
    deps.db,
    `SELECT m.beneficiary_ref FROM members m JOIN wallet_bindings w ON w.beneficiary_ref = m.beneficiary_ref
      WHERE m.household_ref = ? AND w.status = 'active'
      ORDER BY m.role = 'head' DESC, m.created_at, m.beneficiary_ref`,
    "pluck",
  ).all(found.householdRef) as string[];
  if (found.memberRef !== null && candidates.includes(found.memberRef)) return found.memberRef;
  return candidates[0];
}
