import type { WalletsContext } from "../context";
import { AccessCheckError, SigningCapError } from "../errors";
import type { PassedCheck } from "./accessCheck";

/** Limits on a custodial wallet over any rolling 24 hours: what a stolen PIN can cost at most. */
export interface CustodialCaps {
  maxSignaturesPerDay: number;
  /** In the settlement token's smallest unit, as the receipt's `amount`. */
  maxAmountPerDay: bigint;
}

export const CAP_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface SignatureEntry {
  beneficiaryRef: string;
  address: string;
  digest: string;
  amount: bigint;
  check: PassedCheck;
}

/**
 * Checks the caps and writes the signing_log row in one transaction, before anything is signed: two
 * concurrent requests cannot both fit under the cap, and no signature exists that the log misses.
 * Returns the row id, or null when this exact receipt was signed before (a retry: the signature is
 * deterministic, so signing it again gives nothing new and does not count twice).
 */
export function reserveSignature(
  ctx: WalletsContext,
  caps: CustodialCaps,
  entry: SignatureEntry,
): number | null {
  return ctx.db.transaction(() => {
    const signedBefore = ctx.db.prepare("SELECT 1 FROM signing_log WHERE digest = ?").get(entry.digest);
    if (signedBefore !== undefined) return null;
    const { otpId } = entry.check;
    if (
      otpId !== null &&
      ctx.db.prepare("SELECT 1 FROM signing_log WHERE otp_id = ?").get(otpId) !== undefined
    ) {
      throw new AccessCheckError("otp_used", "This OTP has already authorised a signature");
    }

    const now = ctx.now();
    const since = new Date(now.getTime() - CAP_WINDOW_MS).toISOString();
    const recent = ctx.db
      .prepare("SELECT amount FROM signing_log WHERE beneficiary_ref = ? AND at > ?")
      .all(entry.beneficiaryRef, since) as { amount: string }[];
    if (recent.length + 1 > caps.maxSignaturesPerDay) throw new SigningCapError("signature_cap");
    const spent = recent.reduce((sum, row) => sum + BigInt(row.amount), 0n);
    if (spent + entry.amount > caps.maxAmountPerDay) throw new SigningCapError("amount_cap");

    const { lastInsertRowid } = ctx.db
      .prepare(
        "INSERT INTO signing_log (beneficiary_ref, address, digest, amount, method, otp_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      )
      .run(
        entry.beneficiaryRef,
        entry.address,
        entry.digest,
        entry.amount.toString(),
        entry.check.method,
        otpId,
        now.toISOString(),
      );
    return Number(lastInsertRowid);
  })();
}

/** Undoes a reservation whose signature could not be made, so it does not eat into the caps. */
export function releaseSignature(ctx: WalletsContext, id: number): void {
  ctx.db.prepare("DELETE FROM signing_log WHERE id = ?").run(id);
}
