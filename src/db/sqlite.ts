import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { migrate } from "./migrate";
import { startWalCheckpointer, type WalCheckpointer, type WalCheckpointerOptions } from "./walCheckpointer";
import { MIGRATIONS } from "./migrations";
import type { Store } from "./repositories";
import { sqliteHouseholds } from "./sqliteHouseholds";
import { sqliteImports } from "./sqliteImports";
import { sqliteMembers } from "./sqliteMembers";
import { sqlitePhoneRefs } from "./sqlitePhoneRefs";
import { sqliteVaultKeys, sqliteVaultRecords } from "./sqliteVault";

/** The SQLite store; `sqlite` is exposed for tests and maintenance, use-cases use the repositories. */
export interface SqliteStore extends Store {
  readonly sqlite: BetterSqlite3.Database;
  /** Closes the connection and waits for the checkpointing worker, if any, to end. */
  closeAndWait(): Promise<void>;
}

export interface SqliteStoreOptions {
  /**
   * Where the write-ahead log is folded back into the file: only by SQLite itself, in the commit that
   * crosses the threshold (short-lived commands), or also by a worker thread off the event loop, so that
   * commit finds the pages already copied (the long-running gateway: see walCheckpointer).
   */
  checkpoints?: "inline" | "worker";
  /** The worker's interval and error handler (with `checkpoints: "worker"`). */
  checkpointer?: WalCheckpointerOptions;
}

/**
 * Opens (creating if needed) a gateway database file and brings its schema up to date.
 *
 * WAL lets readers (the API) proceed while an import writes. `secure_delete` overwrites deleted
 * content with zeros, so a crypto-shredded wrapped key does not linger in free pages of the file.
 */
export function openSqliteStore(filename: string, options: SqliteStoreOptions = {}): SqliteStore {
  if (filename !== ":memory:") mkdirSync(dirname(filename), { recursive: true });
  const sqlite = new BetterSqlite3(filename);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("secure_delete = ON");
  sqlite.pragma("busy_timeout = 5000");
  // References are keyed hashes, so inserts land on random index pages: with SQLite's default 2 MB cache
  // most of them were read back from the file at 100,000 households. 128 MB holds the indexes' working set
  // there (the cache only grows as pages are used), and checkpoints every 40 MB instead of every 4 MB write
  // the pages that every commit touches again fewer times.
  sqlite.pragma("cache_size = -131072");
  const inWorker = options.checkpoints === "worker" && filename !== ":memory:";
  sqlite.pragma("wal_autocheckpoint = 10000");
  migrate(sqlite, MIGRATIONS);
  const checkpointer: WalCheckpointer | undefined = inWorker
    ? startWalCheckpointer(filename, options.checkpointer)
    : undefined;
  const close = () => {
    const workerEnded = checkpointer?.stop() ?? Promise.resolve();
    if (sqlite.open) sqlite.close();
    return workerEnded;
  };

  return {
    sqlite,
    households: sqliteHouseholds(sqlite),
    members: sqliteMembers(sqlite),
    vaultKeys: sqliteVaultKeys(sqlite),
    vaultRecords: sqliteVaultRecords(sqlite),
    phoneRefs: sqlitePhoneRefs(sqlite),
    imports: sqliteImports(sqlite),
    transaction: <T>(fn: () => T): T => sqlite.transaction(fn)(),
    close() {
      void close();
    },
    closeAndWait: close,
  };
}

/**
 * Folds the write-ahead log back into the main file and empties it, so erased bytes (a shredded key)
 * are gone from the WAL too and not only from the database pages.
 */
export function checkpoint(store: SqliteStore): void {
  store.sqlite.pragma("wal_checkpoint(TRUNCATE)");
}
