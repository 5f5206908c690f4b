import type { RouteModule } from "../routeModule";

/**
 * Prometheus scrape endpoint. Public like /health: it carries route templates and counts, never
 * identifiers; bind the gateway to a private address (the default) or filter it at the proxy.
 */
export function metricsRoutes(): RouteModule {
  return {
    register(router, { metrics }) {
      router.get("/metrics", async (_req, res) => {
        res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
      });
    },
    openapi: {
      "/metrics": {
        get: {
          summary: "Prometheus metrics",
          tags: ["meta"],
          responses: {
            "200": { description: "Prometheus text exposition format", content: { "text/plain": {} } },
          },
        },
      },
    },
  };
}
