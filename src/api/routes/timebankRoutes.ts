import { z } from "zod";
import {
  admitMember,
  admitMemberSchema,
  appointCoordinator,
  appointCoordinatorSchema,
  changeMember,
  changeMemberSchema,
  confirmService,
  confirmServiceSchema,
  coordinatorBatchSchema,
  coordinatorConfirm,
  coordinatorConfirmBatch,
  coordinatorConfirmSchema,
  MAX_CONFIRM_BATCH,
  donate,
  donateSchema,
  findCoordinator,
  getMember,
  getService,
  listMembers,
  listServices,
  MAX_LIST_LIMIT,
  memberAccessSchema,
  memberHistory,
  poolBalance,
  rebindMember,
  rebindMemberSchema,
  requestServiceSmsCode,
  setMemberAccess,
  SERVICE_STATES,
  logService,
  logServiceSchema,
  MAX_SERVICE_MINUTES,
  SERVICE_CATEGORIES,
} from "../../timebank";
import { requireRole } from "../auth/requireRole";
import { errorResponses, jsonRequestBody, jsonResponse, parametersOf, secured } from "../openapi/jsonSchema";
import type { RouteModule, TimebankRouteServices } from "../routeModule";
import { canonicalId, validate, validated } from "../validation";
import { EXAMPLE_REF } from "./responseSchemas";
import * as docs from "./timebankSchemas";

export const memberParams = z.strictObject({
  memberRef: z
    .string()
    .regex(/^0x[0-9a-f]{64}$/)
    .describe("The member's keyed reference: `0x` and 64 lower-case hex digits"),
});
export const serviceParams = z.strictObject({
  serviceId: z
    .string()
    .regex(/^svc_[0-9a-f-]{36}$/)
    .describe("As the service was opened (`serviceId`)"),
});
const REF = z.string().regex(/^0x[0-9a-f]{64}$/);
const limit = canonicalId.pipe(z.number().min(1).max(MAX_LIST_LIMIT)).optional();
const membersQuery = z.strictObject({
  limit: limit.describe(`At most ${MAX_LIST_LIMIT}; 50 by default`),
  after: REF.optional().describe("The `next` of the previous page"),
});
const servicesQuery = z.strictObject({
  state: z.enum(SERVICE_STATES).optional(),
  member: REF.optional().describe("Services this member gave or received"),
  limit: limit.describe(`At most ${MAX_LIST_LIMIT}; 50 by default`),
});
export const emptyBody = z.strictObject({});
const POOL_READERS = ["charity", "auditor", "regulator"] as const;
const COORDINATOR_ONLY =
  "Only a charity the regulator appointed a coordinator (403 `not_coordinator` otherwise); a member of another " +
  "coordinator answers 404, as an unknown one, so membership is not disclosed across coordinators.";
const CHECKED =
  "Every write is first tried against the chain: a refusal answers 409 naming the TimeBank's error " +
  "(`code`), and nothing is queued or stored.";

const OPEN_SERVICE_DOC = secured(["charity"], {
  operationId: "openTimebankService",
  summary: "Open a service one member gave another; answers the confirmation the recipient signs",
  description:
    `\`minutes\` from 1 to ${MAX_SERVICE_MINUTES}; \`category\` from the catalogue (${SERVICE_CATEGORIES.map((c) => `\`${c}\``).join(", ")}); ` +
    "`evidenceHash` optional (a digest of evidence kept off chain). Nothing moves until the recipient confirms " +
    "(`POST .../confirmation`) or the coordinator does (`POST .../coordinator-confirmation`). Both members must " +
    "be this coordinator's (404 naming `giver` or `recipient`), active and distinct (400 `self_service`); the " +
    "giver's wallet must be custodial (409 `giver_self_custodied`: a self-custodied giver calls the TimeBank " +
    "itself). The same `idempotencyKey` with the same service answers it again (200); with another, 409. " +
    CHECKED,
  tags: ["timebank"],
  requestBody: jsonRequestBody(logServiceSchema, {
    giver: docs.service.example.giver,
    recipient: EXAMPLE_REF,
    minutes: 90,
    category: "care",
    idempotencyKey: "service-2026-12-01-0001",
  }),
  responses: {
    "201": jsonResponse("Opened", docs.openedService.schema, docs.openedService.example),
    "200": jsonResponse("The same request again", docs.openedService.schema, {
      ...docs.openedService.example,
      replayed: true,
    }),
    ...errorResponses(400, 403, 404, 409),
  },
});

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
        "/v1/timebank/members",
        requireRole("charity"),
        validate(membersQuery, "query"),
        async (_req, res) => {
          const query = validated(res, membersQuery, "query");
          res.json(await listMembers(deps(), res.locals.principal!.orgId, query));
        },
      );
      router.get(
        "/v1/timebank/services",
        requireRole("charity"),
        validate(servicesQuery, "query"),
        async (_req, res) => {
          const query = validated(res, servicesQuery, "query");
          res.json({ services: await listServices(deps(), res.locals.principal!.orgId, query) });
        },
      );
      router.get("/v1/timebank/pool", requireRole(...POOL_READERS), async (_req, res) => {
        res.json(await poolBalance(deps()));
      });
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
      router.post(
        "/v1/timebank/members/:memberRef/wallet-rebinding",
        requireRole("charity"),
        validate(memberParams, "params"),
        validate(rebindMemberSchema),
        async (_req, res) => {
          const { memberRef } = validated(res, memberParams, "params");
          const body = validated(res, rebindMemberSchema);
          res.json(await rebindMember(deps(), res.locals.principal!.orgId, memberRef, body));
        },
      );
      router.get(
        "/v1/timebank/members/:memberRef/history",
        requireRole("charity"),
        validate(memberParams, "params"),
        async (_req, res) => {
          const { memberRef } = validated(res, memberParams, "params");
          res.json(await memberHistory(deps(), res.locals.principal!.orgId, memberRef));
        },
      );
      router.post(
        "/v1/timebank/members/:memberRef/access",
        requireRole("charity"),
        validate(memberParams, "params"),
        validate(memberAccessSchema),
        async (_req, res) => {
          const { memberRef } = validated(res, memberParams, "params");
          const body = validated(res, memberAccessSchema);
          res.json(await setMemberAccess(deps(), res.locals.principal!.orgId, memberRef, body));
        },
      );
      router.post(
        "/v1/timebank/members/:memberRef/donations",
        requireRole("charity"),
        validate(memberParams, "params"),
        validate(donateSchema),
        async (_req, res) => {
          const { memberRef } = validated(res, memberParams, "params");
          const body = validated(res, donateSchema);
          res.status(201).json(await donate(deps(), res.locals.principal!.orgId, memberRef, body));
        },
      );
      router.post(
        "/v1/timebank/services",
        requireRole("charity"),
        validate(logServiceSchema),
        async (_req, res) => {
          const opened = await logService(
            deps(),
            res.locals.principal!.orgId,
            validated(res, logServiceSchema),
          );
          res.status(opened.replayed ? 200 : 201).json(opened);
        },
      );
      router.get(
        "/v1/timebank/services/:serviceId",
        requireRole("charity"),
        validate(serviceParams, "params"),
        async (_req, res) => {
          const { serviceId } = validated(res, serviceParams, "params");
          res.json(await getService(deps(), res.locals.principal!.orgId, serviceId));
        },
      );
      router.post(
        "/v1/timebank/services/coordinator-confirmations",
        requireRole("charity"),
        validate(coordinatorBatchSchema),
        async (_req, res) => {
          const body = validated(res, coordinatorBatchSchema);
          res.json(await coordinatorConfirmBatch(deps(), res.locals.principal!.orgId, body));
        },
      );
      router.post(
        "/v1/timebank/services/:serviceId/sms-code",
        requireRole("charity"),
        validate(serviceParams, "params"),
        validate(emptyBody),
        async (_req, res) => {
          const { serviceId } = validated(res, serviceParams, "params");
          res.status(201).json(await requestServiceSmsCode(deps(), res.locals.principal!.orgId, serviceId));
        },
      );
      router.post(
        "/v1/timebank/services/:serviceId/confirmation",
        requireRole("charity"),
        validate(serviceParams, "params"),
        validate(confirmServiceSchema),
        async (_req, res) => {
          const { serviceId } = validated(res, serviceParams, "params");
          const body = validated(res, confirmServiceSchema);
          res.json(await confirmService(deps(), res.locals.principal!.orgId, serviceId, body));
        },
      );
      router.post(
        "/v1/timebank/services/:serviceId/coordinator-confirmation",
        requireRole("charity"),
        validate(serviceParams, "params"),
        validate(coordinatorConfirmSchema),
        async (_req, res) => {
          const { serviceId } = validated(res, serviceParams, "params");
          const body = validated(res, coordinatorConfirmSchema);
          res.json(await coordinatorConfirm(deps(), res.locals.principal!.orgId, serviceId, body));
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
        get: secured(["charity"], {
          operationId: "listTimebankMembers",
          summary: "The coordinator's members, a page at a time, each account read from the chain",
          description:
            "In member-ref order; `next` names the last member of the page (null on the last page): pass it as " +
            "`after` for the next one. Balances, limits and statuses are the TimeBank's, read on demand (one slot each).",
          tags: ["timebank"],
          parameters: parametersOf(membersQuery, "query", { limit: "50", after: EXAMPLE_REF }),
          responses: {
            "200": jsonResponse("The members", docs.memberList.schema, docs.memberList.example),
            ...errorResponses(400),
          },
        }),
        post: secured(["charity"], {
          operationId: "admitTimebankMember",
          summary: "Admit a person to the time bank, with a credit limit in minutes",
          description:
            "`nationalId` becomes the keyed member ref at once (its own HMAC domain, the versioned pepper) and is never " +
            "stored, logged or answered. Without `wallet` the gateway creates a custodial wallet (with an optional `pin` " +
            "and `phone`, sealed in the time bank's vault, for its confirmations); with it, the member's own wallet is bound. A person already a member: 409 `member_exists`; a wallet already bound: 409 " +
            `\`MemberWalletTaken\`. ${COORDINATOR_ONLY} ${CHECKED}`,
          tags: ["timebank"],
          requestBody: jsonRequestBody(admitMemberSchema, { nationalId: "0012345679", creditLimit: 120 }),
          responses: {
            "201": jsonResponse("Admitted", docs.member.schema, docs.member.example),
            ...errorResponses(400, 403, 409),
          },
        }),
      },
      "/v1/timebank/pool": {
        get: secured([...POOL_READERS], {
          operationId: "getTimebankPool",
          summary: "Minutes the community pool holds, read from the TimeBank",
          description:
            "Funded only by donated credit; it pays givers for services to recipients who cannot pay, and never goes " +
            "below zero. Members' balances and the pool always sum to zero.",
          tags: ["timebank"],
          responses: {
            "200": jsonResponse("The pool", docs.pool.schema, docs.pool.example),
          },
        }),
      },
      "/v1/timebank/services": {
        get: secured(["charity"], {
          operationId: "listTimebankServices",
          summary: "The coordinator's services, newest first: open, logged (waiting for it) or confirmed",
          description:
            "Only the services the gateway opened for this coordinator: a self-custodied giver that logs on chain " +
            "itself appears in the TimeBank's `ServiceLogged` events, not here. Open ones carry the confirmation to sign.",
          tags: ["timebank"],
          parameters: parametersOf(servicesQuery, "query", {
            state: "open",
            member: EXAMPLE_REF,
            limit: "50",
          }),
          responses: {
            "200": jsonResponse("The services", docs.serviceList.schema, docs.serviceList.example),
            ...errorResponses(400),
          },
        }),
        post: OPEN_SERVICE_DOC,
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
      "/v1/timebank/members/{memberRef}/wallet-rebinding": {
        post: secured(["charity"], {
          operationId: "rebindTimebankMemberWallet",
          summary: "Move a member to a new wallet (lost phone, compromised key, a change of custody)",
          description:
            "`TimeBank.rebindWallet` moves the member's whole account (balance, limit, nonce, status) to the new " +
            "wallet; the old one is left removed and is never bound again. To a wallet the member holds itself: " +
            "`wallet`, with `signature`, that wallet's `personal_sign` of `Sin Tech time bank: bind member " +
            "<memberRef> to wallet <checksummed wallet> on chain <chainId> at <TimeBank address> until <deadline>`, " +
            "and that `deadline` (Unix seconds, at most a day ahead); a signature by anyone else is 403 " +
            "`control_not_proven`, and the member's PIN and phone are forgotten. Without `wallet`: a new custodial " +
            "wallet, never the old key, the PIN and phone kept. Services still waiting on chain with the old " +
            "wallet cannot be confirmed any more (log them again). The same `idempotencyKey` answers the same " +
            "move; another move under it is 409 `idempotency_key_reused`. A removed member, or a wallet already " +
            `bound: 409 \`MemberStatusInvalid\` or \`MemberWalletTaken\`. ${COORDINATOR_ONLY} ${CHECKED}`,
          tags: ["timebank"],
          parameters: parametersOf(memberParams, "path", { memberRef: EXAMPLE_REF }),
          requestBody: jsonRequestBody(rebindMemberSchema, {
            wallet: "0x4c1f2e3d5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d",
            signature: `0x${"4f".repeat(64)}1b`,
            deadline: 1796169600,
            idempotencyKey: "rebind-2026-12-03-0001",
          }),
          responses: {
            "200": jsonResponse("The member on its new wallet", docs.member.schema, {
              ...docs.member.example,
              custody: "self",
            }),
            ...errorResponses(400, 403, 404, 409),
          },
        }),
      },
      "/v1/timebank/members/{memberRef}/history": {
        get: secured(["charity"], {
          operationId: "getTimebankMemberHistory",
          summary:
            "A member's history from the TimeBank's events: every balance change, and services pending",
          description:
            "From the indexer's read model of the TimeBank's events, on every wallet the member has held, as fresh as " +
            "the indexer (`asOfBlock`, a poll behind the chain): `ServiceConfirmed` as giver (`earned`; `pool` " +
            "when the pool paid) or payer (`paid`), `CreditDonated` either way, and the services logged with the member " +
            "and still pending, whoever logged them (a self-custodied giver's own calls included). No personal data: " +
            `minutes, ids, blocks. ${COORDINATOR_ONLY}`,
          tags: ["timebank"],
          parameters: parametersOf(memberParams, "path", { memberRef: EXAMPLE_REF }),
          responses: {
            "200": jsonResponse("The history", docs.memberHistory.schema, docs.memberHistory.example),
            ...errorResponses(400, 404),
          },
        }),
      },
      "/v1/timebank/members/{memberRef}/access": {
        post: secured(["charity"], {
          operationId: "setTimebankMemberAccess",
          summary: "Set or reset a custodial member's PIN or phone (in person, after checking who it is)",
          description:
            "A new `pin` clears failed attempts and any lockout; a new `phone` replaces the sealed one. Answers only " +
            "whether each is set, never the PIN or the number. A self-custodied member: 409 `not_custodial`. Removing " +
            `a member deletes its PIN and shreds its phone's key. ${COORDINATOR_ONLY}`,
          tags: ["timebank"],
          parameters: parametersOf(memberParams, "path", { memberRef: EXAMPLE_REF }),
          requestBody: jsonRequestBody(memberAccessSchema, { pin: "482913", phone: "09121234567" }),
          responses: {
            "200": jsonResponse("Set", docs.memberAccess.schema, docs.memberAccess.example),
            ...errorResponses(400, 403, 404, 409),
          },
        }),
      },
      "/v1/timebank/members/{memberRef}/donations": {
        post: secured(["charity"], {
          operationId: "donateTimebankCredit",
          summary: "A member donates credit it earned to another member or to the community pool",
          description:
            "The member's coordinator relays it with the member's PIN; the member's custodial key sends `donate`. Only " +
            "earned credit (the balance stays at or above zero: 409 `DonationExceedsCredit`); never to itself (400 " +
            "`self_donation`); a self-custodied member donates from its own wallet (409 `donate_from_own_wallet`). " +
            "The chain is asked before the PIN is tried, so a refusal costs no PIN attempt. A wrong PIN: 401 with the " +
            `tries left; too many lock it (423). The same \`idempotencyKey\` answers the same donation. ${COORDINATOR_ONLY}`,
          tags: ["timebank"],
          parameters: parametersOf(memberParams, "path", { memberRef: EXAMPLE_REF }),
          requestBody: jsonRequestBody(donateSchema, {
            minutes: 60,
            pin: "482913",
            idempotencyKey: "donation-2026-12-01-0001",
          }),
          responses: {
            "201": jsonResponse("Donated", docs.donation.schema, docs.donation.example),
            ...errorResponses(400, 401, 404, 409, 423),
          },
        }),
      },
      "/v1/timebank/services/{serviceId}": {
        get: secured(["charity"], {
          operationId: "getTimebankService",
          summary:
            "A service's state; while open, the confirmation to sign with the recipient's current nonce",
          description:
            "A recipient's confirmations are used in order of its nonce: if another service of the recipient was " +
            "confirmed in between, read the confirmation again and sign the new one. Another coordinator's service: 404.",
          tags: ["timebank"],
          parameters: parametersOf(serviceParams, "path", { serviceId: docs.EXAMPLE_SERVICE_ID }),
          responses: {
            "200": jsonResponse("The service", docs.service.schema, docs.service.example),
            ...errorResponses(400, 404),
          },
        }),
      },
      "/v1/timebank/services/coordinator-confirmations": {
        post: secured(["charity"], {
          operationId: "coordinatorConfirmTimebankServices",
          summary: `The coordinator confirms up to ${MAX_CONFIRM_BATCH} services in one call on chain, all or none`,
          description:
            "As `POST .../{serviceId}/coordinator-confirmation`, for a batch: the open services' logs are checked, " +
            "queued together and sent, then one `confirmByCoordinator` or `payFromPool` with every id. The limits are " +
            "checked on the sums per recipient and the pool on the sum of all, before anything is sent (409). A " +
            "service named twice: 400; another coordinator's or unknown: 404 naming `serviceIds[i]`.",
          tags: ["timebank"],
          requestBody: jsonRequestBody(coordinatorBatchSchema, {
            serviceIds: [docs.EXAMPLE_SERVICE_ID],
            payer: "pool",
          }),
          responses: {
            "200": jsonResponse("Confirmed on chain", docs.serviceBatch.schema, docs.serviceBatch.example),
            ...errorResponses(400, 404, 409),
          },
        }),
      },
      "/v1/timebank/services/{serviceId}/sms-code": {
        post: secured(["charity"], {
          operationId: "sendTimebankSmsCode",
          summary: "Text a 6-digit code to the recipient's phone, bound to this open service",
          description:
            "For a custodial recipient admitted with a `phone`. The delivery room's codes: once, for this service " +
            "only, 5 minutes and 5 tries; a new code replaces the previous one, at most 5 per service. Kept only as a " +
            "keyed hash and never answered. No phone on file: 409 `no_phone`.",
          tags: ["timebank"],
          parameters: parametersOf(serviceParams, "path", { serviceId: docs.EXAMPLE_SERVICE_ID }),
          requestBody: jsonRequestBody(emptyBody, {}),
          responses: {
            "201": jsonResponse("Sent", docs.smsCodeSent.schema, docs.smsCodeSent.example),
            ...errorResponses(400, 404, 409, 410),
          },
        }),
      },
      "/v1/timebank/services/{serviceId}/confirmation": {
        post: secured(["charity"], {
          operationId: "confirmTimebankService",
          summary: "The recipient confirms an open service: the minutes move from the recipient to the giver",
          description:
            "Exactly one proof: `signature` (the recipient's own wallet, EIP-712 over the service's `confirmation`, " +
            "checked at once: 400 `not_signer`, `high_s` or `malformed`), or for a custodial recipient `pin` or " +
            "`smsCode` (from `POST .../sms-code`); its custodial key then signs. A wrong PIN or code answers 401 with " +
            "the tries left; too many lock it (423); a used or expired code, 410. `recordService` then goes " +
            "on chain from the giver's custodial key, logging and confirming in one transaction. The recipient's limit " +
            "and the chain's other checks come before the PIN (409 naming the TimeBank's error). Past the deadline: 410.",
          tags: ["timebank"],
          parameters: parametersOf(serviceParams, "path", { serviceId: docs.EXAMPLE_SERVICE_ID }),
          requestBody: jsonRequestBody(confirmServiceSchema, { pin: "482913" }),
          responses: {
            "200": jsonResponse("Confirmed on chain", docs.service.schema, docs.confirmedService),
            ...errorResponses(400, 401, 404, 409, 410, 423),
          },
        }),
      },
      "/v1/timebank/services/{serviceId}/coordinator-confirmation": {
        post: secured(["charity"], {
          operationId: "coordinatorConfirmTimebankService",
          summary: "The coordinator confirms for a recipient who cannot, or has the community pool pay",
          description:
            "`payer: recipient`: `confirmByCoordinator`, the recipient pays (409 `CreditLimitExceeded` past its " +
            "limit). `payer: pool`: `payFromPool`, for a recipient who cannot pay (a programme's beneficiary, by the " +
            "coordinator's decision); the giver still earns the credit (409 `PoolInsufficient`). On chain the giver's " +
            "custodial key logs the service first; both are checked before anything is sent. A service left `logged` " +
            "(the chain moved in between) is confirmed by calling again. Already confirmed: 409 `not_open`.",
          tags: ["timebank"],
          parameters: parametersOf(serviceParams, "path", { serviceId: docs.EXAMPLE_SERVICE_ID }),
          requestBody: jsonRequestBody(coordinatorConfirmSchema, { payer: "pool" }),
          responses: {
            "200": jsonResponse("Confirmed on chain", docs.service.schema, {
              ...docs.confirmedService,
              confirmedBy: "pool",
            }),
            ...errorResponses(400, 404, 409),
          },
        }),
      },
    },
  };
}
