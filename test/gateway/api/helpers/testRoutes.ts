import { z } from "zod";
import { requireRole, validate, validated, type RouteModule } from "../../../../src/api";
import {
  errorResponses,
  jsonRequestBody,
  jsonResponse,
  parametersOf,
  publicOperation,
  secured,
} from "../../../../src/api/openapi";
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
const registeredSchema = z.strictObject({ members: z.number().int(), orgId: z.string() });

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
        operationId: "testRegisterHousehold",
        summary: "Register a household (test)",
        tags: ["households"],
        requestBody: jsonRequestBody(householdSchema, {
          postalCode: "1234567891",
          members: [{ nationalId: "4831726590" }],
        }),
        responses: {
          "201": jsonResponse("Registered", registeredSchema, { members: 1, orgId: "org-charity" }),
          ...errorResponses(400),
        },
      }),
      get: secured([], {
        operationId: "testListHouseholds",
        summary: "List households (test)",
        tags: ["households"],
        parameters: parametersOf(listQuerySchema, "query", { limit: 10 }),
        responses: {
          "200": jsonResponse("A page", z.strictObject({ limit: z.number().int() }), { limit: 10 }),
        },
      }),
    },
    "/v1/test/households/{householdRef}": {
      get: secured(["charity", "auditor"], {
        operationId: "testGetHousehold",
        summary: "One household (test)",
        tags: ["households"],
        parameters: [
          { name: "householdRef", in: "path", required: true, schema: { type: "string" }, example: "0x01" },
        ],
        responses: {
          "200": jsonResponse("The household", { type: "object" }, {}),
          ...errorResponses(400),
        },
      }),
    },
    "/v1/test/regulator": {
      get: secured(["regulator"], {
        operationId: "testRegulatorOnly",
        summary: "Regulators only (test)",
        tags: ["meta"],
        responses: {
          "200": jsonResponse("OK", z.strictObject({ role: z.string() }), { role: "regulator" }),
        },
      }),
    },
    "/v1/test/boom": {
      post: publicOperation(
        {
          operationId: "testBoom",
          summary: "Always fails (test)",
          tags: ["meta"],
          responses: errorResponses(500),
        },
        { rateLimited: true },
      ),
    },
  },
};
