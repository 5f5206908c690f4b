import { createHash, randomUUID } from "node:crypto";
import { runOfKey, type ChainJob } from "../chain/outbox";
import type { DecodedRevert } from "../chain/decodeRevert";
import { rowCounts } from "../db/rowCounts";
import { cachedStatement } from "../db/statements";
import { NotFoundError } from "../errors";
import { yieldToEventLoop } from "../yieldToEventLoop";
import { startDraining } from "./disburse";
import { stateOf } from "./getDisbursement";
import { encodeRegisterBatch, type RegistrationEntry } from "./registerBatchCalldata";
import type { DisbursementDeps, JobProgress, JobState } from "./types";

export const REGISTER_JOB = "registry.register";

/** Registrations per transaction: 300 × ~48.7k gas fits EIP-7825's 16.7M per-transaction cap. */
export const REGISTRATION_BATCH = 300;

export interface RegisterResult {
  queued: number;
  registered: number;
  failed: number;
}

/** A registration run: the households one request queued, and where their chain writes stand. */
export interface RegistrationRun {
  /** `reg_<uuid>`, or null when nothing was waiting to be registered (nothing was queued). */
  registrationId: string | null;
  state: JobState;
  progress: JobProgress;
}

/** Registration ids: the prefix of their jobs' idempotency keys (`register:<id>:<digest>`). */
const REGISTRATION_ID = /^reg_[0-9a-f-]{36}$/;

/**
 * Heads given wallets and queued per step of a run: the first step is done before the request answers
 * (so the run exists in the outbox), the rest after it, so that a run of a million heads answers as soon
 * as a run of ten thousand. Provisioning 100,000 custodial wallets before answering took 71 s.
 */
export const REGISTRATION_STEP = 10 * REGISTRATION_BATCH;

/**
 * Writes every enrolled household that the chain does not know yet to the beneficiary registry: its head,
 * with a wallet (custodial unless proven otherwise), in batches. The household is the unit that receives
 * entitlements; its head's ref and wallet are its recipient. Returns once the first step of batches is
 * queued in the outbox: the other heads get their wallets and batches afterwards, and nothing waits for
 * the chain; `registrationRun` reports the run's progress. A request made while a run is still queueing
 * answers with that run. After a crash in the queueing, the heads not yet queued are simply still
 * pending: the next request registers them.
 */
export function registerPendingOnChain(
  deps: DisbursementDeps,
  options: { step?: number; lead?: number; enrolledBy?: EnrolledByFilter } = {},
): Promise<RegistrationRun> {
  const filter = filterKey(options.enrolledBy);
  const queueing = queueingRuns.get(deps);
  if (queueing && queueing.filter === filter) {
    return Promise.resolve(runProgress(deps, queueing.registrationId));
  }
  // One run at a time per gateway: two overlapping runs would batch the same heads differently.
  const previous = running.get(deps) ?? Promise.resolve();
  const run = previous
    .catch(() => undefined)
    .then(() =>
      registerPending(
        deps,
        options.step ?? REGISTRATION_STEP,
        options.lead ?? REGISTRATION_LEAD,
        options.enrolledBy,
      ),
    );
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

function filterKey(enrolledBy?: EnrolledByFilter): string {
  return enrolledBy ? `${enrolledBy.orgId}:${enrolledBy.includeUnrecorded ? 1 : 0}` : "*";
}

/** The run still giving wallets to and queueing heads after its answer, whose heads, and how many remain. */
const queueingRuns = new WeakMap<
  DisbursementDeps,
  { registrationId: string; filter: string; remaining: number }
>();
const remainingHeads = new Map<string, number>();

interface PendingHead {
  beneficiaryRef: string;
  householdRef: string;
}

/**
 * Heads of active households not yet written to the registry, with member rowids in (?, ?], enrolled by
 * the filter's organisation when it has one (parameters: from, to, filtered, orgId, includeUnrecorded).
 */
const PENDING_HEADS = `FROM members m
  JOIN households h ON h.household_ref = m.household_ref
  LEFT JOIN chain_registrations r ON r.beneficiary_ref = m.beneficiary_ref
  WHERE m.rowid > ? AND m.rowid <= ? AND m.role = 'head' AND h.status = 'active' AND r.beneficiary_ref IS NULL
    AND (? = 0 OR h.enrolled_by = ? OR (? = 1 AND h.enrolled_by IS NULL))`;

async function registerPending(
  deps: DisbursementDeps,
  stepSize: number,
  lead: number,
  enrolledBy?: EnrolledByFilter,
): Promise<RegistrationRun> {
  // A request that waited for the previous run's first step joins that run while it still queues its heads.
  const queueing = queueingRuns.get(deps);
  if (queueing && queueing.filter === filterKey(enrolledBy))
    return runProgress(deps, queueing.registrationId);
  const filter = [enrolledBy ? 1 : 0, enrolledBy?.orgId ?? null, enrolledBy?.includeUnrecorded ? 1 : 0];
  // The run is the heads pending now, read a step at a time (a million heads' references held at once
  // would be most of the gateway's heap): up to the last member's rowid, from a cursor.
  const { total, last } = deps.db
    .prepare(`SELECT count(*) AS total, coalesce(max(m.rowid), 0) AS last ${PENDING_HEADS}`)
    .get(0, Number.MAX_SAFE_INTEGER, ...filter) as { total: number; last: number };
  if (total === 0) {
    return {
      registrationId: null,
      state: "done",
      progress: { rows: 0, done: 0, refused: 0, pending: 0, chainWritesPending: 0 },
    };
  }
  const page = deps.db.prepare(
    `SELECT m.rowid AS rowNo, m.beneficiary_ref AS beneficiaryRef, m.household_ref AS householdRef
     ${PENDING_HEADS} ORDER BY m.rowid LIMIT ?`,
  );
  let cursor = 0;
  const nextStep = () => {
    const step = page.all(cursor, last, ...filter, stepSize) as (PendingHead & { rowNo: number })[];
    if (step.length > 0) cursor = step[step.length - 1]!.rowNo;
    return step;
  };
  const registrationId = `reg_${randomUUID()}`;
  const first = nextStep();
  await queueStep(deps, registrationId, first, { orgId: enrolledBy?.orgId ?? null, heads: total });
  startDraining(deps);
  if (total > first.length) {
    const state = { registrationId, filter: filterKey(enrolledBy), remaining: total - first.length };
    queueingRuns.set(deps, state);
    remainingHeads.set(registrationId, state.remaining);
    const rest = (async () => {
      try {
        for (let step = nextStep(); step.length > 0; step = nextStep()) {
          await untilChainCatchesUp(deps, lead);
          await queueStep(deps, registrationId, step);
          state.remaining = Math.max(0, state.remaining - step.length);
          remainingHeads.set(registrationId, state.remaining);
          startDraining(deps);
        }
      } finally {
        // Whatever was not queued (a failure) stays pending for the next run.
        queueingRuns.delete(deps);
        remainingHeads.delete(registrationId);
      }
    })();
    // The next run starts once this one has queued every head.
    running.set(
      deps,
      rest.catch(() => undefined),
    );
  }
  return runProgress(deps, registrationId);
}

/**
 * The outbox's open chain writes (every job, not only this run's) past which a run gives no more wallets
 * until the chain catches up. Making a million custodial wallets takes the gateway's thread for minutes,
 * and while it did, the outbox's sends waited behind it: at 1,000,000 households the first 870,000 heads
 * were queued with the node nearly idle (192 registered a second), and only then did the chain work (1,400
 * a second, the gateway idle). The lead lets the chain start on them meanwhile; at 100,000 it made no
 * difference (106.5 s against 99.5 s), and it is not yet measured at a million.
 */
export const REGISTRATION_LEAD = 60;

async function untilChainCatchesUp(deps: DisbursementDeps, lead: number): Promise<void> {
  for (let wait = 5; deps.outbox.pendingCount() > lead; wait = Math.min(wait * 2, 200))
    await new Promise((resolve) => setTimeout(resolve, wait));
}

/**
 * Gives a step of heads their wallets and queues them in batches, each batch with its rows; a batch's
 * wallets are made just before it is queued, and the event loop runs between batches (3,000 wallets in one
 * go held it for a third of a second).
 */
async function queueStep(
  deps: DisbursementDeps,
  registrationId: string,
  heads: readonly PendingHead[],
  starting?: { orgId: string | null; heads: number },
): Promise<void> {
  for (let start = 0; start < heads.length; start += REGISTRATION_BATCH) {
    const slice = heads.slice(start, start + REGISTRATION_BATCH);
    const wallets = await deps.wallets.ensureWallets(slice.map((head) => head.beneficiaryRef));
    const batch = slice.map((head) => ({ ...head, wallet: wallets.get(head.beneficiaryRef)! }));
    deps.db.transaction(() => {
      // The run's owner is written with its first batch: a run is never in the outbox without one.
      if (starting && start === 0) {
        cachedStatement(
          deps.db,
          "INSERT INTO registration_runs (registration_id, org_id, heads, created_at) VALUES (?, ?, ?, ?)",
        ).run(registrationId, starting.orgId, starting.heads, deps.now().toISOString());
      }
      enqueueRegistration(deps, registrationId, batch);
    })();
    await yieldToEventLoop();
  }
}

/** Who asks for a run's progress: the organisation that started it, or the registrar or an auditor. */
export interface RunReader {
  orgId: string;
  role: string;
}

/** Roles that read every organisation's runs, as they read every import's report. */
const READS_EVERY_RUN = new Set(["registrar", "auditor"]);

/**
 * A registration run's progress, for `reader`: the organisation that started it, the registrar or an
 * auditor. Another organisation's run, a run of every organisation's households (the demo seed) and one
 * started before runs recorded their owner answer, for anyone else, the 404 of an unknown id.
 */
export function registrationRun(
  deps: Pick<DisbursementDeps, "db">,
  registrationId: string,
  reader: RunReader,
): RegistrationRun {
  if (!READS_EVERY_RUN.has(reader.role)) {
    const owner = REGISTRATION_ID.test(registrationId)
      ? (cachedStatement(
          deps.db,
          "SELECT org_id FROM registration_runs WHERE registration_id = ?",
          "pluck",
        ).get(registrationId) as string | null | undefined)
      : undefined;
    if (owner === undefined || owner === null || owner !== reader.orgId)
      throw new NotFoundError("registrationId", "No registration run has this id.");
  }
  return runProgress(deps, registrationId);
}

/**
 * A registration run's progress, from its rows' counters (`row_counts`, kept by the database as rows
 * change; a retry of a refused batch is a job of the same run) and its jobs still open (among the open
 * jobs only, through the outbox's index of them). Unknown ids are 404. Whoever asks has been checked:
 * see `registrationRun`.
 */
export function runProgress(deps: Pick<DisbursementDeps, "db">, registrationId: string): RegistrationRun {
  const range = [`register:${registrationId}:`, `register:${registrationId};`];
  const jobs = REGISTRATION_ID.test(registrationId)
    ? (cachedStatement(
        deps.db,
        `SELECT EXISTS (SELECT 1 FROM chain_jobs WHERE idempotency_key > ? AND idempotency_key < ?) AS known,
           (SELECT count(*) FROM chain_jobs WHERE idempotency_key > ? AND idempotency_key < ?
              AND status IN ('queued', 'signed')) AS pending`,
      ).get(...range, ...range) as { known: number; pending: number })
    : { known: 0, pending: 0 };
  if (jobs.known === 0) throw new NotFoundError("registrationId", "No registration run has this id.");
  const counts = rowCounts(deps.db, `registration:${registrationId}`);
  const count = (status: string) => counts.get(status) ?? 0;
  // Heads the run has still to give wallets to and queue (in this process; see registerPendingOnChain).
  const unqueued = remainingHeads.get(registrationId) ?? 0;
  const progress: JobProgress = {
    rows: count("queued") + count("registered") + count("failed") + unqueued,
    done: count("registered"),
    refused: count("failed"),
    pending: count("queued") + unqueued,
    chainWritesPending: jobs.pending,
  };
  return { registrationId, state: stateOf(progress), progress };
}

/** Every registration row by status, from the database's counters (`row_counts`). */
export function registrationCounts(deps: Pick<DisbursementDeps, "db">): RegisterResult {
  const counts = rowCounts(deps.db, "registrations");
  const count = (status: string) => counts.get(status) ?? 0;
  return { queued: count("queued"), registered: count("registered"), failed: count("failed") };
}

function enqueueRegistration(
  deps: DisbursementDeps,
  registrationId: string | null,
  batch: readonly RegistrationEntry[],
): void {
  const digest = createHash("sha256")
    .update(batch.map((entry) => entry.beneficiaryRef).join(","))
    .digest("hex");
  const job = deps.outbox.enqueue({
    idempotencyKey: registrationId === null ? `register:${digest}` : `register:${registrationId}:${digest}`,
    kind: REGISTER_JOB,
    from: deps.registrar,
    to: deps.system.registry.target as string,
    data: encodeRegisterBatch(deps.system.registry.interface, batch),
  });
  const upsert = cachedStatement(
    deps.db,
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
    // The batches of one run touch distinct households: sent together, they share blocks.
    pipelineGroup: runOfKey,
    // A run's batches hold distinct heads and wallets: none can make another refused.
    checksTogether: true,
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
        .all(job.jobId) as RegistrationEntry[];
      const culprit = (row: RegistrationEntry) =>
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
      // The retry stays in the failed batch's run (jobs queued before runs had ids have none).
      const run = job.idempotencyKey.split(":")[1]!;
      if (rest.length > 0) enqueueRegistration(deps, REGISTRATION_ID.test(run) ? run : null, rest);
    },
  };
}
