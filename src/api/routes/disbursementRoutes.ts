import { z } from "zod";
import { requireRole } from "../auth/requireRole";
import { validate, validated } from "../validation";
import { parseInput } from "../../validation";
import {
  errorResponses,
  idempotencyKeyParameter,
  jsonRequestBody,
  jsonResponse,
  parametersOf,
  secured,
} from "../openapi/jsonSchema";
import * as docs from "./responseSchemas";
import type { DisbursementRouteServices, RouteModule } from "../routeModule";
import { csvUpload, idempotencyKeyHeader } from "./csvUpload";
import { programmeParams } from "./programmeRoutes";
import { ownProgrammeOnly, refuseAmountAboveCap } from "./programmeAccess";
import { tokenAmountSchema } from "../../programmes";
import { disburseCsv, disburseEligible, getDisbursement, listDisbursements } from "../../disbursement";
import { cachedStatement } from "../../db/statements";
import { NotFoundError } from "../../errors";

const eligibleBody = z.strictObject({
  selection: z.literal("eligible"),
  amount: tokenAmountSchema,
  idempotencyKey: z.string().regex(/^[A-Za-z0-9._:-]{8,100}$/),
});
const disbursementParams = z.strictObject({
  disbursementId: z
    .string()
    .regex(/^dsb_[0-9a-f-]{36}$/)
    .describe("As the disbursement answered it"),
});
const pageQuery = z.strictObject({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});
const listQuery = z.strictObject({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

/** Serialised pages of finished disbursements; past the limit the oldest is dropped. */
const FINISHED_PAGES_KEPT = 256;

function remember(cache: Map<string, string>, key: string, body: string): void {
  cache.set(key, body);
  if (cache.size > FINISHED_PAGES_KEPT) cache.delete(cache.keys().next().value!);
}

/**
 * Disbursement: a charity uploads a CSV of national IDs and amounts (text/csv with an Idempotency-Key
 * header) or selects the households its programme's rule makes eligible (JSON). The request answers 202
 * as soon as the rows are decided and their chain writes queued; `GET /v1/disbursements/{id}` reports
 * progress until `state` is `done`, and each row its status, a readable reason when not issued, and the
 * issuance transaction's hash when issued.
 */
export function disbursementRoutes(services: DisbursementRouteServices): RouteModule {
  const finishedPages = new Map<string, string>();
  return {
    register(router) {
      router.post(
        "/v1/programmes/:programmeId/disbursements",
        requireRole("charity"),
        validate(programmeParams, "params"),
        ownProgrammeOnly(services.programmes),
        refuseAmountAboveCap(services.programmes),
        async (req, res) => {
          const { programmeId } = validated(res, programmeParams, "params");
          const orgId = res.locals.principal!.orgId;
          const report = req.is("text/csv")
            ? await disburseCsv(services.disbursement, {
                orgId,
                programmeId,
                idempotencyKey: idempotencyKeyHeader(req),
                csv: csvUpload(req),
              })
            : await (async () => {
                const body = parseInput(eligibleBody, req.body ?? {}, "body");
                return disburseEligible(services.disbursement, {
                  orgId,
                  programmeId,
                  idempotencyKey: body.idempotencyKey,
                  amount: body.amount,
                  selectEligible: () => services.selectEligible(programmeId),
                });
              })();
          res
            .status(report.replayed ? 200 : 202)
            .location(`/v1/disbursements/${report.disbursementId}`)
            .json(report);
        },
      );
      router.get(
        "/v1/disbursements",
        requireRole("charity", "auditor", "regulator"),
        validate(listQuery, "query"),
        (_req, res) => {
          const principal = res.locals.principal!;
          const page = validated(res, listQuery, "query");
          // A charity lists its own disbursements; auditors and regulators list every one.
          res.json(
            listDisbursements(services.disbursement, {
              ...page,
              orgId: principal.role === "charity" ? principal.orgId : undefined,
            }),
          );
        },
      );
      router.get(
        "/v1/disbursements/:disbursementId",
        requireRole("charity", "auditor", "regulator"),
        validate(disbursementParams, "params"),
        validate(pageQuery, "query"),
        (_req, res) => {
          const { disbursementId } = validated(res, disbursementParams, "params");
          const principal = res.locals.principal!;
          const owner = cachedStatement(
            services.store.sqlite,
            "SELECT org_id FROM disbursements WHERE disbursement_id = ?",
            "pluck",
          ).get(disbursementId) as string | undefined;
          // A charity sees only its own disbursements; they look absent otherwise, as with any unknown id.
          if (principal.role === "charity" && owner !== undefined && owner !== principal.orgId) {
            throw new NotFoundError("disbursementId", "No disbursement has this id.");
          }
          const page = validated(res, pageQuery, "query");
          const key = `${disbursementId}:${page.offset}:${page.limit}`;
          let body = finishedPages.get(key);
          if (body === undefined) {
            const report = getDisbursement(services.disbursement, disbursementId, page);
            body = JSON.stringify(report);
            // Once no row is queued a disbursement never changes: its pages are kept serialised.
            if (report.counts.queued === 0) remember(finishedPages, key, body);
          }
          res.type("application/json").send(body);
        },
      );
    },
    openapi: {
      "/v1/programmes/{programmeId}/disbursements": {
        post: secured(["charity"], {
          operationId: "disburse",
          summary: "Disburse entitlements to households",
          description: [
            "Two forms:",
            "",
            "- a `text/csv` body of `national_id,amount` rows, with an `Idempotency-Key` header;",
            '- JSON `{"selection": "eligible", ...}`: every registered household the programme\'s rule selects, at one amount.',
            "",
            "Each row comes back with its status and, when not issued, a reason in plain words. Only the programme's charity disburses it (403 `not_your_programme` otherwise). An amount above the programme's `capPerPeriod` can never be issued: a selection's amount above it is refused (400 `above_cap` on `amount`); a CSV row above it comes back `invalid` with code `above_cap`, and a disbursement none of whose rows is valid is refused whole (400: `above_cap` on `amount` when every row is above the cap, `no_valid_row` on `file` otherwise). A CSV that is not UTF-8 is refused naming the line. The same idempotency key answers the stored disbursement (200).",
          ].join("\n"),
          tags: ["disbursements"],
          parameters: [
            ...parametersOf(programmeParams, "path", { programmeId: "4" }),
            idempotencyKeyParameter(
              false,
              "Required with a `text/csv` body; JSON bodies carry `idempotencyKey`.",
            ),
          ],
          requestBody: {
            required: true,
            content: {
              "text/csv": {
                schema: { type: "string" },
                example: "national_id,amount\n4831726590,2500000\n0012345679,2500000\n",
              },
              ...jsonRequestBody(eligibleBody, {
                selection: "eligible",
                amount: "2500000",
                idempotencyKey: "disburse-2026-12-eligible",
              }).content,
            },
          },
          responses: {
            "202": jsonResponse(
              "Accepted: every row decided and its chain writes queued; `state` is `running` and the `Location` header names the status route",
              docs.disbursementResult.schema,
              docs.disbursementResult.example,
            ),
            "200": jsonResponse(
              "The same idempotency key and request were sent before: that disbursement, `replayed: true`, nothing new sent",
              docs.disbursementResult.schema,
              docs.disbursementResult.replayed,
            ),
            ...errorResponses(400, 403, 404, 409, 413, 415),
          },
        }),
      },
      "/v1/disbursements": {
        get: secured(["charity", "auditor", "regulator"], {
          operationId: "listDisbursements",
          summary: "Disbursements, newest first",
          description:
            "Paginated with `offset` and `limit` (at most 100): a charity sees its own, auditors and regulators all. Each line has its counts and state; the rows are read one disbursement at a time.",
          tags: ["disbursements"],
          parameters: parametersOf(listQuery, "query", { offset: 0, limit: 20 }),
          responses: {
            "200": jsonResponse(
              "A page of disbursements with counts and state",
              docs.disbursementList.schema,
              docs.disbursementList.example,
            ),
            ...errorResponses(400),
          },
        }),
      },
      "/v1/disbursements/{disbursementId}": {
        get: secured(["charity", "auditor", "regulator"], {
          operationId: "getDisbursement",
          summary: "A disbursement's state, progress, counts and a page of rows",
          description:
            "`state` is `running` until every row is decided and every chain write has ended, then `done`; `progress` counts rows done, refused and pending, and chain writes pending. Each issued row carries its `issueBatch` transaction hash (`txHash`). A charity sees only its own disbursements; another's answers 404, as an unknown id does.",
          tags: ["disbursements"],
          parameters: [
            ...parametersOf(disbursementParams, "path", {
              disbursementId: docs.disbursement.example.disbursementId,
            }),
            ...parametersOf(pageQuery, "query", { offset: 0, limit: 1000 }),
          ],
          responses: {
            "200": jsonResponse("The disbursement", docs.disbursement.schema, docs.disbursement.example),
            ...errorResponses(400, 404),
          },
        }),
      },
    },
  };
}
