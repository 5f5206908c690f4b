import { z } from "zod";
import {
  acceptMandate,
  acceptMandateSchema,
  getMandate,
  listMandates,
  MANDATE_ACCEPTANCE_SECONDS,
  MANDATE_STATES,
  mandateSmsCodeSchema,
  proposeMandate,
  proposeMandateSchema,
  redeemPremium,
  redeemPremiumSchema,
  redeemPremiums,
  redeemPremiumsSchema,
  requestMandateSmsCode,
  revokeMandate,
  revokeMandateSchema,
  type MandateCaller,
} from "../../mandates";
import { requireRole } from "../auth/requireRole";
import { errorResponses, jsonRequestBody, jsonResponse, parametersOf, secured } from "../openapi/jsonSchema";
import type { MandateRouteServices, RouteModule } from "../routeModule";
import { canonicalId, validate, validated } from "../validation";
import * as docs from "./mandateSchemas";
import { EXAMPLE_REF, EXAMPLE_REF_2 } from "./responseSchemas";

const mandateParams = z.strictObject({
  mandateId: z
    .string()
    .regex(/^mdt_[0-9a-f-]{36}$/)
    .describe("As the mandate was proposed (`mandateId`)"),
});
const listQuery = z.strictObject({
  householdRef: z
    .string()
    .regex(/^0x[0-9a-f]{64}$/)
    .optional()
    .describe("One household's mandates"),
  programmeId: canonicalId.optional(),
  state: z.enum(MANDATE_STATES).optional(),
  limit: canonicalId.pipe(z.number().min(1).max(200)).optional().describe("At most 200; 50 by default"),
});
const READERS = ["vendor", "charity", "auditor", "regulator"] as const;
const RELAYS = ["vendor", "charity"] as const;
const WHO =
  "The mandate's insurer, or a charity that may read the household (it enrolled or covered it); anyone else is " +
  "told 404, as for an unknown mandate.";
const PROOF =
  "Exactly one proof (400 `one_proof`): `signature` (the member's own wallet), or for a custodial member `pin` or " +
  "`smsCode` (from `POST .../sms-code`), after which its custodial wallet signs within the custodial signer's daily " +
  "caps. `by` names the member (any active member of the household; the mandate's member by default). A wrong PIN or " +
  "code: 401 with the tries left, too many lock it (423), a used or expired code 410. PremiumMandates is asked " +
  "before the PIN or code is tried, so its refusal (409 naming its error) costs no attempt. Nothing is written when " +
  "refused.";

function callerOf(res: {
  locals: { principal?: { orgId: string; role: string; keyId: string } };
}): MandateCaller {
  const { orgId, role, keyId } = res.locals.principal!;
  return { orgId, role, keyId };
}

/**
 * Nazr-e bimeh: an insurer or the household's charity proposes a standing premium mandate, relays a member's
 * acceptance or revocation, and the insurer redeems one premium a period under it.
 */
export function mandateRoutes(services: MandateRouteServices): RouteModule {
  const deps = () => services.mandates;
  return {
    register(router) {
      router.post(
        "/v1/mandates",
        requireRole(...RELAYS),
        validate(proposeMandateSchema),
        async (_req, res) => {
          const proposed = await proposeMandate(deps(), callerOf(res), validated(res, proposeMandateSchema));
          res.status(proposed.replayed ? 200 : 201).json(proposed);
        },
      );
      router.get("/v1/mandates", requireRole(...READERS), validate(listQuery, "query"), async (_req, res) => {
        const query = validated(res, listQuery, "query");
        res.json({ mandates: await listMandates(deps(), callerOf(res), query, res.locals.requestId) });
      });
      router.post(
        "/v1/mandates/premiums",
        requireRole("vendor"),
        validate(redeemPremiumsSchema),
        async (_req, res) => {
          const premiums = await redeemPremiums(deps(), callerOf(res), validated(res, redeemPremiumsSchema));
          res.status(premiums.every((premium) => premium.replayed) ? 200 : 201).json({ premiums });
        },
      );
      router.get(
        "/v1/mandates/:mandateId",
        requireRole(...READERS),
        validate(mandateParams, "params"),
        async (_req, res) => {
          const { mandateId } = validated(res, mandateParams, "params");
          res.json(await getMandate(deps(), callerOf(res), mandateId, res.locals.requestId));
        },
      );
      router.post(
        "/v1/mandates/:mandateId/sms-code",
        requireRole(...RELAYS),
        validate(mandateParams, "params"),
        validate(mandateSmsCodeSchema),
        async (_req, res) => {
          const { mandateId } = validated(res, mandateParams, "params");
          const body = validated(res, mandateSmsCodeSchema);
          res.status(201).json(await requestMandateSmsCode(deps(), callerOf(res), mandateId, body));
        },
      );
      router.post(
        "/v1/mandates/:mandateId/acceptance",
        requireRole(...RELAYS),
        validate(mandateParams, "params"),
        validate(acceptMandateSchema),
        async (_req, res) => {
          const { mandateId } = validated(res, mandateParams, "params");
          const body = validated(res, acceptMandateSchema);
          res.json(await acceptMandate(deps(), callerOf(res), mandateId, body));
        },
      );
      router.post(
        "/v1/mandates/:mandateId/revocation",
        requireRole(...RELAYS),
        validate(mandateParams, "params"),
        validate(revokeMandateSchema),
        async (_req, res) => {
          const { mandateId } = validated(res, mandateParams, "params");
          const body = validated(res, revokeMandateSchema);
          res.json(await revokeMandate(deps(), callerOf(res), mandateId, body));
        },
      );
      router.post(
        "/v1/mandates/:mandateId/premiums",
        requireRole("vendor"),
        validate(mandateParams, "params"),
        validate(redeemPremiumSchema),
        async (_req, res) => {
          const { mandateId } = validated(res, mandateParams, "params");
          const premium = await redeemPremium(
            deps(),
            callerOf(res),
            mandateId,
            validated(res, redeemPremiumSchema),
          );
          res.status(premium.replayed ? 200 : 201).json(premium);
        },
      );
    },
    openapi: {
      "/v1/mandates": {
        post: secured([...RELAYS], {
          operationId: "proposeMandate",
          summary: "Propose a standing premium mandate (nazr-e bimeh) for a household",
          description:
            "By the insurer (a vendor; `insurerOrgId` itself or left out) or a charity that may read the household " +
            "(`insurerOrgId` required); any other household: 404 `householdRef`. The programme must be of the " +
            "insurance layer (400 `not_insurance`) and allow the insurer (403 `insurer_not_allowed`); " +
            "`premiumPerPeriod` at most its cap per period (400 `above_cap`); `firstPeriod` to `lastPeriod` in the " +
            "ledger's period numbers, not yet ended (400 `ended`). Nothing goes on chain yet: the answer's " +
            "`typedData` is what the member's wallet signs to accept, within " +
            `${MANDATE_ACCEPTANCE_SECONDS / 86_400} days. The same \`idempotencyKey\` with the same proposal answers it ` +
            "again (200); with another, 409.",
          tags: ["mandates"],
          requestBody: jsonRequestBody(proposeMandateSchema, {
            programmeId: 7,
            householdRef: EXAMPLE_REF,
            premiumPerPeriod: "50000",
            firstPeriod: 20425,
            lastPeriod: 20436,
            idempotencyKey: "mandate-2026-12-03-0001",
          }),
          responses: {
            "201": jsonResponse("Proposed", docs.proposed.schema, docs.proposed.example),
            "200": jsonResponse("The same request again", docs.proposed.schema, {
              ...docs.proposed.example,
              replayed: true,
            }),
            ...errorResponses(400, 403, 404, 409),
          },
        }),
        get: secured([...READERS], {
          operationId: "listMandates",
          summary:
            "Mandates newest first: an insurer its own, a charity its households', auditors and the regulator all",
          description:
            "Each with its premiums. Every read of a household's mandates but its insurer's is in the access log " +
            "(`mandate.read`).",
          tags: ["mandates"],
          parameters: parametersOf(listQuery, "query", {
            householdRef: EXAMPLE_REF,
            programmeId: "7",
            state: "accepted",
            limit: "50",
          }),
          responses: {
            "200": jsonResponse("The mandates", docs.list.schema, docs.list.example),
            ...errorResponses(400),
          },
        }),
      },
      "/v1/mandates/premiums": {
        post: secured(["vendor"], {
          operationId: "redeemMandatePremiums",
          summary: "The insurer redeems this period's premiums under many mandates in one redeemBatch",
          description:
            "Up to 50, each as `POST /v1/mandates/{mandateId}/premiums`; every one is checked before anything is " +
            "written (a refusal names `premiums[i].mandateId` or `premiums[i].amount`), then one `redeemBatch` goes " +
            "through the outbox, where each premium is redeemed or refused on its own. The same `idempotencyKey` " +
            "answers the same premiums again (200).",
          tags: ["mandates"],
          requestBody: jsonRequestBody(redeemPremiumsSchema, {
            premiums: [{ mandateId: docs.EXAMPLE_MANDATE_ID }],
            idempotencyKey: "premiums-2026-12-0001",
          }),
          responses: {
            "201": jsonResponse("Queued and sent", docs.premiumBatch.schema, docs.premiumBatch.example),
            "200": jsonResponse(
              "The same request again",
              docs.premiumBatch.schema,
              docs.premiumBatch.example,
            ),
            ...errorResponses(400, 404, 409),
          },
        }),
      },
      "/v1/mandates/{mandateId}": {
        get: secured([...READERS], {
          operationId: "getMandate",
          summary: "A mandate: its terms, who accepted or revoked it, and each premium with its SMS notice",
          description: `${WHO} Auditors and the regulator read every mandate; reads are in the access log.`,
          tags: ["mandates"],
          parameters: parametersOf(mandateParams, "path", { mandateId: docs.EXAMPLE_MANDATE_ID }),
          responses: {
            "200": jsonResponse("The mandate", docs.mandate.schema, docs.acceptedMandate),
            ...errorResponses(400, 404),
          },
        }),
      },
      "/v1/mandates/{mandateId}/sms-code": {
        post: secured([...RELAYS], {
          operationId: "sendMandateSmsCode",
          summary: "Text the household a 6-digit code to accept or to revoke this mandate",
          description:
            "The delivery room's codes, bound to this mandate and `purpose`: 5 minutes, 5 tries, at most 5 per purpose; " +
            "kept only as a keyed hash and never answered. The text (Persian and English) says what the code " +
            "authorises. No phone on file: 409 `no_phone`. " +
            WHO,
          tags: ["mandates"],
          parameters: parametersOf(mandateParams, "path", { mandateId: docs.EXAMPLE_MANDATE_ID }),
          requestBody: jsonRequestBody(mandateSmsCodeSchema, { purpose: "accept" }),
          responses: {
            "201": jsonResponse("Sent", docs.smsCodeSent.schema, docs.smsCodeSent.example),
            ...errorResponses(400, 404, 409),
          },
        }),
      },
      "/v1/mandates/{mandateId}/acceptance": {
        post: secured([...RELAYS], {
          operationId: "acceptMandate",
          summary: "A member of the household accepts the proposed mandate once; acceptMandate goes on chain",
          description:
            `${PROOF} A wallet signs the proposal's \`typedData\` (with \`by\`, the same terms with \`beneficiaryRef\` ` +
            "set to that member). The gateway's account submits `acceptMandate` through the outbox. Not proposed any " +
            "more: 409 `not_proposed`; past its deadline: 410. " +
            WHO,
          tags: ["mandates"],
          parameters: parametersOf(mandateParams, "path", { mandateId: docs.EXAMPLE_MANDATE_ID }),
          requestBody: jsonRequestBody(acceptMandateSchema, { pin: "482913", by: EXAMPLE_REF_2 }),
          responses: {
            "200": jsonResponse("Accepted on chain", docs.mandate.schema, docs.acceptedMandate),
            ...errorResponses(400, 401, 404, 409, 410, 423),
          },
        }),
      },
      "/v1/mandates/{mandateId}/revocation": {
        post: secured([...RELAYS], {
          operationId: "revokeMandate",
          summary: "A member of the household revokes the mandate, finally; revokeMandateBySig goes on chain",
          description:
            `${PROOF} A wallet signs \`revocationTypedData\` (or the same with its own \`memberRef\` and deadline) and ` +
            "sends the `deadline` it signed (at most a week ahead) with the signature. Not accepted: 409 " +
            "`not_accepted`; already revoked: 409 `already_revoked`. Premiums redeemed before stay; none after is " +
            "covered. " +
            WHO,
          tags: ["mandates"],
          parameters: parametersOf(mandateParams, "path", { mandateId: docs.EXAMPLE_MANDATE_ID }),
          requestBody: jsonRequestBody(revokeMandateSchema, {
            signature: `0x${"1b".repeat(65)}`,
            deadline: 1796377800,
          }),
          responses: {
            "200": jsonResponse("Revoked on chain", docs.mandate.schema, docs.revokedMandate),
            ...errorResponses(400, 401, 404, 409, 410, 423),
          },
        }),
      },
      "/v1/mandates/{mandateId}/premiums": {
        post: secured(["vendor"], {
          operationId: "redeemMandatePremium",
          summary: "The insurer redeems this period's premium under the mandate, through the outbox",
          description:
            "A receipt of the mandate's receipt index in the programme's current period (the chain's clock), " +
            "`amount` the premium unless given, with the mandate's id in the beneficiary signature's place; checked " +
            "by a call first, so a refusal writes nothing (409 naming why: `mandate_revoked`, `after_last_period`, " +
            "`before_first_period`, `above_premium` on `amount`, `ReceiptNonceUsed` for a second premium in a period, " +
            "or the ledger's error, e.g. `EntitlementInsufficient`). Redeemed, it is a delivery like any other (the " +
            "donor's timeline, the household's receipts), and the household is told by SMS that it is insured this " +
            "period. Only the mandate's insurer: others 404.",
          tags: ["mandates"],
          parameters: parametersOf(mandateParams, "path", { mandateId: docs.EXAMPLE_MANDATE_ID }),
          requestBody: jsonRequestBody(redeemPremiumSchema, { idempotencyKey: "premium-2026-12-0001" }),
          responses: {
            "201": jsonResponse("Queued and sent", docs.premium.schema, docs.premium.example),
            "200": jsonResponse("The same request again", docs.premium.schema, {
              ...docs.premium.example,
              replayed: true,
            }),
            ...errorResponses(400, 404, 409),
          },
        }),
      },
    },
  };
}
