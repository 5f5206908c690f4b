import { AppError } from "../errors";

/**
 * The delivery room's typed errors. Like every gateway error their messages are fixed sentences: never a
 * national ID, a phone number, a code, a PIN or a signature.
 */

/** The delivery is not in a state that allows this (accepting a redeemed one, disputing a refused one). */
export class DeliveryStateError extends AppError {
  constructor(code: string, message: string) {
    super("DeliveryStateError", 409, message, "deliveryId", code);
  }
}

/** The amount is above what the household has left in the programme this period. */
export class EntitlementExceededError extends AppError {
  constructor() {
    super(
      "EntitlementExceededError",
      400,
      "The amount is above the household's remaining entitlement in this programme.",
      "amount",
      "above_entitlement",
    );
  }
}

/** The vendor is not one of the programme's allowed vendors. */
export class VendorNotAllowedError extends AppError {
  constructor() {
    super(
      "ForbiddenError",
      403,
      "This vendor is not allowed in the programme.",
      "programmeId",
      "vendor_not_allowed",
    );
  }
}

/** The SMS code check failed: wrong (401), expired or used (410), locked after too many tries (423). */
export class SmsCodeError extends AppError {
  constructor(
    code: "code_incorrect" | "code_expired" | "code_used" | "code_locked" | "no_code",
    readonly attemptsLeft?: number,
    noun = "delivery",
  ) {
    const status = { code_incorrect: 401, code_expired: 410, code_used: 410, code_locked: 423, no_code: 409 }[
      code
    ];
    const message = {
      code_incorrect: "The code is incorrect.",
      code_expired: "The code has expired; ask for a new one.",
      code_used: "The code was already used; ask for a new one.",
      code_locked: "Too many wrong codes; ask for a new one.",
      no_code: `No code was sent for this ${noun}; ask for one first.`,
    }[code];
    super("SmsCodeError", status, message, "smsCode", code);
  }
}

/** The wallet signature does not approve this delivery's receipt. */
export class SignatureRefusedError extends AppError {
  constructor(code: "malformed" | "high_s" | "not_signer" | "no_wallet", message: string) {
    super("SignatureRefusedError", code === "no_wallet" ? 409 : 400, message, "signature", code);
  }
}
