import { createHash } from "node:crypto";
import type { ChainJob } from "../chain/outbox";
import type { DecodedRevert } from "../chain/decodeRevert";
import type { DisbursementDeps } from "./types";

export const REGISTER_JOB = "registry.register";

/** Registrations per transaction: 300 × ~48.7k gas fits EIP-7825's 16.7M per-transaction cap. */
export const REGISTRATION_BATCH = 300;

export interface RegisterResult {
  queued: number;
  registered: number;
  failed: number;
}

/**
 * Writes every enrolled household that the chain does not know yet to the beneficiary registry: its head,
 * with a wallet (custodial unless proven otherwise), in batches. The household is the unit that receives
 * entitlements; its head's ref and wallet are its recipient.
 */
export function registerPendingOnChain(
  deps: DisbursementDeps,
  enrolledBy?: EnrolledByFilter,
): Promise<RegisterResult> {
  // One run at a time per gateway: two overlapping runs would batch the same heads differently.
  const previous = running.get(deps) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => registerPending(deps, enrolledBy));
  running.set(deps, run);
  return run;
}

const running = new WeakMap<DisbursementDeps, Promise<unknown>>();

/**
 * Whose pending households a run registers: those `orgId` enrolled, and with `includeUnrecorded` also
 * those enrolled before the enrolling organisation was recorded. Without a filter: every one (the demo).
 */
export interface EnrolledByFilter {
  orgId: string;
  includeUnrecorded: boolean;
}

async function registerPending(
  deps: DisbursementDeps,
  enrolledBy?: EnrolledByFilter,
): Promise<RegisterResult> {
  const heads = deps.db
    .prepare(
      `SELECT m.beneficiary_ref AS beneficiaryRef, m.household_ref AS householdRef FROM members m
       JOIN households h ON h.household_ref = m.household_ref
       LEFT JOIN chain_registrations r ON r.beneficiary_ref = m.beneficiary_ref
       WHERE m.role = 'head' AND h.status = 'active' AND r.beneficiary_ref IS NULL
         AND (? = 0 OR h.enrolled_by = ? OR (? = 1 AND h.enrolled_by IS NULL))
       ORDER BY m.rowid`,
    )
    .all(enrolledBy ? 1 : 0, enrolledBy?.orgId ?? null, enrolledBy?.includeUnrecorded ? 1 : 0) as {
    beneficiaryRef: string;
    householdRef: string;
  }[];
  if (heads.length > 0) {
    const wallets = await deps.wallets.ensureWallets(heads.map((head) => head.beneficiaryRef));
    for (let start = 0; start < heads.length; start += REGISTRATION_BATCH) {
      const batch = heads.slice(start, start + REGISTRATION_BATCH).map((head) => ({
        ...head,
        wallet: wallets.get(head.beneficiaryRef)!,
      }));
      deps.db.transaction(() => enqueueRegistration(deps, batch))();
    }
  }
  await deps.outbox.drain();
  return registrationCounts(deps);
}

export function registrationCounts(deps: Pick<DisbursementDeps, "db">): RegisterResult {
  const rows = deps.db
    .prepare("SELECT status, count(*) AS n FROM chain_registrations GROUP BY status")
    .all() as {
    status: string;
    n: number;
  }[];
  const count = (status: string) => rows.find((row) => row.status === status)?.n ?? 0;
  return { queued: count("queued"), registered: count("registered"), failed: count("failed") };
}

interface Registration {
  beneficiaryRef: string;
  householdRef: string;
  wallet: string;
}

function enqueueRegistration(deps: DisbursementDeps, batch: readonly Registration[]): void {
  const digest = createHash("sha256")
    .update(batch.map((entry) => entry.beneficiaryRef).join(","))
    .digest("hex");
  const job = deps.outbox.enqueue({
    idempotencyKey: `register:${digest}`,
    kind: REGISTER_JOB,
    from: deps.registrar,
    to: deps.system.registry.target as string,
    data: deps.system.registry.interface.encodeFunctionData("registerBatch", [
      batch.map((entry) => ({
        beneficiaryRef: entry.beneficiaryRef,
        householdRef: entry.householdRef,
        wallet: entry.wallet,
      })),
    ]),
  });
  const upsert = deps.db.prepare(
    `INSERT INTO chain_registrations (beneficiary_ref, household_ref, wallet, status, job_id, updated_at)
     VALUES (?, ?, ?, 'queued', ?, ?)
     ON CONFLICT (beneficiary_ref) DO UPDATE SET status = 'queued', job_id = excluded.job_id, updated_at = excluded.updated_at`,
  );
  const now = deps.now().toISOString();
  for (const entry of batch)
    upsert.run(entry.beneficiaryRef, entry.householdRef, entry.wallet.toLowerCase(), job.jobId, now);
}

/** Outbox handlers: a confirmed batch is registered; a refused entry is set aside and the rest retried. */
export function registrationHandlers(deps: DisbursementDeps) {
  return {
    confirmed(job: ChainJob): void {
      deps.db
        .prepare("UPDATE chain_registrations SET status = 'registered', updated_at = ? WHERE job_id = ?")
        .run(deps.now().toISOString(), job.jobId);
    },
    failed(job: ChainJob, error: DecodedRevert): void {
      const rows = deps.db
        .prepare(
          "SELECT beneficiary_ref AS beneficiaryRef, household_ref AS householdRef, wallet FROM chain_registrations WHERE job_id = ? ORDER BY rowid",
        )
        .all(job.jobId) as Registration[];
      const culprit = (row: Registration) =>
        error.args.some(
          (arg) => arg.toLowerCase() === row.beneficiaryRef || arg.toLowerCase() === row.wallet,
        );
      const markFailed = deps.db.prepare(
        "UPDATE chain_registrations SET status = 'failed', error_name = ?, updated_at = ? WHERE beneficiary_ref = ?",
      );
      const named = rows.filter(culprit);
      if (named.length === 0) {
        for (const row of rows) markFailed.run(error.name, deps.now().toISOString(), row.beneficiaryRef);
        return;
      }
      for (const row of named) markFailed.run(error.name, deps.now().toISOString(), row.beneficiaryRef);
      const rest = rows.filter((row) => !culprit(row));
      if (rest.length > 0) enqueueRegistration(deps, rest);
    },
  };
}
