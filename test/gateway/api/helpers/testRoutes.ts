import { z } from "zod";
import {
  errorResponses,
  jsonRequestBody,
  jsonResponse,
  requireRole,
  secured,
  validate,
  validated,
  type RouteModule,
} from "../../../../src/api";
import { ValidationError } from "../../../../src/errors";

export const memberSchema = z.strictObject({
  nationalId: z.string().regex(/^\d{10}$/),
  role: z.enum(["head", "member"]).optional(),
});

export const householdSchema = z.strictObject({
  postalCode: z.string().regex(/^\d{10}$/),
  members: z.array(memberSchema).min(1).max(20),
  size: z.number().int().min(1).optional(),
});

const listQuerySchema = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).optional() });

/**
 * A stand-in for a room's route module, shaped like the real ones will be: role check, then strict
 * validation, then the use-case. It answers with counts and the caller, never with personal data.
 */
export const testRoutes: RouteModule = {
  register(router) {
    router.post(
      "/v1/test/households",
      requireRole("charity", "registrar"),
      validate(householdSchema),
      (_req, res) => {
        const household = validated(res, householdSchema);
        res.status(201).json({ members: household.members.length, orgId: res.locals.principal!.orgId });
      },
    );
    router.get("/v1/test/households", requireRole(), validate(listQuerySchema, "query"), (_req, res) => {
      res.json({ limit: validated(res, listQuerySchema, "query").limit ?? 10 });
    });
    router.get("/v1/test/households/:householdRef", requireRole("charity", "auditor"), (_req, _res) => {
      throw new ValidationError(
        "householdRef",
        "not_a_reference",
        "householdRef is not a household reference",
      );
    });
    router.get("/v1/test/regulator", requireRole("regulator"), (_req, res) => {
      res.json({ role: res.locals.principal!.role });
    });
    router.post("/v1/test/boom", (req) => {
      // A careless bug: the message quotes the input. The response and the logs must still stay clean.
      throw new Error(`could not process ${JSON.stringify(req.body)}`);
    });
  },
  openapi: {
    "/v1/test/households": {
      post: secured(["charity", "registrar"], {
        summary: "Register a household (test)",
        requestBody: jsonRequestBody(householdSchema),
        responses: { "201": jsonResponse("Registered"), ...errorResponses(400) },
      }),
      get: secured([], {
        summary: "List households (test)",
        parameters: [{ name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100 } }],
        responses: { "200": jsonResponse("A page") },
      }),
    },
    "/v1/test/households/{householdRef}": {
      get: secured(["charity", "auditor"], {
        summary: "One household (test)",
        parameters: [{ name: "householdRef", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": jsonResponse("The household"), ...errorResponses(400) },
      }),
    },
    "/v1/test/regulator": {
      get: secured(["regulator"], {
        summary: "Regulators only (test)",
        responses: { "200": jsonResponse("OK") },
      }),
    },
    "/v1/test/boom": {
      post: { summary: "Always fails (test)", responses: errorResponses(500) },
    },
  },
};
