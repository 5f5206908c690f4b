import { AppError } from "../errors";

/**
 * The wallets room's typed errors. Like every gateway error, messages are fixed sentences: they never
 * repeat a PIN, a key or a signature.
 */

/** A sealed key failed to open: a wrong keystore key or tampered bytes, never bad input. */
export class KeystoreIntegrityError extends AppError {
  constructor() {
    super("KeystoreIntegrityError", 500, "A stored key failed its integrity check");
  }
}

/**
 * The PIN or OTP check did not pass. `pin_incorrect` and `otp_not_verified` are 401; `pin_not_set`
 * and `otp_used` are 409 because retrying the same thing cannot succeed.
 */
export class AccessCheckError extends AppError {
  constructor(
    code: "pin_incorrect" | "pin_not_set" | "otp_not_verified" | "otp_used",
    message: string,
    /** Wrong PINs left before the lockout, for `pin_incorrect`. */
    readonly attemptsLeft?: number,
  ) {
    const status = code === "pin_not_set" || code === "otp_used" ? 409 : 401;
    super("AccessCheckError", status, message, "check", code);
  }
}

/** Too many wrong PINs: the custodial wallet refuses to sign until `lockedUntil`. */
export class AccessLockedError extends AppError {
  constructor(readonly lockedUntil: string) {
    super("AccessLockedError", 423, "Too many wrong PINs; signing is locked for a while", "check", "locked");
  }
}

/** A custodial wallet reached its daily number of signatures or its daily amount. */
export class SigningCapError extends AppError {
  constructor(code: "signature_cap" | "amount_cap") {
    const message =
      code === "signature_cap"
        ? "This wallet has signed its maximum number of receipts for the last 24 hours"
        : "This receipt would exceed the wallet's maximum amount for the last 24 hours";
    super("SigningCapError", 429, message, code === "amount_cap" ? "receipt.amount" : "beneficiaryRef", code);
  }
}

/** The custodial signer will not sign this: not the beneficiary's own custodial wallet, or suspended. */
export class SigningRefusedError extends AppError {
  constructor(
    field: string,
    code: "other_beneficiary" | "not_custodial" | "not_own_wallet" | "wallet_suspended",
    message: string,
  ) {
    super("SigningRefusedError", 403, message, field, code);
  }
}

/** The proof-of-control challenge ran out before it was answered. */
export class ChallengeExpiredError extends AppError {
  constructor() {
    super(
      "ChallengeExpiredError",
      410,
      "The challenge has expired; ask for a new one",
      "challengeId",
      "expired",
    );
  }
}

/** The proof-of-control challenge was already answered: each one proves control once. */
export class ChallengeUsedError extends AppError {
  constructor() {
    super(
      "ChallengeUsedError",
      409,
      "The challenge was already used; ask for a new one",
      "challengeId",
      "used",
    );
  }
}

/** Rebinding to a self-custodied wallet needs a recent proof that the beneficiary controls it. */
export class ControlNotProvenError extends AppError {
  constructor() {
    super(
      "ControlNotProvenError",
      403,
      "Control of the new wallet has not been proven recently; answer a challenge first",
      "to",
      "control_not_proven",
    );
  }
}
