import type { Role } from "./roles";

/** What the gateway stores about a key: never the key itself, only its hash. */
export interface ApiKeyRecord {
  id: string;
  orgId: string;
  role: Role;
  label: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface ApiKeyRow {
  id: string;
  org_id: string;
  role: string;
  label: string;
  created_at: string;
  revoked_at: string | null;
}

export const API_KEY_COLUMNS = "id, org_id, role, label, created_at, revoked_at";

export function toApiKeyRecord(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    role: row.role as Role,
    label: row.label,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}
