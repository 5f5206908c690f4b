import { z } from "zod";
import type { RouteModule } from "../routeModule";
import { jsonResponse, publicOperation } from "../openapi/jsonSchema";
import { cachedStatement } from "../../db/statements";

export interface HealthOptions {
  version: string;
  /** Resolves true when a chain node answers; absent until the chain room provides one. */
  probeChain?: () => Promise<boolean>;
  /** A hung node must not hang the health check that orchestrators poll. */
  probeTimeoutMs?: number;
  /** How long one probe's answer serves every request; concurrent requests share one probe. */
  probeReuseMs?: number;
}

const healthSchema = z.strictObject({
  status: z.enum(["ok", "unavailable"]),
  version: z.string(),
  uptimeSeconds: z.number(),
  database: z.strictObject({ ok: z.boolean() }),
  chain: z.strictObject({ reachable: z.boolean().nullable() }),
});

/**
 * Liveness: 200 while the database answers, 503 otherwise. An unreachable chain is reported but does
 * not fail the check: restarting the gateway would not fix the chain and would drop queued work.
 */
export function healthRoutes({
  version,
  probeChain,
  probeTimeoutMs = 2_000,
  probeReuseMs = 1_000,
}: HealthOptions): RouteModule {
  const startedAt = Date.now();
  const probe = probeChain && sharedProbe(() => withTimeout(probeChain(), probeTimeoutMs), probeReuseMs);
  return {
    register(router, { db }) {
      router.get("/health", async (_req, res) => {
        const databaseOk = checkDatabase(() => cachedStatement(db, "SELECT 1 AS ok").get());
        const reachable = probe ? await probe() : null;
        const body: z.infer<typeof healthSchema> = {
          status: databaseOk ? "ok" : "unavailable",
          version,
          uptimeSeconds: Math.floor((Date.now() - startedAt) / 1000),
          database: { ok: databaseOk },
          chain: { reachable },
        };
        res.status(databaseOk ? 200 : 503).json(body);
      });
    },
    openapi: {
      "/health": {
        get: publicOperation(
          {
            operationId: "getHealth",
            summary: "Liveness, database check and chain reachability",
            description:
              "200 while the database answers, 503 otherwise. An unreachable chain is reported (`chain.reachable: false`) but does not fail the check. Not rate limited.",
            tags: ["meta"],
            responses: {
              "200": jsonResponse("The gateway is serving", healthSchema, {
                status: "ok",
                version: "0.1.0",
                uptimeSeconds: 3600,
                database: { ok: true },
                chain: { reachable: true },
              }),
              "503": jsonResponse("The database does not answer", healthSchema, {
                status: "unavailable",
                version: "0.1.0",
                uptimeSeconds: 3600,
                database: { ok: false },
                chain: { reachable: true },
              }),
            },
          },
          { rateLimited: false },
        ),
      },
    },
  };
}

function checkDatabase(query: () => unknown): boolean {
  try {
    query();
    return true;
  } catch {
    return false;
  }
}

/**
 * One probe at a time, its answer reused for `reuseMs`: however often /health is polled, the chain node
 * sees at most one probe a second (each cost the gateway about a millisecond of CPU and the node a request).
 */
function sharedProbe(run: () => Promise<boolean>, reuseMs: number): () => Promise<boolean> {
  let last: { at: number; answer: Promise<boolean> } | undefined;
  return () => {
    const now = Date.now();
    if (!last || now - last.at >= reuseMs) last = { at: now, answer: run() };
    return last.answer;
  };
}

async function withTimeout(probe: Promise<boolean>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([probe.then((ok) => ok === true).catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
