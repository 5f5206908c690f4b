import { ValidationError } from "../../errors";
import type { WalletsContext } from "../context";
import { AccessCheckError, AccessLockedError } from "../errors";
import { hashPin, normalisePin, verifyPin } from "./pin";

/**
 * What unlocks a custodial signature: the PIN typed at the vendor's device, or an OTP that the delivery
 * room has already verified (its id is recorded so one OTP authorises one signature).
 */
export type AccessCheck = { pin: string } | { otpVerified: true; otpId: string };

export type PassedCheck = { method: "pin"; otpId: null } | { method: "otp"; otpId: string };

export const MAX_PIN_ATTEMPTS = 5;
export const PIN_LOCKOUT_MS = 15 * 60 * 1000;

const OTP_ID = /^[A-Za-z0-9:_-]{1,128}$/;

interface SecretRow {
  pin_hash: string;
  failed_attempts: number;
  locked_until: string | null;
}

type Attempt = { kind: "locked"; until: string } | { kind: "go"; pinHash: string };

/** Passes or throws a typed 4xx error; wrong PINs count towards the lockout. */
export async function passAccessCheck(
  ctx: WalletsContext,
  beneficiaryRef: string,
  check: unknown,
): Promise<PassedCheck> {
  if (typeof check !== "object" || check === null) {
    throw new ValidationError("check", "format", "A check is either a PIN or a verified OTP");
  }
  if ("pin" in check) return checkPin(ctx, beneficiaryRef, normalisePin(check.pin, "check.pin"));
  if ("otpVerified" in check || "otpId" in check) {
    const { otpVerified, otpId } = check as { otpVerified?: unknown; otpId?: unknown };
    if (otpVerified !== true) throw new AccessCheckError("otp_not_verified", "The OTP has not been verified");
    if (typeof otpId !== "string" || !OTP_ID.test(otpId)) {
      throw new ValidationError("check.otpId", "format", "An OTP id is 1 to 128 letters, digits or : _ -");
    }
    return { method: "otp", otpId };
  }
  throw new ValidationError("check", "format", "A check is either a PIN or a verified OTP");
}

async function checkPin(ctx: WalletsContext, beneficiaryRef: string, pin: string): Promise<PassedCheck> {
  const select = ctx.db.prepare(
    "SELECT pin_hash, failed_attempts, locked_until FROM access_secrets WHERE beneficiary_ref = ?",
  );
  const setAttempts = ctx.db.prepare(
    "UPDATE access_secrets SET failed_attempts = ?, locked_until = ? WHERE beneficiary_ref = ?",
  );

  // The attempt is counted before the (slow, async) hash comparison, so guesses sent in parallel
  // cannot all slip in before the first wrong one is recorded.
  const attempt = ctx.db.transaction((): Attempt => {
    const row = select.get(beneficiaryRef) as SecretRow | undefined;
    if (!row) throw new AccessCheckError("pin_not_set", "No PIN is set for this wallet");
    const now = ctx.now();
    let failed = row.failed_attempts;
    if (row.locked_until !== null) {
      if (now.getTime() < Date.parse(row.locked_until)) return { kind: "locked", until: row.locked_until };
      failed = 0; // The lockout has been served: a fresh set of attempts.
    }
    if (failed >= MAX_PIN_ATTEMPTS) {
      // Only reachable with attempts still in flight; refuse without a verdict on this one.
      return { kind: "locked", until: new Date(now.getTime() + PIN_LOCKOUT_MS).toISOString() };
    }
    setAttempts.run(failed + 1, null, beneficiaryRef);
    return { kind: "go", pinHash: row.pin_hash };
  })();
  if (attempt.kind === "locked") throw new AccessLockedError(attempt.until);

  const { result, stale } = await verifyPin(ctx.keystoreKeys, pin, attempt.pinHash);
  if (result === "match") {
    ctx.db
      .prepare("UPDATE access_secrets SET failed_attempts = 0, locked_until = NULL WHERE beneficiary_ref = ?")
      .run(beneficiaryRef);
    if (stale) await upgradeHash(ctx, beneficiaryRef, pin, attempt.pinHash);
    return { method: "pin", otpId: null };
  }
  if (result === "unverifiable") {
    ctx.db
      .prepare(
        "UPDATE access_secrets SET failed_attempts = max(failed_attempts - 1, 0) WHERE beneficiary_ref = ?",
      )
      .run(beneficiaryRef);
    throw new AccessCheckError("pin_not_set", "This PIN can no longer be checked; it must be set again");
  }

  const failed = ctx.db.transaction((): { left: number } | { until: string } => {
    const row = select.get(beneficiaryRef) as SecretRow | undefined;
    if (!row || row.failed_attempts < MAX_PIN_ATTEMPTS)
      return { left: MAX_PIN_ATTEMPTS - (row?.failed_attempts ?? 0) };
    const until = new Date(ctx.now().getTime() + PIN_LOCKOUT_MS).toISOString();
    setAttempts.run(row.failed_attempts, until, beneficiaryRef);
    return { until };
  })();
  if ("until" in failed) throw new AccessLockedError(failed.until);
  throw new AccessCheckError("pin_incorrect", "The PIN is incorrect", failed.left);
}

/** Re-hashes under the current keystore key and costs; a PIN reset in the meantime wins. */
async function upgradeHash(
  ctx: WalletsContext,
  beneficiaryRef: string,
  pin: string,
  previous: string,
): Promise<void> {
  const pinHash = await hashPin(ctx.keystoreKeys, pin);
  ctx.db
    .prepare("UPDATE access_secrets SET pin_hash = ? WHERE beneficiary_ref = ? AND pin_hash = ?")
    .run(pinHash, beneficiaryRef, previous);
}
