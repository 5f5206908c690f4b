import type { Response } from "express";
import { z } from "zod";
import { requireRole } from "../auth/requireRole";
import { canonicalId, validate, validated } from "../validation";
import {
  errorResponses,
  jsonRequestBody,
  jsonResponse,
  parametersOf,
  publicOperation,
  secured,
} from "../openapi/jsonSchema";
import * as docs from "./donorSchemas";
import type { DonorRouteServices, RouteModule } from "../routeModule";
import {
  giftOfReceiptCode,
  giftTimeline,
  indexerStatus,
  issueReceiptCode,
  readableGift,
  RECEIPT_SECRET_HEADER,
  registerWebhook,
  registerWebhookSchema,
  streamGiftEvents,
  type GiftReader,
} from "../../indexer";

const giftParams = z.strictObject({
  giftId: canonicalId.describe("The gift's on-chain id, in plain decimal digits"),
});
const codeParams = z.strictObject({
  code: z.string().max(64).describe("The receipt code the charity gave the donor (`gr_` and 22 characters)"),
});
const GIFT_READERS = ["donor", "charity", "auditor", "regulator"] as const;
const STATUS_READERS = ["regulator", "auditor", "registrar", "charity"] as const;

const reader = (res: Response): GiftReader => ({
  orgId: res.locals.principal!.orgId,
  role: res.locals.principal!.role,
});

/**
 * Donors follow their gifts: the timeline (by API key, or by the receipt code a charity gave a cash donor),
 * a server-sent-event stream per gift, and signed webhooks. Plus the indexer's own status.
 */
export function donorRoutes(services: DonorRouteServices): RouteModule {
  return {
    register(router) {
      router.get("/v1/indexer/status", requireRole(...STATUS_READERS), async (_req, res) => {
        res.json(await indexerStatus(services.indexer));
      });
      router.get(
        "/v1/gifts/:giftId/timeline",
        requireRole(...GIFT_READERS),
        validate(giftParams, "params"),
        (_req, res) => {
          const deps = services.indexer;
          const gift = readableGift(deps.db, validated(res, giftParams, "params").giftId, reader(res));
          res.set("Cache-Control", "no-store").json(giftTimeline(deps, gift));
        },
      );
      router.post(
        "/v1/gifts/:giftId/receipt-code",
        requireRole("charity"),
        validate(giftParams, "params"),
        (_req, res) => {
          const { giftId } = validated(res, giftParams, "params");
          const issued = issueReceiptCode(services.indexer, giftId, reader(res));
          res.status(201).set("Cache-Control", "no-store").json(issued);
        },
      );
      router.get("/v1/gift-receipts/:code/timeline", validate(codeParams, "params"), (req, res) => {
        const deps = services.indexer;
        const gift = giftOfReceiptCode(
          deps,
          validated(res, codeParams, "params").code,
          req.get(RECEIPT_SECRET_HEADER),
        );
        res.set("Cache-Control", "no-store").json(giftTimeline(deps, gift));
      });
      router.get(
        "/v1/gifts/:giftId/events",
        requireRole(...GIFT_READERS),
        validate(giftParams, "params"),
        (req, res) => {
          const deps = services.indexer;
          const { giftId } = readableGift(deps.db, validated(res, giftParams, "params").giftId, reader(res));
          res.status(200).set({
            "Content-Type": "text/event-stream; charset=utf-8",
            "Cache-Control": "no-store",
            "X-Accel-Buffering": "no",
          });
          res.flushHeaders();
          const end = streamGiftEvents(deps, giftId, req.get("Last-Event-ID"), {
            write: (text) => res.write(text),
            end: () => res.end(),
          });
          req.on("close", end);
        },
      );
      router.post(
        "/v1/webhooks",
        requireRole("donor", "charity"),
        validate(registerWebhookSchema),
        (_req, res) => {
          const created = registerWebhook(
            services.indexer,
            reader(res),
            validated(res, registerWebhookSchema),
          );
          res.status(201).set("Cache-Control", "no-store").json(created);
        },
      );
    },
    openapi: {
      "/v1/indexer/status": {
        get: secured([...STATUS_READERS], {
          operationId: "getIndexerStatus",
          summary: "How far the chain follower has read, and the reorganisations it found",
          description:
            "The checkpoint (block number and hash), the chain head, the confirmation depth it holds back, its lag, and every reorganisation found below the checkpoint (newest first), after which it rewound to the fork point. Also the webhook queue.",
          tags: ["donors"],
          responses: {
            "200": jsonResponse("Status", docs.indexerStatus.schema, docs.indexerStatus.example),
          },
        }),
      },
      "/v1/gifts/{giftId}/timeline": {
        get: secured([...GIFT_READERS], {
          operationId: "getGiftTimeline",
          summary: "Where a gift went: given, held, issued, redeemed with vendors, delivered, refunded",
          description:
            "Rebuilt from chain events only. Amounts attributed to this gift by the ledger's FIFO lots (`GiftSpent`); each delivery with its redemption's transaction as proof. Households only as a count and coarse regions, a region under five households shown as `other`. For the gift's donor, the programme's charity, auditors and the regulator; anyone else gets 404.",
          tags: ["donors"],
          parameters: parametersOf(giftParams, "path", { giftId: "12" }),
          responses: {
            "200": jsonResponse("The timeline", docs.giftTimeline.schema, docs.giftTimeline.example),
            ...errorResponses(400, 404),
          },
        }),
      },
      "/v1/gifts/{giftId}/receipt-code": {
        post: secured(["charity"], {
          operationId: "issueGiftReceiptCode",
          summary: "Issue the receipt code of a cash gift the charity recorded",
          description:
            "Once per gift (409 `receipt_code_issued` after). The code and secret are random; the secret is kept only as a keyed hash and shown only here. A gift given from a donor's own account has none (400 `not_a_cash_gift`).",
          tags: ["donors"],
          parameters: parametersOf(giftParams, "path", { giftId: "12" }),
          responses: {
            "201": jsonResponse("Issued", docs.receiptCode.schema, docs.receiptCode.example),
            ...errorResponses(400, 404, 409),
          },
        }),
      },
      "/v1/gift-receipts/{code}/timeline": {
        get: publicOperation(
          {
            operationId: "getGiftTimelineByReceipt",
            summary: "A cash donor's gift timeline, by the receipt code and its secret",
            description:
              "No API key: the secret goes in the `X-Receipt-Secret` header, never in the URL. An unknown code and a wrong secret answer the same 404.",
            tags: ["donors"],
            parameters: [
              ...parametersOf(codeParams, "path", { code: docs.receiptCode.example.code }),
              {
                name: RECEIPT_SECRET_HEADER,
                in: "header",
                required: true,
                description: "The secret printed with the code",
                schema: { type: "string", maxLength: 100 },
                example: docs.receiptCode.example.secret,
              },
            ],
            responses: {
              "200": jsonResponse("The timeline", docs.giftTimeline.schema, docs.giftTimeline.example),
              ...errorResponses(400, 404),
            },
          },
          { rateLimited: true },
        ),
      },
      "/v1/gifts/{giftId}/events": {
        get: secured([...GIFT_READERS], {
          operationId: "streamGiftEvents",
          summary: "Server-sent events of a gift: delivered, refunded, reallocated",
          description:
            "A `text/event-stream` that first replays the gift's events (after `Last-Event-ID` when reconnecting) and then sends each new one as the indexer reads it. Each `id:` is the event's stable id, the same a webhook carries. A comment line every 15 s keeps the connection open.",
          tags: ["donors"],
          parameters: [
            ...parametersOf(giftParams, "path", { giftId: "12" }),
            {
              name: "Last-Event-ID",
              in: "header",
              required: false,
              description: "The last event id received, to resume after it",
              schema: { type: "string", maxLength: 64 },
              example: docs.giftEventExample.eventId,
            },
          ],
          responses: {
            "200": {
              description: "The event stream; each `data:` line is one event as JSON (see the example)",
              content: {
                "text/event-stream": {
                  schema: { type: "string" },
                  example: `id: ${docs.giftEventExample.eventId}\nevent: gift.delivered\ndata: ${JSON.stringify(docs.giftEventExample)}\n\n`,
                },
              },
            },
            ...errorResponses(400, 404),
          },
        }),
      },
      "/v1/webhooks": {
        post: secured(["donor", "charity"], {
          operationId: "registerWebhook",
          summary: "Be told by webhook when a gift reaches delivery, is refunded or reallocated",
          description:
            'Each event is POSTed as `{id, type, data}` with `Sintech-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>` and `Sintech-Event-Id`. Any answer but 2xx is retried with exponential backoff from a durable queue (it survives restarts); delivery is at least once, so deduplicate on the event id. `giftId` limits it to one of the caller\'s gifts (404 otherwise).',
          tags: ["donors"],
          requestBody: jsonRequestBody(registerWebhookSchema, {
            url: "https://donor.example.org/hooks/sintech",
            giftId: 12,
          }),
          responses: {
            "201": jsonResponse(
              "Registered; the secret is shown once",
              docs.webhook.schema,
              docs.webhook.example,
            ),
            ...errorResponses(400, 404),
          },
        }),
      },
    },
  };
}
