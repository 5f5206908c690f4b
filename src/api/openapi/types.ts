import type { Role } from "../auth/roles";

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";
export const HTTP_METHODS: readonly HttpMethod[] = ["get", "post", "put", "patch", "delete"];

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1), hand-written or from `jsonSchemaOf(zodSchema)`. */
export type JsonSchema = Record<string, unknown>;

export interface ParameterObject {
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface MediaTypeObject {
  schema?: JsonSchema;
}

export interface ResponseObject {
  description: string;
  content?: Record<string, MediaTypeObject>;
}

export interface OperationObject {
  summary: string;
  description?: string;
  tags?: string[];
  operationId?: string;
  parameters?: ParameterObject[];
  requestBody?: { required?: boolean; description?: string; content: Record<string, MediaTypeObject> };
  responses: Record<string, ResponseObject>;
  /** Empty for public routes; set by `secured()` for routes behind `requireRole`. */
  security?: Record<string, string[]>[];
  /** The roles `requireRole` admits, shown on the docs page. */
  "x-roles"?: Role[];
}

/** OpenAPI paths (`/households/{householdRef}`) to operations by lower-case method. */
export type OpenApiPaths = Record<string, Partial<Record<HttpMethod, OperationObject>>>;

export interface OpenApiDocument {
  openapi: "3.1.0";
  info: { title: string; version: string; description?: string };
  paths: OpenApiPaths;
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, JsonSchema> };
}
