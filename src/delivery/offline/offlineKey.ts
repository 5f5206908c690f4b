import { createPrivateKey, generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import type { Database } from "better-sqlite3";
import { cachedStatement } from "../../db/statements";
import { sealPrivateKey, unsealPrivateKey } from "../../wallets/keystore/sealing";
import type { KeystoreKeyRing } from "../../wallets";
import { rawPublicKey, SEALED_PIN_ALGORITHM } from "./sealedPin";

/** The gateway's key pair that offline devices seal PINs to; its private half only ever in memory. */
export interface OfflineKey {
  keyId: string;
  algorithm: typeof SEALED_PIN_ALGORITHM;
  publicKey: Buffer;
  privateKey: KeyObject;
}

const opened = new WeakMap<Database, OfflineKey>();

/**
 * The gateway's offline PIN key, made on first use: X25519, the private key sealed with the keystore key
 * (AES-256-GCM, the key id as associated data, as custodial keys are) in `offline_keys`.
 */
export function offlineKey(deps: { db: Database; keystoreKeys: KeystoreKeyRing }): OfflineKey {
  const known = opened.get(deps.db);
  if (known) return known;
  const row = cachedStatement(
    deps.db,
    "SELECT key_id, public_key, key_version, sealed FROM offline_keys ORDER BY created_at LIMIT 1",
  ).get() as { key_id: string; public_key: string; key_version: number; sealed: Buffer } | undefined;
  const key = row ? openKey(deps.keystoreKeys, row) : createKey(deps);
  opened.set(deps.db, key);
  return key;
}

function createKey(deps: { db: Database; keystoreKeys: KeystoreKeyRing }): OfflineKey {
  const pair = generateKeyPairSync("x25519");
  const keyId = `okey_${randomUUID()}`;
  const publicKey = rawPublicKey(pair.publicKey);
  const secret = Buffer.from(pair.privateKey.export({ format: "jwk" }).d!, "base64url");
  const version = deps.keystoreKeys.current;
  cachedStatement(
    deps.db,
    "INSERT INTO offline_keys (key_id, public_key, key_version, sealed, created_at) VALUES (?, ?, ?, ?, ?)",
  ).run(
    keyId,
    publicKey.toString("base64url"),
    version,
    sealPrivateKey(deps.keystoreKeys.secret(version), keyId, secret),
    new Date().toISOString(),
  );
  secret.fill(0);
  return { keyId, algorithm: SEALED_PIN_ALGORITHM, publicKey, privateKey: pair.privateKey };
}

function openKey(
  keys: KeystoreKeyRing,
  row: { key_id: string; public_key: string; key_version: number; sealed: Buffer },
): OfflineKey {
  const secret = unsealPrivateKey(keys.secret(row.key_version), row.key_id, row.sealed);
  const publicKey = Buffer.from(row.public_key, "base64url");
  const privateKey = createPrivateKey({
    key: { kty: "OKP", crv: "X25519", d: secret.toString("base64url"), x: row.public_key },
    format: "jwk",
  });
  secret.fill(0);
  return { keyId: row.key_id, algorithm: SEALED_PIN_ALGORITHM, publicKey, privateKey };
}
