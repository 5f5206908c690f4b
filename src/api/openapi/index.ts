export * from "./types";
export {
  errorResponse,
  errorResponses,
  idempotencyKeyParameter,
  jsonRequestBody,
  jsonResponse,
  jsonSchemaOf,
  parametersOf,
  publicOperation,
  secured,
  type OperationDraft,
} from "./jsonSchema";
export { buildOpenApiDocument, TAGS } from "./buildDocument";
export { renderDocsPage } from "./docsPage";
export { renderMarkdown } from "./markdown";
