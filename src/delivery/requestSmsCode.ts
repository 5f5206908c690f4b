import { AppError } from "../errors";
import { beneficiaryRef as deriveBeneficiaryRef } from "../identity";
import { fromUnits } from "../programmes";
import { deliveryRow } from "./deliveryView";
import { DeliveryStateError } from "./errors";
import { issueSmsCode } from "./otp/smsCodes";
import type { DeliveryDeps } from "./types";

interface VaultMembers {
  members: { nationalId: string; phone?: string }[];
}

/**
 * The household's phone from the vault: the receipt's member's own number if they gave one, else the
 * first member's who did. Read in memory only, for the SMS adapter.
 */
export function householdPhone(
  deps: Pick<DeliveryDeps, "db" | "households">,
  householdRef: string,
  memberRef: string,
): string | undefined {
  const pii = deps.households.vault.get<VaultMembers>(householdRef);
  const version = deps.db
    .prepare("SELECT pepper_version FROM members WHERE beneficiary_ref = ?")
    .pluck()
    .get(memberRef) as number | undefined;
  const own = pii.members.find(
    (member) =>
      member.phone !== undefined &&
      version !== undefined &&
      deriveBeneficiaryRef(deps.households.peppers, member.nationalId as never, version) === memberRef,
  );
  return (own ?? pii.members.find((member) => member.phone !== undefined))?.phone;
}

export interface SmsCodeSent {
  deliveryId: string;
  expiresAt: string;
}

/**
 * Texts a 6-digit code to the household's phone, bound to this one open delivery: it reads what was
 * delivered and the amount, so the person accepting knows what the code confirms. The code is kept only
 * as a keyed hash and goes nowhere else (not in the answer, the logs or the database).
 */
export async function requestSmsCode(deps: DeliveryDeps, deliveryId: string): Promise<SmsCodeSent> {
  const row = deliveryRow(deps, deliveryId);
  if (row.state !== "open" && row.state !== "awaiting_cosign" && row.state !== "redeemed") {
    throw new DeliveryStateError("not_open", "This delivery can no longer be accepted or disputed.");
  }
  const phone = householdPhone(deps, row.household_ref, row.beneficiary_ref);
  if (phone === undefined) {
    throw new AppError(
      "DeliveryStateError",
      409,
      "The household has no phone number on file; accept with a PIN or a wallet instead.",
      "deliveryId",
      "no_phone",
    );
  }
  const { code, expiresAt } = issueSmsCode(deps, deliveryId);
  const amount = fromUnits(BigInt(row.amount), deps.decimals);
  await deps.sms.send({
    to: phone,
    text: `Sin Tech: ${code} is your code for ${row.item} x${row.quantity} (${amount}) of programme ${row.programme_id}. Give it only if you received it. Expires in 5 minutes.`,
  });
  return { deliveryId, expiresAt };
}
