import type { Logger } from "pino";
import { closeDueBatches } from "./closeBatches";
import type { AnchoringDeps } from "./types";

/**
 * Closes batches by age in the background (they close by size as confirmations arrive): checks four times
 * per batch age, at most every 5 s; the outbox's drain sends the anchors. Returns the function that stops it.
 */
export function closeBatchesOnTime(deps: AnchoringDeps, logger: Pick<Logger, "info" | "warn">): () => void {
  const timer = setInterval(
    () => {
      try {
        const closed = closeDueBatches(deps);
        if (closed.length > 0)
          logger.info(
            { batches: closed.length, confirmations: closed.reduce((sum, batch) => sum + batch.count, 0) },
            "confirmation batches closed for anchoring",
          );
      } catch (error) {
        const reason =
          error instanceof Error ? `${error.name}: ${error.message.slice(0, 200)}` : "unknown error";
        logger.warn({ err: reason }, "confirmation batches will be closed on the next tick");
      }
    },
    Math.min(5_000, deps.policy.maxAgeMs / 4),
  );
  timer.unref();
  return () => clearInterval(timer);
}
