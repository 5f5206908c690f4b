import { z } from "zod";
import { requireRole } from "../auth/requireRole";
import { canonicalId, validate, validated } from "../validation";
import { errorResponses, jsonRequestBody, jsonResponse, parametersOf, secured } from "../openapi/jsonSchema";
import * as docs from "./responseSchemas";
import type { RouteModule } from "../routeModule";
import {
  createProgramme,
  createProgrammeSchema,
  getProgramme,
  giveSchema,
  giveToProgramme,
  listProgrammes,
  type ProgrammeDeps,
} from "../../programmes";

/** `/programmes/4/` only: `0x4`, ` 4`, `4.0`, `1e0` and `04` are refused, not coerced to programme 4. */
export const programmeParams = z.strictObject({
  programmeId: canonicalId.describe("The programme's on-chain id, in plain decimal digits"),
});
const listQuery = z.strictObject({ orgId: z.string().max(64).optional() });
const ANY_ROLE = ["regulator", "charity", "vendor", "field_agent", "auditor", "registrar", "donor"] as const;

/** Programmes (charities create them, everyone follows them) and gifts into them. */
export function programmeRoutes(deps: ProgrammeDeps): RouteModule {
  return {
    register(router) {
      router.post(
        "/v1/programmes",
        requireRole("charity"),
        validate(createProgrammeSchema),
        async (_req, res) => {
          const result = await createProgramme(
            deps,
            res.locals.principal!.orgId,
            validated(res, createProgrammeSchema),
          );
          res.status(result.status === "created" ? 201 : 202).json(result);
        },
      );
      router.get(
        "/v1/programmes",
        requireRole(...ANY_ROLE),
        validate(listQuery, "query"),
        async (_req, res) => {
          res.json({ programmes: await listProgrammes(deps, validated(res, listQuery, "query").orgId) });
        },
      );
      router.get(
        "/v1/programmes/:programmeId",
        requireRole(...ANY_ROLE),
        validate(programmeParams, "params"),
        async (_req, res) => {
          res.json(await getProgramme(deps, validated(res, programmeParams, "params").programmeId));
        },
      );
      router.post(
        "/v1/programmes/:programmeId/gifts",
        requireRole("donor", "charity"),
        validate(programmeParams, "params"),
        validate(giveSchema),
        async (_req, res) => {
          const { programmeId } = validated(res, programmeParams, "params");
          const result = await giveToProgramme(
            deps,
            res.locals.principal!.orgId,
            programmeId,
            validated(res, giveSchema),
          );
          res.status(result.status === "received" ? 201 : 202).json(result);
        },
      );
    },
    openapi: {
      "/v1/programmes": {
        post: secured(["charity"], {
          operationId: "createProgramme",
          summary: "Create a programme on chain",
          description:
            "Signed by the charity's own key. The chain keeps the money rules; the gateway keeps the name and the eligibility rule. The same `idempotencyKey` answers the same request. `minGift` must exceed `capPerPeriod / 64` (400 on `minGift` otherwise); a disbursement amount above `capPerPeriod` can never be issued (see the disbursement route).",
          tags: ["programmes"],
          requestBody: jsonRequestBody(createProgrammeSchema, {
            name: "Winter food basket",
            layer: "relief",
            category: 1,
            periodDays: 30,
            capPerPeriod: "2500000",
            minGift: "100000",
            startsAt: "2026-12-01T00:00:00.000Z",
            endsAt: "2027-12-01T00:00:00.000Z",
            idempotencyKey: "programme-2026-winter",
          }),
          responses: {
            "201": jsonResponse("Created", docs.programmeRequest.schema, docs.programmeRequest.created),
            "202": jsonResponse(
              "Queued; poll the programme list",
              docs.programmeRequest.schema,
              docs.programmeRequest.pending,
            ),
            ...errorResponses(400, 403, 409),
          },
        }),
        get: secured([...ANY_ROLE], {
          operationId: "listProgrammes",
          summary: "List programmes with live funds from the chain",
          tags: ["programmes"],
          parameters: parametersOf(listQuery, "query", { orgId: "org_3f9a2c1e" }),
          responses: {
            "200": jsonResponse("Programmes", docs.programmeList.schema, docs.programmeList.example),
            ...errorResponses(400),
          },
        }),
      },
      "/v1/programmes/{programmeId}": {
        get: secured([...ANY_ROLE], {
          operationId: "getProgramme",
          summary: "A programme and its progress",
          description:
            "Given, paid, refunded, outstanding, available and collected by vendors, live from the chain.",
          tags: ["programmes"],
          parameters: parametersOf(programmeParams, "path", { programmeId: "4" }),
          responses: {
            "200": jsonResponse("The programme", docs.programme.schema, docs.programme.example),
            ...errorResponses(400, 404),
          },
        }),
      },
      "/v1/programmes/{programmeId}/gifts": {
        post: secured(["donor", "charity"], {
          operationId: "giveToProgramme",
          summary: "Give to a programme",
          description:
            "A donor gives from its own wallet; a charity records a cash gift under the donor's receipt number (`donorReference`, never a name). The same `idempotencyKey` answers the same gift. Simulated on chain first, so a refused gift writes nothing.",
          tags: ["gifts"],
          parameters: parametersOf(programmeParams, "path", { programmeId: "4" }),
          requestBody: jsonRequestBody(giveSchema, {
            amount: "150000",
            idempotencyKey: "gift-2026-12-01-0001",
          }),
          responses: {
            "201": jsonResponse(
              "Received, with the gift id",
              docs.giftResult.schema,
              docs.giftResult.received,
            ),
            "202": jsonResponse("Queued", docs.giftResult.schema, docs.giftResult.pending),
            ...errorResponses(400, 403, 404, 409),
          },
        }),
      },
    },
  };
}
