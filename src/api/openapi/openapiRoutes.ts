import type { RouteModule } from "../routeModule";
import { jsonResponse, publicOperation } from "./jsonSchema";
import { renderDocsPage } from "./docsPage";
import type { OpenApiDocument } from "./types";

/** Serves the assembled document; takes a getter because the document includes this module's own paths. */
export function openapiRoutes(getDocument: () => OpenApiDocument): RouteModule {
  let page: string | undefined;
  return {
    register(router) {
      router.get("/openapi.json", (_req, res) => {
        res.json(getDocument());
      });
      router.get("/docs", (_req, res) => {
        page ??= renderDocsPage(getDocument());
        res.type("html").send(page);
      });
    },
    openapi: {
      "/openapi.json": {
        get: publicOperation(
          {
            operationId: "getOpenApiDocument",
            summary: "OpenAPI 3.1 description of this API",
            description: "This document. Generate it offline with `npm run -s openapi`.",
            tags: ["meta"],
            responses: {
              "200": jsonResponse(
                "The OpenAPI document",
                {
                  type: "object",
                  required: ["openapi", "info", "paths", "components"],
                  properties: {
                    openapi: { const: "3.1.0" },
                    info: { type: "object" },
                    paths: { type: "object" },
                    components: { type: "object" },
                  },
                },
                {
                  openapi: "3.1.0",
                  info: { title: "Sin Tech gateway", version: "0.1.0" },
                  paths: {},
                  components: {},
                },
              ),
            },
          },
          { rateLimited: true },
        ),
      },
      "/docs": {
        get: publicOperation(
          {
            operationId: "getDocsPage",
            summary: "Human-readable API documentation",
            description:
              "One self-contained HTML page (no scripts, no remote assets) rendered from this document.",
            tags: ["meta"],
            responses: {
              "200": {
                description: "HTML page",
                content: {
                  "text/html": {
                    schema: { type: "string" },
                    example:
                      '<!doctype html>\n<html lang="en"><head><title>Sin Tech gateway API</title></head>...',
                  },
                },
              },
            },
          },
          { rateLimited: true },
        ),
      },
    },
  };
}
