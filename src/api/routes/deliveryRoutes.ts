import { z } from "zod";
import { requireRole } from "../auth/requireRole";
import { rateLimiter } from "../middleware/rateLimit";
import { canonicalId, validate, validated } from "../validation";
import { errorResponses, jsonRequestBody, jsonResponse, parametersOf, secured } from "../openapi/jsonSchema";
import type { DeliveryRouteServices, RouteModule } from "../routeModule";
import { accessContext } from "./accessContext";
import * as docs from "./deliverySchemas";
import { EXAMPLE_REF, EXAMPLE_REF_2 } from "./responseSchemas";
import { NotFoundError } from "../../errors";
import { authoriseHouseholdRead } from "../../households";
import {
  acceptanceSchema,
  acceptDelivery,
  answerDispute,
  answerDisputeSchema,
  flagResolutionSchema,
  resolveDisputeFlag,
  cosignDelivery,
  deliveryView,
  DELIVERY_STATES,
  disputeDelivery,
  disputeSchema,
  householdReceipts,
  listDeliveries,
  lookupEntitlement,
  recordDeliveryReads,
  lookupSchema,
  openDelivery,
  openDeliverySchema,
  requestSmsCode,
  visibleDeliveryRow,
  type DeliveryDeps,
} from "../../delivery";

const deliveryParams = z.strictObject({
  deliveryId: z
    .string()
    .regex(/^dlv_[0-9a-f-]{36}$/)
    .describe("As the delivery was opened (`deliveryId`)"),
});
const householdParams = z.strictObject({
  householdRef: z
    .string()
    .regex(/^0x[0-9a-f]{64}$/)
    .describe("The household's reference: `0x` and 64 lower-case hex digits"),
});
const listQuery = z.strictObject({
  state: z.enum(DELIVERY_STATES).optional(),
  programmeId: canonicalId.optional(),
  limit: canonicalId.pipe(z.number().max(500)).optional(),
});
const emptyBody = z.strictObject({});
/** A vendor's lookups per minute, for all its keys together: enough for a counter, too few to sweep IDs. */
export const LOOKUP_RATE_LIMIT = { windowMs: 60_000, max: 30 } as const;
const READERS = ["vendor", "charity", "auditor", "regulator"] as const;
const DELIVERY_EXAMPLE_ID = docs.deliveryExample.deliveryId;
const PROOF_RULE =
  "Exactly one proof: `signature` (the member's own wallet, EIP-712 over the receipt), `pin` (typed at the vendor's " +
  "device; a custodial wallet then signs) or `smsCode` (from `POST .../sms-code`). `by` names the accepting member " +
  "(any active member of the household; the receipt's own member by default). The vendor's device relays it: the proof " +
  "is what authorises.";

/** The caller's own delivery (its vendor), or the 404 of an unknown one. */
function ownDelivery(deps: DeliveryDeps, deliveryId: string, caller: { orgId: string; role: string }) {
  const row = visibleDeliveryRow(deps, deliveryId, caller);
  if (caller.role === "vendor" && row.vendor_org_id !== caller.orgId) {
    throw new NotFoundError("deliveryId", "No delivery has this id.");
  }
  return row;
}

/**
 * Deliveries: a vendor opens one and relays the household's acceptance or dispute, a field agent co-signs,
 * the outbox redeems it; vendors look up entitlements (rate-limited, in the access log), and the household's
 * charity reads the household's own ledger of receipts.
 */
export function deliveryRoutes(services: DeliveryRouteServices): RouteModule {
  const deps = () => services.delivery;
  const resolutionDeps = () => ({ ...services.delivery, operator: services.operator });
  return {
    register(router) {
      router.post(
        "/v1/deliveries",
        requireRole("vendor"),
        validate(openDeliverySchema),
        async (_req, res) => {
          const body = validated(res, openDeliverySchema);
          const result = await openDelivery(deps(), res.locals.principal!.orgId, body);
          res.status(result.replayed ? 200 : 201).json(result);
        },
      );
      router.post(
        "/v1/deliveries/lookup",
        requireRole("vendor"),
        rateLimiter({ ...LOOKUP_RATE_LIMIT, per: "organisation" }),
        validate(lookupSchema),
        async (req, res) => {
          const { reader, purpose, requestId } = accessContext(req, res);
          res.json(
            await lookupEntitlement(deps(), { ...reader, purpose, requestId }, validated(res, lookupSchema)),
          );
        },
      );
      router.get(
        "/v1/deliveries",
        requireRole(...READERS),
        validate(listQuery, "query"),
        async (req, res) => {
          const query = validated(res, listQuery, "query");
          const { reader, ...context } = accessContext(req, res);
          const { rows, deliveries } = await listDeliveries(deps(), res.locals.principal!, {
            state: query.state,
            programmeId: query.programmeId,
            limit: query.limit ?? 100,
          });
          recordDeliveryReads(deps(), reader, rows, context);
          res.json({ deliveries });
        },
      );
      router.get(
        "/v1/deliveries/:deliveryId",
        requireRole(...READERS, "field_agent"),
        validate(deliveryParams, "params"),
        async (req, res) => {
          const { deliveryId } = validated(res, deliveryParams, "params");
          const { reader, ...context } = accessContext(req, res);
          const row = ownDelivery(deps(), deliveryId, res.locals.principal!);
          recordDeliveryReads(deps(), reader, [row], context);
          res.json(await deliveryView(deps(), row));
        },
      );
      router.post(
        "/v1/deliveries/:deliveryId/sms-code",
        requireRole("vendor"),
        validate(deliveryParams, "params"),
        validate(emptyBody),
        async (_req, res) => {
          const { deliveryId } = validated(res, deliveryParams, "params");
          ownDelivery(deps(), deliveryId, res.locals.principal!);
          res.status(201).json(await requestSmsCode(deps(), deliveryId));
        },
      );
      router.post(
        "/v1/deliveries/:deliveryId/acceptance",
        requireRole("vendor"),
        validate(deliveryParams, "params"),
        validate(acceptanceSchema),
        async (_req, res) => {
          const { deliveryId } = validated(res, deliveryParams, "params");
          ownDelivery(deps(), deliveryId, res.locals.principal!);
          res.json(await acceptDelivery(deps(), { deliveryId, ...validated(res, acceptanceSchema) }));
        },
      );
      router.post(
        "/v1/deliveries/:deliveryId/dispute",
        requireRole("vendor", "charity"),
        validate(deliveryParams, "params"),
        validate(disputeSchema),
        async (_req, res) => {
          const { deliveryId } = validated(res, deliveryParams, "params");
          ownDelivery(deps(), deliveryId, res.locals.principal!);
          res.json(await disputeDelivery(deps(), { deliveryId, ...validated(res, disputeSchema) }));
        },
      );
      router.post(
        "/v1/deliveries/:deliveryId/dispute-answer",
        requireRole("charity"),
        validate(deliveryParams, "params"),
        validate(answerDisputeSchema),
        async (req, res) => {
          const { deliveryId } = validated(res, deliveryParams, "params");
          res.json(
            await answerDispute(
              deps(),
              accessContext(req, res),
              deliveryId,
              validated(res, answerDisputeSchema),
            ),
          );
        },
      );
      router.post(
        "/v1/deliveries/:deliveryId/flag-resolution",
        requireRole("auditor", "regulator"),
        validate(deliveryParams, "params"),
        validate(flagResolutionSchema),
        async (_req, res) => {
          const { deliveryId } = validated(res, deliveryParams, "params");
          const { orgId, role } = res.locals.principal!;
          res.json(
            await resolveDisputeFlag(
              resolutionDeps(),
              { orgId, role: role as "auditor" | "regulator" },
              deliveryId,
              validated(res, flagResolutionSchema),
            ),
          );
        },
      );
      router.post(
        "/v1/deliveries/:deliveryId/cosign",
        requireRole("field_agent"),
        validate(deliveryParams, "params"),
        validate(emptyBody),
        async (_req, res) => {
          const { deliveryId } = validated(res, deliveryParams, "params");
          ownDelivery(deps(), deliveryId, res.locals.principal!);
          res.json(
            await cosignDelivery(deps(), { deliveryId, fieldAgentOrgId: res.locals.principal!.orgId }),
          );
        },
      );
      router.get(
        "/v1/household-receipts/:householdRef",
        requireRole("charity", "registrar", "auditor"),
        validate(householdParams, "params"),
        async (req, res) => {
          const { householdRef } = validated(res, householdParams, "params");
          authoriseHouseholdRead(services.store.sqlite, {
            ...accessContext(req, res),
            action: "delivery.receipts",
            subject: householdRef,
          });
          res.json({ householdRef, receipts: householdReceipts(deps(), householdRef) });
        },
      );
    },
    openapi: {
      "/v1/deliveries": {
        post: secured(["vendor"], {
          operationId: "openDelivery",
          summary:
            "Open a delivery: the household, the amount and what was delivered; answers the receipt to sign",
          description:
            "The household is named by exactly one of `householdRef` or `beneficiaryRef` (from its QR or PIN card) or `nationalId` " +
            "(a member's, typed at the counter: turned into its keyed reference at once, never stored, logged or answered). " +
            "`item` is a code from a fixed list, never free text; it stays in the gateway. The amount must not exceed what the " +
            "household has left in the programme this period (400 `above_entitlement`). Only the programme's allowed vendors " +
            "open deliveries (403 `vendor_not_allowed`). The answer carries the exact EIP-712 typed data (its own receipt nonce, " +
            "so several open receipts of one household stay valid in any order) and the QR payload for a wallet app. The same " +
            "`idempotencyKey` with the same request answers the same delivery (200); with another, 409.",
          tags: ["deliveries"],
          requestBody: jsonRequestBody(openDeliverySchema, {
            programmeId: 4,
            householdRef: EXAMPLE_REF_2,
            amount: "250000",
            item: "food-basket",
            quantity: 1,
            idempotencyKey: "counter-7-2026-12-01-0042",
          }),
          responses: {
            "201": jsonResponse(
              "The delivery, open, with the receipt to sign",
              docs.openedDelivery.schema,
              docs.openedDelivery.example,
            ),
            "200": jsonResponse(
              "The same request again: the delivery it opened",
              docs.openedDelivery.schema,
              {
                ...docs.openedDelivery.example,
                replayed: true,
              },
            ),
            ...errorResponses(400, 404, 409),
          },
        }),
        get: secured([...READERS], {
          operationId: "listDeliveries",
          summary: "Deliveries, newest first: a vendor's own, a charity's programmes', or all for auditors",
          tags: ["deliveries"],
          parameters: parametersOf(listQuery, "query", { state: "redeemed", programmeId: "4", limit: "100" }),
          responses: {
            "200": jsonResponse("The deliveries", docs.deliveryList.schema, docs.deliveryList.example),
            ...errorResponses(400),
          },
        }),
      },
      "/v1/deliveries/lookup": {
        post: secured(["vendor"], {
          operationId: "lookupEntitlement",
          summary: "Whether a household has an entitlement in the vendor's programme, and up to how much",
          description:
            "Nothing else: no names, no members, no other programmes, and an unknown household answers like one with nothing " +
            `left. At most ${LOOKUP_RATE_LIMIT.max} lookups a minute per vendor (all its keys together); each lookup of a known ` +
            "household is recorded in the access log.",
          tags: ["deliveries"],
          requestBody: jsonRequestBody(lookupSchema, { programmeId: 4, beneficiaryRef: EXAMPLE_REF }),
          responses: {
            "200": jsonResponse(
              "The entitlement",
              docs.entitlementLookup.schema,
              docs.entitlementLookup.example,
            ),
            ...errorResponses(400, 404),
          },
        }),
      },
      "/v1/deliveries/{deliveryId}": {
        get: secured([...READERS, "field_agent"], {
          operationId: "getDelivery",
          summary:
            "A delivery's state: open, accepted, redeemed (transaction, block) or refused (the ledger's reason), and its flag",
          description:
            "Its vendor, the programme's charity, auditors and the regulator read it; a field agent reads those waiting for a " +
            "co-signature and those it co-signed. Anyone else gets 404, as for an unknown delivery. Every read but its " +
            "vendor's is recorded in the access log (`delivery.read`).",
          tags: ["deliveries"],
          parameters: parametersOf(deliveryParams, "path", { deliveryId: DELIVERY_EXAMPLE_ID }),
          responses: {
            "200": jsonResponse("The delivery", docs.delivery.schema, docs.redeemedDeliveryExample),
            ...errorResponses(400, 404),
          },
        }),
      },
      "/v1/deliveries/{deliveryId}/sms-code": {
        post: secured(["vendor"], {
          operationId: "sendDeliverySmsCode",
          summary: "Text a 6-digit code to the household's phone, bound to this delivery",
          description:
            "The code works once, for this delivery only, for 5 minutes and 5 tries; a new code replaces the previous one, at " +
            "most 5 per delivery. It is stored only as a keyed hash and never answered.",
          tags: ["deliveries"],
          parameters: parametersOf(deliveryParams, "path", { deliveryId: DELIVERY_EXAMPLE_ID }),
          requestBody: jsonRequestBody(emptyBody, {}),
          responses: {
            "201": jsonResponse("Sent", docs.smsCodeSent.schema, docs.smsCodeSent.example),
            ...errorResponses(400, 404, 409, 410),
          },
        }),
      },
      "/v1/deliveries/{deliveryId}/acceptance": {
        post: secured(["vendor"], {
          operationId: "acceptDelivery",
          summary: "The household accepts the delivery; the redemption is queued for the chain",
          description:
            `${PROOF_RULE} A wrong PIN or code answers 401 with the tries left; too many lock it (423). Where the programme ` +
            "needs a field agent the delivery waits in `awaiting_cosign`; otherwise it is `accepted` and then `redeemed` (or " +
            "`refused`, with the ledger's reason).",
          tags: ["deliveries"],
          parameters: parametersOf(deliveryParams, "path", { deliveryId: DELIVERY_EXAMPLE_ID }),
          requestBody: jsonRequestBody(acceptanceSchema, { smsCode: "482913" }),
          responses: {
            "200": jsonResponse("Accepted", docs.delivery.schema, {
              ...docs.deliveryExample,
              state: "accepted",
              acceptance: { channel: "sms", by: EXAMPLE_REF },
            }),
            ...errorResponses(400, 404, 409, 410, 423),
          },
        }),
      },
      "/v1/deliveries/{deliveryId}/dispute": {
        post: secured(["vendor", "charity"], {
          operationId: "disputeDelivery",
          summary: "The household says it did not receive this delivery",
          description:
            `${PROOF_RULE.replace("EIP-712 over the receipt", "EIP-191 over the dispute message")} Before redemption the ` +
            "delivery becomes `disputed` and is never redeemed. After it, `flagRedemption` is queued on chain from the " +
            "receipt's custodial wallet (`flag` goes `queued` → `flagged`, then `upheld` or `dismissed` as an auditor or the " +
            "regulator resolves it); a self-custodied wallet flags itself (409 `flag_from_own_wallet`). `reason` is a code.",
          tags: ["deliveries"],
          parameters: parametersOf(deliveryParams, "path", { deliveryId: DELIVERY_EXAMPLE_ID }),
          requestBody: jsonRequestBody(disputeSchema, { pin: "482913", reason: "not_received" }),
          responses: {
            "200": jsonResponse("Disputed, or flagged for the chain", docs.delivery.schema, {
              ...docs.deliveryExample,
              state: "disputed",
            }),
            ...errorResponses(400, 404, 409, 410, 423),
          },
        }),
      },
      "/v1/deliveries/{deliveryId}/dispute-answer": {
        post: secured(["charity"], {
          operationId: "answerDispute",
          summary: "The programme's charity answers a household's dispute of a delivery",
          description:
            "For a delivery the household disputed before redemption, or flagged after it. `answer` is a code of the list " +
            "(`redelivered`, `vendor_at_fault`, `household_mistaken`, `other`) and `evidenceCid` an optional IPFS CID of the " +
            "charity's evidence (upload it with `POST /v1/evidence`): no free text, so no personal data. Who answered and " +
            "when are kept, with an access-log entry (`delivery.dispute_answer`) in the same transaction; the answer shows " +
            "in the delivery's `dispute.answer` to the auditors who resolve the flag. Only the programme's own charity: " +
            "anyone else's delivery answers 404, as an unknown one. The same answer again answers the same (200) and " +
            "writes nothing; another answer is 409 `already_answered`. A delivery nobody disputed is 409 `not_disputed`, " +
            "a flag already resolved on chain 409 `dispute_closed`.",
          tags: ["deliveries"],
          parameters: parametersOf(deliveryParams, "path", { deliveryId: DELIVERY_EXAMPLE_ID }),
          requestBody: jsonRequestBody(answerDisputeSchema, {
            answer: "redelivered",
            evidenceCid: docs.EXAMPLE_CID,
          }),
          responses: {
            "200": jsonResponse(
              "Answered (or the same answer again)",
              docs.delivery.schema,
              docs.answeredDeliveryExample,
            ),
            ...errorResponses(400, 404, 409),
          },
        }),
      },
      "/v1/deliveries/{deliveryId}/flag-resolution": {
        post: secured(["auditor", "regulator"], {
          operationId: "resolveDeliveryFlag",
          summary: "An auditor or the regulator resolves the flag on a redeemed delivery, on chain",
          description:
            "`RedemptionDesk.resolveFlag`: `upheld: true` returns the credit the flag held to the programme's budget (and " +
            "its gift lots); `false` dismisses it, and the credit goes back to the vendor (pending while its dispute " +
            "window is open, else collectable). `reportCid` (an IPFS CID of the resolver's report) goes on chain with it. " +
            "Sent from the auditor's own key, or the gateway's operator for the regulator. Tried against the chain first: " +
            "a delivery not flagged on chain or a flag already resolved answers 409 `DisputeStatusInvalid`, a resolver " +
            "without an active auditor licence 409 `ResolverUnauthorized`, and nothing is queued. The answer shows the " +
            "flag as the chain then holds it and `dispute.resolution` (how much was held and where it went). The same " +
            "`idempotencyKey` with the same request answers the same; with another, 409 `idempotency_key_reused`.",
          tags: ["deliveries"],
          parameters: parametersOf(deliveryParams, "path", { deliveryId: DELIVERY_EXAMPLE_ID }),
          requestBody: jsonRequestBody(flagResolutionSchema, {
            upheld: true,
            reportCid: docs.EXAMPLE_CID,
            idempotencyKey: "resolve-dlv-0b1c2d3e-1",
          }),
          responses: {
            "200": jsonResponse("Resolved on chain", docs.delivery.schema, docs.resolvedDeliveryExample),
            ...errorResponses(400, 404, 409),
          },
        }),
      },
      "/v1/deliveries/{deliveryId}/cosign": {
        post: secured(["field_agent"], {
          operationId: "cosignDelivery",
          summary: "A field agent co-signs an accepted delivery whose programme needs it",
          description:
            "The agent's key signs the receipt; the redemption is first tried against the chain, so a co-signature the ledger " +
            "refuses (`FieldAgentNotIndependent`: the agent is the vendor, the accepting wallet or a household member; " +
            "`FieldAgentInvalid`: not licensed for the programme) answers at once as a `ChainRefusedError` and stores nothing.",
          tags: ["deliveries"],
          parameters: parametersOf(deliveryParams, "path", { deliveryId: DELIVERY_EXAMPLE_ID }),
          requestBody: jsonRequestBody(emptyBody, {}),
          responses: {
            "200": jsonResponse("Co-signed; the redemption is queued", docs.delivery.schema, {
              ...docs.deliveryExample,
              state: "accepted",
              fieldAgentOrgId: "org_5e6f7a8b",
            }),
            ...errorResponses(400, 403, 404, 409),
          },
        }),
      },
      "/v1/household-receipts/{householdRef}": {
        get: secured(["charity", "registrar", "auditor"], {
          operationId: "listHouseholdReceipts",
          summary: "The household file's own ledger: every delivery it accepted, and what became of it",
          description:
            "What, when, which programme and vendor, and the redemption id, newest first. The household file's access tiers " +
            "apply (a household the caller may not read answers 404); each read is recorded in the access log.",
          tags: ["deliveries"],
          parameters: parametersOf(householdParams, "path", { householdRef: EXAMPLE_REF_2 }),
          responses: {
            "200": jsonResponse(
              "The receipts",
              docs.householdReceiptList.schema,
              docs.householdReceiptList.example,
            ),
            ...errorResponses(400, 404),
          },
        }),
      },
    },
  };
}
