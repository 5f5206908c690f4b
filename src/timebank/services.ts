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

export function serviceRow(deps: Pick<TimeBankDeps, "db">, serviceId: string): ServiceRow | undefined {
  return cachedStatement(deps.db, "SELECT * FROM timebank_services WHERE service_id = ?").get(serviceId) as
    ServiceRow | undefined;
}

/** The coordinator's own service, or 404 as for an unknown one. */
export function ownService(
  deps: Pick<TimeBankDeps, "db">,
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
  deps: Pick<TimeBankDeps, "db" | "system" | "chainId">,
  coordinatorOrgId: string,
  serviceId: string,
): Promise<ServiceView> {
  return serviceView(deps, ownService(deps, coordinatorOrgId, serviceId));
}

/** The service, if the recipient can still confirm it: open and inside its deadline. */
export function openService(
  deps: Pick<TimeBankDeps, "db" | "now">,
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
