import { randomUUID } from "node:crypto";
import { ZeroHash } from "ethers";
import { z } from "zod";
import { AppError, DuplicateError, ValidationError } from "../errors";
import { parseInput } from "../validation";
import { categoryCode, SERVICE_CATEGORIES } from "./categories";
import { requireActiveCoordinator } from "./coordinators";
import { memberOfCoordinator } from "./members";
import { oneAtATime } from "./oneAtATime";
import { checkOnly } from "./sendChecked";
import { serviceRow, serviceView, type ServiceView } from "./services";
import type { TimeBankDeps } from "./types";

/** A recipient has a day to confirm a service; after it, the coordinator opens it again. */
export const SERVICE_CONFIRMATION_LIFETIME_SECONDS = 24 * 3600;
/** One service is at most a day's work, in minutes. */
export const MAX_SERVICE_MINUTES = 24 * 60;

const REF = z.string().regex(/^0x[0-9a-f]{64}$/);

export const logServiceSchema = z.strictObject({
  /** The member who gave the service (the coordinator's member, with a custodial wallet). */
  giver: REF,
  /** The member who received it and pays for it, unless the coordinator has the pool pay. */
  recipient: REF,
  minutes: z.number().int().min(1).max(MAX_SERVICE_MINUTES),
  category: z.enum(SERVICE_CATEGORIES),
  /** A hash of evidence kept off chain (the evidence room's digest), if any. */
  evidenceHash: z
    .string()
    .regex(/^0x[0-9a-f]{64}$/)
    .optional(),
  idempotencyKey: z.string().regex(/^[A-Za-z0-9._:-]{8,100}$/),
});
export type LogServiceParams = z.input<typeof logServiceSchema>;

/**
 * A coordinator opens a service one of its members gave another: nothing moves until the recipient confirms
 * it (or the coordinator does). Checked against the chain first (`logService` from the giver's wallet: both
 * active members, distinct, minutes above zero), so a service the TimeBank would refuse is never opened. The
 * giver's wallet must be custodial: the gateway sends the giver's call, and a self-custodied giver sends its
 * own. The same idempotency key with the same service answers it again (`replayed`); with another, 409.
 */
export async function logService(
  deps: TimeBankDeps,
  coordinatorOrgId: string,
  params: LogServiceParams,
): Promise<ServiceView & { replayed: boolean }> {
  const input = parseInput(logServiceSchema, params);
  await requireActiveCoordinator(deps, coordinatorOrgId);
  // Callers sending one key at once are answered one after the other: the second finds the first's service.
  return oneAtATime([`timebank-open:${coordinatorOrgId}:${input.idempotencyKey}`], () =>
    openOnce(deps, coordinatorOrgId, input),
  );
}

async function openOnce(
  deps: TimeBankDeps,
  coordinatorOrgId: string,
  input: z.output<typeof logServiceSchema>,
): Promise<ServiceView & { replayed: boolean }> {
  const evidenceHash = input.evidenceHash ?? ZeroHash;
  const known = deps.db
    .prepare("SELECT service_id FROM timebank_services WHERE idempotency_key = ?")
    .pluck()
    .get(`${coordinatorOrgId}:${input.idempotencyKey}`) as string | undefined;
  if (known) {
    const row = serviceRow(deps, known)!;
    const same =
      row.giver_ref === input.giver &&
      row.recipient_ref === input.recipient &&
      row.duration === input.minutes &&
      row.category === categoryCode(input.category) &&
      row.evidence_hash === evidenceHash;
    if (!same)
      throw new DuplicateError(
        "idempotencyKey",
        "idempotency_key_reused",
        "This idempotency key opened another service.",
      );
    return { ...(await serviceView(deps, row)), replayed: true };
  }
  const giver = memberOfCoordinator(deps, coordinatorOrgId, input.giver, "giver");
  const recipient = memberOfCoordinator(deps, coordinatorOrgId, input.recipient, "recipient");
  if (giver.member_ref === recipient.member_ref)
    throw new ValidationError("recipient", "self_service", "A member cannot serve itself.");
  if (giver.custody !== "custodial")
    throw new AppError(
      "ServiceStateError",
      409,
      "The giver holds its own wallet: it logs its service from that wallet.",
      "giver",
      "giver_self_custodied",
    );
  const timeBank = deps.system.timeBank;
  await checkOnly(deps, {
    from: giver.wallet,
    to: timeBank.target as string,
    data: timeBank.interface.encodeFunctionData("logService", [
      recipient.wallet,
      input.minutes,
      categoryCode(input.category),
      evidenceHash,
    ]),
    field: "giver",
  });
  const serviceId = `svc_${randomUUID()}`;
  const now = deps.now();
  deps.db
    .prepare(
      `INSERT INTO timebank_services (service_id, idempotency_key, coordinator_org_id, giver_ref, recipient_ref,
         duration, category, evidence_hash, deadline, state, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)`,
    )
    .run(
      serviceId,
      `${coordinatorOrgId}:${input.idempotencyKey}`,
      coordinatorOrgId,
      giver.member_ref,
      recipient.member_ref,
      input.minutes,
      categoryCode(input.category),
      evidenceHash,
      Math.floor(now.getTime() / 1000) + SERVICE_CONFIRMATION_LIFETIME_SECONDS,
      now.toISOString(),
      now.toISOString(),
    );
  return { ...(await serviceView(deps, serviceRow(deps, serviceId)!)), replayed: false };
}
