import { z } from "zod";
import { requireRole } from "../auth/requireRole";
import { validate, validated } from "../validation";
import { errorResponses, jsonRequestBody, jsonResponse, parametersOf, secured } from "../openapi/jsonSchema";
import * as docs from "./anchoringSchemas";
import { EXAMPLE_REF } from "./responseSchemas";
import type { AnchoringRouteServices, RouteModule } from "../routeModule";
import {
  confirmationInputSchema,
  getAnchor,
  getConfirmation,
  listAnchors,
  recordConfirmation,
  verifyConfirmation,
  type ConfirmationViewer,
} from "../../anchoring";
import { AppError } from "../../errors";
import { programmeRow } from "../../programmes";
import type { Principal } from "../../apiKeys";

const confirmationParams = z.strictObject({
  confirmationId: z
    .string()
    .regex(/^cnf_[0-9a-f-]{36}$/)
    .describe("As the confirmation answered it"),
});
const verifyQuery = z.strictObject({
  verify: z
    .enum(["true", "false"])
    .default("false")
    .describe("`true` asks the chain: `ReceiptAnchor.verifyReceipt` with the stored root, hash and proof"),
});
const rootParams = z.strictObject({
  root: z
    .string()
    .regex(/^0x[0-9a-f]{64}$/)
    .describe("The batch's Merkle root: `0x` and 64 lower-case hex digits"),
});
const listQuery = z.strictObject({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
const RECORDERS = ["charity", "field_agent"] as const;
const READERS = ["charity", "field_agent", "vendor", "auditor", "regulator"] as const;
const AUDITORS = ["auditor", "regulator"] as const;

/** Auditors and regulators see every confirmation; others those of their programmes or recorded by them. */
function viewerOf(principal: Principal): ConfirmationViewer {
  return { orgId: principal.orgId, seesAll: principal.role === "auditor" || principal.role === "regulator" };
}

/**
 * Off-chain confirmations (distributions in kind, service visits): a programme's charity or a field agent
 * records one; it is anchored on chain in a Merkle batch closed by size or age, and its proof is readable
 * (and checkable on chain) once anchored. Auditors list the batches.
 */
export function anchoringRoutes(services: AnchoringRouteServices): RouteModule {
  return {
    register(router) {
      router.post(
        "/v1/confirmations",
        requireRole(...RECORDERS),
        validate(confirmationInputSchema),
        (_req, res) => {
          const body = validated(res, confirmationInputSchema);
          const principal = res.locals.principal!;
          // A charity records only for its own programmes; field agents serve any programme.
          if (principal.role === "charity") {
            const programme = programmeRow(services.anchoring, body.programmeId);
            if (programme.org_id !== principal.orgId)
              throw new AppError(
                "ForbiddenError",
                403,
                "Only the programme's charity records confirmations for it.",
                "programmeId",
                "not_your_programme",
              );
          }
          const recorded = recordConfirmation(services.anchoring, { ...body, recordedBy: principal.orgId });
          res
            .status(recorded.replayed ? 200 : 201)
            .location(`/v1/confirmations/${recorded.confirmationId}`)
            .json(recorded);
        },
      );
      router.get(
        "/v1/confirmations/:confirmationId",
        requireRole(...READERS),
        validate(confirmationParams, "params"),
        validate(verifyQuery, "query"),
        async (_req, res) => {
          const { confirmationId } = validated(res, confirmationParams, "params");
          const viewer = viewerOf(res.locals.principal!);
          const { verify } = validated(res, verifyQuery, "query");
          res.json(
            verify === "true"
              ? await verifyConfirmation(services.anchoring, confirmationId, viewer)
              : getConfirmation(services.anchoring, confirmationId, viewer),
          );
        },
      );
      router.get("/v1/anchors", requireRole(...AUDITORS), validate(listQuery, "query"), (_req, res) => {
        res.json(listAnchors(services.anchoring, validated(res, listQuery, "query")));
      });
      router.get(
        "/v1/anchors/:root",
        requireRole(...AUDITORS),
        validate(rootParams, "params"),
        async (_req, res) => {
          res.json(await getAnchor(services.anchoring, validated(res, rootParams, "params").root));
        },
      );
    },
    openapi: {
      "/v1/confirmations": {
        post: secured([...RECORDERS], {
          operationId: "recordConfirmation",
          summary: "Record an off-chain confirmation for anchoring",
          description: [
            "A distribution in kind run by a charity itself, or a service visit: not a redemption. The gateway salts and hashes it (`confirmationHash`), and anchors it on chain in a Merkle batch that closes when it holds `SINTECH_ANCHOR_BATCH_SIZE` confirmations or its oldest is `SINTECH_ANCHOR_BATCH_SECONDS` old. Once the batch's anchor is confirmed, `GET /v1/confirmations/{confirmationId}` returns its inclusion proof.",
            "",
            "A charity records for its own programmes only (403 `not_your_programme`); a field agent for any. An unknown programme or household is 404; a `deliveredAt` in the future is 400 `in_future`, one before 2000 `too_early`. The same `idempotencyKey` with the same fields answers the stored confirmation (200, `replayed: true`); with other fields 409 `idempotency_key_reused`. A refused request writes nothing.",
          ].join("\n"),
          tags: ["confirmations"],
          requestBody: jsonRequestBody(confirmationInputSchema, {
            programmeId: 4,
            householdRef: EXAMPLE_REF,
            kind: "in_kind_distribution",
            deliveredAt: "2026-12-01T08:00:00Z",
            idempotencyKey: "visit-2026-12-01-0042",
          }),
          responses: {
            "201": jsonResponse(
              "Recorded; the `Location` header names its status route",
              docs.recordedConfirmation.schema,
              docs.recordedConfirmation.example,
            ),
            "200": jsonResponse(
              "The same `idempotencyKey` and fields were sent before: that confirmation, `replayed: true`, nothing new written",
              docs.recordedConfirmation.schema,
              docs.recordedConfirmation.replayed,
            ),
            ...errorResponses(400, 404, 409, 413, 415),
          },
        }),
      },
      "/v1/confirmations/{confirmationId}": {
        get: secured([...READERS], {
          operationId: "getConfirmation",
          summary: "A confirmation's state, batch root, inclusion proof and anchor transaction",
          description:
            "`state` is `pending` until its batch closes, `batched` while the anchor is on its way, `anchored` once confirmed: then `batch.proof` holds the proof, and anyone can call `ReceiptAnchor.verifyReceipt(batch.root, confirmationHash, batch.proof)` on chain; `verify=true` makes that call and answers `verifiedOnChain`. A charity sees the confirmations of its programmes, a field agent or a vendor those it recorded, auditors and regulators all; any other answers 404, as an unknown id does.",
          tags: ["confirmations"],
          parameters: [
            ...parametersOf(confirmationParams, "path", {
              confirmationId: docs.confirmation.example.confirmationId,
            }),
            ...parametersOf(verifyQuery, "query", { verify: "true" }),
          ],
          responses: {
            "200": jsonResponse("The confirmation", docs.confirmation.schema, docs.confirmation.example),
            ...errorResponses(400, 404),
          },
        }),
      },
      "/v1/anchors": {
        get: secured([...AUDITORS], {
          operationId: "listAnchors",
          summary: "Anchored batches of confirmations, newest first",
          description:
            "Every closed batch: its Merkle root, how many confirmations it holds, the anchor transaction and block once confirmed. Paginated with `offset` and `limit` (at most 100).",
          tags: ["confirmations"],
          parameters: parametersOf(listQuery, "query", { offset: 0, limit: 50 }),
          responses: {
            "200": jsonResponse("A page of batches", docs.anchorList.schema, docs.anchorList.example),
            ...errorResponses(400),
          },
        }),
      },
      "/v1/anchors/{root}": {
        get: secured([...AUDITORS], {
          operationId: "getAnchor",
          summary: "One batch by its root, beside the chain's record of it",
          description:
            "The gateway's record of the batch and `onChain`, what `ReceiptAnchor.anchorOf(root)` answers now (null when the chain cannot be read). Unknown roots are 404.",
          tags: ["confirmations"],
          parameters: parametersOf(rootParams, "path", { root: docs.anchor.example.root }),
          responses: {
            "200": jsonResponse("The batch", docs.anchor.schema, docs.anchor.example),
            ...errorResponses(400, 404),
          },
        }),
      },
    },
  };
}
