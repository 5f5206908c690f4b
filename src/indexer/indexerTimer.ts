import type { Logger } from "pino";
import { indexOnce } from "./followChain";
import type { IndexerDeps } from "./types";
import { deliverDueWebhooks } from "./webhookDispatcher";

/**
 * Follows the chain in the background: a pass every `pollMs`, the next one at once while it is behind.
 * Webhooks are sent by a loop of their own, so a receiver that hangs until the timeout never holds the
 * indexer back. Returns the function that stops both and waits for the work in progress.
 */
export function followChainOnTime(
  deps: IndexerDeps,
  logger: Pick<Logger, "info" | "warn">,
): () => Promise<void> {
  const indexing = loop(
    deps.policy.pollMs,
    async () => {
      const step = await indexOnce(deps);
      if (step.reorg)
        logger.warn(
          { ...step.reorg, confirmations: deps.policy.confirmations },
          "chain reorganised below the indexer's checkpoint: rewound to the fork point",
        );
      return !step.caughtUp;
    },
    (error) => logger.warn({ err: describe(error) }, "indexer pass failed; it will be retried"),
  );
  const sending = loop(
    Math.min(deps.policy.pollMs, deps.webhooks.retryBaseMs),
    async () => {
      await deliverDueWebhooks(deps);
      return false;
    },
    (error) => logger.warn({ err: describe(error) }, "webhook deliveries will be retried"),
  );
  return async () => {
    await Promise.all([indexing(), sending()]);
  };
}

/** Runs `work` every `intervalMs` (again at once when it answers true); returns its stop function. */
function loop(
  intervalMs: number,
  work: () => Promise<boolean>,
  onError: (error: unknown) => void,
): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = (async () => {
      let again = false;
      try {
        again = await work();
      } catch (error) {
        onError(error);
      }
      if (stopped) return;
      timer = setTimeout(tick, again ? 0 : intervalMs);
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
