import type { Database } from "better-sqlite3";
import { cachedStatement } from "../db/statements";
import { sealPrivateKey, unsealPrivateKey } from "../wallets/keystore/sealing";
import type { KeystoreKeyRing } from "../wallets";
import { generateX25519, type X25519KeyPair } from "./keyWrap";

/**
 * Each organisation that may read evidence (a programme's charity, every auditor) has one X25519 key,
 * made on first use. The private half is sealed under the gateway's keystore key (AES-256-GCM, bound
 * to the organisation), like the organisations' signing keys: the database alone opens nothing.
 */
const sealBinding = (orgId: string) => `evidence-x25519:${orgId}`;

interface OrgKeyRow {
  public_key: Buffer;
  key_version: number;
  sealed_private: Buffer;
}

/** The organisation's public key, creating its key pair on first use. Call inside the write transaction. */
export function ensureOrgKey(db: Database, keys: KeystoreKeyRing, orgId: string, now: Date): Buffer {
  const row = cachedStatement(db, "SELECT public_key FROM evidence_org_keys WHERE org_id = ?", "pluck").get(
    orgId,
  ) as Buffer | undefined;
  if (row) return row;
  const pair = generateX25519();
  cachedStatement(
    db,
    `INSERT INTO evidence_org_keys (org_id, public_key, key_version, sealed_private, created_at)
     VALUES (?, ?, ?, ?, ?)`,
  ).run(
    orgId,
    pair.publicKey,
    keys.current,
    sealPrivateKey(keys.secret(keys.current), sealBinding(orgId), pair.privateKey),
    now.toISOString(),
  );
  pair.privateKey.fill(0);
  return pair.publicKey;
}

/** The organisation's key pair, unsealed; undefined when it has none yet. */
export function orgKeyPair(db: Database, keys: KeystoreKeyRing, orgId: string): X25519KeyPair | undefined {
  const row = cachedStatement(
    db,
    "SELECT public_key, key_version, sealed_private FROM evidence_org_keys WHERE org_id = ?",
  ).get(orgId) as OrgKeyRow | undefined;
  if (!row) return undefined;
  return {
    publicKey: row.public_key,
    privateKey: unsealPrivateKey(keys.secret(row.key_version), sealBinding(orgId), row.sealed_private),
  };
}
