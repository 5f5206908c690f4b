import { z } from "zod";
import { AppError } from "../../errors";
import { openDataCache, openDataCsv, OPEN_DATA_COLUMNS, periodSchema, underCoverage } from "../../coverage";
import { programmeRow } from "../../programmes";
import { requireRole } from "../auth/requireRole";
import {
  errorResponses,
  jsonResponse,
  jsonSchemaOf,
  parametersOf,
  publicOperation,
  secured,
} from "../openapi/jsonSchema";
import { validate, validated } from "../validation";
import type { CoverageRouteServices, RouteModule } from "../routeModule";
import * as docs from "./coverageSchemas";
import { programmeParams } from "./programmeRoutes";

const periodDescription =
  "The programme period (block time / period length); the current period when omitted";
const underCoverageQuery = z.strictObject({ period: periodSchema.optional().describe(periodDescription) });
const openDataQuery = z.strictObject({
  period: periodSchema.optional().describe(periodDescription),
  format: z
    .enum(["json", "csv"])
    .optional()
    .describe("`csv` or `json`; without it the `Accept` header decides (JSON unless it prefers text/csv)"),
});
const UNDER_COVERAGE_READERS = ["charity", "regulator", "auditor"] as const;

const csvExample = openDataCsv(docs.openData.example as Parameters<typeof openDataCsv>[0]);

/**
 * Under-coverage per programme period (the programme's charity, the regulator, auditors) and the public open
 * data of each programme period, as JSON or CSV.
 */
export function coverageRoutes(services: CoverageRouteServices): RouteModule {
  const deps = services.coverage;
  // Public and costly to compute: served from the last report while the indexer has read nothing new.
  const openDataOf = openDataCache(deps);
  return {
    register(router) {
      router.get(
        "/v1/programmes/:programmeId/under-coverage",
        requireRole(...UNDER_COVERAGE_READERS),
        validate(programmeParams, "params"),
        validate(underCoverageQuery, "query"),
        async (_req, res) => {
          const { programmeId } = validated(res, programmeParams, "params");
          const principal = res.locals.principal!;
          if (principal.role === "charity" && programmeRow(deps, programmeId).org_id !== principal.orgId) {
            throw new AppError(
              "ForbiddenError",
              403,
              "Only the programme's charity, the regulator and auditors read its under-coverage.",
              "programmeId",
              "not_your_programme",
            );
          }
          const { period } = validated(res, underCoverageQuery, "query");
          res.set("Cache-Control", "no-store").json(await underCoverage(deps, { programmeId, period }));
        },
      );
      router.get(
        "/v1/programmes/:programmeId/open-data",
        validate(programmeParams, "params"),
        validate(openDataQuery, "query"),
        async (req, res) => {
          const { programmeId } = validated(res, programmeParams, "params");
          const { period, format } = validated(res, openDataQuery, "query");
          const report = await openDataOf({ programmeId, period });
          const csv = format
            ? format === "csv"
            : req.accepts(["application/json", "text/csv"]) === "text/csv";
          res.vary("Accept").set("Cache-Control", "public, max-age=60");
          if (!csv) return void res.json(report);
          res
            .type("text/csv; charset=utf-8")
            .attachment(`open-data-programme-${programmeId}-period-${report.period}.csv`)
            .send(openDataCsv(report));
        },
      );
    },
    openapi: {
      "/v1/programmes/{programmeId}/under-coverage": {
        get: secured([...UNDER_COVERAGE_READERS], {
          operationId: "getUnderCoverage",
          summary:
            "Under-coverage (کم‌پوشانی): eligible households issued nothing in a period, by coarse region",
          description:
            "Eligible means what a disbursement by selection picks: households registered on chain, active in the household file, that the programme's eligibility rule selects (every registered household without a rule), assessed now. Covered means the chain shows an entitlement of the programme minted to the household's account for the period (the indexer's reading of `TransferSingle` events). Regions are postal areas from the household file; a region under five eligible households, and households of unknown or withheld region, are shown only as `other`. Counts only: no household reference. For the programme's charity (another charity: 403 `not_your_programme`), the regulator and auditors; `sintech audit --under-coverage` puts it in the signed report.",
          tags: ["coverage"],
          parameters: [
            ...parametersOf(programmeParams, "path", { programmeId: "4" }),
            ...parametersOf(underCoverageQuery, "query", { period: "685" }),
          ],
          responses: {
            "200": jsonResponse("The under-coverage", docs.underCoverage.schema, docs.underCoverage.example),
            ...errorResponses(400, 404),
          },
        }),
      },
      "/v1/programmes/{programmeId}/open-data": {
        get: publicOperation(
          {
            operationId: "getOpenData",
            summary: "Open data of a programme period: counts and amounts by coarse region, as JSON or CSV",
            description: `No API key. Aggregates from chain events only: households covered, amounts issued and redeemed, deliveries and vendors, by postal area from the household file; a region under five covered households is shown only as \`other\`. No household reference, wallet or vendor address, national ID, phone or postal code. CSV columns: ${OPEN_DATA_COLUMNS.map(
              ([name, meaning]) => `\`${name}\` (${meaning})`,
            ).join("; ")}.`,
            tags: ["coverage"],
            parameters: [
              ...parametersOf(programmeParams, "path", { programmeId: "4" }),
              ...parametersOf(openDataQuery, "query", { period: "685", format: "csv" }),
            ],
            responses: {
              "200": {
                description: "The open data",
                content: {
                  "application/json": {
                    schema: jsonSchemaOf(docs.openData.schema, "output"),
                    example: docs.openData.example,
                  },
                  "text/csv": { schema: { type: "string" }, example: csvExample },
                },
              },
              ...errorResponses(400, 404),
            },
          },
          { rateLimited: true },
        ),
      },
    },
  };
}
