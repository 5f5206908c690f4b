import { z } from "zod";
import { requireRole } from "../auth/requireRole";
import { validate, validated } from "../validation";
import { errorResponses, jsonRequestBody, jsonResponse, parametersOf, secured } from "../openapi/jsonSchema";
import * as docs from "./responseSchemas";
import type { RouteModule } from "../routeModule";
import {
  changeLicence,
  changeLicenceSchema,
  listOrganisations,
  ORGANISATION_ROLES,
  registerOrganisation,
  registerOrganisationSchema,
  type OrganisationDeps,
} from "../../organisations";

const listQuery = z.strictObject({ role: z.enum(ORGANISATION_ROLES).optional() });
const orgParams = z.strictObject({
  orgId: z
    .string()
    .regex(/^org_[0-9a-f]{12}$/)
    .describe("As registering the organisation answered it"),
});

/** Onboarding organisations: the regulator registers them; each gets a key, a licence and an API key. */
export function organisationRoutes(deps: OrganisationDeps): RouteModule {
  return {
    register(router) {
      router.post(
        "/v1/organisations",
        requireRole("regulator"),
        validate(registerOrganisationSchema),
        async (req, res) => {
          const result = await registerOrganisation(deps, validated(res, registerOrganisationSchema));
          // A repeat of a finished registration answers it without its key (shown once, to the first answer).
          res.status(result.apiKey === null ? 200 : 201).json(result);
        },
      );
      router.get(
        "/v1/organisations",
        requireRole("regulator", "auditor"),
        validate(listQuery, "query"),
        (_req, res) => {
          res.json({ organisations: listOrganisations(deps, validated(res, listQuery, "query").role) });
        },
      );
      router.post(
        "/v1/organisations/:orgId/licence-changes",
        requireRole("regulator"),
        validate(orgParams, "params"),
        validate(changeLicenceSchema),
        async (_req, res) => {
          const { orgId } = validated(res, orgParams, "params");
          res.json(await changeLicence(deps, orgId, validated(res, changeLicenceSchema)));
        },
      );
    },
    openapi: {
      "/v1/organisations": {
        post: secured(["regulator"], {
          operationId: "registerOrganisation",
          summary: "Register an organisation",
          description:
            "Creates its signing key, grants its on-chain licence (all roles but donors) and issues a first API key, shown once. With an `idempotencyKey`, a repeat with the same body answers the same organisation: while the first request runs, with its key; after it, 200 with `apiKey: null` (only the key's hash is kept). The same key with another body is refused with 409 `idempotency_key_reused`. Nothing is written for a refused request.",
          tags: ["organisations"],
          requestBody: jsonRequestBody(registerOrganisationSchema, {
            name: "North Relief Society",
            role: "charity",
            layers: ["relief"],
            categories: [1],
            validDays: 365,
            idempotencyKey: "register-north-relief-2026-12-03",
          }),
          responses: {
            "201": jsonResponse(
              "Registered; the API key is shown once",
              docs.registeredOrganisation.schema,
              docs.registeredOrganisation.example,
            ),
            "200": jsonResponse(
              "A repeat of a finished registration (same idempotency key and body): the same organisation, no key",
              docs.registeredOrganisation.schema,
              docs.registeredOrganisation.replayExample,
            ),
            ...errorResponses(400, 409),
          },
        }),
        get: secured(["regulator", "auditor"], {
          operationId: "listOrganisations",
          summary: "List organisations with their licence status",
          tags: ["organisations"],
          parameters: parametersOf(listQuery, "query", { role: "charity" }),
          responses: {
            "200": jsonResponse("Organisations", docs.organisationList.schema, docs.organisationList.example),
            ...errorResponses(400),
          },
        }),
      },
      "/v1/organisations/{orgId}/licence-changes": {
        post: secured(["regulator"], {
          operationId: "changeLicence",
          summary: "Suspend, reinstate or revoke an organisation's licence",
          description:
            "Sent on chain by the gateway's operator as regulator. `revoke` proposes the revocation: the licence is inactive at once and the revocation may be finalised (`finalise_revocation`) only after the registry's delay (`REVOCATION_DELAY`, four days), or cancelled (`cancel_revocation`) until then. The only reason that goes on chain is `findingId`, the AuditLog finding the decision cites (0 for none), never free text. Checked against the chain first: a change the registry would refuse queues nothing and answers 409 with its error's name as the code. The same `idempotencyKey` answers the same change.",
          tags: ["organisations"],
          parameters: parametersOf(orgParams, "path", { orgId: "org_3f9a2c1e0b7d" }),
          requestBody: jsonRequestBody(changeLicenceSchema, {
            action: "suspend",
            findingId: 3,
            idempotencyKey: "suspend-org_3f9a2c1e0b7d-2026-12-02",
          }),
          responses: {
            "200": jsonResponse(
              "The licence as the chain holds it after the change",
              docs.licenceState.schema,
              docs.licenceState.example,
            ),
            ...errorResponses(400, 404, 409),
          },
        }),
      },
    },
  };
}
