import { createPrivateKey, generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import type { Database } from "better-sqlite3";
import { cachedStatement } from "../../db/statements";
import { sealPrivateKey, unsealPrivateKey } from "../../wallets/keystore/sealing";
import type { KeystoreKeyRing } from "../../wallets";

/** One of the gateway's own key pairs for offline devices: the private half only ever in memory. */
export interface GatewayKeyPair {
  keyId: string;
  /** Raw 32 bytes. */
  publicKey: Buffer;
  privateKey: KeyObject;
}

export interface KeyPairKind {
  curve: "X25519" | "Ed25519";
  /** The table that holds it: `key_id, public_key, key_version, sealed, created_at`. */
  table: "offline_keys" | "offline_pack_keys";
  idPrefix: string;
}

const opened = new WeakMap<Database, Map<string, GatewayKeyPair>>();

/**
 * The gateway's key pair of `kind`, made on first use, its private key sealed with the keystore key
 * (AES-256-GCM, the key id as associated data, as custodial keys are) in the kind's table.
 */
export function gatewayKeyPair(
  deps: { db: Database; keystoreKeys: KeystoreKeyRing },
  kind: KeyPairKind,
): GatewayKeyPair {
  const known = opened.get(deps.db) ?? new Map<string, GatewayKeyPair>();
  opened.set(deps.db, known);
  const cached = known.get(kind.table);
  if (cached) return cached;
  const row = cachedStatement(
    deps.db,
    `SELECT key_id, public_key, key_version, sealed FROM ${kind.table} ORDER BY created_at LIMIT 1`,
  ).get() as { key_id: string; public_key: string; key_version: number; sealed: Buffer } | undefined;
  const key = row ? openKey(deps.keystoreKeys, kind, row) : createKey(deps, kind);
  known.set(kind.table, key);
  return key;
}

function createKey(deps: { db: Database; keystoreKeys: KeystoreKeyRing }, kind: KeyPairKind): GatewayKeyPair {
  const pair = kind.curve === "X25519" ? generateKeyPairSync("x25519") : generateKeyPairSync("ed25519");
  const keyId = `${kind.idPrefix}_${randomUUID()}`;
  const publicKey = Buffer.from(pair.publicKey.export({ format: "jwk" }).x!, "base64url");
  const secret = Buffer.from(pair.privateKey.export({ format: "jwk" }).d!, "base64url");
  const version = deps.keystoreKeys.current;
  cachedStatement(
    deps.db,
    `INSERT INTO ${kind.table} (key_id, public_key, key_version, sealed, created_at) VALUES (?, ?, ?, ?, ?)`,
  ).run(
    keyId,
    publicKey.toString("base64url"),
    version,
    sealPrivateKey(deps.keystoreKeys.secret(version), keyId, secret),
    new Date().toISOString(),
  );
  secret.fill(0);
  return { keyId, publicKey, privateKey: pair.privateKey };
}

function openKey(
  keys: KeystoreKeyRing,
  kind: KeyPairKind,
  row: { key_id: string; public_key: string; key_version: number; sealed: Buffer },
): GatewayKeyPair {
  const secret = unsealPrivateKey(keys.secret(row.key_version), row.key_id, row.sealed);
  const privateKey = createPrivateKey({
    key: { kty: "OKP", crv: kind.curve, d: secret.toString("base64url"), x: row.public_key },
    format: "jwk",
  });
  secret.fill(0);
  return { keyId: row.key_id, publicKey: Buffer.from(row.public_key, "base64url"), privateKey };
}
