import type { Database } from "better-sqlite3";
import { createKeystoreKeyRing, type KeystoreKeyRing } from "./keystore/keystoreKey";
import { LocalKeystore } from "./keystore/localKeystore";
import { WalletRecords } from "./records";

/** What every wallets use-case runs against; built once at boot. */
export interface WalletsContext {
  db: Database;
  records: WalletRecords;
  keystore: LocalKeystore;
  /** The keystore keys; PIN hashes are also peppered with a key derived from them. */
  keystoreKeys: KeystoreKeyRing;
  now: () => Date;
  /** How long a proof-of-control challenge may be answered. */
  challengeTtlMs: number;
}

export interface CreateWalletsContextParams {
  /** A database with `WALLETS_SQL` applied. */
  db: Database;
  /** The ring, or a single key (version 1) from `deriveKeystoreKey`. */
  keystoreKeys: KeystoreKeyRing | Buffer;
  now?: () => Date;
  challengeTtlMs?: number;
  signerCacheSize?: number;
}

/** Ten minutes: long enough to open a wallet app and sign, short enough that a stale link dies. */
export const DEFAULT_CHALLENGE_TTL_MS = 10 * 60 * 1000;

export function createWalletsContext({
  db,
  keystoreKeys,
  now = () => new Date(),
  challengeTtlMs = DEFAULT_CHALLENGE_TTL_MS,
  signerCacheSize,
}: CreateWalletsContextParams): WalletsContext {
  const keys = Buffer.isBuffer(keystoreKeys)
    ? createKeystoreKeyRing({ current: 1, keys: [{ version: 1, secret: keystoreKeys }] })
    : keystoreKeys;
  return {
    db,
    records: new WalletRecords(db),
    keystore: new LocalKeystore(db, { keys, now, signerCacheSize }),
    keystoreKeys: keys,
    now,
    challengeTtlMs,
  };
}
