import { z } from "zod";
import { requireRole } from "../auth/requireRole";
import { canonicalId, validate, validated } from "../validation";
import { errorResponses, jsonRequestBody, jsonResponse, parametersOf, secured } from "../openapi/jsonSchema";
import type { RouteModule } from "../routeModule";
import { programmeParams } from "./programmeRoutes";
import * as docs from "./programmeRuleSchemas";
import {
  groupAdmissionSchema,
  programmePauseSchema,
  setGroupAdmission,
  setProgrammePause,
  type ProgrammeDeps,
  type ProgrammeRuleDeps,
} from "../../programmes";

export interface ProgrammeRuleServices {
  programmes: ProgrammeDeps;
  organisations: { operator: string };
}

const groupParams = z.strictObject({
  groupId: canonicalId.describe("The exclusivity group's on-chain id, in plain decimal digits"),
});

/**
 * The programme book's rules the regulator sets: which charities may join an exclusivity group, and
 * pausing a programme (which its own charity may also do, and undo unless the regulator paused it).
 */
export function programmeRuleRoutes(services: ProgrammeRuleServices): RouteModule {
  // Read at request time: the OpenAPI build mounts the routes with no services behind them.
  const deps = (): ProgrammeRuleDeps => ({
    ...services.programmes,
    operator: services.organisations.operator,
  });
  return {
    register(router) {
      router.post(
        "/v1/exclusivity-groups/:groupId/admissions",
        requireRole("regulator"),
        validate(groupParams, "params"),
        validate(groupAdmissionSchema),
        async (_req, res) => {
          const { groupId } = validated(res, groupParams, "params");
          res.json(await setGroupAdmission(deps(), groupId, validated(res, groupAdmissionSchema)));
        },
      );
      router.post(
        "/v1/programmes/:programmeId/pause",
        requireRole("regulator", "charity"),
        validate(programmeParams, "params"),
        validate(programmePauseSchema),
        async (_req, res) => {
          const { programmeId } = validated(res, programmeParams, "params");
          const { orgId, role } = res.locals.principal!;
          const actor = { orgId, role: role as "regulator" | "charity" };
          res.json(await setProgrammePause(deps(), actor, programmeId, validated(res, programmePauseSchema)));
        },
      );
    },
    openapi: {
      "/v1/exclusivity-groups/{groupId}/admissions": {
        post: secured(["regulator"], {
          operationId: "setGroupAdmission",
          summary: "Admit charities to an exclusivity group, or withdraw them",
          description:
            "Which charities' programmes may join the group (`ProgrammeBook.setExclusivityGroupAdmission`, regulator only on chain), sent by the gateway's operator as regulator. A withdrawn charity's programmes in the group issue nothing more; what they issued stays redeemable. At most 50 charities a request, each a registered charity. Checked against the chain first: a charity already in the state asked answers 409 `ExclusivityGroupAdmissionUnchanged` and queues nothing. The same `idempotencyKey` answers the same request.",
          tags: ["programmes"],
          parameters: parametersOf(groupParams, "path", { groupId: "1" }),
          requestBody: jsonRequestBody(groupAdmissionSchema, {
            charityOrgIds: ["org_3f9a2c1e0b7d"],
            admitted: true,
            idempotencyKey: "admit-group-1-2026-12-03",
          }),
          responses: {
            "200": jsonResponse(
              "The group as the chain holds it after the change",
              docs.exclusivityGroup.schema,
              docs.exclusivityGroup.example,
            ),
            ...errorResponses(400, 404, 409),
          },
        }),
      },
      "/v1/programmes/{programmeId}/pause": {
        post: secured(["regulator", "charity"], {
          operationId: "setProgrammePause",
          summary: "Pause or resume a programme",
          description:
            "Stops (or lets run again) the programme's issuance, claims and redemptions (`ProgrammeBook.setProgrammePaused`): the regulator, sent by the gateway's operator, or the programme's own charity, signed by its key (another charity: 403 `not_your_programme`). A regulator's pause is lifted only by a regulator (409 `ProgrammePausedByRegulator` to the charity); a regulator may take over a pause the charity set. Checked against the chain first: a programme already in the state asked answers 409 `ProgrammePauseUnchanged` and queues nothing. The same `idempotencyKey` answers the same request.",
          tags: ["programmes"],
          parameters: parametersOf(programmeParams, "path", { programmeId: "4" }),
          requestBody: jsonRequestBody(programmePauseSchema, {
            paused: true,
            idempotencyKey: "pause-programme-4-2026-12-03",
          }),
          responses: {
            "200": jsonResponse(
              "The programme's pause as the chain holds it after the change",
              docs.programmePause.schema,
              docs.programmePause.example,
            ),
            ...errorResponses(400, 403, 404, 409),
          },
        }),
      },
    },
  };
}
