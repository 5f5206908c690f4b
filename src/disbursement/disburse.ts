import { randomUUID } from "node:crypto";
import { runOfKey, type ChainJob } from "../chain/outbox";
import type { DecodedRevert } from "../chain/decodeRevert";
import { runIdempotent } from "../db/idempotency";
import { DuplicateError, ValidationError } from "../errors";
import { programmeRow } from "../programmes/getProgramme";
import { toUnits } from "../programmes/amounts";
import { getDisbursement } from "./getDisbursement";
import { encodeIssueBatch } from "./issueBatchCalldata";
import { groupQueuedByAmount, markAlreadyCovered, type PlannedRow } from "./planRows";
import type { DisbursementDeps, DisbursementReport } from "./types";

export const ISSUE_JOB = "disbursement.issue";

/** Households per issuance transaction: 500 × ~28.5k gas stays inside EIP-7825's 16.7M cap. */
export const ISSUE_BATCH = 500;

export interface StartDisbursementParams {
  orgId: string;
  programmeId: number;
  idempotencyKey: string;
  source: "csv" | "eligible";
  /** What the request asked for (the CSV's bytes, or the selection and amount), fingerprinted with the key. */
  payload: string | Buffer;
}

/**
 * Runs a disbursement whose rows are already resolved: refuses per row what the chain would refuse,
 * then queues the rest in batches of one amount each, with the rows in one transaction, and returns
 * without waiting for the chain: the report's `state` is `running` until every write has ended.
 * The same idempotency key returns the same disbursement, also to callers that send it while the first
 * request still runs; the same key with another file, amount or programme is refused (409
 * `idempotency_key_reused`).
 */
export function runDisbursement(
  deps: DisbursementDeps,
  params: StartDisbursementParams,
  plan: () => Promise<PlannedRow[]>,
): Promise<DisbursementReport> {
  return runIdempotent(
    {
      db: deps.db,
      peppers: deps.peppers,
      scope: "disbursement",
      orgId: params.orgId,
      idempotencyKey: params.idempotencyKey,
      payload: Buffer.concat([
        Buffer.from(`${params.programmeId}:${params.source}:`),
        Buffer.from(params.payload),
      ]),
      now: deps.now,
    },
    (claim) => disburseOnce(deps, params, plan, claim),
  );
}

async function disburseOnce(
  deps: DisbursementDeps,
  params: StartDisbursementParams,
  plan: () => Promise<PlannedRow[]>,
  claim: () => void,
): Promise<DisbursementReport> {
  const existing = findExisting(deps, params);
  if (existing) return { ...getDisbursement(deps, existing), replayed: true };
  const programme = programmeRow(deps, params.programmeId);
  if (programme.org_id !== params.orgId) {
    throw new ValidationError(
      "programmeId",
      "not_your_programme",
      "Only the programme's charity disburses it.",
    );
  }
  const cap = toUnits(programme.cap, deps.decimals);
  const rows = await plan();
  for (const row of rows) {
    if (row.status === "queued" && row.amount !== null && row.amount > cap) {
      row.status = "invalid";
      row.field = "amount";
      row.code = "above_cap";
    }
  }
  refuseWhenEveryRowIsInvalid(rows, programme.cap);
  const period = Number(await deps.system.ledger.currentPeriod(params.programmeId));
  await markAlreadyCovered(deps, params.programmeId, period, rows);

  const disbursementId = `dsb_${randomUUID()}`;
  const from = charityAddress(deps, params.orgId);
  // Each batch's calldata is written by hand as its job is queued and let go: pre-encoding them all
  // with the general coder held a million-household disbursement's calldata (128 MB) at once. The rows
  // are written once, with their job, not written and then updated.
  deps.db.transaction(() => {
    claim();
    deps.db
      .prepare(
        `INSERT INTO disbursements (disbursement_id, programme_id, org_id, idempotency_key, source, period, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        disbursementId,
        params.programmeId,
        params.orgId,
        params.idempotencyKey,
        params.source,
        period,
        deps.now().toISOString(),
      );
    const insert = deps.db.prepare(
      `INSERT INTO disbursement_rows (disbursement_id, row_no, household_ref, beneficiary_ref, amount, status, error_field, error_code, job_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const write = (row: PlannedRow, jobId: number | null) =>
      insert.run(
        disbursementId,
        row.rowNo,
        row.householdRef,
        row.beneficiaryRef,
        row.amount === null ? null : row.amount.toString(),
        row.status,
        row.field,
        row.code,
        jobId,
      );
    // Each batch's rows are written with its job as it is queued (a map of a million rows to their jobs
    // was 60 MB of the heap), then the rows that go to no job.
    let label = 0;
    for (const [amount, group] of groupQueuedByAmount(rows)) {
      for (let start = 0; start < group.length; start += ISSUE_BATCH) {
        const slice = group.slice(start, start + ISSUE_BATCH) as QueuedRow[];
        const jobId = enqueueIssue(deps, disbursementId, {
          label: `${label++}`,
          from,
          data: issueCalldata(deps, params.programmeId, slice, amount),
        });
        for (const row of slice) write(row as PlannedRow, jobId);
      }
    }
    for (const row of rows) if (row.status !== "queued") write(row, null);
  })();
  startDraining(deps);
  return getDisbursement(deps, disbursementId);
}

/**
 * Starts sending the queued writes without waiting for them: the caller answers at once and the status
 * route reports progress. A failure here (the node unreachable) leaves the jobs queued in the outbox,
 * which the gateway's drain timer retries, also after a restart.
 */
export function startDraining(deps: Pick<DisbursementDeps, "outbox">): void {
  deps.outbox.drain().catch(() => undefined);
}

function findExisting(deps: DisbursementDeps, params: StartDisbursementParams): string | undefined {
  const row = deps.db
    .prepare(
      "SELECT disbursement_id, programme_id FROM disbursements WHERE org_id = ? AND idempotency_key = ?",
    )
    .get(params.orgId, params.idempotencyKey) as
    { disbursement_id: string; programme_id: number } | undefined;
  if (row && row.programme_id !== params.programmeId) {
    throw new DuplicateError(
      "idempotencyKey",
      "idempotency_key_reused",
      "This idempotency key was used for another programme.",
    );
  }
  return row?.disbursement_id;
}

interface QueuedRow {
  rowNo: number;
  householdRef: string;
  beneficiaryRef: string;
}

/** One issuance transaction of a disbursement: rows of one amount. */
interface IssueBatch {
  label: string;
  from: string;
  data: string;
}

/** Queues one issuance transaction; returns its job's id, which its rows carry. */
function enqueueIssue(deps: DisbursementDeps, disbursementId: string, batch: IssueBatch): number {
  return deps.outbox.enqueue({
    idempotencyKey: `issue:${disbursementId}:${batch.label}`,
    kind: ISSUE_JOB,
    from: batch.from,
    to: deps.system.ledger.target as string,
    data: batch.data,
  }).jobId;
}

function issueCalldata(
  deps: DisbursementDeps,
  programmeId: number,
  rows: readonly QueuedRow[],
  amount: bigint,
): string {
  return encodeIssueBatch(
    deps.system.ledger.interface,
    programmeId,
    rows.map((row) => row.beneficiaryRef),
    rows.map((row) => row.householdRef),
    amount,
  );
}

/** The charity's chain address: it signs the issuance. */
function charityAddress(deps: DisbursementDeps, orgId: string): string {
  const row = deps.db.prepare("SELECT address FROM organisations WHERE org_id = ?").get(orgId) as {
    address: string;
  };
  return row.address;
}

/**
 * Outbox handlers: a confirmed batch is issued. When the chain refuses a batch because of one household
 * (covered meanwhile by another charity, recipient suspended), that row is refused with the chain's reason
 * and the rest of the batch is sent again; a refusal that names no row refuses the whole batch.
 */
export function issuanceHandlers(deps: DisbursementDeps) {
  return {
    // The batches of one run touch distinct households: sent together, they share blocks. They draw on one
    // programme budget, so each is checked on top of the ones sent before it (no `checksTogether`): a batch
    // past the budget is refused before it has a nonce, naming `BudgetInsufficient`.
    pipelineGroup: runOfKey,
    confirmed(job: ChainJob): void {
      deps.db.prepare("UPDATE disbursement_rows SET status = 'issued' WHERE job_id = ?").run(job.jobId);
    },
    failed(job: ChainJob, error: DecodedRevert): void {
      const rows = deps.db
        .prepare(
          `SELECT disbursement_id AS disbursementId, row_no AS rowNo, household_ref AS householdRef,
                  beneficiary_ref AS beneficiaryRef, amount FROM disbursement_rows WHERE job_id = ? ORDER BY row_no`,
        )
        .all(job.jobId) as (QueuedRow & { disbursementId: string; amount: string })[];
      if (rows.length === 0) return;
      const named = new Set(error.args.map((arg) => arg.toLowerCase()));
      const culprit = (row: QueuedRow) => named.has(row.householdRef) || named.has(row.beneficiaryRef);
      const blamed = rows.filter(culprit);
      const mark = deps.db.prepare(
        "UPDATE disbursement_rows SET status = ?, error_code = ? WHERE disbursement_id = ? AND row_no = ?",
      );
      const status =
        blamed.length > 0 && error.name === "HouseholdAlreadyCovered" ? "already_covered" : "refused";
      for (const row of blamed.length > 0 ? blamed : rows)
        mark.run(status, error.name, row.disbursementId, row.rowNo);
      const rest = blamed.length > 0 ? rows.filter((row) => !culprit(row)) : [];
      if (rest.length > 0) {
        const first = rest[0]!;
        const { programme_id: programmeId, org_id: orgId } = deps.db
          .prepare("SELECT programme_id, org_id FROM disbursements WHERE disbursement_id = ?")
          .get(first.disbursementId) as { programme_id: number; org_id: string };
        const retry = enqueueIssue(deps, first.disbursementId, {
          label: `retry-${job.jobId}`,
          from: charityAddress(deps, orgId),
          data: issueCalldata(deps, programmeId, rest, BigInt(first.amount)),
        });
        const assign = deps.db.prepare(
          "UPDATE disbursement_rows SET job_id = ?, status = 'queued' WHERE disbursement_id = ? AND row_no = ?",
        );
        for (const row of rest) assign.run(retry, row.disbursementId, row.rowNo);
      }
    },
  };
}

/**
 * A request no row of which could ever be issued is bad input, refused before anything is written: every
 * amount above the programme's cap per period (400 `above_cap` on `amount`), or every row invalid in another
 * way (400 `no_valid_row` on `file`). Rows refused for the state of the world (not enrolled, already covered)
 * still make a disbursement, with a status per row.
 */
function refuseWhenEveryRowIsInvalid(rows: readonly PlannedRow[], cap: string): void {
  if (rows.length === 0 || rows.some((row) => row.status !== "invalid")) return;
  if (rows.every((row) => row.code === "above_cap")) {
    throw new ValidationError(
      "amount",
      "above_cap",
      `Every row's amount is above the programme's cap per period (${cap}): no row can be issued.`,
    );
  }
  throw new ValidationError(
    "file",
    "no_valid_row",
    "No row of this disbursement is valid, so none can be issued; nothing was written.",
  );
}
