/** The gateway database: migrations, repository interfaces and their SQLite implementation. */
export { migrate } from "./migrate";
export type { MigrationReport } from "./migrate";
export { MIGRATIONS } from "./migrations";
export type { Migration } from "./migrations";
export { openSqliteStore, checkpoint } from "./sqlite";
export type { SqliteStoreOptions } from "./sqlite";
export type { SqliteStore } from "./sqlite";
export type * from "./repositories";
export { cachedStatement } from "./statements";
export { rowCounts } from "./rowCounts";
export { HOUSEHOLD_VAULT_TABLES, sqliteVaultKeys, sqliteVaultRecords } from "./sqliteVault";
export type { VaultTables } from "./sqliteVault";
