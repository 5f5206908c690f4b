import { listGiftEvents } from "./listGiftEvents";
import type { GiftEvent, IndexerDeps } from "./types";

/** Where a gift's server-sent events are written: the HTTP response of an API or a page stream. */
export interface GiftStreamSink {
  write(text: string): void;
  end(): void;
}

export const GIFT_STREAM_HEARTBEAT_MS = 15_000;

/**
 * Streams a gift's events as server-sent events into `sink`: every event after `lastEventId` (all of them
 * without one), then each new one as the indexer commits it, with a comment line as heartbeat. Answers the
 * function that stops the stream (the client went away); the gateway stopping stops it too. The caller has
 * already decided the reader may read this gift.
 */
export function streamGiftEvents(
  deps: Pick<IndexerDeps, "db" | "notifier">,
  giftId: number,
  lastEventId: string | undefined,
  sink: GiftStreamSink,
  heartbeatMs = GIFT_STREAM_HEARTBEAT_MS,
): () => void {
  const sent = new Set<string>();
  const write = (event: GiftEvent) => {
    if (sent.has(event.eventId)) return;
    sent.add(event.eventId);
    sink.write(`id: ${event.eventId}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  };
  // Subscribe first, then replay: an event committed in between is not missed (nor sent twice).
  const unsubscribe = deps.notifier.subscribe(giftId, write);
  for (const event of listGiftEvents(deps.db, giftId, lastEventId)) write(event);
  const heartbeat = setInterval(() => sink.write(": keep-alive\n\n"), heartbeatMs);
  heartbeat.unref();
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    unsubscribe();
    stopOnClose();
    sink.end();
  };
  const stopOnClose = deps.notifier.onClose(end);
  return end;
}
