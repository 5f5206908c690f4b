import { randomUUID } from "node:crypto";
import { z } from "zod";
import { cachedStatement } from "../../db/statements";
import { AppError } from "../../errors";
import { getOrganisation } from "../../organisations";
import { DEFAULT_MAX_RECEIPT_LIFETIME_SECONDS } from "../../wallets";
import { proveAcceptance, recordAcceptance, startRedeeming } from "../acceptDelivery";
import { vendorAllowed } from "../chainFacts";
import { deliveryRow, deliveryView, type DeliveryView } from "../deliveryView";
import { periodLength, promisedAmount, readEntitlement } from "../entitlement";
import { requiresFieldAgent } from "../fieldAgentRule";
import { DELIVERY_ITEMS } from "../items";
import { householdMember } from "../member";
import { insertOpenRow } from "../insertOpenRow";
import { receiptDigest } from "../receipt";
import type { DeliveryDeps, DeliveryRow } from "../types";
import { OFFLINE_CLOCK_SKEW_MS, OfflineItemRefused } from "./itemRules";
import { itemProof } from "./itemProof";

const REF = z.string().regex(/^0x[0-9a-f]{64}$/);
const UINT = z.string().regex(/^(0|[1-9][0-9]{0,77})$/);

/**
 * A receipt the device built itself, with the internet cut: the EIP-712 `DeliveryReceipt` message exactly as
 * the member signed it (uint256 as decimal strings, `amount` in base units), its nonce one the device's
 * offline pack reserved to it.
 */
export const offlineReceiptSchema = z.strictObject({
  programmeId: UINT,
  beneficiaryRef: REF,
  householdRef: REF,
  vendor: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  amount: UINT,
  evidenceHash: REF,
  nonce: UINT,
  deadline: UINT,
});
export type OfflineReceipt = z.output<typeof offlineReceiptSchema>;

export interface OfflineOpenedItem {
  receipt: OfflineReceipt;
  item: (typeof DELIVERY_ITEMS)[number];
  quantity: number;
  acceptedAt: string;
  signature?: string;
  sealedPin?: string;
}

/**
 * An upload item the device opened itself: checked exactly as an online opening and acceptance would be
 * (the vendor's own receipt, the nonce reserved to it and unused, the deadline, the vendor allowed in the
 * programme, the member active, the amount within what the household has left counting the gateway's other
 * deliveries, the signature or the PIN against the wallet's attempt limit), then opened and accepted in one
 * transaction, its redemption queued. `positionKey` names the upload's item; a run of the same item after a
 * crash finds its delivery by it and answers it again instead of calling it a replay.
 */
export async function openAndAcceptOffline(
  deps: DeliveryDeps,
  vendorOrgId: string,
  positionKey: string,
  item: OfflineOpenedItem,
): Promise<DeliveryView> {
  const { receipt } = item;
  const programmeId = Number(receipt.programmeId);
  const vendor = getOrganisation(deps, vendorOrgId);
  if (receipt.vendor.toLowerCase() !== vendor.address.toLowerCase()) {
    throw new OfflineItemRefused(
      "vendor_mismatch",
      "The receipt names another vendor than the one uploading it.",
    );
  }
  const reservation = cachedStatement(
    deps.db,
    `SELECT period, reserved_at FROM offline_nonce_reservations
      WHERE programme_id = ? AND household_ref = ? AND nonce = ? AND vendor_org_id = ?`,
  ).get(programmeId, receipt.householdRef, receipt.nonce, vendorOrgId) as
    { period: number; reserved_at: string } | undefined;
  if (reservation === undefined) {
    throw new OfflineItemRefused(
      "nonce_not_reserved",
      "The receipt's nonce was not reserved to this vendor's device for this household.",
    );
  }
  const holder = cachedStatement(
    deps.db,
    "SELECT delivery_id, idempotency_key FROM deliveries WHERE programme_id = ? AND household_ref = ? AND nonce = ?",
  ).get(programmeId, receipt.householdRef, receipt.nonce) as
    { delivery_id: string; idempotency_key: string } | undefined;
  if (holder !== undefined) {
    if (holder.idempotency_key === positionKey)
      return deliveryView(deps, deliveryRow(deps, holder.delivery_id));
    throw new OfflineItemRefused("replayed", "This receipt nonce was already used by another delivery.");
  }

  const nowMs = deps.now().getTime();
  const acceptedAt = Date.parse(item.acceptedAt);
  if (acceptedAt < Date.parse(reservation.reserved_at) || acceptedAt > nowMs + OFFLINE_CLOCK_SKEW_MS) {
    throw new OfflineItemRefused(
      "time_invalid",
      "The acceptance time is before the device's pack was issued or in the future.",
    );
  }
  const nowSeconds = Math.floor(nowMs / 1000);
  const deadline = Number(receipt.deadline);
  if (deadline <= nowSeconds) {
    throw new OfflineItemRefused(
      "expired",
      "This receipt's deadline has passed; it can no longer be redeemed.",
    );
  }
  const periodEnd = (reservation.period + 1) * periodLength(deps, programmeId);
  if (deadline > Math.min(periodEnd, nowSeconds + DEFAULT_MAX_RECEIPT_LIFETIME_SECONDS)) {
    throw new OfflineItemRefused(
      "deadline_invalid",
      "The receipt's deadline is past the end of its nonce's period or more than a week away.",
    );
  }
  if (!(await vendorAllowed(deps, programmeId, vendor.address))) {
    throw new OfflineItemRefused("vendor_not_allowed", "The vendor is not allowed in this programme.");
  }
  const entitlement = await readEntitlement(deps, programmeId, receipt.householdRef);
  if (entitlement.period !== reservation.period) {
    throw new OfflineItemRefused("period_ended", "The receipt's nonce belongs to a period that has ended.");
  }
  if ((entitlement.usedNonces >>> Number(BigInt(receipt.nonce) & 0xffn)) & 1) {
    throw new OfflineItemRefused("nonce_used", "The chain has already redeemed a receipt with this nonce.");
  }
  const amount = BigInt(receipt.amount);
  if (amount === 0n || amount > entitlement.remaining) {
    throw new OfflineItemRefused(
      "above_entitlement",
      "The amount is more than the household has left in the programme.",
    );
  }
  const row = draftRow(deps, vendorOrgId, positionKey, item);
  const member = memberOf(deps, row);
  const awaitingCosign = await requiresFieldAgent(deps, programmeId);
  const { signature, channel } = await proveAcceptance(deps, row, member, itemProof(deps, row.digest, item));

  deps.db.transaction(() => {
    // Again inside the transaction: a delivery opened or accepted meanwhile holds its amount.
    const promised = promisedAmount(deps, programmeId, receipt.householdRef, entitlement.period);
    if (amount > entitlement.onChain - promised) {
      throw new OfflineItemRefused(
        "above_entitlement",
        "The amount is more than the household has left in the programme.",
      );
    }
    insertOpenRow(deps, row);
    recordAcceptance(deps, row, { signature, channel, awaitingCosign });
  })();
  startRedeeming(deps);
  return deliveryView(deps, deliveryRow(deps, row.delivery_id));
}

/** The delivery the receipt describes, as it will be stored (not yet written). */
function draftRow(
  deps: DeliveryDeps,
  vendorOrgId: string,
  positionKey: string,
  item: OfflineOpenedItem,
): DeliveryRow {
  const { receipt } = item;
  const at = new Date(item.acceptedAt).toISOString();
  const fields = receiptFields(receipt);
  return {
    ...fields,
    delivery_id: `dlv_${randomUUID()}`,
    idempotency_key: positionKey,
    vendor_org_id: vendorOrgId,
    item: item.item,
    quantity: item.quantity,
    period: Number(BigInt(receipt.nonce) >> 8n),
    digest: receiptDigest(deps, fields),
    state: "open",
    channel: null,
    accepted_by: null,
    beneficiary_sig: null,
    field_agent_org_id: null,
    field_agent_sig: null,
    redeem_job_id: null,
    tx_hash: null,
    block_number: null,
    refusal_name: null,
    refusal_args: null,
    flag_job_id: null,
    flag_state: null,
    flagged_by: null,
    dispute_reason: null,
    created_at: at,
    updated_at: deps.now().toISOString(),
  };
}

/** The receipt's member, active in the household with an active wallet; else refused by name. */
function memberOf(deps: DeliveryDeps, row: DeliveryRow) {
  try {
    return householdMember(deps, row, row.beneficiary_ref, "receipt.beneficiaryRef");
  } catch (error) {
    if (error instanceof AppError && error.status === 404) {
      throw new OfflineItemRefused(
        "not_member",
        "The receipt's member is not an active member of the household.",
      );
    }
    throw error;
  }
}

/** The delivery row's fields a device-built receipt carries: what its digest (the redemption id) is of. */
export function receiptFields(receipt: OfflineOpenedItem["receipt"]) {
  return {
    programme_id: Number(receipt.programmeId),
    beneficiary_ref: receipt.beneficiaryRef,
    household_ref: receipt.householdRef,
    vendor_address: receipt.vendor.toLowerCase(),
    amount: receipt.amount,
    evidence_hash: receipt.evidenceHash,
    nonce: receipt.nonce,
    deadline: Number(receipt.deadline),
  };
}
