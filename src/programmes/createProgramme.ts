import { randomUUID } from "node:crypto";
import type { TransactionReceipt } from "ethers";
import { findEvent } from "../chain/findEvent";
import { z } from "zod";
import { parseInput } from "../validation";
import type { ChainJob } from "../chain/outbox";
import { canonicalJson, runIdempotent } from "../db/idempotency";
import { AppError, ValidationError } from "../errors";
import { predicateSchema } from "../households/eligibility/programmeRule";
import { getOrganisation, LAYERS } from "../organisations";
import { tokenAmountSchema, toUnits } from "./amounts";
import { ChainRefusedError } from "./chainRefusals";
import { EARMARK_PURPOSE } from "./earmarks";
import { refuseWhatTheChainWould } from "./simulateWrites";
import type { ProgrammeDeps } from "./types";

export const createProgrammeSchema = z.strictObject({
  name: z.string().trim().min(2).max(120),
  layer: z.enum(LAYERS),
  category: z.number().int().min(0).max(255),
  exclusivityGroupId: z.number().int().min(0).max(4_294_967_295).default(0),
  periodDays: z.number().int().min(1).max(366),
  capPerPeriod: tokenAmountSchema,
  minGift: tokenAmountSchema,
  startsAt: z.iso.datetime().optional(),
  endsAt: z.iso.datetime(),
  requiresFieldAgent: z.boolean().default(false),
  vendorOrgIds: z.array(z.string().min(1).max(64)).max(50).default([]),
  metadataCid: z.string().max(100).default(""),
  /**
   * The purposes a donor may earmark a gift for ("winter-fuel", "school-meals"): lower-case words joined by
   * hyphens, never free text, so no personal value can reach the chain as an earmark.
   */
  earmarks: z
    .array(EARMARK_PURPOSE)
    .max(32)
    .default([])
    .refine((list) => new Set(list).size === list.length, { message: "must not repeat a purpose" }),
  eligibility: z
    .strictObject({
      targetGroups: z
        .array(z.strictObject({ name: z.string().min(1).max(100), all: z.array(predicateSchema).max(20) }))
        .min(1)
        .max(20),
      meansTestMax: z.number().min(0).max(100).optional(),
    })
    .optional(),
  idempotencyKey: z.string().min(8).max(100),
});
export type CreateProgrammeParams = z.input<typeof createProgrammeSchema>;

export interface CreateProgrammeResult {
  requestId: string;
  /** A refusal is never a result: it is thrown as a `ChainRefusedError`. */
  status: "created" | "pending";
  programmeId: number | null;
}

export const PROGRAMME_CREATE_JOB = "programme.create";

const MAX_UINT96 = 2n ** 96n - 1n;

/**
 * Creates a programme on chain, signed by the charity's own key. The gateway keeps the name and the
 * eligibility rule; the chain keeps the money rules. Retrying with the same idempotency key returns the
 * same request; the same key with another body is refused (409 `idempotency_key_reused`). The creation
 * is simulated on chain first: a refusal writes nothing and answers with the contract's error explained.
 */
export async function createProgramme(
  deps: ProgrammeDeps,
  orgId: string,
  params: CreateProgrammeParams,
): Promise<CreateProgrammeResult> {
  const input = parseInput(createProgrammeSchema, params);
  const charity = getOrganisation(deps, orgId);
  const startsAt = Math.floor(new Date(input.startsAt ?? deps.now().toISOString()).getTime() / 1000);
  const endsAt = Math.floor(new Date(input.endsAt).getTime() / 1000);
  if (endsAt <= startsAt)
    throw new ValidationError("endsAt", "before_start", "The programme must end after it starts.");
  const capPerPeriod = toUnits(input.capPerPeriod, deps.decimals);
  const minGift = toUnits(input.minGift, deps.decimals);
  // The ledger holds both as uint96: a larger amount would fail to encode, a 500 instead of a 400.
  for (const [field, units] of [
    ["capPerPeriod", capPerPeriod],
    ["minGift", minGift],
  ] as const) {
    if (units > MAX_UINT96)
      throw new ValidationError(field, "too_big", "The amount is larger than the ledger can hold.");
  }
  // The ledger bounds how many gift lots one payment can touch (MAX_LOTS_PER_PAYMENT = 64): say so here,
  // naming the field, instead of letting the chain refuse the programme after it was queued.
  if (capPerPeriod / minGift >= 64n) {
    throw new ValidationError(
      "minGift",
      "too_small_for_cap",
      "The minimum gift must be more than a 64th of the cap per period.",
    );
  }
  const vendors = input.vendorOrgIds.map((vendorOrgId, index) => {
    const vendor = getOrganisation(deps, vendorOrgId);
    if (vendor.role !== "vendor") {
      throw new ValidationError(
        `vendorOrgIds[${index}]`,
        "not_a_vendor",
        "This organisation is not a vendor.",
      );
    }
    return vendor.address;
  });

  const { idempotencyKey, ...request } = input;
  return runIdempotent(
    {
      db: deps.db,
      peppers: deps.peppers,
      scope: "programme.create",
      orgId,
      idempotencyKey,
      payload: canonicalJson(request),
      now: deps.now,
    },
    async (claim) => {
      const existing = deps.db
        .prepare("SELECT request_id FROM programme_requests WHERE org_id = ? AND idempotency_key = ?")
        .get(orgId, idempotencyKey) as { request_id: string } | undefined;
      const requestId = existing?.request_id ?? `prq_${randomUUID()}`;
      if (!existing) {
        const data = deps.system.ledger.interface.encodeFunctionData("createProgramme", [
          {
            layer: LAYERS.indexOf(input.layer),
            category: input.category,
            token: deps.settlementToken,
            periodLength: input.periodDays * 86_400,
            groupId: input.exclusivityGroupId,
            capPerPeriod,
            minGift,
            startsAt,
            endsAt,
            requiresFieldAgent: input.requiresFieldAgent,
            metadataCid: input.metadataCid,
            vendors,
          },
        ]);
        const ledger = deps.system.ledger.target as string;
        await refuseWhatTheChainWould(deps, charity.address, [{ to: ledger, data }]);
        deps.db.transaction(() => {
          claim();
          const job = deps.outbox.enqueue({
            idempotencyKey: `programme:${requestId}`,
            kind: PROGRAMME_CREATE_JOB,
            from: charity.address,
            to: ledger,
            data,
          });
          deps.db
            .prepare(
              `INSERT INTO programme_requests (request_id, org_id, idempotency_key, params_json, job_id, created_at)
               VALUES (?, ?, ?, ?, ?, ?)`,
            )
            .run(
              requestId,
              orgId,
              idempotencyKey,
              JSON.stringify({ ...input, startsAt, endsAt }),
              job.jobId,
              deps.now().toISOString(),
            );
        })();
      }
      await deps.outbox.drain();
      return programmeRequestStatus(deps, requestId);
    },
  );
}

/**
 * A request's outcome. A creation that passed the simulation but was refused when sent (the chain changed
 * in between) is thrown as the same `ChainRefusedError` a simulated refusal gives, on every retry.
 */
export function programmeRequestStatus(deps: ProgrammeDeps, requestId: string): CreateProgrammeResult {
  const row = deps.db
    .prepare(
      `SELECT r.programme_id, j.status, j.error_name, j.error_args FROM programme_requests r
       JOIN chain_jobs j ON j.job_id = r.job_id WHERE r.request_id = ?`,
    )
    .get(requestId) as {
    programme_id: number | null;
    status: string;
    error_name: string | null;
    error_args: string | null;
  };
  if (row.status === "failed") {
    throw new ChainRefusedError({
      name: row.error_name ?? "TransactionReverted",
      args: JSON.parse(row.error_args ?? "[]") as string[],
    });
  }
  return {
    requestId,
    status: row.status === "confirmed" ? "created" : "pending",
    programmeId: row.programme_id,
  };
}

/** Records the programme once its creation is final: the id comes from the ProgrammeCreated event. */
export function onProgrammeCreated(deps: ProgrammeDeps, job: ChainJob, receipt: TransactionReceipt): void {
  const ledger = deps.system.ledger;
  const event = findEvent(ledger.interface, receipt, "ProgrammeCreated");
  if (!event) throw new AppError("ChainEventMissing", 500, "The programme was created without its event.");
  const request = deps.db
    .prepare("SELECT request_id, org_id, params_json FROM programme_requests WHERE job_id = ?")
    .get(job.jobId) as { request_id: string; org_id: string; params_json: string };
  const params = JSON.parse(request.params_json) as z.output<typeof createProgrammeSchema> & {
    startsAt: number;
    endsAt: number;
  };
  const programmeId = Number(event.args.programmeId);
  const rule = params.eligibility
    ? {
        id: String(programmeId),
        layer: params.layer,
        category: String(params.category),
        ...params.eligibility,
      }
    : null;
  deps.db
    .prepare("UPDATE programme_requests SET programme_id = ? WHERE request_id = ?")
    .run(programmeId, request.request_id);
  deps.db
    .prepare(
      `INSERT INTO programmes (programme_id, request_id, org_id, name, layer, category, group_id, period_length, cap,
         min_gift, starts_at, ends_at, rule_json, earmarks_json, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      programmeId,
      request.request_id,
      request.org_id,
      params.name,
      params.layer,
      params.category,
      params.exclusivityGroupId,
      params.periodDays * 86_400,
      params.capPerPeriod,
      params.minGift,
      params.startsAt,
      params.endsAt,
      rule ? JSON.stringify(rule) : null,
      JSON.stringify(params.earmarks ?? []),
      deps.now().toISOString(),
    );
}
