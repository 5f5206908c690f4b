import type BetterSqlite3 from "better-sqlite3";
import type {
  SealedRecord,
  VaultKeyRepository,
  VaultRecordRepository,
  WrappedKeyRecord,
} from "./repositories";

export function sqliteVaultKeys(db: BetterSqlite3.Database): VaultKeyRepository {
  const put = db.prepare(
    `INSERT INTO vault_keys (household_ref, key_version, wrapped_key, created_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (household_ref) DO UPDATE SET key_version = excluded.key_version, wrapped_key = excluded.wrapped_key`,
  );
  const get = db.prepare<
    [string],
    { household_ref: string; key_version: number; wrapped_key: Buffer; created_at: string }
  >("SELECT * FROM vault_keys WHERE household_ref = ?");
  const remove = db.prepare("DELETE FROM vault_keys WHERE household_ref = ?");

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

export function sqliteVaultRecords(db: BetterSqlite3.Database): VaultRecordRepository {
  const put = db.prepare(
    `INSERT INTO vault (household_ref, ciphertext, iv, tag, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (household_ref) DO UPDATE SET
       ciphertext = excluded.ciphertext, iv = excluded.iv, tag = excluded.tag, updated_at = excluded.updated_at`,
  );
  const get = db.prepare<
    [string],
    { household_ref: string; ciphertext: Buffer; iv: Buffer; tag: Buffer; updated_at: string }
  >("SELECT * FROM vault WHERE household_ref = ?");

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
