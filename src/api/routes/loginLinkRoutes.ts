import { z } from "zod";
import { createLoginLink, LOGIN_LINK_MAX_MINUTES, LOGIN_LINK_TTL_MINUTES, ROLES } from "../../apiKeys";
import { requireRole } from "../auth/requireRole";
import { errorResponses, jsonRequestBody, jsonResponse, secured } from "../openapi/jsonSchema";
import type { RouteModule, RouteServices } from "../routeModule";
import { validate, validated } from "../validation";

export const loginLinkSchema = z.strictObject({
  minutes: z
    .number()
    .int()
    .min(1)
    .max(LOGIN_LINK_MAX_MINUTES)
    .default(LOGIN_LINK_TTL_MINUTES)
    .describe("How long the link may be used; 15 minutes unless asked"),
});

const loginLinkAnswer = z.strictObject({
  path: z
    .string()
    .regex(/^\/app\/login\/link#stl_[A-Za-z0-9_-]{43}$/)
    .describe(
      "Append to the gateway's address. Shown once: only its keyed hash is kept. The token is in the fragment, which browsers never send to a server",
    ),
  expiresAt: z.string().describe("ISO 8601 date and time"),
});

/**
 * One-time login links: a key holder makes a link that signs one browser in as itself (its organisation,
 * role and key), to hand to a colleague instead of the key. Any role; always its own organisation.
 */
export function loginLinkRoutes(services: Pick<RouteServices, "store" | "organisations">): RouteModule {
  return {
    register(router) {
      router.post("/v1/login-links", requireRole(), validate(loginLinkSchema), (_req, res) => {
        const { minutes } = validated(res, loginLinkSchema);
        const { store, organisations } = services;
        const link = createLoginLink(store.sqlite, organisations.peppers, res.locals.principal!, { minutes });
        res.status(201).json(link);
      });
    },
    openapi: {
      "/v1/login-links": {
        post: secured([...ROLES], {
          operationId: "createLoginLink",
          summary: "Make a one-time login link for the pages",
          description:
            "Signs one browser in to the pages (/app) as the caller: its organisation, role and API key, with the same eight-hour session cookie a key login gives. The link works once, until `expiresAt` (15 minutes unless `minutes` asks otherwise, at most 60); opening it shows a button that posts the token, so a link preview cannot spend it. Revoking the caller's key ends the link and its sessions. There is no way to make a link for another organisation.",
          tags: ["organisations"],
          requestBody: jsonRequestBody(loginLinkSchema, { minutes: 15 }),
          responses: {
            "201": jsonResponse("The link, shown once", loginLinkAnswer, {
              path: "/app/login/link#stl_Q2x9fP0aLmZ7c1VbN8sT3kR6yH0wE5aJ2dG9pU1iO7q",
              expiresAt: "2026-12-03T13:15:00.000Z",
            }),
            ...errorResponses(400),
          },
        }),
      },
    },
  };
}
