import { createHmac, type Hmac } from "node:crypto";
import type { NationalId } from "./nationalId";
import type { PepperRing } from "./keyRing";
import type { PhoneNumber } from "./phone";

/** A pseudonymous reference as the contracts take it: 0x-prefixed, 32 bytes of lowercase hex. */
export type Ref = `0x${string}`;

/** A ref together with the pepper version that made it, which the database keeps beside it. */
export interface VersionedRef {
  ref: Ref;
  pepperVersion: number;
}

/**
 * Keyed, never a plain hash: Iran has only about 10^9 valid national IDs, so an unkeyed hash would be
 * reversed by enumeration in minutes. The domain prefix keeps a person's beneficiary ref and a
 * household ref derived from the same ID unlinkable.
 */
function keyedRef(ring: PepperRing, domain: string, value: string, version: number): Ref {
  const mac = createHmac("sha256", ring.secret(version)).update(`${domain}:${value}`, "utf8").digest("hex");
  return `0x${mac}`;
}

/** HMAC-SHA256(pepper_v, "beneficiary:" + normalisedId) for the current pepper, or `version`. */
export function beneficiaryRef(
  ring: PepperRing,
  nationalId: NationalId,
  version: number = ring.current,
): Ref {
  return keyedRef(ring, "beneficiary", nationalId, version);
}

/**
 * HMAC-SHA256(pepper_v, "household:" + householdKey). The key is chosen once at enrolment (the head's
 * normalised national ID) and kept in the vault, so the ref stays stable when the head changes later.
 */
export function householdRef(ring: PepperRing, householdKey: string, version: number = ring.current): Ref {
  return keyedRef(ring, "household", householdKey, version);
}

/**
 * The refs `value` has under every pepper the ring still holds, newest first. During a rotation, a
 * person enrolled under an older pepper is found by looking up all of these.
 */
export function refCandidates(
  ring: PepperRing,
  derive: (ring: PepperRing, value: NationalId, version: number) => Ref,
  value: NationalId,
  /** Its ref under the current pepper, when the caller has it already (an HMAC not made twice). */
  current?: Ref,
): VersionedRef[] {
  return ring.versions.map((pepperVersion) => ({
    ref:
      current !== undefined && pepperVersion === ring.current ? current : derive(ring, value, pepperVersion),
    pepperVersion,
  }));
}

/**
 * HMAC-SHA256(pepper_v, "donor:" + reference) for a cash donor's receipt number. Charities type national
 * IDs and phone numbers into this field too, so it is keyed like every other reference that leaves the
 * gateway: a plain keccak256 of a 10-digit number is reversed by trying them all.
 */
export function donorRef(ring: PepperRing, reference: string, version: number = ring.current): Ref {
  return keyedRef(ring, "donor", reference.trim(), version);
}

/**
 * HMAC-SHA256(pepper_v, "phone:" + normalisedPhone): how a caller's phone number finds its household (the
 * USSD face) without the number being stored anywhere but the encrypted vault. Keyed because Iranian
 * mobile numbers are about 10^9: an unkeyed hash of one is reversed by trying them all.
 */
export function phoneRef(ring: PepperRing, phone: PhoneNumber, version: number = ring.current): Ref {
  return keyedRef(ring, "phone", phone, version);
}

/**
 * A keyed fingerprint of a request, stored with its idempotency key so the same key sent with another
 * body is recognised. Keyed because a body may carry a national ID (a CSV, a donor's reference).
 */
export function requestFingerprint(
  ring: PepperRing,
  scope: string,
  payload: string | Buffer,
  version: number = ring.current,
): string {
  return requestFingerprinter(ring, scope, version).update(payload).digest("hex");
}

/** `requestFingerprint` fed piece by piece, for a payload read as a stream (an uploaded file). */
export function requestFingerprinter(ring: PepperRing, scope: string, version: number = ring.current): Hmac {
  return createHmac("sha256", ring.secret(version)).update(`request:${scope}:`, "utf8");
}

/**
 * HMAC-SHA256(pepper_v, "timebank-member:" + normalisedId): a person's time-bank member reference. Its own
 * domain, so a member cannot be linked to the same person's beneficiary ref by anyone without the pepper.
 */
export function memberRef(ring: PepperRing, nationalId: NationalId, version: number = ring.current): Ref {
  return keyedRef(ring, "timebank-member", nationalId, version);
}
