export * from "./types";
export { errorResponses, jsonRequestBody, jsonResponse, jsonSchemaOf, secured } from "./jsonSchema";
export { buildOpenApiDocument } from "./buildDocument";
export { renderDocsPage } from "./docsPage";
