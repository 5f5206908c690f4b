import { randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import { cachedStatement } from "../db/statements";
import { DuplicateError, NotFoundError, ValidationError } from "../errors";
import { programmeRow } from "../programmes";
import { parseInput } from "../validation";
import { closeDueBatches } from "./closeBatches";
import { confirmationHashOf } from "./confirmationHash";
import { CONFIRMATION_KINDS, type AnchoringDeps, type ConfirmationKind } from "./types";

const hash32 = z.string().regex(/^0x[0-9a-f]{64}$/);

/** A device's clock may run a little ahead of the gateway's. */
const CLOCK_SKEW_MS = 5 * 60_000;
/** Older is a device's clock reset, not a delivery (and before 1970 it has no uint64 time at all). */
const EARLIEST_DELIVERY = Date.parse("2000-01-01T00:00:00Z");

/** What the API (and any room) sends to record a confirmation; `recordedBy` comes from the caller's key. */
export const confirmationInputSchema = z.strictObject({
  programmeId: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  householdRef: hash32.describe("The household's keyed reference: `0x` and 64 lower-case hex digits"),
  kind: z.enum(CONFIRMATION_KINDS),
  deliveredAt: z.iso
    .datetime({ offset: true })
    .describe("When it was delivered (ISO 8601, not in the future)"),
  evidenceHash: hash32.optional().describe("The `keccak256` commitment to the evidence file, if any"),
  idempotencyKey: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{8,100}$/)
    .optional()
    .describe("Sent again with the same fields, answers the confirmation already recorded (`replayed`)"),
});

export interface RecordConfirmationParams {
  programmeId: number;
  householdRef: string;
  kind: ConfirmationKind;
  /** ISO 8601; kept to the whole second, which is what the hash commits to. */
  deliveredAt: string;
  evidenceHash?: string;
  /** Per recorder: the same key with the same fields answers the stored confirmation, nothing new. */
  idempotencyKey?: string;
  /** The organisation that recorded it (a charity, a field agent, a vendor through the delivery room). */
  recordedBy: string;
}

export interface RecordedConfirmation {
  confirmationId: string;
  confirmationHash: string;
  state: "pending" | "batched" | "anchored";
  /** True when the idempotency key was used before with the same fields: nothing new was written. */
  replayed?: boolean;
}

/**
 * Records an off-chain confirmation that is not a redemption, for anchoring: checks its fields (400 naming
 * the field), that the programme and the household exist (404), then writes it with a random salt and its
 * hash. When it fills a batch, the batch is closed and its anchor queued in the same transaction. A refused
 * input writes nothing. The caller decides who may record for which programme.
 */
export function recordConfirmation(
  deps: AnchoringDeps,
  params: RecordConfirmationParams,
): RecordedConfirmation {
  const { recordedBy, ...fields } = params;
  const input = parseInput(confirmationInputSchema, fields, "body");
  if (typeof recordedBy !== "string" || recordedBy.length === 0 || recordedBy.length > 100)
    throw new ValidationError("recordedBy", "invalid", "recordedBy must be an organisation id.");
  const deliveredAt = new Date(Math.floor(Date.parse(input.deliveredAt) / 1000) * 1000);
  const now = deps.now();
  if (deliveredAt.getTime() > now.getTime() + CLOCK_SKEW_MS)
    throw new ValidationError("deliveredAt", "in_future", "deliveredAt must not be in the future.");
  if (deliveredAt.getTime() < EARLIEST_DELIVERY)
    throw new ValidationError("deliveredAt", "too_early", "deliveredAt must be in the year 2000 or later.");
  programmeRow(deps, input.programmeId);
  const household = cachedStatement(
    deps.db,
    "SELECT status FROM households WHERE household_ref = ?",
    "pluck",
  ).get(input.householdRef) as string | undefined;
  if (household !== "active") throw new NotFoundError("householdRef", "No household has this reference.");

  if (input.idempotencyKey !== undefined) {
    const replayed = replay(deps, recordedBy, input.idempotencyKey, {
      programme_id: input.programmeId,
      household_ref: input.householdRef,
      kind: input.kind,
      delivered_at: deliveredAt.toISOString(),
      evidence_hash: input.evidenceHash ?? null,
    });
    if (replayed) return replayed;
  }

  const salt = `0x${randomBytes(32).toString("hex")}`;
  const confirmationId = `cnf_${randomUUID()}`;
  const confirmationHash = confirmationHashOf({
    salt,
    programmeId: input.programmeId,
    householdRef: input.householdRef,
    kind: input.kind,
    deliveredAt,
    evidenceHash: input.evidenceHash ?? null,
    recordedBy,
  });
  const closed = deps.db.transaction(() => {
    cachedStatement(
      deps.db,
      `INSERT INTO confirmations (confirmation_id, programme_id, household_ref, kind, delivered_at, evidence_hash,
         recorded_by, idempotency_key, salt, confirmation_hash, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      confirmationId,
      input.programmeId,
      input.householdRef,
      input.kind,
      deliveredAt.toISOString(),
      input.evidenceHash ?? null,
      recordedBy,
      input.idempotencyKey ?? null,
      salt,
      confirmationHash,
      now.toISOString(),
    );
    return closeDueBatches(deps, { sizeOnly: true });
  })();
  if (closed.length > 0) deps.outbox.drain().catch(() => undefined);
  return { confirmationId, confirmationHash, state: closed.length > 0 ? "batched" : "pending" };
}

interface StoredFields {
  programme_id: number;
  household_ref: string;
  kind: string;
  delivered_at: string;
  evidence_hash: string | null;
}

/** The confirmation already recorded under this key with these fields; 409 when the fields differ. */
function replay(
  deps: AnchoringDeps,
  recordedBy: string,
  idempotencyKey: string,
  fields: StoredFields,
): RecordedConfirmation | undefined {
  const stored = cachedStatement(
    deps.db,
    `SELECT c.confirmation_id, c.confirmation_hash, c.programme_id, c.household_ref, c.kind, c.delivered_at,
       c.evidence_hash, c.batch_id, b.status FROM confirmations c LEFT JOIN anchor_batches b ON b.batch_id = c.batch_id
     WHERE c.recorded_by = ? AND c.idempotency_key = ?`,
  ).get(recordedBy, idempotencyKey) as
    | (StoredFields & { confirmation_id: string; confirmation_hash: string; status: string | null })
    | undefined;
  if (!stored) return undefined;
  const same = (Object.keys(fields) as (keyof StoredFields)[]).every((name) => stored[name] === fields[name]);
  if (!same)
    throw new DuplicateError(
      "idempotencyKey",
      "idempotency_key_reused",
      "This idempotency key was used for another confirmation.",
    );
  return {
    confirmationId: stored.confirmation_id,
    confirmationHash: stored.confirmation_hash,
    state: stored.status === null ? "pending" : stored.status === "anchored" ? "anchored" : "batched",
    replayed: true,
  };
}
