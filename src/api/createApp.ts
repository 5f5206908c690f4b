import type { Database } from "better-sqlite3";
import express, { type Express, type RequestHandler } from "express";
import type { Logger } from "pino";
import packageJson from "../../package.json";
import type { Config } from "../config";
import { identify } from "./auth/identify";
import { migrateApiKeys } from "../apiKeys";
import { errorHandler, notFound } from "./errors/errorHandler";
import { healthRoutes } from "./health/healthRoutes";
import { createMetrics, type Metrics } from "./metrics/createMetrics";
import { metricsRoutes } from "./metrics/metricsRoutes";
import { jsonBody } from "./middleware/jsonBody";
import { observeRequests } from "./middleware/observeRequests";
import { rateLimiter } from "./middleware/rateLimit";
import { requestContext } from "./middleware/requestContext";
import { securityHeaders } from "./middleware/securityHeaders";
import { buildOpenApiDocument } from "./openapi/buildDocument";
import { openapiRoutes } from "./openapi/openapiRoutes";
import type { OpenApiDocument, OpenApiPaths } from "./openapi/types";
import { mountRouteModules, type RouteModule } from "./routeModule";
import "./locals";

export interface AppDeps {
  config: Config;
  db: Database;
  logger: Logger;
  /** The rooms' route modules, mounted after the built-in /health, /metrics, /openapi.json and /docs. */
  routes?: readonly RouteModule[];
  /** Pass one to register metrics from outside HTTP (chain sender, indexer) on the same registry. */
  metrics?: Metrics;
  /** Reported by /health and the OpenAPI document; the package version by default. */
  version?: string;
  /**
   * The pages (src/web), mounted after identification and rate limiting but before the JSON-only body
   * rule: their forms are URL-encoded. They answer only under /app and pass everything else on.
   */
  pages?: RequestHandler;
  /**
   * What of the pages the API's document describes (their JSON routes a script calls: the chain relay).
   * Only documented here: the pages' router serves them.
   */
  pagesOpenapi?: OpenApiPaths;
  /** Whether a chain node answers, for /health. */
  probeChain?: () => Promise<boolean>;
}

/**
 * The gateway's HTTP app. Middleware order matters: ids and observation first so every response,
 * including errors, is logged and counted; the caller is identified before rate limiting so limits
 * are per key; bodies are parsed only after the limiter so throttled clients cost no parsing.
 */
export function createApp(deps: AppDeps): Express {
  const { config, db, logger } = deps;
  const metrics = deps.metrics ?? createMetrics();
  const version = deps.version ?? packageJson.version;
  migrateApiKeys(db);

  const app = express();
  app.disable("x-powered-by");
  // Off unless configured: a client could otherwise pick its own rate-limit address with X-Forwarded-For.
  const { trustProxy } = config;
  app.set("trust proxy", typeof trustProxy === "object" ? [...trustProxy] : trustProxy);
  app.use(requestContext(logger));
  app.use(observeRequests(metrics));
  app.use(securityHeaders());
  app.use(identify(db));

  let document: OpenApiDocument | undefined;
  const modules = [
    healthRoutes({ version, probeChain: deps.probeChain }),
    metricsRoutes(),
    openapiRoutes(() => document!),
    ...(deps.routes ?? []),
  ];
  app.use(
    rateLimiter({
      ...config.rateLimit,
      ownLimitPaths: modules.flatMap((module) => module.ownRateLimitPaths ?? []),
    }),
  );
  if (deps.pages) app.use(deps.pages);
  app.use(
    jsonBody(
      config.bodyLimit,
      modules.flatMap((module) => module.rawBodyPaths ?? []),
    ),
  );
  const pagesDocs: RouteModule[] = deps.pagesOpenapi
    ? [{ register: () => undefined, openapi: deps.pagesOpenapi }]
    : [];
  document = buildOpenApiDocument([...modules, ...pagesDocs], version);
  mountRouteModules(app, modules, { config, db, logger, metrics });

  app.use(notFound);
  app.use(errorHandler(config.bodyLimit));
  return app;
}
