/** What every offline upload item is held to, whichever way its delivery was opened. */
/** An offline upload item refused for a reason of its own, with a stable code and a fixed sentence. */
export class OfflineItemRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "OfflineItemRefused";
  }
}

/** How far ahead of the gateway's clock a device's time may run before it is refused. */
export const OFFLINE_CLOCK_SKEW_MS = 5 * 60 * 1000;
