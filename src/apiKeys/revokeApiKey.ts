import type { Database } from "better-sqlite3";

/** Revokes a key by id; keeps the row so audits can still tell who held it. False if unknown or already revoked. */
export function revokeApiKey(db: Database, id: string): boolean {
  const result = db
    .prepare(`UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`)
    .run(new Date().toISOString(), id);
  return result.changes === 1;
}
