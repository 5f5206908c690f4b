import {
  confirmOwnService,
  confirmServiceSchema,
  createMemberLoginLink,
  donateOwn,
  logOwnService,
  ownServiceSchema,
  donateSchema,
  endMemberSession,
  MEMBER_LINK_MAX_MINUTES,
  memberLoginLinkSchema,
  memberSessionSchema,
  openMemberSession,
  ownAccount,
  ownHistory,
  ownOpenServices,
  requestOwnSmsCode,
} from "../../timebank";
import { requireMember } from "../auth/requireMember";
import { requireRole } from "../auth/requireRole";
import {
  errorResponses,
  jsonRequestBody,
  jsonResponse,
  memberOperation,
  parametersOf,
  publicOperation,
  secured,
} from "../openapi/jsonSchema";
import type { RouteModule, TimebankRouteServices } from "../routeModule";
import { validate, validated } from "../validation";
import * as docs from "./memberSchemas";
import { EXAMPLE_REF } from "./responseSchemas";
import { emptyBody, memberParams, serviceParams } from "./timebankRoutes";
import * as timebank from "./timebankSchemas";

const OWN =
  "Acts for the session's member only: a service it did not receive answers 404, as an unknown one. The same " +
  "checks as on its coordinator's screen: everything the chain would refuse is refused first (409 naming the " +
  "TimeBank's error), so a refusal costs no PIN attempt; a wrong PIN or code answers 401 with the attempts left.";

/**
 * Time-bank members' own routes. A member holds no API key: its coordinator makes it a one-time sign-in link
 * (`POST /v1/timebank/members/{ref}/login-links`), the link opens a member session (`POST /v1/member/sessions`),
 * and the session's bearer token reads the member's account, history and waiting services and gives its word.
 */
export function memberRoutes(services: TimebankRouteServices): RouteModule {
  const deps = () => services.timebank;
  const member = requireMember(deps);
  return {
    register(router) {
      router.post(
        "/v1/timebank/members/:memberRef/login-links",
        requireRole("charity"),
        validate(memberParams, "params"),
        validate(memberLoginLinkSchema),
        async (_req, res) => {
          const { memberRef } = validated(res, memberParams, "params");
          const body = validated(res, memberLoginLinkSchema);
          res
            .status(201)
            .json(await createMemberLoginLink(deps(), res.locals.principal!.orgId, memberRef, body));
        },
      );
      router.post("/v1/member/sessions", validate(memberSessionSchema), async (_req, res) => {
        const { token, session } = await openMemberSession(deps(), validated(res, memberSessionSchema));
        res.status(201).json({ token, memberRef: session.memberRef, expiresAt: session.expiresAt });
      });
      router.delete("/v1/member/session", member, (_req, res) => {
        endMemberSession(deps(), res.locals.memberToken!);
        res.status(204).end();
      });
      router.get("/v1/member", member, async (_req, res) => {
        res.json(await ownAccount(deps(), res.locals.member!));
      });
      router.get("/v1/member/history", member, (_req, res) => {
        res.json(ownHistory(deps(), res.locals.member!));
      });
      router.get("/v1/member/services", member, async (_req, res) => {
        res.json({ services: await ownOpenServices(deps(), res.locals.member!) });
      });
      router.post("/v1/member/services", member, validate(ownServiceSchema), async (_req, res) => {
        const opened = await logOwnService(deps(), res.locals.member!, validated(res, ownServiceSchema));
        res.status(opened.replayed ? 200 : 201).json(opened);
      });
      router.post(
        "/v1/member/services/:serviceId/confirmation",
        member,
        validate(serviceParams, "params"),
        validate(confirmServiceSchema),
        async (_req, res) => {
          const { serviceId } = validated(res, serviceParams, "params");
          const body = validated(res, confirmServiceSchema);
          res.json(await confirmOwnService(deps(), res.locals.member!, serviceId, body));
        },
      );
      router.post(
        "/v1/member/services/:serviceId/sms-code",
        member,
        validate(serviceParams, "params"),
        validate(emptyBody),
        async (_req, res) => {
          const { serviceId } = validated(res, serviceParams, "params");
          res.status(201).json(await requestOwnSmsCode(deps(), res.locals.member!, serviceId));
        },
      );
      router.post("/v1/member/donations", member, validate(donateSchema), async (_req, res) => {
        res.status(201).json(await donateOwn(deps(), res.locals.member!, validated(res, donateSchema)));
      });
    },
    openapi: {
      "/v1/timebank/members/{memberRef}/login-links": {
        post: secured(["charity"], {
          operationId: "createMemberLoginLink",
          summary: "Make one of the coordinator's members a one-time sign-in link",
          description:
            "For a member the coordinator has identified: a link that opens one member session " +
            `(its own account, history and waiting services, and its word). Single use, until \`expiresAt\` (15 minutes unless \`minutes\` asks, at most ${MEMBER_LINK_MAX_MINUTES}); only its keyed hash is kept. ` +
            'With `send: "sms"` it is texted to the member\'s phone on file instead of answered (409 `no_phone` without one, `public_url_unset` when `SINTECH_PUBLIC_URL` is not set). ' +
            "Only for an active member with no suspension or removal of it queued (409 `member_removed`, `member_not_active`, `member_change_pending`), by a coordinator whose licences are active (403 `coordinator_licence_inactive`); another coordinator's member answers 404. Suspending, removing or rebinding the member ends its sessions and unspent links.",
          tags: ["timebank"],
          parameters: parametersOf(memberParams, "path", { memberRef: EXAMPLE_REF }),
          requestBody: jsonRequestBody(memberLoginLinkSchema, { minutes: 15, send: "show" }),
          responses: {
            "201": jsonResponse(
              "The link, shown once",
              docs.memberLoginLink.schema,
              docs.memberLoginLink.example,
            ),
            ...errorResponses(400, 403, 404, 409),
          },
        }),
      },
      "/v1/member/sessions": {
        post: publicOperation(
          {
            operationId: "openMemberSession",
            summary: "Spend a member's sign-in link: open its session",
            description:
              "`token` is what follows `#` in the link's path. Answers the session's bearer token, once. A link used " +
              "before (`link_used`), past its time (`link_expired`), altered or never made (`link_unknown`) answers 401 " +
              "naming `token`; a member no longer active, 409 (`member_removed`, `member_not_active`, `member_change_pending`). Nothing is written when refused.",
            tags: ["timebank"],
            requestBody: jsonRequestBody(memberSessionSchema, {
              token: "stm_Q2x9fP0aLmZ7c1VbN8sT3kR6yH0wE5aJ2dG9pU1iO7q",
            }),
            responses: {
              "201": jsonResponse(
                "Signed in",
                docs.memberSessionOpened.schema,
                docs.memberSessionOpened.example,
              ),
              ...errorResponses(400, 401, 409),
            },
          },
          { rateLimited: true },
        ),
      },
      "/v1/member/session": {
        delete: memberOperation({
          operationId: "endMemberSession",
          summary: "Sign the member out: its session ends",
          tags: ["timebank"],
          responses: { "204": { description: "Signed out" } },
        }),
      },
      "/v1/member": {
        get: memberOperation({
          operationId: "getOwnMemberAccount",
          summary: "The member's own account, as the TimeBank holds it",
          description:
            "Balance, credit limit, status and next nonce read from the chain; its coordinator's name, and whether a " +
            "PIN and a phone are set (never either).",
          tags: ["timebank"],
          responses: { "200": jsonResponse("The account", docs.ownAccount.schema, docs.ownAccount.example) },
        }),
      },
      "/v1/member/history": {
        get: memberOperation({
          operationId: "getOwnMemberHistory",
          summary: "The member's own history: every balance change, and services pending",
          description:
            "As its coordinator reads it (`GET /v1/timebank/members/{memberRef}/history`): the indexer's read model of " +
            "the TimeBank's events on every wallet the member has held, as of `asOfBlock`.",
          tags: ["timebank"],
          responses: {
            "200": jsonResponse("The history", timebank.memberHistory.schema, timebank.memberHistory.example),
          },
        }),
      },
      "/v1/member/services": {
        get: memberOperation({
          operationId: "listOwnWaitingServices",
          summary: "Services the member received that wait for its word",
          description:
            "Opened by its coordinator with the member as recipient, newest first (at most 100). Each carries the " +
            "`confirmation` a wallet of the member's own signs; a gateway-held wallet confirms with its PIN or an SMS code.",
          tags: ["timebank"],
          responses: {
            "200": jsonResponse("The services", timebank.serviceList.schema, timebank.serviceList.example),
          },
        }),
        post: memberOperation({
          operationId: "logOwnService",
          summary: "The member logs a service it gave; it counts once the recipient confirms it",
          description:
            "The member is the giver, its wallet held by the gateway (409 `giver_self_custodied`: a wallet of its own calls the TimeBank itself). " +
            "`recipient` is the member reference the recipient shows on its own page (another member of the same coordinator, 404 otherwise; 400 `self_service` for itself). " +
            `The same \`idempotencyKey\` with the same service answers it again (200); with another, 409. ${OWN}`,
          tags: ["timebank"],
          requestBody: jsonRequestBody(ownServiceSchema, {
            recipient: EXAMPLE_REF,
            minutes: 60,
            category: "care",
            idempotencyKey: "own-service-2026-12-01-0001",
          }),
          responses: {
            "201": jsonResponse("Logged", timebank.openedService.schema, timebank.openedService.example),
            "200": jsonResponse("The same request again", timebank.openedService.schema, {
              ...timebank.openedService.example,
              replayed: true,
            }),
            ...errorResponses(400, 403, 404, 409),
          },
        }),
      },
      "/v1/member/services/{serviceId}/confirmation": {
        post: memberOperation({
          operationId: "confirmOwnService",
          summary:
            "The member confirms a service it received: its wallet's signature, its PIN or the SMS code",
          description: `Exactly one of \`signature\` (a wallet of the member's own: its EIP-712 signature of the service's \`confirmation\`), \`pin\` or \`smsCode\` (a wallet the gateway holds, whose key then signs). ${OWN}`,
          tags: ["timebank"],
          parameters: parametersOf(serviceParams, "path", { serviceId: timebank.EXAMPLE_SERVICE_ID }),
          requestBody: jsonRequestBody(confirmServiceSchema, { pin: "8264" }),
          responses: {
            "200": jsonResponse("Confirmed", timebank.service.schema, timebank.service.example),
            ...errorResponses(400, 403, 404, 409, 410, 423),
          },
        }),
      },
      "/v1/member/services/{serviceId}/sms-code": {
        post: memberOperation({
          operationId: "requestOwnServiceSmsCode",
          summary: "Text the member a code that confirms this one service",
          description: `To the phone on file (409 \`no_phone\` without one). ${OWN}`,
          tags: ["timebank"],
          parameters: parametersOf(serviceParams, "path", { serviceId: timebank.EXAMPLE_SERVICE_ID }),
          requestBody: jsonRequestBody(emptyBody, {}),
          responses: {
            "201": jsonResponse("Sent", timebank.smsCodeSent.schema, timebank.smsCodeSent.example),
            ...errorResponses(400, 403, 404, 409, 410),
          },
        }),
      },
      "/v1/member/donations": {
        post: memberOperation({
          operationId: "donateOwnCredit",
          summary: "The member donates earned minutes to the community pool or another member, with its PIN",
          description: `Without \`to\`, to the pool; \`to\` is another member of the time bank (404 for an unknown one). The same \`idempotencyKey\` answers the same donation. ${OWN}`,
          tags: ["timebank"],
          requestBody: jsonRequestBody(donateSchema, {
            minutes: 30,
            pin: "8264",
            idempotencyKey: "donation-2026-12-01-0001",
          }),
          responses: {
            "201": jsonResponse("Donated", timebank.donation.schema, timebank.donation.example),
            ...errorResponses(400, 403, 404, 409, 423),
          },
        }),
      },
    },
  };
}
