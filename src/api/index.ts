/** The gateway's HTTP layer: app factory, server lifecycle and the kit route modules are built with. */
import "./locals";

export { createApp, type AppDeps } from "./createApp";
export { startServer, type RunningServer, type ServerOptions } from "./server";
export {
  mountRouteModules,
  toOpenApiPath,
  type AnchoringRouteServices,
  type DeliveryRouteServices,
  type DisbursementRouteServices,
  type HouseholdRouteServices,
  type RouteContext,
  type RouteModule,
  type RouteServices,
  type StatusRouteServices,
  type WalletRouteServices,
} from "./routeModule";
export * from "./auth";
export { validate, validated, assertStrictObjects } from "./validation";
export { createMetrics, METRIC_PREFIX, type Metrics } from "./metrics/createMetrics";
export {
  buildOpenApiDocument,
  errorResponses,
  jsonRequestBody,
  jsonResponse,
  jsonSchemaOf,
  renderDocsPage,
  secured,
  type HttpMethod,
  type JsonSchema,
  type OpenApiDocument,
  type OpenApiPaths,
  type OperationObject,
} from "./openapi";
export { errorBody, type ErrorBody } from "./errors/errorHandler";
export * from "./errors/httpErrors";
export { REQUEST_ID_HEADER } from "./middleware/requestContext";
export { UNROUTED } from "./middleware/observeRequests";
