import { createHash, timingSafeEqual } from "node:crypto";
import express, { type RequestHandler } from "express";
import { UnauthenticatedError, UnsupportedMediaTypeError } from "../errors/httpErrors";
import { rateLimiter } from "../middleware/rateLimit";
import { errorResponse, errorResponses, jsonSchemaOf } from "../openapi/jsonSchema";
import type { RouteModule, UssdRouteServices } from "../routeModule";
import type { Config } from "../../config";
import { handleUssd, ussdRequestSchema } from "../../delivery";

const USSD_PATH = "/v1/ussd";
/** The header the aggregator sends `SINTECH_USSD_SECRET` in. */
export const USSD_SECRET_HEADER = "x-ussd-secret";
/** A callback is a few short fields: anything bigger is not one. */
const BODY_LIMIT = "4kb";

const REQUEST_EXAMPLE = {
  sessionId: "ATUid_5a1f0c2e9b7d4c3a",
  serviceCode: "*384*7#",
  phoneNumber: "+989121234567",
  text: "1*1",
};

const sha256 = (value: string) => createHash("sha256").update(value, "utf8").digest();

/** The aggregator proves itself with the shared secret; with none configured, every call is refused. */
function requireAggregator(config: Config): RequestHandler {
  return (req, _res, next) => {
    const secret = config.ussd.secret;
    const given = req.headers[USSD_SECRET_HEADER];
    if (secret === null) throw new UnauthenticatedError("The USSD face is not enabled on this gateway");
    if (typeof given !== "string" || !timingSafeEqual(sha256(given), sha256(secret.reveal()))) {
      throw new UnauthenticatedError("The USSD secret is missing or wrong");
    }
    next();
  };
}

/** Aggregators post forms (Africa's Talking) or JSON; anything else is refused before it is read. */
const readCallback: RequestHandler[] = [
  (req, _res, next) => {
    if (!req.is("application/x-www-form-urlencoded") && !req.is("application/json")) {
      throw new UnsupportedMediaTypeError();
    }
    next();
  },
  express.urlencoded({ extended: false, limit: BODY_LIMIT }),
  express.json({ limit: BODY_LIMIT, strict: true }),
];

/**
 * The USSD face for feature phones: the aggregator relays each screen's input and shows the plain-text
 * answer (`CON ...` to go on, `END ...` to close). The caller is known by the phone number, turned into its
 * keyed reference at once and never stored or logged; the menu lists the household's pending deliveries
 * (accept with the PIN, or dispute), its last receipts, and a choice of Persian or English.
 */
export function ussdRoutes(services: UssdRouteServices): RouteModule {
  return {
    rawBodyPaths: [USSD_PATH],
    ownRateLimitPaths: [USSD_PATH],
    register(router, { config }) {
      router.post(
        USSD_PATH,
        requireAggregator(config),
        // One client speaks for every caller, so it gets its own budget rather than one API key's.
        rateLimiter({ windowMs: config.rateLimit.windowMs, max: config.ussd.rateLimitMax }),
        ...readCallback,
        async (req, res) => {
          const answer = await handleUssd(
            { ...services.delivery, sessionTimeoutMs: config.ussd.sessionSeconds * 1000 },
            req.body,
          );
          res.locals.log.info(
            {
              ussd: {
                caller: answer.caller,
                reply: answer.reply.kind,
                ...(answer.action && { action: answer.action.ok ? "done" : answer.action.problem }),
              },
            },
            "ussd callback",
          );
          res.type("text/plain; charset=utf-8").send(`${answer.reply.kind} ${answer.reply.text}`);
        },
      );
    },
    openapi: {
      [USSD_PATH]: {
        post: {
          operationId: "ussdCallback",
          summary: "A USSD aggregator's callback: the session's input so far; answers the next screen",
          description:
            "Called by the USSD aggregator (Africa's Talking style), never by people: it sends the shared secret " +
            "(`SINTECH_USSD_SECRET`) in the `X-USSD-Secret` header, and its calls have their own rate limit " +
            "(`SINTECH_USSD_RATE_LIMIT_MAX` a window). The body, a form or JSON, carries `sessionId`, `serviceCode`, " +
            "`phoneNumber` and `text` (every input of the session joined by `*`, empty at first); other fields are " +
            "ignored. The answer is plain text: `CON ` and a screen when the menu goes on, `END ` and a last screen " +
            "when the session is over, at most 182 characters, in Persian or English with digits in that script " +
            "(Persian digits are accepted as input). The phone number becomes its keyed reference at once and is " +
            "never stored, logged or repeated; an unknown number gets a polite `END` that says nothing more. " +
            "Menu: 1 pending deliveries (choose one, then 1 accept with the household's PIN or 2 dispute with a " +
            "reason), 2 last receipts, 3 language; `0` back, `00` main menu, `9` more. A PIN typed here counts " +
            "towards the wallet's attempts and lockout. A session ends 180 seconds after its last input " +
            "(`SINTECH_USSD_SESSION_SECONDS`); a timed-out session starts over.",
          tags: ["ussd"],
          requestBody: {
            required: true,
            content: {
              "application/x-www-form-urlencoded": {
                schema: jsonSchemaOf(ussdRequestSchema),
                example: REQUEST_EXAMPLE,
              },
              "application/json": { schema: jsonSchemaOf(ussdRequestSchema), example: REQUEST_EXAMPLE },
            },
          },
          responses: {
            "200": {
              description: "The next screen: `CON ` (the menu goes on) or `END ` (the session is over)",
              content: {
                "text/plain": {
                  schema: { type: "string", maxLength: 182, pattern: "^(CON|END) " },
                  example: "CON Sin Tech aid\n1 Pending deliveries\n2 Last receipts\n3 Language",
                },
              },
            },
            ...errorResponses(400, 429),
            "401": errorResponse(401, {
              name: "UnauthenticatedError",
              message: "The USSD secret is missing or wrong",
            }),
          },
          security: [{ ussdSecret: [] }],
        },
      },
    },
  };
}
