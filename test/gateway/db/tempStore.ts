import { mkdtempSync, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteStore, type SqliteStore } from "../../../src/db";

/** A real SQLite file in a fresh temp directory, removed by `cleanup`. */
export interface TempStore {
  store: SqliteStore;
  dir: string;
  path: string;
  /** Every byte SQLite wrote for this database: the main file plus its WAL, if any. */
  fileBytes(): Buffer;
  cleanup(): void;
}

export function openTempStore(): TempStore {
  const dir = mkdtempSync(join(tmpdir(), "sintech-gateway-"));
  const path = join(dir, "gateway.sqlite");
  const store = openSqliteStore(path);
  return {
    store,
    dir,
    path,
    fileBytes: () =>
      Buffer.concat([path, `${path}-wal`].filter((p) => existsSync(p)).map((p) => readFileSync(p))),
    cleanup() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
