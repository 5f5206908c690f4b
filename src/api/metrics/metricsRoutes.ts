import { publicOperation } from "../openapi/jsonSchema";
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
        get: publicOperation(
          {
            operationId: "getMetrics",
            summary: "Prometheus metrics",
            description: "Route templates and counts, never identifiers. Not rate limited, like `/health`.",
            tags: ["meta"],
            responses: {
              "200": {
                description: "Prometheus text exposition format",
                content: {
                  "text/plain": {
                    schema: { type: "string" },
                    example:
                      "# HELP sintech_http_requests_total HTTP requests by method, route template and status\n" +
                      "# TYPE sintech_http_requests_total counter\n" +
                      'sintech_http_requests_total{method="GET",route="/health",status="200"} 3\n',
                  },
                },
              },
            },
          },
          { rateLimited: false },
        ),
      },
    },
  };
}
