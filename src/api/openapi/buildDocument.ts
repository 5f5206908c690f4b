import type { RouteModule } from "../routeModule";
import { HTTP_METHODS, type OpenApiDocument, type OpenApiPaths } from "./types";

/** The shared error body, referenced by every error response. */
const ERROR_SCHEMA = {
  type: "object",
  required: ["error"],
  additionalProperties: false,
  properties: {
    error: {
      type: "object",
      required: ["name", "message", "requestId"],
      additionalProperties: false,
      properties: {
        name: { type: "string", description: "Stable error class, e.g. ValidationError" },
        message: { type: "string", description: "Short explanation; never repeats submitted values" },
        field: { type: "string", description: "The input field at fault, e.g. members[0].nationalId" },
        code: { type: "string", description: "Stable machine-readable reason" },
        requestId: { type: "string", description: "Also in the X-Request-Id header and the logs" },
      },
    },
  },
};

/** Merges the modules' paths into one OpenAPI 3.1 document; two modules claiming one operation is a bug. */
export function buildOpenApiDocument(modules: readonly RouteModule[], version: string): OpenApiDocument {
  const paths: OpenApiPaths = {};
  for (const module of modules) {
    for (const [path, operations] of Object.entries(module.openapi)) {
      const merged = (paths[path] ??= {});
      for (const method of HTTP_METHODS) {
        const operation = operations[method];
        if (!operation) continue;
        if (merged[method])
          throw new Error(`OpenAPI: ${method.toUpperCase()} ${path} is declared by two route modules`);
        merged[method] = operation;
      }
    }
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Sin Tech gateway",
      version,
      description: "Permissioned aid ledger gateway. Authenticate with `Authorization: Bearer stk_...`.",
    },
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "An API key (stk_...)" } },
      schemas: { Error: ERROR_SCHEMA },
    },
  };
}
