import { z } from "zod";
import {
  admitMember,
  admitMemberSchema,
  appointCoordinator,
  appointCoordinatorSchema,
  changeMember,
  changeMemberSchema,
  findCoordinator,
  getMember,
} from "../../timebank";
import { requireRole } from "../auth/requireRole";
import { errorResponses, jsonRequestBody, jsonResponse, parametersOf, secured } from "../openapi/jsonSchema";
import type { RouteModule, TimebankRouteServices } from "../routeModule";
import { validate, validated } from "../validation";
import { EXAMPLE_REF } from "./responseSchemas";
import * as docs from "./timebankSchemas";

const memberParams = z.strictObject({
  memberRef: z
    .string()
    .regex(/^0x[0-9a-f]{64}$/)
    .describe("The member's keyed reference: `0x` and 64 lower-case hex digits"),
});
const COORDINATOR_ONLY =
  "Only a charity the regulator appointed a coordinator (403 `not_coordinator` otherwise); a member of another " +
  "coordinator answers 404, as an unknown one, so membership is not disclosed across coordinators.";
const CHECKED =
  "Every write is first tried against the chain: a refusal answers 409 naming the TimeBank's error " +
  "(`code`), and nothing is queued or stored.";

/**
 * The time bank's coordinator tasks: the regulator appoints a charity a coordinator; the coordinator admits
 * members, reads them as the chain holds them, and sets their limits, suspends, reinstates or removes them.
 */
export function timebankRoutes(services: TimebankRouteServices): RouteModule {
  const deps = () => services.timebank;
  return {
    register(router) {
      router.post(
        "/v1/timebank/coordinators",
        requireRole("regulator"),
        validate(appointCoordinatorSchema),
        async (_req, res) => {
          const body = validated(res, appointCoordinatorSchema);
          const known = findCoordinator(deps(), body.orgId) !== undefined;
          res.status(known ? 200 : 201).json(await appointCoordinator(deps(), body));
        },
      );
      router.post(
        "/v1/timebank/members",
        requireRole("charity"),
        validate(admitMemberSchema),
        async (_req, res) => {
          const body = validated(res, admitMemberSchema);
          res.status(201).json(await admitMember(deps(), res.locals.principal!.orgId, body));
        },
      );
      router.get(
        "/v1/timebank/members/:memberRef",
        requireRole("charity"),
        validate(memberParams, "params"),
        async (_req, res) => {
          const { memberRef } = validated(res, memberParams, "params");
          res.json(await getMember(deps(), res.locals.principal!.orgId, memberRef));
        },
      );
      router.post(
        "/v1/timebank/members/:memberRef/changes",
        requireRole("charity"),
        validate(memberParams, "params"),
        validate(changeMemberSchema),
        async (_req, res) => {
          const { memberRef } = validated(res, memberParams, "params");
          const body = validated(res, changeMemberSchema);
          res.json(await changeMember(deps(), res.locals.principal!.orgId, memberRef, body));
        },
      );
    },
    openapi: {
      "/v1/timebank/coordinators": {
        post: secured(["regulator"], {
          operationId: "appointTimebankCoordinator",
          summary: "Appoint a charity a time-bank coordinator (a Coordinator licence on its own address)",
          description:
            "Only a charity (400 `not_charity`): admitting members and deciding who cannot pay is a licensed charity's " +
            "care work. The licence is granted on chain through the outbox; appointing the same charity again answers " +
            `its appointment (200). ${CHECKED}`,
          tags: ["timebank"],
          requestBody: jsonRequestBody(appointCoordinatorSchema, {
            orgId: docs.EXAMPLE_ORG_ID,
            validDays: 365,
          }),
          responses: {
            "201": jsonResponse("Appointed", docs.coordinator.schema, docs.coordinator.example),
            "200": jsonResponse("Appointed before", docs.coordinator.schema, docs.coordinator.example),
            ...errorResponses(400, 404, 409),
          },
        }),
      },
      "/v1/timebank/members": {
        post: secured(["charity"], {
          operationId: "admitTimebankMember",
          summary: "Admit a person to the time bank, with a credit limit in minutes",
          description:
            "`nationalId` becomes the keyed member ref at once (its own HMAC domain, the versioned pepper) and is never " +
            "stored, logged or answered. Without `wallet` the gateway creates a custodial wallet; with it, the member's " +
            "own wallet is bound. A person already a member: 409 `member_exists`; a wallet already bound: 409 " +
            `\`MemberWalletTaken\`. ${COORDINATOR_ONLY} ${CHECKED}`,
          tags: ["timebank"],
          requestBody: jsonRequestBody(admitMemberSchema, { nationalId: "0012345679", creditLimit: 120 }),
          responses: {
            "201": jsonResponse("Admitted", docs.member.schema, docs.member.example),
            ...errorResponses(400, 403, 409),
          },
        }),
      },
      "/v1/timebank/members/{memberRef}": {
        get: secured(["charity"], {
          operationId: "getTimebankMember",
          summary: "A member's account as the TimeBank holds it: balance, credit limit, nonce and status",
          description: `Read from the chain on demand. ${COORDINATOR_ONLY}`,
          tags: ["timebank"],
          parameters: parametersOf(memberParams, "path", { memberRef: EXAMPLE_REF }),
          responses: {
            "200": jsonResponse("The member", docs.member.schema, docs.member.example),
            ...errorResponses(400, 404),
          },
        }),
      },
      "/v1/timebank/members/{memberRef}/changes": {
        post: secured(["charity"], {
          operationId: "changeTimebankMember",
          summary: "Set a member's credit limit, or suspend, reinstate or remove it",
          description:
            "`creditLimit` goes with `set_credit_limit` and only with it. A lower limit than the member's debt only " +
            "stops further debt; a removed member's reference and wallet are never bound again. The same " +
            "`idempotencyKey` answers the same change without sending it again. A change the member's status does " +
            `not allow: 409 \`MemberStatusInvalid\`. ${COORDINATOR_ONLY} ${CHECKED}`,
          tags: ["timebank"],
          parameters: parametersOf(memberParams, "path", { memberRef: EXAMPLE_REF }),
          requestBody: jsonRequestBody(changeMemberSchema, {
            action: "set_credit_limit",
            creditLimit: 240,
            idempotencyKey: "limit-2026-12-01-0001",
          }),
          responses: {
            "200": jsonResponse("The member after the change", docs.member.schema, {
              ...docs.member.example,
              creditLimit: 240,
            }),
            ...errorResponses(400, 403, 404, 409),
          },
        }),
      },
    },
  };
}
