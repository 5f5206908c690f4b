import { z } from "zod";
import { requireRole } from "../auth/requireRole";
import { validate, validated } from "../validation";
import { jsonRequestBody, jsonResponse, secured } from "../openapi/jsonSchema";
import { errorResponses } from "../openapi/jsonSchema";
import type { RouteModule } from "../routeModule";
import {
  listOrganisations,
  ORGANISATION_ROLES,
  registerOrganisation,
  registerOrganisationSchema,
  type OrganisationDeps,
} from "../../organisations";

const listQuery = z.strictObject({ role: z.enum(ORGANISATION_ROLES).optional() });

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
          res.status(201).json(result);
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
    },
    openapi: {
      "/v1/organisations": {
        post: secured(["regulator"], {
          summary:
            "Register an organisation: signing key, on-chain licence (all but donors) and a first API key",
          tags: ["organisations"],
          requestBody: jsonRequestBody(registerOrganisationSchema),
          responses: { "201": jsonResponse("Registered; the API key is shown once"), ...errorResponses(400) },
        }),
        get: secured(["regulator", "auditor"], {
          summary: "List organisations with their licence status",
          tags: ["organisations"],
          responses: { "200": jsonResponse("Organisations"), ...errorResponses(400) },
        }),
      },
    },
  };
}
