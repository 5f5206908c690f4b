import { z } from "zod";
import { requireRole } from "../auth/requireRole";
import { validate, validated } from "../validation";
import { errorResponses, jsonRequestBody, jsonResponse, parametersOf, secured } from "../openapi/jsonSchema";
import * as docs from "./responseSchemas";
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
          operationId: "registerOrganisation",
          summary: "Register an organisation",
          description:
            "Creates its signing key, grants its on-chain licence (all roles but donors) and issues a first API key, shown once.",
          tags: ["organisations"],
          requestBody: jsonRequestBody(registerOrganisationSchema, {
            name: "North Relief Society",
            role: "charity",
            layers: ["relief"],
            categories: [1],
            validDays: 365,
          }),
          responses: {
            "201": jsonResponse(
              "Registered; the API key is shown once",
              docs.registeredOrganisation.schema,
              docs.registeredOrganisation.example,
            ),
            ...errorResponses(400),
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
    },
  };
}
