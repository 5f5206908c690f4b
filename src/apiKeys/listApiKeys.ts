import type { Database } from "better-sqlite3";
import { API_KEY_COLUMNS, toApiKeyRecord, type ApiKeyRecord, type ApiKeyRow } from "./apiKeyRecord";

/** Every key, or one organisation's keys, oldest first. */
export function listApiKeys(db: Database, orgId?: string): ApiKeyRecord[] {
  const rows = (
    orgId === undefined
      ? db.prepare(`SELECT ${API_KEY_COLUMNS} FROM api_keys ORDER BY created_at, rowid`).all()
      : db
          .prepare(`SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE org_id = ? ORDER BY created_at, rowid`)
          .all(orgId)
  ) as ApiKeyRow[];
  return rows.map(toApiKeyRecord);
}
