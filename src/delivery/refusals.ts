import type { DecodedRevert } from "../chain/decodeRevert";
import { AppError } from "../errors";
import { CHAIN_REFUSALS, type ChainRefusal } from "../programmes";

/**
 * What the ledger's refusals of a redemption, a co-signature or a flag mean, in plain words; the
 * contract's error name is the `code`. Anything not listed falls back to the programmes room's list.
 */
export const DELIVERY_REFUSALS: Readonly<Record<string, ChainRefusal>> = {
  VendorMismatch: { status: 403, field: "deliveryId", message: "Only the receipt's vendor redeems it." },
  VendorUnauthorized: {
    status: 403,
    field: "programmeId",
    message: "The vendor is not allowed in the programme, or its licence does not cover it.",
  },
  ReceiptExpired: {
    status: 409,
    field: "deliveryId",
    message: "The receipt's deadline passed before it was redeemed.",
  },
  ReceiptNonceInvalid: {
    status: 409,
    field: "deliveryId",
    message: "The receipt belongs to a period that has ended.",
  },
  ReceiptNonceUsed: {
    status: 409,
    field: "deliveryId",
    message: "The household already used this receipt: it was redeemed, or another receipt took its nonce.",
  },
  ReceiptNoncesExhausted: {
    status: 409,
    field: "householdRef",
    message: "The household has used every receipt of this programme for the period.",
  },
  ReceiptSignatureInvalid: {
    status: 400,
    field: "signature",
    message: "The signature is not by the beneficiary's active wallet in this household.",
  },
  ReceiptDeadlineBeyondGrace: {
    status: 409,
    field: "signature",
    message: "The receipt was signed by a replaced wallet and its deadline is beyond that wallet's grace.",
  },
  FieldAgentInvalid: {
    status: 403,
    field: "fieldAgent",
    message: "The co-signature is not by a field agent licensed for this programme's layer and category.",
  },
  FieldAgentNotIndependent: {
    status: 409,
    field: "fieldAgent",
    message:
      "The field agent is not independent of this delivery: it is the vendor, the wallet that accepted, or a member of the household.",
  },
  FieldAgentRequired: {
    status: 409,
    field: "fieldAgent",
    message: "The programme needs a field agent's co-signature.",
  },
  EntitlementInsufficient: {
    status: 409,
    field: "amount",
    message: "The household's remaining entitlement is below the amount.",
  },
  ProgrammeIsPaused: { status: 409, field: "programmeId", message: "The programme is paused." },
  RedemptionUnknown: {
    status: 409,
    field: "deliveryId",
    message: "The chain knows no redemption of this receipt.",
  },
  DisputeWindowClosed: {
    status: 409,
    field: "deliveryId",
    message: "The dispute window of this redemption has closed.",
  },
  FlagUnauthorized: {
    status: 403,
    field: "deliveryId",
    message: "Only the wallet of the receipt's beneficiary or an auditor may flag a redemption.",
  },
  DisputeStatusInvalid: { status: 409, field: "deliveryId", message: "The redemption was already flagged." },
};

export function refusalOf(name: string): ChainRefusal {
  return DELIVERY_REFUSALS[name] ?? CHAIN_REFUSALS[name] ?? { status: 409, message: "The chain refused it." };
}

/** A refusal of the ledger, in the API's one error shape: `name` ChainRefusedError, `code` the custom error. */
export class DeliveryRefusedError extends AppError {
  constructor(readonly revert: DecodedRevert) {
    const refusal = refusalOf(revert.name);
    super("ChainRefusedError", refusal.status, refusal.message, refusal.field, revert.name);
  }
}
