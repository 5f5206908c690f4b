import type { RequestHandler } from "express";
import { ipKeyGenerator, rateLimit } from "express-rate-limit";
import { RateLimitedError } from "../errors/httpErrors";

/** Probes are polled by orchestrators and scrapers; throttling them would report a healthy gateway as down. */
const UNLIMITED_PATHS = new Set(["/health", "/metrics"]);

/**
 * A fixed-window limit per API key (so one organisation cannot starve others behind the same proxy),
 * falling back to the client address for requests without a valid key. In memory: one gateway
 * process; a shared store is needed once several gateways sit behind one balancer.
 */
export function rateLimiter({
  windowMs,
  max,
  per = "key",
  ownLimitPaths = [],
}: {
  windowMs: number;
  max: number;
  /** Paths whose route applies a limit of its own (the USSD aggregator's callbacks): left alone here. */
  ownLimitPaths?: readonly string[];
  /** `organisation`: one budget shared by every key of the caller's organisation (a vendor's lookups). */
  per?: "key" | "organisation";
}): RequestHandler {
  return rateLimit({
    windowMs,
    limit: max,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    skip: (req) => UNLIMITED_PATHS.has(req.path) || ownLimitPaths.includes(req.path),
    keyGenerator: (req, res) =>
      res.locals.principal
        ? per === "organisation"
          ? `org:${res.locals.principal.orgId}`
          : `key:${res.locals.principal.keyId}`
        : `ip:${ipKeyGenerator(req.ip ?? "unknown")}`,
    handler: (_req, _res, next) => next(new RateLimitedError()),
  });
}
