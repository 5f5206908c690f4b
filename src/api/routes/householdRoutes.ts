import { z } from "zod";
import { requireRole } from "../auth/requireRole";
import { canonicalId, validate, validated } from "../validation";
import {
  errorResponses,
  idempotencyKeyParameter,
  jsonRequestBody,
  jsonResponse,
  parametersOf,
  secured,
} from "../openapi/jsonSchema";
import type { HouseholdRouteServices, RouteModule } from "../routeModule";
import { programmeParams } from "./programmeRoutes";
import * as docs from "./responseSchemas";
import { csvUpload, idempotencyKeyHeader } from "./csvUpload";
import { accessContext } from "./accessContext";
import {
  assessEligibility,
  authoriseHouseholdRead,
  authoriseImportRead,
  enrolHousehold,
  listAccessLog,
  enrolHouseholdSchema,
  getImportReport,
  importHouseholdsCsv,
  resolveDuplicateReview,
  resolveReviewSchema,
  type ProgrammeRule,
} from "../../households";
import { cachedStatement } from "../../db/statements";
import { NotFoundError } from "../../errors";
import { programmeRow } from "../../programmes";
import { registerPendingOnChain, registrationRun } from "../../disbursement";

const refPattern = /^0x[0-9a-f]{64}$/;
const householdParams = z.strictObject({
  householdRef: z
    .string()
    .regex(refPattern)
    .describe("The household's reference: `0x` and 64 lower-case hex digits"),
});
const eligibilityParams = programmeParams.extend(householdParams.shape);
const importParams = z.strictObject({
  importId: z.string().min(1).max(100).describe("As the import answered it (`importId`)"),
});
const reviewParams = importParams.extend({
  rowNo: canonicalId.describe("The review's row in the file (`rowNo` of the report's review)"),
});
const registrationParams = z.strictObject({
  registrationId: z
    .string()
    .regex(/^reg_[0-9a-f-]{36}$/)
    .describe("As the registration answered it (`registrationId`)"),
});
const INTAKE = ["charity", "registrar"] as const;
const LOG_READERS = ["auditor", "regulator"] as const;
const accessLogQuery = z.strictObject({
  // A household reference, or an evidence id (reads of evidence content and keys are logged too).
  subject: z
    .string()
    .regex(new RegExp(`${refPattern.source}|^ev_[0-9a-f-]{36}$`))
    .optional(),
  orgId: z.string().min(1).max(64).optional(),
  after: canonicalId.optional(),
  limit: canonicalId.pipe(z.number().max(1000)).optional(),
});
const ACCESS_RIGHTS =
  "Who reads the household file: a charity reads the households it enrolled, or that a disbursement of one of its " +
  "programmes issued to (covered) or listed (considered); the registrar reads and registers every household; an auditor " +
  "reads every household; every read of a household's file, eligibility or wallet is recorded in the access log " +
  "(who, what, when, why: the grounds and the X-Access-Purpose header). A household the caller may not read answers " +
  "404, exactly as an unknown one.";

/**
 * The household file: enrol once (JSON, or a CSV of thousands of rows), read a household's summary by
 * reference, explain its eligibility, and write enrolled households to the chain.
 */
export function householdRoutes(services: HouseholdRouteServices): RouteModule {
  const ctx = services.households;
  return {
    register(router) {
      router.post("/v1/households", requireRole(...INTAKE), async (req, res) => {
        const result = await enrolHousehold(ctx, req.body, { enrolledBy: res.locals.principal!.orgId });
        res.status(201).json(result);
      });
      router.post("/v1/households/imports", requireRole(...INTAKE), async (req, res) => {
        const idempotencyKey = idempotencyKeyHeader(req);
        const report = await importHouseholdsCsv(ctx, csvUpload(req), {
          idempotencyKey,
          enrolledBy: res.locals.principal!.orgId,
        });
        res.status(report.replayed ? 200 : 201).json(report);
      });
      router.get(
        "/v1/households/imports/:importId",
        requireRole(...INTAKE, "auditor"),
        validate(importParams, "params"),
        async (req, res) => {
          const { importId } = validated(res, importParams, "params");
          authoriseImportRead(services.store.sqlite, {
            ...accessContext(req, res),
            action: "import.report",
            subject: importId,
          });
          res.json(await getImportReport(ctx, { importId }));
        },
      );
      router.post(
        "/v1/households/imports/:importId/reviews/:rowNo/resolution",
        requireRole("charity"),
        validate(reviewParams, "params"),
        validate(resolveReviewSchema),
        (req, res) => {
          const { importId, rowNo } = validated(res, reviewParams, "params");
          res.json(
            resolveDuplicateReview(
              ctx,
              services.store.sqlite,
              accessContext(req, res),
              importId,
              rowNo,
              validated(res, resolveReviewSchema),
            ),
          );
        },
      );
      router.post("/v1/households/registrations", requireRole(...INTAKE), async (_req, res) => {
        // Each organisation registers the households it enrolled (the registrar also those enrolled before
        // enrolment was recorded), never another's pending ones. Answers once the first batches are queued;
        // the status route reports the chain writes' progress.
        const principal = res.locals.principal!;
        const enrolledBy = { orgId: principal.orgId, includeUnrecorded: principal.role === "registrar" };
        const run = await registerPendingOnChain(services.disbursement, { enrolledBy });
        if (run.registrationId === null) {
          res.status(200).json(run);
          return;
        }
        res.status(202).location(`/v1/households/registrations/${run.registrationId}`).json(run);
      });
      router.get(
        "/v1/access-log",
        requireRole(...LOG_READERS),
        validate(accessLogQuery, "query"),
        (_req, res) => {
          const query = validated(res, accessLogQuery, "query");
          const entries = listAccessLog(services.store.sqlite, { ...query, limit: query.limit ?? 100 });
          res.json({ entries, next: entries.length > 0 ? entries[entries.length - 1]!.entryId : null });
        },
      );
      router.get(
        "/v1/households/registrations/:registrationId",
        requireRole(...INTAKE, "auditor"),
        validate(registrationParams, "params"),
        (_req, res) => {
          const { registrationId } = validated(res, registrationParams, "params");
          // The organisation that started the run, the registrar or an auditor; anyone else: 404.
          res.json(registrationRun(services.disbursement, registrationId, res.locals.principal!));
        },
      );
      router.get(
        "/v1/households/:householdRef",
        requireRole(...INTAKE, "auditor"),
        validate(householdParams, "params"),
        (req, res) => {
          const { householdRef } = validated(res, householdParams, "params");
          authoriseHouseholdRead(services.store.sqlite, {
            ...accessContext(req, res),
            action: "household.summary",
            subject: householdRef,
          });
          res.json(householdSummary(services, householdRef));
        },
      );
      router.get(
        "/v1/programmes/:programmeId/eligibility/:householdRef",
        requireRole("charity", "auditor"),
        validate(eligibilityParams, "params"),
        async (req, res) => {
          const { householdRef, programmeId } = validated(res, eligibilityParams, "params");
          authoriseHouseholdRead(services.store.sqlite, {
            ...accessContext(req, res),
            action: "household.eligibility",
            subject: householdRef,
          });
          const programme = programmeRow(services.programmes, programmeId);
          if (!programme.rule_json) {
            res.json({
              householdRef,
              programmeId,
              eligible: true,
              score: null,
              reasons: ["The programme has no rule."],
            });
            return;
          }
          const rule = JSON.parse(programme.rule_json) as ProgrammeRule;
          // The rule names the programme by a string id; the API names it by number everywhere.
          res.json({ ...(await assessEligibility(ctx, { householdRef, programme: rule })), programmeId });
        },
      );
    },
    openapi: {
      "/v1/households": {
        post: secured([...INTAKE], {
          operationId: "enrolHousehold",
          summary: "Enrol one household",
          description:
            "Members' national IDs (Persian, Arabic-Indic or ASCII digits) become keyed references; names, phones and attributes go to the encrypted vault. The answer carries references only.",
          tags: ["households"],
          requestBody: jsonRequestBody(enrolHouseholdSchema, {
            members: [
              { nationalId: "4831726590", jobCode: "employee", isHead: true },
              { nationalId: "0012345679", jobCode: "student", isHead: false },
            ],
            postalCode: "1234567891",
          }),
          responses: {
            "201": jsonResponse(
              "Enrolled, with references only",
              docs.enrolled.schema,
              docs.enrolled.example,
            ),
            ...errorResponses(400, 409),
          },
        }),
      },
      "/v1/households/imports": {
        post: secured([...INTAKE], {
          operationId: "importHouseholds",
          summary: "Import households from a CSV file",
          description:
            "A `text/csv` body, streamed (up to 64 MB), one row per person grouped by `household_key`; see `src/households/csvFormat.ts` for the columns. Each row gets a result; people already enrolled go to the review list. The same `Idempotency-Key` with the same file answers the stored report (200); with another file, 409 `idempotency_key_reused`.",
          tags: ["households"],
          parameters: [
            idempotencyKeyParameter(true, "Chosen by the caller; a retried upload is applied once."),
          ],
          requestBody: {
            required: true,
            content: {
              "text/csv": {
                schema: { type: "string" },
                example:
                  "household_key,national_id,is_head,job_code,postal_code\nh1,4831726590,true,employee,1234567891\nh1,0012345679,false,student,1234567891\n",
              },
            },
          },
          responses: {
            "201": jsonResponse("Imported", docs.importResult.schema, docs.importResult.example),
            "200": jsonResponse(
              "The same key and file were imported before: the same report, nothing written",
              docs.importResult.schema,
              docs.importResult.replayed,
            ),
            ...errorResponses(400, 409, 413, 415),
          },
        }),
      },
      "/v1/households/imports/{importId}": {
        get: secured([...INTAKE, "auditor"], {
          operationId: "getImportReport",
          summary: "An import's report",
          description: "Every row's result and the review list, as the import answered them.",
          tags: ["households"],
          parameters: parametersOf(importParams, "path", { importId: docs.importReport.example.importId }),
          responses: {
            "200": jsonResponse("The report", docs.importReport.schema, docs.importReport.example),
            ...errorResponses(400, 404),
          },
        }),
      },
      "/v1/households/imports/{importId}/reviews/{rowNo}/resolution": {
        post: secured(["charity"], {
          operationId: "resolveDuplicateReview",
          summary: "Resolve a duplicate an import held for review",
          description:
            "For the charity that ran the import only (anyone else: 404 on `importId`, as an unknown import). `merge`: the person is the one already enrolled and stays in the existing household; the imported household is not enrolled with them; only for `enrolled_elsewhere` (409 `nothing_to_merge` otherwise: a new member of an enrolled household, or an ID repeated in one household, is written nowhere, and the import keeps no personal data of a held row). `reject`: the row was a mistake in the file; the household stays held until a corrected file is imported. A person is in one household only, so keeping both apart is not a choice. The same decision again answers the review as it stands; another one is 409 `already_resolved`. Recorded in the access log (`import.review_resolution`).",
          tags: ["households"],
          parameters: parametersOf(reviewParams, "path", {
            importId: docs.resolvedReview.example.importId,
            rowNo: "2",
          }),
          requestBody: jsonRequestBody(resolveReviewSchema, { decision: "merge" }),
          responses: {
            "200": jsonResponse(
              "The review, resolved",
              docs.resolvedReview.schema,
              docs.resolvedReview.example,
            ),
            ...errorResponses(400, 404, 409),
          },
        }),
      },
      "/v1/households/registrations": {
        post: secured([...INTAKE], {
          operationId: "registerHouseholdsOnChain",
          summary: "Write the caller's enrolled households to the chain",
          description:
            "The caller's enrolled households not yet on chain are queued for the beneficiary registry, in batches (the registrar: also those enrolled before enrolment was recorded); never another organisation's. Answers without waiting for the chain: `202` with the run and a `Location` header naming its status route, or `200` with `registrationId: null` when nothing was waiting.",
          tags: ["households"],
          responses: {
            "202": jsonResponse(
              "Accepted: the registration run",
              docs.registrationRun.schema,
              docs.registrationRun.running,
            ),
            "200": jsonResponse(
              "Nothing was waiting to be registered",
              docs.registrationRun.schema,
              docs.registrationRun.nothing,
            ),
          },
        }),
      },
      "/v1/households/registrations/{registrationId}": {
        get: secured([...INTAKE, "auditor"], {
          operationId: "getRegistrationRun",
          summary: "A registration run's state and progress",
          description:
            "`state` is `running` until every household of the run is decided and every chain write has ended, then `done`; `progress` counts households registered (`done`), refused and pending, and chain writes pending. A charity reads only the runs it started; another organisation's run (or one started before runs recorded their owner) answers 404, as an unknown id does. The registrar and auditors read every run.",
          tags: ["households"],
          parameters: parametersOf(registrationParams, "path", {
            registrationId: "reg_0b6c2f1e-8d4a-4c3b-9e5f-7a1d2c3b4e5f",
          }),
          responses: {
            "200": jsonResponse(
              "The run's progress",
              docs.registrationRun.schema,
              docs.registrationRun.running,
            ),
            ...errorResponses(400, 404),
          },
        }),
      },
      "/v1/access-log": {
        get: secured([...LOG_READERS], {
          operationId: "listAccessLog",
          summary: "The access log: every read of household data, oldest first",
          description: `Filter by \`subject\` (a household reference or an evidence id) or \`orgId\`; page with \`after\` (the \`next\` of the previous page) and \`limit\` (at most 1000, 100 by default). ${ACCESS_RIGHTS}`,
          tags: ["households"],
          parameters: parametersOf(accessLogQuery, "query", {
            subject: docs.EXAMPLE_REF_2,
            orgId: "org_3f9a2c1e",
            after: "120",
            limit: "100",
          }),
          responses: {
            "200": jsonResponse(
              "Entries and the cursor of the next page",
              docs.accessLog.schema,
              docs.accessLog.example,
            ),
            ...errorResponses(400),
          },
        }),
      },
      "/v1/households/{householdRef}": {
        get: secured([...INTAKE, "auditor"], {
          operationId: "getHousehold",
          summary: "A household's summary by reference",
          description: `Members by reference, their chain registration and wallets; no personal data. ${ACCESS_RIGHTS}`,
          tags: ["households"],
          parameters: parametersOf(householdParams, "path", { householdRef: docs.EXAMPLE_REF_2 }),
          responses: {
            "200": jsonResponse("The summary", docs.householdSummary.schema, docs.householdSummary.example),
            ...errorResponses(400, 404),
          },
        }),
      },
      "/v1/programmes/{programmeId}/eligibility/{householdRef}": {
        get: secured(["charity", "auditor"], {
          operationId: "getEligibility",
          summary: "Whether the programme's rule selects the household",
          description:
            "The verdict, the means-test score and the reasons in plain words, without personal data. A programme without a rule selects every household.",
          tags: ["households"],
          parameters: parametersOf(eligibilityParams, "path", {
            householdRef: docs.EXAMPLE_REF_2,
            programmeId: "4",
          }),
          responses: {
            "200": jsonResponse("The assessment", docs.eligibility.schema, docs.eligibility.example),
            ...errorResponses(400, 404, 410),
          },
        }),
      },
    },
  };
}

function householdSummary(services: HouseholdRouteServices, householdRef: string) {
  const db = services.store.sqlite;
  const household = cachedStatement(
    db,
    "SELECT status, created_at FROM households WHERE household_ref = ?",
  ).get(householdRef) as { status: string; created_at: string } | undefined;
  if (!household) throw new NotFoundError("householdRef", "No household has this reference.");
  const members = cachedStatement(
    db,
    `SELECT m.beneficiary_ref AS beneficiaryRef, m.role, r.status AS chainStatus, b.address AS wallet, b.custody
       FROM members m
       LEFT JOIN chain_registrations r ON r.beneficiary_ref = m.beneficiary_ref
       LEFT JOIN wallet_bindings b ON b.beneficiary_ref = m.beneficiary_ref
       WHERE m.household_ref = ? ORDER BY m.role = 'head' DESC, m.rowid`,
  ).all(householdRef) as {
    beneficiaryRef: string;
    role: string;
    chainStatus: string | null;
    wallet: string | null;
    custody: string | null;
  }[];
  return {
    householdRef,
    status: household.status,
    enrolledAt: household.created_at,
    members: members.map((member) => ({ ...member, chainStatus: member.chainStatus ?? "not_registered" })),
  };
}
