import { z } from "zod";
import type { Role } from "../../apiKeys";
import type {
  JsonSchema,
  OperationObject,
  ParameterObject,
  RequestBodyObject,
  ResponseObject,
} from "./types";

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

/** A JSON request body validated by `schema`, with a value it accepts. */
export function jsonRequestBody(
  schema: z.ZodType,
  example: unknown,
  description?: string,
): RequestBodyObject {
  return {
    required: true,
    ...(description !== undefined && { description }),
    content: { "application/json": { schema: jsonSchemaOf(schema), example } },
  };
}

/** A JSON response: `schema` describes what the route sends (strict zod objects refuse undocumented fields). */
export function jsonResponse(
  description: string,
  schema: z.ZodType | JsonSchema,
  example: unknown,
): ResponseObject {
  const json = schema instanceof z.ZodType ? jsonSchemaOf(schema, "output") : schema;
  return { description, content: { "application/json": { schema: json, example } } };
}

/**
 * OpenAPI parameters from the zod object that `validate(schema, "params" | "query")` applies, so the
 * document and the validation are one source. Property descriptions (`.describe()`) become the
 * parameters' descriptions; `examples` gives each parameter a value the schema accepts.
 */
export function parametersOf(
  schema: z.ZodObject,
  location: "path" | "query",
  examples: Record<string, unknown>,
): ParameterObject[] {
  const json = jsonSchemaOf(schema) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...propertySchema } = property as JsonSchema & { description?: string };
    if (!(name in examples)) throw new Error(`OpenAPI: no example for the ${location} parameter ${name}`);
    return {
      name,
      in: location,
      required: location === "path" || (json.required ?? []).includes(name),
      ...(typeof description === "string" && { description }),
      schema: propertySchema,
      example: examples[name],
    };
  });
}

/** The `Idempotency-Key` header of the upload routes (see `idempotencyKeyHeader`). */
export function idempotencyKeyParameter(required: boolean, description: string): ParameterObject {
  return {
    name: "Idempotency-Key",
    in: "header",
    required,
    description,
    schema: { type: "string", pattern: "^[A-Za-z0-9._:-]{8,100}$" },
    example: "import-2026-12-01-north",
  };
}

const REQUEST_ID_EXAMPLE = "5b8f3c1e-2a47-4d0b-9c6e-8f1a2b3c4d5e";

/** What each status means here, with an error body the gateway really sends for it. */
const ERRORS: Record<number, { description: string; example: Record<string, string> }> = {
  400: {
    description: "Invalid input; `field` names the first problem and `code` says what is wrong with it",
    example: {
      name: "ValidationError",
      message: "National ID check digit does not match",
      field: "members[0].nationalId",
      code: "checksum",
    },
  },
  401: {
    description:
      "Missing, unknown or revoked API key (see the `WWW-Authenticate` header); where a route checks a beneficiary's PIN or SMS code, a wrong one (`code` `pin_incorrect` or `code_incorrect`)",
    example: { name: "UnauthenticatedError", message: "An API key is required" },
  },
  403: {
    description: "The API key's role may not do this",
    example: { name: "ForbiddenError", message: "This action requires the role charity" },
  },
  404: {
    description: "Not found, or not visible to this API key",
    example: {
      name: "NotFoundError",
      message: "No programme has this id.",
      field: "programmeId",
      code: "not_found",
    },
  },
  409: {
    description:
      "Conflicts with existing state: already enrolled, or an idempotency key reused for another request",
    example: {
      name: "DuplicateError",
      message: "This idempotency key was used for another request",
      field: "idempotencyKey",
      code: "idempotency_key_reused",
    },
  },
  410: {
    description: "The record existed but its personal data was destroyed (crypto-shredded)",
    example: {
      name: "GoneError",
      message: "This household's personal data was erased",
      field: "householdRef",
      code: "gone",
    },
  },
  413: {
    description: "Body larger than the configured limit",
    example: { name: "PayloadTooLargeError", message: "Request body exceeds the 1mb limit" },
  },
  415: {
    description: "Body is neither JSON (`application/json`, UTF-8) nor, where a route takes one, `text/csv`",
    example: {
      name: "UnsupportedMediaTypeError",
      message: "Request bodies must be application/json in UTF-8",
    },
  },
  423: {
    description:
      "Locked after too many wrong PINs or SMS codes: wait for the lockout to end, or ask for a new code",
    example: {
      name: "SmsCodeError",
      message: "Too many wrong codes; ask for a new one.",
      field: "smsCode",
      code: "code_locked",
    },
  },
  429: {
    description: "Rate limit of this API key (or address) exceeded; retry after `Retry-After` seconds",
    example: {
      name: "RateLimitedError",
      message: "Too many requests; retry after the time given in Retry-After",
    },
  },
  500: {
    description: "Internal error; quote the `requestId` when reporting it",
    example: { name: "InternalError", message: "Internal error; quote the request id when reporting it" },
  },
};

/** One response in the shared error shape; `example` overrides the status's usual error body. */
export function errorResponse(status: number, example?: Record<string, string>): ResponseObject {
  const known = ERRORS[status];
  if (!known) throw new Error(`OpenAPI: no description for error status ${status}`);
  return {
    description: known.description,
    content: {
      "application/json": {
        schema: { $ref: "#/components/schemas/Error" },
        example: { error: { ...(example ?? known.example), requestId: REQUEST_ID_EXAMPLE } },
      },
    },
  };
}

/** Responses in the shared error shape for the given statuses. */
export function errorResponses(...statuses: number[]): Record<string, ResponseObject> {
  return Object.fromEntries(statuses.map((status) => [String(status), errorResponse(status)]));
}

/** An operation as a route module declares it; `secured()` or `publicOperation()` adds its security. */
export type OperationDraft = Omit<OperationObject, "security" | "x-roles">;

/** Marks an operation as requiring an API key of `roles`, adding the 401, 403 and 429 responses. */
export function secured(roles: Role[], operation: OperationDraft): OperationObject {
  return {
    ...operation,
    security: [{ apiKey: [] }],
    "x-roles": roles,
    responses: { ...operation.responses, ...errorResponses(401, 403, 429) },
  };
}

/**
 * Marks an operation as a time-bank member's own: a member session's bearer token (`stms_…`, from a sign-in
 * link its coordinator made), never an API key; adds the 401 and 429 responses. `x-member` lets the access
 * tests find every such route.
 */
export function memberOperation(operation: OperationDraft): OperationObject {
  return {
    ...operation,
    security: [{ memberSession: [] }],
    "x-member": true,
    responses: { ...operation.responses, ...errorResponses(401, 429) },
  };
}

/** Marks an operation as open to anyone (`security: []`); `rateLimited` adds its 429. */
export function publicOperation(
  operation: OperationDraft,
  { rateLimited }: { rateLimited: boolean },
): OperationObject {
  return {
    ...operation,
    security: [],
    responses: { ...operation.responses, ...(rateLimited && errorResponses(429)) },
  };
}
