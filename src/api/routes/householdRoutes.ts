import { z } from "zod";
import { requireRole } from "../auth/requireRole";
import { canonicalId, validate, validated } from "../validation";
import { errorResponses, jsonRequestBody, jsonResponse, secured } from "../openapi/jsonSchema";
import type { RouteModule } from "../routeModule";
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
  type ProgrammeRule,
} from "../../households";
import { cachedStatement } from "../../db/statements";
import { NotFoundError } from "../../errors";
import { programmeRow } from "../../programmes";
import { registerPendingOnChain } from "../../disbursement";
import type { GatewayServices } from "../../main/services";

const refPattern = /^0x[0-9a-f]{64}$/;
const householdParams = z.strictObject({ householdRef: z.string().regex(refPattern) });
const importParams = z.strictObject({ importId: z.string().min(1).max(100) });
const eligibilityQuery = z.strictObject({ programmeId: canonicalId });
const INTAKE = ["charity", "registrar"] as const;
const LOG_READERS = ["auditor", "regulator"] as const;
const accessLogQuery = z.strictObject({
  subject: z.string().regex(refPattern).optional(),
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
export function householdRoutes(services: GatewayServices): RouteModule {
  const ctx = services.households;
  const db = services.store.sqlite;
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
          authoriseImportRead(db, { ...accessContext(req, res), action: "import.report", subject: importId });
          res.json(await getImportReport(ctx, { importId }));
        },
      );
      router.post("/v1/households/registrations", requireRole(...INTAKE), async (_req, res) => {
        // Each organisation registers the households it enrolled (the registrar also those enrolled before
        // enrolment was recorded), never another's pending ones.
        const principal = res.locals.principal!;
        const enrolledBy = { orgId: principal.orgId, includeUnrecorded: principal.role === "registrar" };
        res.json(await registerPendingOnChain(services.disbursement, enrolledBy));
      });
      router.get(
        "/v1/access-log",
        requireRole(...LOG_READERS),
        validate(accessLogQuery, "query"),
        (_req, res) => {
          const query = validated(res, accessLogQuery, "query");
          const entries = listAccessLog(db, { ...query, limit: query.limit ?? 100 });
          res.json({ entries, next: entries.length > 0 ? entries[entries.length - 1]!.entryId : null });
        },
      );
      router.get(
        "/v1/households/:householdRef",
        requireRole(...INTAKE, "auditor"),
        validate(householdParams, "params"),
        (req, res) => {
          const { householdRef } = validated(res, householdParams, "params");
          authoriseHouseholdRead(db, {
            ...accessContext(req, res),
            action: "household.summary",
            subject: householdRef,
          });
          res.json(householdSummary(services, householdRef));
        },
      );
      router.get(
        "/v1/households/:householdRef/eligibility",
        requireRole("charity", "auditor"),
        validate(householdParams, "params"),
        validate(eligibilityQuery, "query"),
        async (req, res) => {
          const { householdRef } = validated(res, householdParams, "params");
          const { programmeId } = validated(res, eligibilityQuery, "query");
          authoriseHouseholdRead(db, {
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
          res.json(await assessEligibility(ctx, { householdRef, programme: rule }));
        },
      );
    },
    openapi: {
      "/v1/households": {
        post: secured([...INTAKE], {
          summary:
            "Enrol a household once: members' national IDs become keyed references; personal data goes to the vault",
          tags: ["households"],
          requestBody: jsonRequestBody(enrolHouseholdSchema),
          responses: { "201": jsonResponse("Enrolled, with references only"), ...errorResponses(400, 409) },
        }),
      },
      "/v1/households/imports": {
        post: secured([...INTAKE], {
          summary:
            "Import households from a CSV (text/csv, Idempotency-Key header); per-row results and a review list",
          tags: ["households"],
          requestBody: { required: true, content: { "text/csv": { schema: { type: "string" } } } },
          responses: {
            "201": jsonResponse("Imported"),
            "200": jsonResponse("The same key and file were imported before: the same report"),
            ...errorResponses(400, 409, 413),
          },
        }),
      },
      "/v1/households/imports/{importId}": {
        get: secured([...INTAKE, "auditor"], {
          summary: "An import's report",
          tags: ["households"],
          responses: { "200": jsonResponse("The report"), ...errorResponses(404) },
        }),
      },
      "/v1/households/registrations": {
        post: secured([...INTAKE], {
          summary:
            "Write the caller's enrolled households not yet on chain to the beneficiary registry, in batches (the registrar: also those enrolled before enrolment was recorded); never another organisation's",
          tags: ["households"],
          responses: { "200": jsonResponse("Registration counts") },
        }),
      },
      "/v1/access-log": {
        get: secured([...LOG_READERS], {
          summary:
            "The access log: every read of household data, oldest first (filters: subject, orgId; page with after=<next>, limit ≤ 1000). " +
            ACCESS_RIGHTS,
          tags: ["households"],
          responses: {
            "200": jsonResponse("Entries and the cursor of the next page"),
            ...errorResponses(400),
          },
        }),
      },
      "/v1/households/{householdRef}": {
        get: secured([...INTAKE, "auditor"], {
          summary:
            "A household's summary by reference: members, chain registration, wallets; no personal data. " +
            ACCESS_RIGHTS,
          tags: ["households"],
          responses: { "200": jsonResponse("The summary"), ...errorResponses(400, 404) },
        }),
      },
      "/v1/households/{householdRef}/eligibility": {
        get: secured(["charity", "auditor"], {
          summary: "Whether the programme's rule selects the household, explained without personal data",
          tags: ["households"],
          responses: { "200": jsonResponse("The assessment"), ...errorResponses(400, 404) },
        }),
      },
    },
  };
}

function householdSummary(services: GatewayServices, householdRef: string) {
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
