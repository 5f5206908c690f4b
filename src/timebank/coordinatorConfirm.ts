import { createHash } from "node:crypto";
import { z } from "zod";
import type { ChainJob } from "../chain/outbox";
import { AppError } from "../errors";
import { parseInput } from "../validation";
import { serviceLock } from "./confirmService";
import { requireActiveCoordinator } from "./coordinators";
import { memberRow } from "./members";
import { oneAtATime } from "./oneAtATime";
import { attemptKey, checkOnly, sendChecked } from "./sendChecked";
import { ownService, serviceRow, serviceView, type ServiceRow, type ServiceView } from "./services";
import type { TimeBankDeps } from "./types";

/** Services one coordinator's call confirms at most: the TimeBank's gas target is set at a batch of 100. */
export const MAX_CONFIRM_BATCH = 100;

const PAYER = z.enum(["recipient", "pool"]);
type Payer = z.infer<typeof PAYER>;

export const coordinatorConfirmSchema = z.strictObject({
  /** `recipient`: the recipient pays, as if it had confirmed; `pool`: the community pool pays the giver. */
  payer: PAYER,
});
export type CoordinatorConfirmParams = z.input<typeof coordinatorConfirmSchema>;

export const coordinatorBatchSchema = z.strictObject({
  serviceIds: z
    .array(z.string().regex(/^svc_[0-9a-f-]{36}$/))
    .min(1)
    .max(MAX_CONFIRM_BATCH)
    .refine((ids) => new Set(ids).size === ids.length, { message: "Each service once" }),
  payer: PAYER,
});
export type CoordinatorBatchParams = z.input<typeof coordinatorBatchSchema>;

/**
 * The coordinator confirms a service for a recipient who cannot (`confirmByCoordinator`: the recipient pays),
 * or decides the recipient cannot pay (`payFromPool`: the pool pays the giver, who still earns the credit).
 * On chain that is two calls: `logService` from the giver's custodial key, then the coordinator's. What the
 * second would refuse (the recipient's limit, the pool's minutes, a party no longer active) is checked before
 * the first is sent, so a refusal writes nothing; a service left logged by a chain that moved in between
 * (`state: logged`) is confirmed by calling again, without logging it twice.
 */
export async function coordinatorConfirm(
  deps: TimeBankDeps,
  coordinatorOrgId: string,
  serviceId: string,
  params: CoordinatorConfirmParams,
): Promise<ServiceView> {
  const { payer } = parseInput(coordinatorConfirmSchema, params);
  const [view] = await confirmServices(deps, coordinatorOrgId, [serviceId], payer, () => "serviceId");
  return view!;
}

/**
 * As `coordinatorConfirm`, for up to 100 services in one coordinator's call (all or none on chain): the logs
 * of the open ones are queued together and sent, then one `confirmByCoordinator` or `payFromPool` with every
 * id. The limits are checked on the sums per recipient, and the pool on the sum of all.
 */
export async function coordinatorConfirmBatch(
  deps: TimeBankDeps,
  coordinatorOrgId: string,
  params: CoordinatorBatchParams,
): Promise<{ services: ServiceView[] }> {
  const input = parseInput(coordinatorBatchSchema, params);
  const services = await confirmServices(
    deps,
    coordinatorOrgId,
    input.serviceIds,
    input.payer,
    (index) => `serviceIds[${index}]`,
  );
  return { services };
}

/** Holds every service of the call (`oneAtATime`): a recipient's confirmation or an overlapping batch waits. */
function confirmServices(
  deps: TimeBankDeps,
  coordinatorOrgId: string,
  serviceIds: string[],
  payer: Payer,
  fieldOf: (index: number) => string,
): Promise<ServiceView[]> {
  return oneAtATime(serviceIds.map(serviceLock), () =>
    confirmHeld(deps, coordinatorOrgId, serviceIds, payer, fieldOf),
  );
}

async function confirmHeld(
  deps: TimeBankDeps,
  coordinatorOrgId: string,
  serviceIds: string[],
  payer: Payer,
  fieldOf: (index: number) => string,
): Promise<ServiceView[]> {
  const coordinator = await requireActiveCoordinator(deps, coordinatorOrgId);
  const rows = serviceIds.map((serviceId, index) => {
    const row = ownService(deps, coordinatorOrgId, serviceId, fieldOf(index));
    if (row.state === "confirmed")
      throw new AppError(
        "ServiceStateError",
        409,
        "This service is already confirmed.",
        fieldOf(index),
        "not_open",
      );
    return row;
  });
  const wallets = (row: ServiceRow) => ({
    giver: memberRow(deps, row.giver_ref)!.wallet,
    recipient: memberRow(deps, row.recipient_ref)!.wallet,
  });
  await checkPayer(
    deps,
    payer,
    rows.map((row) => ({ recipient: wallets(row).recipient, duration: row.duration })),
  );
  await logOpenServices(deps, rows, wallets, fieldOf);
  const chainIds: string[] = [];
  for (const [index, serviceId] of serviceIds.entries())
    chainIds.push(await loggedChainId(deps, serviceRow(deps, serviceId)!, fieldOf(index)));
  const call = payer === "pool" ? "payFromPool" : "confirmByCoordinator";
  const batch = createHash("sha256").update(serviceIds.join(",")).digest("hex").slice(0, 32);
  const timeBank = deps.system.timeBank;
  await sendChecked(
    deps,
    {
      idempotencyKey: `timebank-services:${call}:${batch}`,
      kind: `timebank.${call === "payFromPool" ? "pay_from_pool" : "confirm_by_coordinator"}`,
      from: coordinator.address,
      to: timeBank.target as string,
      data: timeBank.interface.encodeFunctionData(call as "payFromPool", [chainIds]),
      field: "payer",
      retryAfterFailure: true,
    },
    (job) => {
      for (const row of rows)
        updateService(deps, row, {
          state: "confirmed",
          confirmed_by: payer === "pool" ? "pool" : "coordinator",
          confirm_job_id: job.jobId,
        });
    },
    (job) => {
      // Only what this call's job confirmed: a row another call confirmed meanwhile stays as it is.
      for (const row of rows)
        deps.db
          .prepare(
            `UPDATE timebank_services SET state = 'logged', confirmed_by = NULL, confirm_job_id = NULL, updated_at = ?
             WHERE service_id = ? AND confirm_job_id = ?`,
          )
          .run(deps.now().toISOString(), row.service_id, job.jobId);
    },
  );
  return Promise.all(serviceIds.map((serviceId) => serviceView(deps, serviceRow(deps, serviceId)!)));
}

/**
 * `logService` for each open service, from its giver's custodial key: each checked first (nothing queued if
 * one is refused), then all queued in one transaction and sent together. A log the chain refuses after all
 * leaves its service open (409); the others stay logged, and calling again confirms them.
 */
async function logOpenServices(
  deps: TimeBankDeps,
  rows: ServiceRow[],
  wallets: (row: ServiceRow) => { giver: string; recipient: string },
  fieldOf: (index: number) => string,
): Promise<void> {
  const timeBank = deps.system.timeBank;
  const writes = rows.flatMap((row, index) => {
    if (row.state !== "open") return [];
    const { giver, recipient } = wallets(row);
    return [
      {
        row,
        write: {
          idempotencyKey: attemptKey(deps.outbox, `timebank-service:${row.service_id}:log`),
          kind: "timebank.log_service",
          from: giver,
          to: timeBank.target as string,
          data: timeBank.interface.encodeFunctionData("logService", [
            recipient,
            row.duration,
            row.category,
            row.evidence_hash,
          ]),
          field: fieldOf(index),
        },
      },
    ];
  });
  for (const { write } of writes) await checkOnly(deps, write);
  for (const giver of new Set(writes.map(({ write }) => write.from))) await deps.fundGas(giver);
  const jobs = deps.db.transaction(() =>
    writes.map(({ row, write }) => {
      const job = deps.outbox.enqueue(write);
      // Still open, as read before the awaits above: a service confirmed meanwhile is not logged again (the
      // throw rolls the queued logs back with it).
      const opened = deps.db
        .prepare(
          "UPDATE timebank_services SET state = 'logged', log_job_id = ?, updated_at = ? WHERE service_id = ? AND state = 'open'",
        )
        .run(job.jobId, deps.now().toISOString(), row.service_id);
      if (opened.changes !== 1)
        throw new AppError(
          "ServiceStateError",
          409,
          "This service is already confirmed.",
          write.field,
          "not_open",
        );
      return { row, write, job };
    }),
  )();
  await deps.outbox.drain();
  // Every log's outcome is kept before a refusal is answered: the logged ones keep their chain ids.
  let refused: string | undefined;
  for (const { row, write } of jobs) {
    const after = serviceRow(deps, row.service_id)!;
    if (after.state === "open") refused ??= write.field;
    else await loggedChainId(deps, after, write.field);
  }
  if (refused !== undefined)
    throw new AppError("ChainRefusedError", 409, "The time bank refused this log.", refused, "Reverted");
}

/**
 * The TimeBank's id of a logged service, kept on its row once its log is confirmed: read from the log's
 * `ServiceLogged` event, after a drain if the log is still on its way (a restart, a drain that returned
 * first). A log still pending answers 409 `log_pending` (call again); a failed one left the row open.
 */
async function loggedChainId(deps: TimeBankDeps, row: ServiceRow, field: string): Promise<string> {
  if (row.chain_service_id) return row.chain_service_id;
  if (row.state !== "logged" || row.log_job_id === null)
    throw new AppError("ChainRefusedError", 409, "The time bank refused this log.", field, "Reverted");
  let job = deps.outbox.get(row.log_job_id) as ChainJob;
  if (job.status !== "confirmed" && job.status !== "failed") {
    await deps.outbox.drain();
    job = deps.outbox.get(row.log_job_id) as ChainJob;
  }
  if (job.status === "failed") {
    serviceRow(deps, row.service_id);
    throw new AppError("ChainRefusedError", 409, "The time bank refused this log.", field, "Reverted");
  }
  if (job.status !== "confirmed")
    throw new AppError(
      "ServiceStateError",
      409,
      "The service's log is still on its way to the chain; call again.",
      field,
      "log_pending",
    );
  const chainId = await loggedServiceId(deps, job.txHash!);
  updateService(deps, row, { chain_service_id: chainId });
  return chainId;
}

/** What the coordinator's call checks after the logs, checked before them (409 naming the TimeBank's error). */
async function checkPayer(
  deps: TimeBankDeps,
  payer: Payer,
  services: { recipient: string; duration: number }[],
): Promise<void> {
  const timeBank = deps.system.timeBank;
  if (payer === "pool") {
    const pool = Number(await timeBank.poolBalance());
    if (pool < services.reduce((sum, s) => sum + s.duration, 0))
      throw new AppError(
        "ChainRefusedError",
        409,
        "The community pool holds fewer minutes than the services.",
        "payer",
        "PoolInsufficient",
      );
    return;
  }
  const owed = new Map<string, number>();
  for (const s of services) owed.set(s.recipient, (owed.get(s.recipient) ?? 0) + s.duration);
  for (const [recipient, minutes] of owed) {
    const account = await timeBank.accountOf(recipient);
    if (Number(account.balance) - minutes < -Number(account.creditLimit))
      throw new AppError(
        "ChainRefusedError",
        409,
        "A recipient would go below its credit limit.",
        "payer",
        "CreditLimitExceeded",
      );
  }
}

/** The TimeBank's id of the service a `logService` transaction logged, from its `ServiceLogged` event. */
async function loggedServiceId(deps: TimeBankDeps, txHash: string): Promise<string> {
  const timeBank = deps.system.timeBank;
  const receipt = await timeBank.runner!.provider!.getTransactionReceipt(txHash);
  for (const log of receipt?.logs ?? []) {
    const parsed = timeBank.interface.parseLog(log);
    if (parsed?.name === "ServiceLogged") return (parsed.args[0] as string).toLowerCase();
  }
  throw new Error(`logService ${txHash} emitted no ServiceLogged`);
}

function updateService(deps: TimeBankDeps, row: ServiceRow, fields: Partial<ServiceRow>): void {
  const entries = Object.entries(fields);
  deps.db
    .prepare(
      `UPDATE timebank_services SET ${entries.map(([name]) => `${name} = ?`).join(", ")}, updated_at = ?
       WHERE service_id = ?`,
    )
    .run(...entries.map(([, value]) => value), deps.now().toISOString(), row.service_id);
}
