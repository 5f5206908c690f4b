import { cachedStatement } from "../db/statements";
import { deliveryView, type DeliveryView } from "./deliveryView";
import type { DeliveryDeps, DeliveryRow } from "./types";

/**
 * The household's deliveries waiting for its word, oldest first: open and inside their deadline. What a
 * USSD menu lists for "accept or dispute".
 */
export async function pendingDeliveriesFor(
  deps: DeliveryDeps,
  householdRef: string,
): Promise<DeliveryView[]> {
  const rows = cachedStatement(
    deps.db,
    `SELECT * FROM deliveries WHERE household_ref = ? AND state = 'open' AND deadline > ?
      ORDER BY created_at, delivery_id`,
  ).all(householdRef, Math.floor(deps.now().getTime() / 1000)) as DeliveryRow[];
  return Promise.all(rows.map((row) => deliveryView(deps, row)));
}
