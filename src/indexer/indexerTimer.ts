import type { Logger } from "pino";
import { indexOnce } from "./followChain";
import type { IndexerDeps } from "./types";
import { deliverDueWebhooks } from "./webhookDispatcher";

/**
 * Follows the chain in the background: a pass every `pollMs`, the next one at once while it is behind;
 * delivers due webhooks after each pass. Returns the function that stops it and waits for the pass running.
 */
export function followChainOnTime(
  deps: IndexerDeps,
  logger: Pick<Logger, "info" | "warn">,
): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = (async () => {
      let behind = false;
      try {
        const step = await indexOnce(deps);
        behind = !step.caughtUp;
        if (step.reorg)
          logger.warn(
            { ...step.reorg, confirmations: deps.policy.confirmations },
            "chain reorganised below the indexer's checkpoint: rewound to the fork point",
          );
      } catch (error) {
        logger.warn({ err: describe(error) }, "indexer pass failed; it will be retried");
      }
      try {
        await deliverDueWebhooks(deps);
      } catch (error) {
        logger.warn({ err: describe(error) }, "webhook deliveries will be retried");
      }
      if (stopped) return;
      timer = setTimeout(tick, behind ? 0 : deps.policy.pollMs);
      timer.unref();
    })();
  };
  timer = setTimeout(tick, 0);
  timer.unref();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message.slice(0, 200)}` : "unknown error";
}
