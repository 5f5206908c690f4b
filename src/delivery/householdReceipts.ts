import { cachedStatement } from "../db/statements";
import { fromUnits } from "../programmes";
import type { AcceptanceChannel, DeliveryDeps } from "./types";

/** One line of the household file's own ledger. */
export interface HouseholdReceipt {
  deliveryId: string;
  programmeId: number;
  vendorOrgId: string;
  /** The vendor's registered name (an organisation's, never a person's). */
  vendorName: string | null;
  item: string;
  quantity: number;
  /** Whole units. */
  amount: string;
  /** The ledger's redemption id (the receipt's EIP-712 digest). */
  redemptionId: string;
  acceptedAt: string;
  /** How it was accepted; `mandate` for a premium under a standing mandate. */
  channel: AcceptanceChannel | "mandate";
  status: "accepted" | "redeemed" | "refused" | "disputed";
  txHash: string | null;
  blockNumber: number | null;
  redeemedAt: string | null;
}

/**
 * Every delivery the household accepted, newest first, with what became of it: what, when, which
 * programme and vendor, and the redemption id. For the household's charity (through the API, its access
 * tiers applied there) and for the household itself (the USSD and SMS faces).
 */
export function householdReceipts(
  deps: Pick<DeliveryDeps, "db" | "decimals">,
  householdRef: string,
  options: { limit?: number } = {},
): HouseholdReceipt[] {
  const rows = cachedStatement(
    deps.db,
    `SELECT r.*, o.name AS vendor_name FROM household_receipts r LEFT JOIN organisations o ON o.org_id = r.vendor_org_id
      WHERE r.household_ref = ? ORDER BY r.accepted_at DESC, r.delivery_id DESC LIMIT ?`,
  ).all(householdRef, options.limit ?? 100) as {
    delivery_id: string;
    programme_id: number;
    vendor_org_id: string;
    vendor_name: string | null;
    item: string;
    quantity: number;
    amount: string;
    redemption_id: string;
    accepted_at: string;
    channel: HouseholdReceipt["channel"];
    status: HouseholdReceipt["status"];
    tx_hash: string | null;
    block_number: number | null;
    redeemed_at: string | null;
  }[];
  return rows.map((row) => ({
    deliveryId: row.delivery_id,
    programmeId: row.programme_id,
    vendorOrgId: row.vendor_org_id,
    vendorName: row.vendor_name,
    item: row.item,
    quantity: row.quantity,
    amount: fromUnits(BigInt(row.amount), deps.decimals),
    redemptionId: row.redemption_id,
    acceptedAt: row.accepted_at,
    channel: row.channel,
    status: row.status,
    txHash: row.tx_hash,
    blockNumber: row.block_number,
    redeemedAt: row.redeemed_at,
  }));
}
