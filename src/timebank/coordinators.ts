import { AppError, NotFoundError } from "../errors";
import { cachedStatement } from "../db/statements";
import { LICENCE_KIND } from "../organisations";
import { COORDINATOR_LICENCE_KIND, type CoordinatorView, type TimeBankDeps } from "./types";

interface CoordinatorRow {
  org_id: string;
  address: string;
  valid_until: number;
  appointed_at: string;
  job_status: "queued" | "signed" | "confirmed" | "failed";
}

const SELECT = `SELECT c.org_id, o.address, c.valid_until, c.appointed_at, j.status AS job_status
  FROM timebank_coordinators c JOIN organisations o ON o.org_id = c.org_id
  JOIN chain_jobs j ON j.job_id = c.licence_job_id`;

export function findCoordinator(deps: Pick<TimeBankDeps, "db">, orgId: string): CoordinatorView | undefined {
  const row = cachedStatement(deps.db, `${SELECT} WHERE c.org_id = ?`).get(orgId) as
    CoordinatorRow | undefined;
  return row && toView(row);
}

/**
 * The coordinator an organisation's key acts as, or 403: only an organisation the regulator appointed may
 * admit members or act on them (its licence itself is checked by the chain, before anything is queued).
 */
export function requireCoordinator(deps: Pick<TimeBankDeps, "db">, orgId: string): CoordinatorView {
  const coordinator = findCoordinator(deps, orgId);
  if (!coordinator)
    throw new AppError(
      "ForbiddenError",
      403,
      "This organisation is not a time-bank coordinator.",
      "authorization",
      "not_coordinator",
    );
  return coordinator;
}

/**
 * As `requireCoordinator`, for anything that acts: the appointment's licence grant confirmed, and both its
 * `Coordinator` licence and its charity licence active on chain now (403 `coordinator_licence_inactive`).
 * The TimeBank checks the coordinator's licence only on the coordinator's own calls; the gateway also sends
 * the members' calls (logs, confirmations, donations) and resets their PINs, so a coordinator the regulator
 * suspended, or whose charity licence it suspended or revoked, does none of that through the gateway either.
 */
export async function requireActiveCoordinator(
  deps: Pick<TimeBankDeps, "db" | "system">,
  orgId: string,
): Promise<CoordinatorView> {
  const coordinator = requireCoordinator(deps, orgId);
  const { licences } = deps.system;
  const active =
    coordinator.licenceStatus === "active" &&
    (
      await Promise.all([
        licences.isActive(coordinator.address, COORDINATOR_LICENCE_KIND),
        licences.isActive(coordinator.address, LICENCE_KIND.charity!),
      ])
    ).every(Boolean);
  if (!active)
    throw new AppError(
      "ForbiddenError",
      403,
      "This organisation's coordinator or charity licence is not active on chain.",
      "authorization",
      "coordinator_licence_inactive",
    );
  return coordinator;
}

export function getCoordinator(deps: Pick<TimeBankDeps, "db">, orgId: string): CoordinatorView {
  const coordinator = findCoordinator(deps, orgId);
  if (!coordinator) throw new NotFoundError("orgId", "This organisation is not a time-bank coordinator.");
  return coordinator;
}

function toView(row: CoordinatorRow): CoordinatorView {
  return {
    orgId: row.org_id,
    address: row.address,
    licenceStatus:
      row.job_status === "confirmed" ? "active" : row.job_status === "failed" ? "failed" : "pending",
    validUntil: row.valid_until,
    appointedAt: row.appointed_at,
  };
}
