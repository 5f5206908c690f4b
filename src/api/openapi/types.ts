import type { Role } from "../../apiKeys";

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";
export const HTTP_METHODS: readonly HttpMethod[] = ["get", "post", "put", "patch", "delete"];

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1), hand-written or from `jsonSchemaOf(zodSchema)`. */
export type JsonSchema = Record<string, unknown>;

export interface ParameterObject {
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
  /** Markdown. */
  description?: string;
  schema: JsonSchema;
  example?: unknown;
}

export interface MediaTypeObject {
  schema?: JsonSchema;
  /** A value the schema accepts; Redocly's `no-invalid-media-type-examples` checks that it does. */
  example?: unknown;
}

export interface ResponseObject {
  /** Markdown. */
  description: string;
  content?: Record<string, MediaTypeObject>;
}

export interface RequestBodyObject {
  required?: boolean;
  /** Markdown. */
  description?: string;
  content: Record<string, MediaTypeObject>;
}

/** `[{ apiKey: [] }]` for routes behind `requireRole`, `[]` for public ones. */
export type SecurityRequirements = Record<string, string[]>[];

export interface OperationObject {
  /** Unique in the document, camelCase: what generated clients name the call. */
  operationId: string;
  summary: string;
  /** Markdown. */
  description?: string;
  tags: string[];
  parameters?: ParameterObject[];
  requestBody?: RequestBodyObject;
  responses: Record<string, ResponseObject>;
  /** Set by `secured()` for routes behind `requireRole`, by `publicOperation()` (`[]`) for the others. */
  security: SecurityRequirements;
  /** The roles `requireRole` admits, shown on the docs page. */
  "x-roles"?: Role[];
  /** A time-bank member's own route: a member session, not an API key (`memberOperation`). */
  "x-member"?: boolean;
}

/** OpenAPI paths (`/households/{householdRef}`) to operations by lower-case method. */
export type OpenApiPaths = Record<string, Partial<Record<HttpMethod, OperationObject>>>;

export interface OpenApiDocument {
  openapi: "3.1.0";
  info: {
    title: string;
    version: string;
    description?: string;
    license: { name: string; identifier: string };
  };
  servers: { url: string; description: string }[];
  tags: { name: string; description: string }[];
  paths: OpenApiPaths;
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, JsonSchema> };
}
