import type { Router } from "express";
import {
  giftNotFound,
  giftOfReceiptWatch,
  readableGift,
  streamGiftEvents,
  type IndexedGift,
  type IndexerDeps,
} from "../../indexer";
import { NotFoundError } from "../../errors";
import { RECEIPT_WATCH_COOKIE, readCookies } from "../cookies";
import { pageOf } from "../pageState";
import { GIFT_ID, GIFT_READERS } from "./giftReaders";

const EVENT_ID = /^evt_[0-9a-f]{32}$/;

/**
 * The gift's events as server-sent events for its page (`EventSource` sends no API key, only cookies):
 * read with a session of a role that may read the gift, or with the grant a receipt code and secret left in
 * an HttpOnly cookie; anyone else is answered as for an unknown gift. It resumes after `Last-Event-ID` (the
 * browser's reconnect) or `after` (the last event the page already shows). The same stream as
 * `GET /v1/gifts/{giftId}/events`.
 */
export function registerGiftStreamPage(router: Router, indexer: IndexerDeps): void {
  router.get("/app/donor/gifts/:giftId/events", (req, res) => {
    const id = String(req.params.giftId);
    if (!GIFT_ID.test(id)) throw giftNotFound();
    const giftId = Number(id);
    const session = pageOf(res).session;
    let gift: IndexedGift | undefined;
    if (session && (GIFT_READERS as readonly string[]).includes(session.role)) {
      try {
        gift = readableGift(indexer.db, giftId, session);
      } catch (error) {
        // Not this session's gift: a receipt grant may still open it.
        if (!(error instanceof NotFoundError)) throw error;
      }
    }
    gift ??= giftOfReceiptWatch(indexer, giftId, readCookies(req)[RECEIPT_WATCH_COOKIE]);
    const resume = req.get("Last-Event-ID") ?? (typeof req.query.after === "string" ? req.query.after : "");
    res.status(200).set({
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store",
      "X-Accel-Buffering": "no",
    });
    res.flushHeaders();
    const end = streamGiftEvents(indexer, gift.giftId, EVENT_ID.test(resume) ? resume : undefined, {
      write: (text) => res.write(text),
      end: () => res.end(),
    });
    req.on("close", end);
  });
}
