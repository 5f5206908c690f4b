import type { Database } from "better-sqlite3";

/**
 * Creates the API key table if missing. Self-contained and idempotent so it can run at every boot and
 * from the CLI, independently of the gateway's main migration sequence.
 */
export function migrateApiKeys(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS api_keys (
      id          TEXT PRIMARY KEY,
      key_hash    TEXT NOT NULL UNIQUE,
      org_id      TEXT NOT NULL,
      role        TEXT NOT NULL,
      label       TEXT NOT NULL,
      created_at  TEXT NOT NULL,
      revoked_at  TEXT
    );
    CREATE INDEX IF NOT EXISTS api_keys_org_id ON api_keys (org_id);
  `);
}
