import { cachedStatement } from "../db/statements";
import type { DeliveryDeps, DeliveryRow } from "./types";

/** The columns a delivery has when it is opened, before anyone accepts it. */
export type OpenDeliveryRow = Pick<
  DeliveryRow,
  | "delivery_id"
  | "idempotency_key"
  | "programme_id"
  | "vendor_org_id"
  | "vendor_address"
  | "household_ref"
  | "beneficiary_ref"
  | "amount"
  | "item"
  | "quantity"
  | "evidence_hash"
  | "period"
  | "nonce"
  | "deadline"
  | "digest"
  | "created_at"
  | "updated_at"
>;

/** Writes a delivery in state `open`: by the counter (online) or from a device's offline upload. */
export function insertOpenRow(deps: Pick<DeliveryDeps, "db">, row: OpenDeliveryRow): void {
  cachedStatement(
    deps.db,
    `INSERT INTO deliveries (delivery_id, idempotency_key, programme_id, vendor_org_id, vendor_address,
       household_ref, beneficiary_ref, amount, item, quantity, evidence_hash, period, nonce, deadline, digest,
       state, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)`,
  ).run(
    row.delivery_id,
    row.idempotency_key,
    row.programme_id,
    row.vendor_org_id,
    row.vendor_address,
    row.household_ref,
    row.beneficiary_ref,
    row.amount,
    row.item,
    row.quantity,
    row.evidence_hash,
    row.period,
    row.nonce,
    row.deadline,
    row.digest,
    row.created_at,
    row.updated_at,
  );
}
