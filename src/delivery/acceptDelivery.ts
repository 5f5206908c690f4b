import { z } from "zod";
import { cachedStatement } from "../db/statements";
import { ValidationError } from "../errors";
import { parseInput } from "../validation";
import { deliveryRow, deliveryView, type DeliveryView } from "./deliveryView";
import { DeliveryStateError } from "./errors";
import { requiresFieldAgent } from "./fieldAgentRule";
import { householdMember, requireSignedBy } from "./member";
import { useSmsCode } from "./otp/smsCodes";
import { ledgerDomain, receiptDigest, receiptOf } from "./receipt";
import { queueRedemption } from "./redeemQueue";
import type { AcceptanceChannel, DeliveryDeps, DeliveryRow } from "./types";

const REF = z.string().regex(/^0x[0-9a-f]{64}$/);

/** The beneficiary's proof, relayed by the vendor's device: exactly one of a signature, a PIN or an SMS code. */
export const acceptanceSchema = z.strictObject({
  signature: z.string().max(200).optional(),
  pin: z.string().max(32).optional(),
  smsCode: z.string().max(32).optional(),
  by: REF.optional(),
});
export type AcceptanceProof = z.input<typeof acceptanceSchema>;

export interface AcceptDeliveryParams {
  deliveryId: string;
  /** The member accepting; the receipt's own member when absent. */
  by?: string;
  /** How the proof arrived; `ussd` takes a PIN typed into the USSD menu. Defaults from the proof. */
  channel?: AcceptanceChannel;
  signature?: string;
  pin?: string;
  smsCode?: string;
}

/**
 * Any active member of the household accepts an open delivery, and the proof is what authorises it: their
 * own wallet's EIP-712 signature of the receipt (checked with libsecp256k1), or their custodial wallet
 * signs after a PIN or the SMS code bound to this delivery. Where the programme needs a field agent the
 * delivery waits for the co-signature (`awaiting_cosign`); otherwise the redemption is queued in the
 * outbox in the same transaction as the state change, and written into the household file's ledger.
 */
export async function acceptDelivery(
  deps: DeliveryDeps,
  params: AcceptDeliveryParams,
): Promise<DeliveryView> {
  const { deliveryId, channel: _channel, by: _by, ...proof } = params;
  parseInput(acceptanceSchema, { ...proof, ...(params.by !== undefined && { by: params.by }) });
  requireOneProof(params);
  const row = openRow(deps, deliveryId);
  const member = householdMember(deps, row, params.by ?? row.beneficiary_ref);
  // Another member accepting signs a receipt in their own name: same delivery, nonce and amount.
  const receiptRow: DeliveryRow = { ...row, beneficiary_ref: member.beneficiaryRef };
  // The row's digest is its own member's receipt's; hashing it again was an eighth of an acceptance's time.
  if (member.beneficiaryRef !== row.beneficiary_ref) receiptRow.digest = receiptDigest(deps, receiptRow);
  const awaitingCosign = await requiresFieldAgent(deps, row.programme_id);

  const { signature, channel } = await proveAcceptance(deps, receiptRow, member, params);
  deps.db.transaction(() => {
    // Checked again: another acceptance may have finished while this one was signing.
    openRow(deps, deliveryId);
    recordAcceptance(deps, receiptRow, { signature, channel, awaitingCosign });
  })();
  startRedeeming(deps);
  return deliveryView(deps, deliveryRow(deps, deliveryId));
}

/**
 * The member's proof turned into the receipt's signature: their own wallet's, checked against the receipt's
 * digest, or their custodial wallet's after the PIN or the SMS code passed (within its caps).
 */
export async function proveAcceptance(
  deps: DeliveryDeps,
  receiptRow: DeliveryRow,
  member: { beneficiaryRef: string; binding: { address: string } },
  proof: { channel?: AcceptanceChannel; signature?: string; pin?: string; smsCode?: string },
): Promise<{ signature: string; channel: AcceptanceChannel }> {
  if (proof.signature !== undefined) {
    requireSignedBy(receiptRow.digest, proof.signature, member.binding.address);
    return { signature: proof.signature.toLowerCase(), channel: "wallet" };
  }
  const check =
    proof.pin !== undefined
      ? { pin: proof.pin }
      : {
          otpVerified: true as const,
          otpId: useSmsCode(deps, receiptRow.delivery_id, proof.smsCode),
        };
  const channel = proof.pin !== undefined ? (proof.channel === "ussd" ? "ussd" : "pin") : "sms";
  const signed = await deps.custodialSigner.signReceipt(
    { beneficiaryRef: member.beneficiaryRef, check },
    ledgerDomain(deps),
    receiptOf(receiptRow),
  );
  return { signature: signed.signature, channel };
}

/**
 * Inside the caller's transaction: the open delivery becomes accepted (or awaits its co-signature) in the
 * name of the receipt's member, the household file's ledger records it, and its redemption is queued.
 */
export function recordAcceptance(
  deps: DeliveryDeps,
  receiptRow: DeliveryRow,
  acceptance: { signature: string; channel: AcceptanceChannel; awaitingCosign: boolean },
): void {
  const at = deps.now().toISOString();
  const { signature, channel, awaitingCosign } = acceptance;
  cachedStatement(
    deps.db,
    `UPDATE deliveries SET state = ?, channel = ?, accepted_by = ?, beneficiary_ref = ?, digest = ?,
       beneficiary_sig = ?, updated_at = ? WHERE delivery_id = ?`,
  ).run(
    awaitingCosign ? "awaiting_cosign" : "accepted",
    channel,
    receiptRow.beneficiary_ref,
    receiptRow.beneficiary_ref,
    receiptRow.digest,
    signature,
    at,
    receiptRow.delivery_id,
  );
  cachedStatement(
    deps.db,
    `INSERT INTO household_receipts (delivery_id, household_ref, programme_id, vendor_org_id, item, quantity,
       amount, redemption_id, accepted_at, channel, status)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'accepted')`,
  ).run(
    receiptRow.delivery_id,
    receiptRow.household_ref,
    receiptRow.programme_id,
    receiptRow.vendor_org_id,
    receiptRow.item,
    receiptRow.quantity,
    receiptRow.amount,
    receiptRow.digest,
    at,
    channel,
  );
  if (!awaitingCosign) {
    // The receipt's fields are the row's as just written: no need to read it back.
    queueRedemption(deps, [{ row: receiptRow, beneficiarySignature: signature, fieldAgentSignature: "0x" }]);
  }
}

/** The delivery, if it can still be accepted: open and inside its deadline. */
function openRow(deps: DeliveryDeps, deliveryId: string): DeliveryRow {
  const row = deliveryRow(deps, deliveryId);
  if (row.state !== "open") {
    throw new DeliveryStateError("not_open", "This delivery is no longer open for acceptance.");
  }
  if (row.deadline <= Math.floor(deps.now().getTime() / 1000)) {
    throw new DeliveryStateError("expired", "This delivery's receipt has expired; open a new one.");
  }
  return row;
}

/** The outbox sends the redemption now rather than at its next tick; its failures are retried there. */
export function startRedeeming(deps: Pick<DeliveryDeps, "outbox">): void {
  deps.outbox.drain().catch(() => undefined);
}

/** Exactly one proof: a signature, a PIN or an SMS code. */
export function requireOneProof(proof: { signature?: unknown; pin?: unknown; smsCode?: unknown }): void {
  const given = [proof.signature, proof.pin, proof.smsCode].filter((value) => value !== undefined);
  if (given.length !== 1) {
    throw new ValidationError("signature", "one_proof", "Send exactly one of signature, pin or smsCode.");
  }
}
