import type BetterSqlite3 from "better-sqlite3";
import type {
  SealedRecord,
  VaultKeyRepository,
  VaultRecordRepository,
  WrappedKeyRecord,
} from "./repositories";

/**
 * Where a vault keeps its wrapped keys and sealed records: the households' own tables by default; another
 * room's vault (the time bank's members' phones) has its tables, keyed by its own reference column.
 */
export interface VaultTables {
  keys: string;
  records: string;
  refColumn: string;
}

export const HOUSEHOLD_VAULT_TABLES: VaultTables = {
  keys: "vault_keys",
  records: "vault",
  refColumn: "household_ref",
};

export function sqliteVaultKeys(
  db: BetterSqlite3.Database,
  { keys, refColumn }: VaultTables = HOUSEHOLD_VAULT_TABLES,
): VaultKeyRepository {
  const put = db.prepare(
    `INSERT INTO ${keys} (${refColumn}, key_version, wrapped_key, created_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (${refColumn}) DO UPDATE SET key_version = excluded.key_version, wrapped_key = excluded.wrapped_key`,
  );
  const get = db.prepare<
    [string],
    { household_ref: string; key_version: number; wrapped_key: Buffer; created_at: string }
  >(
    `SELECT ${refColumn} AS household_ref, key_version, wrapped_key, created_at FROM ${keys} WHERE ${refColumn} = ?`,
  );
  const remove = db.prepare(`DELETE FROM ${keys} WHERE ${refColumn} = ?`);

  return {
    put(r: WrappedKeyRecord) {
      put.run(r.householdRef, r.keyVersion, r.wrappedKey, r.createdAt);
    },
    get(householdRef) {
      const row = get.get(householdRef);
      return (
        row && {
          householdRef: row.household_ref,
          keyVersion: row.key_version,
          wrappedKey: row.wrapped_key,
          createdAt: row.created_at,
        }
      );
    },
    delete: (householdRef) => remove.run(householdRef).changes > 0,
  };
}

export function sqliteVaultRecords(
  db: BetterSqlite3.Database,
  { records, refColumn }: VaultTables = HOUSEHOLD_VAULT_TABLES,
): VaultRecordRepository {
  const put = db.prepare(
    `INSERT INTO ${records} (${refColumn}, ciphertext, iv, tag, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (${refColumn}) DO UPDATE SET
       ciphertext = excluded.ciphertext, iv = excluded.iv, tag = excluded.tag, updated_at = excluded.updated_at`,
  );
  const get = db.prepare<
    [string],
    { household_ref: string; ciphertext: Buffer; iv: Buffer; tag: Buffer; updated_at: string }
  >(
    `SELECT ${refColumn} AS household_ref, ciphertext, iv, tag, updated_at FROM ${records} WHERE ${refColumn} = ?`,
  );

  return {
    put(r: SealedRecord) {
      put.run(r.householdRef, r.ciphertext, r.iv, r.tag, r.updatedAt);
    },
    get(householdRef) {
      const row = get.get(householdRef);
      return (
        row && {
          householdRef: row.household_ref,
          ciphertext: row.ciphertext,
          iv: row.iv,
          tag: row.tag,
          updatedAt: row.updated_at,
        }
      );
    },
  };
}
