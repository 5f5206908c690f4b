import type { Database } from "better-sqlite3";
import { cachedStatement } from "../db/statements";
import type { GiftEvent } from "./types";

/**
 * Queues the event for every webhook of the gift's donor (all its gifts, or this one), in the indexer's
 * transaction: an event committed is an event that will be delivered, even across a crash. A webhook and
 * an event make one row at most, so a block read again queues nothing twice.
 */
export function queueWebhookDeliveries(db: Database, event: GiftEvent, now: Date): number {
  return cachedStatement(
    db,
    `INSERT OR IGNORE INTO webhook_deliveries (webhook_id, event_id, next_attempt_at, created_at)
       SELECT w.webhook_id, ?, ?, ?
       FROM webhooks w
       JOIN organisations o ON o.org_id = w.org_id
       JOIN idx_gifts g ON g.gift_id = ? AND lower(o.address) = g.donor
       WHERE w.gift_id IS NULL OR w.gift_id = g.gift_id`,
  ).run(event.eventId, now.getTime(), now.toISOString(), event.giftId).changes;
}
