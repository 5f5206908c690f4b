import { cachedStatement } from "../db/statements";
import { NotFoundError, ValidationError } from "../errors";
import type { WalletBinding } from "../wallets";
import { SignatureRefusedError } from "./errors";
import { recoverSigner } from "./signatures/recoverSigner";
import type { DeliveryDeps, DeliveryRow } from "./types";

/** An active member of the delivery's household with an active wallet, or a 404 naming `field`. */
export function householdMember(
  deps: Pick<DeliveryDeps, "db" | "wallets">,
  row: Pick<DeliveryRow, "household_ref">,
  beneficiaryRef: unknown,
  field = "by",
): { beneficiaryRef: string; binding: WalletBinding } {
  if (typeof beneficiaryRef !== "string" || !/^0x[0-9a-f]{64}$/.test(beneficiaryRef)) {
    throw new ValidationError(field, "format", "Expected 0x followed by 64 lower-case hex digits");
  }
  const member = cachedStatement(
    deps.db,
    `SELECT 1 FROM members m JOIN households h ON h.household_ref = m.household_ref
      WHERE m.beneficiary_ref = ? AND m.household_ref = ? AND h.status = 'active'`,
    "pluck",
  ).get(beneficiaryRef, row.household_ref);
  const binding = member === undefined ? undefined : deps.wallets.records.binding(beneficiaryRef);
  if (!binding || binding.status !== "active") {
    throw new NotFoundError(field, "No active member of the household has this reference.");
  }
  return { beneficiaryRef, binding };
}

/** Refuses a signature that is not `address`'s over `digest`, naming why. */
export function requireSignedBy(
  digest: string,
  signature: unknown,
  address: string,
  what = "this delivery's receipt",
): void {
  if (typeof signature !== "string") {
    throw new SignatureRefusedError("malformed", "A signature is 0x followed by 130 hex digits.");
  }
  const recovered = recoverSigner(digest, signature);
  if ("problem" in recovered) {
    if (recovered.problem === "high_s") {
      throw new SignatureRefusedError(
        "high_s",
        "The signature has a high s value (a malleable form); sign again with a standard wallet.",
      );
    }
    throw new SignatureRefusedError("malformed", "The signature is not a valid 65-byte ECDSA signature.");
  }
  if (recovered.address !== address.toLowerCase()) {
    throw new SignatureRefusedError(
      "not_signer",
      `The signature is not by this member's wallet over ${what}.`,
    );
  }
}
