import { NotFoundError, ValidationError } from "../../errors";
import type { WalletsContext } from "../context";
import { parseBeneficiaryRef } from "../inputs";
import { hashPin, isGuessablePin, normalisePin } from "./pin";

export interface SetPinParams {
  beneficiaryRef: string;
  /** 4 to 8 digits, in any of ASCII, Persian or Arabic-Indic digits. */
  pin: string;
}

/**
 * Sets (or resets) the PIN that unlocks a beneficiary's custodial wallet. A reset happens in person,
 * after the registrar has checked who they are, so it also clears failed attempts and any lockout.
 */
export async function setPin(ctx: WalletsContext, params: SetPinParams): Promise<void> {
  const beneficiaryRef = parseBeneficiaryRef(params.beneficiaryRef);
  const pinHash = await preparePin(ctx, params.pin);
  const binding = ctx.records.binding(beneficiaryRef);
  if (binding?.custody !== "custodial") {
    throw new NotFoundError("beneficiaryRef", "No custodial wallet is bound to this beneficiary");
  }
  storePin(ctx, beneficiaryRef, pinHash);
}

/**
 * A PIN as people type it, checked (4 to 8 digits, not guessable) and hashed for `storePin`: for other rooms
 * whose custodial keys the same PIN check unlocks (the time bank's members), hashed before their transaction.
 */
export async function preparePin(ctx: Pick<WalletsContext, "keystoreKeys">, raw: string): Promise<string> {
  const pin = normalisePin(raw);
  if (isGuessablePin(pin)) {
    throw new ValidationError(
      "pin",
      "guessable",
      "Choose a PIN that is not one repeated digit or a run like 1234",
    );
  }
  return hashPin(ctx.keystoreKeys, pin);
}

/** Sets (or resets, clearing failed attempts and any lockout) the PIN hash `passAccessCheck` checks for `ref`. */
export function storePin(ctx: Pick<WalletsContext, "db">, ref: string, pinHash: string): void {
  ctx.db
    .prepare(
      `INSERT INTO access_secrets (beneficiary_ref, pin_hash, failed_attempts, locked_until) VALUES (?, ?, 0, NULL)
       ON CONFLICT (beneficiary_ref) DO UPDATE SET pin_hash = excluded.pin_hash, failed_attempts = 0, locked_until = NULL`,
    )
    .run(ref, pinHash);
}
