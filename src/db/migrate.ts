import { createHash } from "node:crypto";
import type { Database } from "better-sqlite3";
import type { Migration } from "./migrations";

export interface MigrationReport {
  applied: number[];
  current: number;
}

function checksum(sql: string): string {
  return createHash("sha256").update(sql).digest("hex");
}

/**
 * Applies the migrations the database has not seen, each in its own transaction with its row in
 * `schema_migrations`, so a crash leaves either the old or the new schema and a re-run is a no-op.
 */
export function migrate(db: Database, migrations: readonly Migration[]): MigrationReport {
  const versions = migrations.map((m) => m.version);
  versions.forEach((version, i) => {
    if (!Number.isSafeInteger(version) || version < 1 || (i > 0 && version <= versions[i - 1]!)) {
      throw new Error("migrations must have positive, strictly increasing version numbers");
    }
  });

  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    checksum   TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);

  const applied = new Map(
    (
      db.prepare("SELECT version, checksum FROM schema_migrations").all() as {
        version: number;
        checksum: string;
      }[]
    ).map((row) => [row.version, row.checksum]),
  );
  for (const m of migrations) {
    const seen = applied.get(m.version);
    if (seen !== undefined && seen !== checksum(m.sql)) {
      throw new Error(`migration ${m.version} (${m.name}) was changed after it was applied`);
    }
  }
  const newest = Math.max(0, ...applied.keys());
  if (newest > (versions.at(-1) ?? 0)) throw new Error(`database schema ${newest} is newer than this code`);

  const record = db.prepare(
    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
  );
  const done: number[] = [];
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, checksum(m.sql), new Date().toISOString());
    })();
    done.push(m.version);
  }
  return { applied: done, current: Math.max(newest, ...done) };
}
