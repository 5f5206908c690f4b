import type { RouteModule } from "../routeModule";
import { jsonResponse } from "./jsonSchema";
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
        get: {
          summary: "OpenAPI 3.1 description of this API",
          tags: ["meta"],
          responses: { "200": jsonResponse("The OpenAPI document", { type: "object" }) },
        },
      },
      "/docs": {
        get: {
          summary: "Human-readable API documentation",
          tags: ["meta"],
          responses: { "200": { description: "HTML page", content: { "text/html": {} } } },
        },
      },
    },
  };
}
