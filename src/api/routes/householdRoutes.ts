import { z } from "zod";
import { requireRole } from "../auth/requireRole";
import { validate, validated } from "../validation";
import { errorResponses, jsonRequestBody, jsonResponse, secured } from "../openapi/jsonSchema";
import type { RouteModule } from "../routeModule";
import { csvUpload, idempotencyKeyHeader } from "./csvUpload";
import {
  assessEligibility,
  enrolHousehold,
  enrolHouseholdSchema,
  getImportReport,
  importHouseholdsCsv,
  type ProgrammeRule,
} from "../../households";
import { cachedStatement } from "../../db/statements";
import { NotFoundError } from "../../errors";
import { programmeRow } from "../../programmes";
import { registerPendingOnChain, registrationRun } from "../../disbursement";
import type { GatewayServices } from "../../main/services";

const refPattern = /^0x[0-9a-f]{64}$/;
const householdParams = z.strictObject({ householdRef: z.string().regex(refPattern) });
const importParams = z.strictObject({ importId: z.string().min(1).max(100) });
const registrationParams = z.strictObject({ registrationId: z.string().regex(/^reg_[0-9a-f-]{36}$/) });
const eligibilityQuery = z.strictObject({ programmeId: z.coerce.number().int().min(1) });
const INTAKE = ["charity", "registrar"] as const;

/**
 * The household file: enrol once (JSON, or a CSV of thousands of rows), read a household's summary by
 * reference, explain its eligibility, and write enrolled households to the chain.
 */
export function householdRoutes(services: GatewayServices): RouteModule {
  const ctx = services.households;
  return {
    register(router) {
      router.post("/v1/households", requireRole(...INTAKE), async (req, res) => {
        const result = await enrolHousehold(ctx, req.body);
        res.status(201).json(result);
      });
      router.post("/v1/households/imports", requireRole(...INTAKE), async (req, res) => {
        const idempotencyKey = idempotencyKeyHeader(req);
        const report = await importHouseholdsCsv(ctx, csvUpload(req), { idempotencyKey });
        res.status(report.replayed ? 200 : 201).json(report);
      });
      router.get(
        "/v1/households/imports/:importId",
        requireRole(...INTAKE, "auditor"),
        validate(importParams, "params"),
        async (_req, res) => {
          res.json(await getImportReport(ctx, { importId: validated(res, importParams, "params").importId }));
        },
      );
      router.post("/v1/households/registrations", requireRole(...INTAKE), async (_req, res) => {
        // Answers once the batches are queued; the status route reports the chain writes' progress.
        const run = await registerPendingOnChain(services.disbursement);
        if (run.registrationId === null) {
          res.status(200).json(run);
          return;
        }
        res.status(202).location(`/v1/households/registrations/${run.registrationId}`).json(run);
      });
      router.get(
        "/v1/households/registrations/:registrationId",
        requireRole(...INTAKE, "auditor"),
        validate(registrationParams, "params"),
        (_req, res) => {
          const { registrationId } = validated(res, registrationParams, "params");
          res.json(registrationRun(services.disbursement, registrationId));
        },
      );
      router.get(
        "/v1/households/:householdRef",
        requireRole(...INTAKE, "auditor"),
        validate(householdParams, "params"),
        (_req, res) => {
          res.json(householdSummary(services, validated(res, householdParams, "params").householdRef));
        },
      );
      router.get(
        "/v1/households/:householdRef/eligibility",
        requireRole("charity", "auditor"),
        validate(householdParams, "params"),
        validate(eligibilityQuery, "query"),
        async (_req, res) => {
          const { householdRef } = validated(res, householdParams, "params");
          const { programmeId } = validated(res, eligibilityQuery, "query");
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
            "Queue every enrolled household not yet on chain for the beneficiary registry, in batches; answers without waiting for the chain",
          tags: ["households"],
          responses: {
            "202": jsonResponse(
              "Accepted: a registration run (`registrationId`, `state`, `progress`); the Location header names its status route",
            ),
            "200": jsonResponse("Nothing was waiting to be registered: `registrationId` null, state done"),
          },
        }),
      },
      "/v1/households/registrations/{registrationId}": {
        get: secured([...INTAKE, "auditor"], {
          summary:
            "A registration run's state (running or done) and progress: households registered, refused, pending, chain writes pending",
          tags: ["households"],
          responses: { "200": jsonResponse("The run's progress"), ...errorResponses(400, 404) },
        }),
      },
      "/v1/households/{householdRef}": {
        get: secured([...INTAKE, "auditor"], {
          summary:
            "A household's summary by reference: members, chain registration, wallets; no personal data",
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
