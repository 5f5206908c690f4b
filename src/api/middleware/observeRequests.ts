import type { RequestHandler } from "express";
import type { Metrics } from "../metrics/createMetrics";

/** The label for requests that never reached a route (404s, bodies rejected before routing). */
export const UNROUTED = "unrouted";

/**
 * Logs one line per request and feeds the HTTP metrics. Only the route template is recorded: the raw
 * URL and query string can carry identifiers, and bodies are never logged.
 */
export function observeRequests(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // Route modules are mounted at the root, so `req.route.path` is the full template.
      const route = typeof req.route?.path === "string" ? req.route.path : UNROUTED;
      const labels = { method: req.method, route, status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, seconds);
      res.locals.log.info(
        {
          method: req.method,
          route,
          status: res.statusCode,
          durationMs: Math.round(seconds * 1e6) / 1e3,
          orgId: res.locals.principal?.orgId,
          keyId: res.locals.principal?.keyId,
          aborted: !res.writableFinished || undefined,
        },
        "request",
      );
    };
    res.on("finish", finish);
    res.on("close", finish);
    next();
  };
}
