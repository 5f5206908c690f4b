import { EventEmitter } from "node:events";
import type { GiftEvent } from "./types";

const CLOSE = Symbol("close");

/**
 * Tells open server-sent-event streams about gift events as the indexer commits them. In-process only:
 * a stream that was closed catches up from the gift_events table with its Last-Event-ID.
 */
export class GiftNotifier {
  readonly #emitter = new EventEmitter();

  constructor() {
    // Each open stream is one listener; many donors may watch at once.
    this.#emitter.setMaxListeners(0);
  }

  publish(event: GiftEvent): void {
    this.#emitter.emit(String(event.giftId), event);
  }

  /** Ends every open stream (the gateway is stopping): each `onClose` listener is called once. */
  close(): void {
    this.#emitter.emit(CLOSE);
  }

  onClose(listener: () => void): () => void {
    this.#emitter.once(CLOSE, listener);
    return () => this.#emitter.off(CLOSE, listener);
  }

  /** Calls `listener` with each new event of the gift; returns the function that stops it. */
  subscribe(giftId: number, listener: (event: GiftEvent) => void): () => void {
    this.#emitter.on(String(giftId), listener);
    return () => this.#emitter.off(String(giftId), listener);
  }
}
