import { cachedStatement } from "../db/statements";
import type { ChainJob } from "../chain/outbox";
import { insertOpenRow, type OpenDeliveryRow } from "./insertOpenRow";
import { queueRedemption } from "./redeemQueue";
import type { DeliveryDeps } from "./types";

/**
 * What a redemption under a standing mandate records as delivered: an insurance premium. Not one of the
 * items a vendor may type at the counter (`DELIVERY_ITEMS`): only a mandate's premium carries it.
 */
export const PREMIUM_ITEM = "insurance-premium";
/** The household file's ledger names how a premium was accepted: once, by the standing mandate. */
export const MANDATE_CHANNEL = "mandate";

/** One receipt accepted beforehand by a standing mandate: its row as opened, and the mandate's id. */
export interface StandingRedemption {
  row: Omit<OpenDeliveryRow, "item" | "quantity">;
  /** The 32-byte mandate id the ledger takes in the beneficiary signature's place. */
  mandateId: string;
}

/**
 * Records deliveries whose acceptance is a standing mandate (nazr-e bimeh), all of one vendor (the insurer),
 * and queues their redemption in one job: one `redeem`, or one `redeemBatch` for many, whose items the
 * ordinary redemption handlers then settle one by one. Each is a delivery like any other from here on: its
 * receipt nonce is held, it counts against the household's entitlement until redeemed, the household file's
 * ledger records it (channel `mandate`), and the outbox may fold it into a larger batch of the vendor's.
 * Call inside the caller's DB transaction, so the rows and the job are written together or not at all.
 */
export function recordStandingRedemptions(
  deps: Pick<DeliveryDeps, "db" | "outbox" | "system">,
  redemptions: readonly StandingRedemption[],
): ChainJob {
  const accept = cachedStatement(
    deps.db,
    `UPDATE deliveries SET state = 'accepted', accepted_by = beneficiary_ref, beneficiary_sig = ? WHERE delivery_id = ?`,
  );
  const ledger = cachedStatement(
    deps.db,
    `INSERT INTO household_receipts (delivery_id, household_ref, programme_id, vendor_org_id, item, quantity,
       amount, redemption_id, accepted_at, channel, status)
     VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, 'accepted')`,
  );
  for (const { row, mandateId } of redemptions) {
    insertOpenRow(deps, { ...row, item: PREMIUM_ITEM, quantity: 1 });
    accept.run(mandateId, row.delivery_id);
    ledger.run(
      row.delivery_id,
      row.household_ref,
      row.programme_id,
      row.vendor_org_id,
      PREMIUM_ITEM,
      row.amount,
      row.digest,
      row.created_at,
      MANDATE_CHANNEL,
    );
  }
  return queueRedemption(
    deps,
    redemptions.map(({ row, mandateId }) => ({
      row,
      beneficiarySignature: mandateId,
      fieldAgentSignature: "0x",
    })),
  );
}
