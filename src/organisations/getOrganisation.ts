import { NotFoundError } from "../errors";
import { LAYERS, type Organisation, type OrganisationDeps, type OrganisationRole } from "./types";

interface OrganisationRow {
  org_id: string;
  name: string;
  role: OrganisationRole;
  address: string;
  layers: number;
  categories: string;
  valid_until: number | null;
  licence_job_id: number | null;
  job_status: string | null;
  created_at: string;
}

const SELECT = `SELECT o.*, j.status AS job_status FROM organisations o LEFT JOIN chain_jobs j ON j.job_id = o.licence_job_id`;

export function getOrganisation(deps: Pick<OrganisationDeps, "db">, orgId: string): Organisation {
  const row = deps.db.prepare(`${SELECT} WHERE o.org_id = ?`).get(orgId) as OrganisationRow | undefined;
  if (!row) throw new NotFoundError("orgId", "No organisation has this id.");
  return toOrganisation(row);
}

export function listOrganisations(
  deps: Pick<OrganisationDeps, "db">,
  role?: OrganisationRole,
): Organisation[] {
  const rows = (
    role
      ? deps.db.prepare(`${SELECT} WHERE o.role = ? ORDER BY o.created_at, o.org_id`).all(role)
      : deps.db.prepare(`${SELECT} ORDER BY o.created_at, o.org_id`).all()
  ) as OrganisationRow[];
  return rows.map(toOrganisation);
}

/** The organisation whose key signs for `orgId`; used by every room that acts for an organisation. */
export function organisationAddress(deps: Pick<OrganisationDeps, "db">, orgId: string): string {
  return getOrganisation(deps, orgId).address;
}

function toOrganisation(row: OrganisationRow): Organisation {
  const categories: number[] = [];
  const mask = BigInt(row.categories);
  for (let bit = 0; bit < 256; bit++) if ((mask >> BigInt(bit)) & 1n) categories.push(bit);
  return {
    orgId: row.org_id,
    name: row.name,
    role: row.role,
    address: row.address,
    layers: LAYERS.filter((_, index) => (row.layers >> index) & 1),
    categories,
    validUntil: row.valid_until,
    licenceStatus:
      row.licence_job_id === null
        ? "none"
        : row.job_status === "confirmed"
          ? "active"
          : row.job_status === "failed"
            ? "failed"
            : "pending",
    createdAt: row.created_at,
  };
}
