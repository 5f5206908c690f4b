import type { Logger } from "pino";
import { closeDueRecognitionPeriods } from "./closePeriod";
import type { RecognitionDeps } from "./types";

/** How often ended periods are looked for: a month ends once, and closing one is idempotent. */
const CHECK_EVERY_MS = 10 * 60_000;

/** Closes and anchors every ended period now and then every ten minutes; returns the stop function. */
export function closeRecognitionOnTime(
  deps: RecognitionDeps,
  logger: Pick<Logger, "info" | "warn">,
  everyMs = CHECK_EVERY_MS,
): () => void {
  const tick = () => {
    try {
      for (const closed of closeDueRecognitionPeriods(deps))
        logger.info(
          { period: closed.period, accounts: closed.accounts },
          "recognition period closed for anchoring",
        );
    } catch (error) {
      const reason =
        error instanceof Error ? `${error.name}: ${error.message.slice(0, 200)}` : "unknown error";
      logger.warn({ err: reason }, "recognition periods will be closed on the next tick");
    }
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
