import { z } from "zod";
import { requireRole } from "../auth/requireRole";
import { canonicalId, validate, validated } from "../validation";
import { errorResponses, jsonRequestBody, jsonResponse, secured } from "../openapi/jsonSchema";
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
export const programmeParams = z.strictObject({ programmeId: canonicalId });
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
          summary:
            "Create a programme on chain, signed by the charity's key. minGift must be more than capPerPeriod / 64 (400 on minGift otherwise); " +
            "a disbursement amount above capPerPeriod can never be issued (see the disbursement route)",
          tags: ["programmes"],
          requestBody: jsonRequestBody(createProgrammeSchema),
          responses: {
            "201": jsonResponse("Created"),
            "202": jsonResponse("Queued; poll the programme list"),
            ...errorResponses(400, 403, 409),
          },
        }),
        get: secured([...ANY_ROLE], {
          summary: "List programmes with live funds from the chain",
          tags: ["programmes"],
          responses: { "200": jsonResponse("Programmes"), ...errorResponses(400) },
        }),
      },
      "/v1/programmes/{programmeId}": {
        get: secured([...ANY_ROLE], {
          summary:
            "A programme's progress: given, paid, refunded, outstanding, available and collected by vendors",
          tags: ["programmes"],
          responses: { "200": jsonResponse("The programme"), ...errorResponses(400, 404) },
        }),
      },
      "/v1/programmes/{programmeId}/gifts": {
        post: secured(["donor", "charity"], {
          summary:
            "Give (donor) or record a cash gift under a donor's receipt number (charity); simulated first, so a refused gift writes nothing",
          tags: ["gifts"],
          requestBody: jsonRequestBody(giveSchema),
          responses: {
            "201": jsonResponse("Received, with the gift id"),
            "202": jsonResponse("Queued"),
            ...errorResponses(400, 403, 404, 409),
          },
        }),
      },
    },
  };
}
