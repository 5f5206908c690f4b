import type { Database } from "better-sqlite3";
import type { GiftEvent } from "./types";

/** The gift's events in order, after `lastEventId` when a stream reconnects with one (up to 1,000). */
export function listGiftEvents(db: Database, giftId: number, lastEventId?: string): GiftEvent[] {
  const after = lastEventId
    ? ((db
        .prepare("SELECT seq FROM gift_events WHERE event_id = ? AND gift_id = ?")
        .pluck()
        .get(lastEventId, giftId) as number | undefined) ?? 0)
    : 0;
  const rows = db
    .prepare("SELECT payload_json FROM gift_events WHERE gift_id = ? AND seq > ? ORDER BY seq LIMIT 1000")
    .pluck()
    .all(giftId, after) as string[];
  return rows.map((row) => JSON.parse(row) as GiftEvent);
}

/** The id of the gift's latest event, if any: a page that shows the gift so far streams only what follows. */
export function lastGiftEventId(db: Database, giftId: number): string | undefined {
  return db
    .prepare("SELECT event_id FROM gift_events WHERE gift_id = ? ORDER BY seq DESC LIMIT 1")
    .pluck()
    .get(giftId) as string | undefined;
}
