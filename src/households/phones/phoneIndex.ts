import { normalisePhone, phoneRef, type PhoneNumber } from "../../identity";
import type { HouseholdContext } from "../context";

/** A member found by the phone number they gave at enrolment. */
export interface PhoneMatch {
  householdRef: string;
  beneficiaryRef: string;
  /** The caller's number as its keyed reference under the current pepper: what sessions may store. */
  phoneRef: string;
}

/**
 * Indexes the numbers of a household's members under the current pepper. Called inside the transaction
 * that writes the household, so the index and the vault never disagree.
 */
export function indexMemberPhones(
  ctx: Pick<HouseholdContext, "store" | "peppers">,
  householdRef: string,
  members: readonly { beneficiaryRef: string; phone?: PhoneNumber }[],
): void {
  for (const member of members) {
    if (member.phone === undefined) continue;
    ctx.store.phoneRefs.insert({
      phoneRef: phoneRef(ctx.peppers, member.phone),
      pepperVersion: ctx.peppers.current,
      householdRef,
      beneficiaryRef: member.beneficiaryRef,
    });
  }
}

/**
 * The household whose member gave this number, looked up under every pepper the ring holds. Undefined
 * for a number that is malformed, unknown, erased with its household, or shared by two households (the
 * caller cannot be told apart: they use their card at the counter instead). The number itself is only
 * ever held in memory here.
 */
export function findHouseholdByPhone(
  ctx: Pick<HouseholdContext, "store" | "peppers">,
  rawPhone: string,
): PhoneMatch | undefined {
  let phone: PhoneNumber;
  try {
    phone = normalisePhone(internationalToNational(rawPhone));
  } catch {
    return undefined;
  }
  const rows = ctx.store.phoneRefs.findByRefs(
    ctx.peppers.versions.map((version) => phoneRef(ctx.peppers, phone, version)),
  );
  const households = new Set(rows.map((row) => row.householdRef));
  if (households.size !== 1) return undefined;
  return {
    householdRef: rows[0]!.householdRef,
    beneficiaryRef: rows[0]!.beneficiaryRef,
    phoneRef: phoneRef(ctx.peppers, phone),
  };
}

/** Aggregators send `98912...` (E.164 without the plus): the national form is `0912...`. */
function internationalToNational(raw: string): string {
  const trimmed = raw.trim();
  return /^98[0-9]{10}$/.test(trimmed) ? `0${trimmed.slice(2)}` : trimmed;
}
