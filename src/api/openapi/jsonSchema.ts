import { z } from "zod";
import type { Role } from "../auth/roles";
import type { JsonSchema, OperationObject, ResponseObject } from "./types";

/**
 * The JSON Schema of a zod schema, for OpenAPI documents. `io: "input"` (the default) describes what
 * a client sends; use "output" for response schemas with transforms or defaults.
 */
export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output" = "input"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io,
    unrepresentable: "any",
  });
  return rest;
}

export function jsonRequestBody(schema: z.ZodType, description?: string): OperationObject["requestBody"] {
  return { required: true, description, content: { "application/json": { schema: jsonSchemaOf(schema) } } };
}

export function jsonResponse(description: string, schema?: z.ZodType | JsonSchema): ResponseObject {
  const json =
    schema === undefined ? {} : schema instanceof z.ZodType ? jsonSchemaOf(schema, "output") : schema;
  return { description, content: { "application/json": { schema: json } } };
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Invalid input; `field` names the first problem",
  401: "Missing, unknown or revoked API key",
  403: "The API key's role may not do this",
  404: "Not found",
  409: "Conflicts with existing state",
  413: "Body larger than the configured limit",
  415: "Body is not JSON",
  429: "Rate limit exceeded",
  500: "Internal error",
};

/** Responses in the shared error shape for the given statuses. */
export function errorResponses(...statuses: number[]): Record<string, ResponseObject> {
  return Object.fromEntries(
    statuses.map((status) => [
      String(status),
      {
        description: ERROR_DESCRIPTIONS[status] ?? "Error",
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
      },
    ]),
  );
}

/** Marks an operation as requiring an API key of `roles`, adding the 401/403 responses. */
export function secured(roles: Role[], operation: OperationObject): OperationObject {
  return {
    ...operation,
    security: [{ apiKey: [] }],
    "x-roles": roles,
    responses: { ...operation.responses, ...errorResponses(401, 403) },
  };
}
