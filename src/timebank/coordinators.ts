import { AppError, NotFoundError } from "../errors";
import { cachedStatement } from "../db/statements";
import type { CoordinatorView, TimeBankDeps } from "./types";

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
