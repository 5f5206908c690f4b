import { ZeroHash } from "ethers";
import { cachedStatement } from "../db/statements";
import { AppError, NotFoundError } from "../errors";
import { categoryName, type ServiceCategory } from "./categories";
import { confirmationTypedData, timeBankDomain, type ServiceConfirmation } from "./confirmation";
import { memberRow } from "./members";
import type { TimeBankDeps } from "./types";

export const SERVICE_STATES = ["open", "logged", "confirmed"] as const;
export type ServiceState = (typeof SERVICE_STATES)[number];
export const CONFIRMATION_CHANNELS = ["wallet", "pin", "sms", "coordinator", "pool"] as const;
export type ConfirmationChannel = (typeof CONFIRMATION_CHANNELS)[number];

export interface ServiceRow {
  service_id: string;
  idempotency_key: string;
  coordinator_org_id: string;
  giver_ref: string;
  recipient_ref: string;
  duration: number;
  category: number;
  evidence_hash: string;
  deadline: number;
  state: ServiceState;
  confirmed_by: ConfirmationChannel | null;
  chain_service_id: string | null;
  log_job_id: number | null;
  confirm_job_id: number | null;
  created_at: string;
  updated_at: string;
}

/** A service as its coordinator sees it; `confirmation` is what the recipient signs while it is open. */
export interface ServiceView {
  serviceId: string;
  coordinatorOrgId: string;
  giver: string;
  recipient: string;
  minutes: number;
  category: ServiceCategory;
  evidenceHash: string | null;
  state: ServiceState;
  confirmedBy: ConfirmationChannel | null;
  chainServiceId: string | null;
  deadline: number;
  confirmation: ReturnType<typeof confirmationTypedData> | null;
  createdAt: string;
  updatedAt: string;
}

/** The gateway's row of a service, after `followJobs`: never a state its chain jobs no longer back. */
export function serviceRow(
  deps: Pick<TimeBankDeps, "db" | "outbox">,
  serviceId: string,
): ServiceRow | undefined {
  const read = () =>
    cachedStatement(deps.db, "SELECT * FROM timebank_services WHERE service_id = ?").get(serviceId) as
      ServiceRow | undefined;
  const row = read();
  return row && followJobs(deps, row) ? read() : row;
}

/**
 * Business rows follow the chain: a service marked confirmed whose confirming job failed on chain (sent
 * after a restart past its deadline, or refused because the chain moved), or logged whose log failed, is put
 * back where the chain leaves it: open (or logged, for a coordinator's call) and confirmable again. The
 * request that queued a job undoes it at once when it sees the failure; this covers a job that failed after
 * that request ended (a crash, a drain that returned first). True when it changed the row.
 */
function followJobs(deps: Pick<TimeBankDeps, "db" | "outbox">, row: ServiceRow): boolean {
  const failed = (jobId: number | null) => jobId !== null && deps.outbox.get(jobId)?.status === "failed";
  const now = new Date().toISOString();
  if (row.state === "confirmed" && failed(row.confirm_job_id)) {
    const byCoordinator = row.confirmed_by === "coordinator" || row.confirmed_by === "pool";
    deps.db
      .prepare(
        `UPDATE timebank_services SET state = ?, confirmed_by = NULL, confirm_job_id = NULL,
           chain_service_id = CASE WHEN ? THEN chain_service_id ELSE NULL END, updated_at = ?
         WHERE service_id = ? AND confirm_job_id = ?`,
      )
      .run(byCoordinator ? "logged" : "open", byCoordinator ? 1 : 0, now, row.service_id, row.confirm_job_id);
    return true;
  }
  if (row.state === "logged" && failed(row.log_job_id)) {
    deps.db
      .prepare(
        `UPDATE timebank_services SET state = 'open', log_job_id = NULL, chain_service_id = NULL, updated_at = ?
         WHERE service_id = ? AND log_job_id = ?`,
      )
      .run(now, row.service_id, row.log_job_id);
    return true;
  }
  return false;
}

/** The coordinator's own service, or 404 as for an unknown one. */
export function ownService(
  deps: Pick<TimeBankDeps, "db" | "outbox">,
  coordinatorOrgId: string,
  serviceId: string,
  field = "serviceId",
) {
  const row = serviceRow(deps, serviceId);
  if (!row || row.coordinator_org_id !== coordinatorOrgId)
    throw new NotFoundError(field, "No service of this coordinator has this id.");
  return row;
}

/** The confirmation the recipient signs now: its current nonce on chain, the service's deadline. */
export async function confirmationOf(
  deps: Pick<TimeBankDeps, "db" | "system">,
  row: ServiceRow,
): Promise<{ message: ServiceConfirmation; giverWallet: string; recipientWallet: string }> {
  const giverWallet = memberRow(deps, row.giver_ref)!.wallet;
  const recipientWallet = memberRow(deps, row.recipient_ref)!.wallet;
  const account = await deps.system.timeBank.accountOf(recipientWallet);
  return {
    giverWallet,
    recipientWallet,
    message: {
      giver: giverWallet,
      recipient: recipientWallet,
      duration: row.duration,
      category: row.category,
      evidenceHash: row.evidence_hash,
      nonce: Number(account.nonce),
      deadline: row.deadline,
    },
  };
}

export async function serviceView(
  deps: Pick<TimeBankDeps, "db" | "system" | "chainId">,
  row: ServiceRow,
): Promise<ServiceView> {
  const confirmation =
    row.state === "open"
      ? confirmationTypedData(timeBankDomain(deps), (await confirmationOf(deps, row)).message)
      : null;
  return {
    serviceId: row.service_id,
    coordinatorOrgId: row.coordinator_org_id,
    giver: row.giver_ref,
    recipient: row.recipient_ref,
    minutes: row.duration,
    category: categoryName(row.category),
    evidenceHash: row.evidence_hash === ZeroHash ? null : row.evidence_hash,
    state: row.state,
    confirmedBy: row.confirmed_by,
    chainServiceId: row.chain_service_id,
    deadline: row.deadline,
    confirmation,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A coordinator's own service, as it stands. */
export async function getService(
  deps: Pick<TimeBankDeps, "db" | "outbox" | "system" | "chainId">,
  coordinatorOrgId: string,
  serviceId: string,
): Promise<ServiceView> {
  return serviceView(deps, ownService(deps, coordinatorOrgId, serviceId));
}

/** The service, if the recipient can still confirm it: open and inside its deadline. */
export function openService(
  deps: Pick<TimeBankDeps, "db" | "outbox" | "now">,
  coordinatorOrgId: string,
  serviceId: string,
): ServiceRow {
  const row = ownService(deps, coordinatorOrgId, serviceId);
  if (row.state !== "open")
    throw new AppError(
      "ServiceStateError",
      409,
      "This service is no longer open for confirmation.",
      "serviceId",
      "not_open",
    );
  if (Math.floor(deps.now().getTime() / 1000) >= row.deadline)
    throw new AppError(
      "ServiceStateError",
      410,
      "This service's confirmation deadline has passed; open it again.",
      "serviceId",
      "expired",
    );
  return row;
}
