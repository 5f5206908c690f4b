import type { Database, Statement } from "better-sqlite3";
import { Wallet } from "ethers";
import { NotFoundError, ValidationError } from "../../errors";
import { KeystoreIntegrityError } from "../errors";
import { parseAddress, parseBeneficiaryRef } from "../inputs";
import { generateKey } from "./generateKey";
import { walletKeySigner, type KeySigner } from "./keySigner";
import type { KeystoreKeyRing } from "./keystoreKey";
import { sealPrivateKey, unsealPrivateKey } from "./sealing";

export const KEY_PURPOSES = ["operator", "organisation", "custodial"] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];

/** What the keystore tells about a key: never the sealed bytes. */
export interface KeyRecord {
  address: string;
  purpose: KeyPurpose;
  owner: string;
  keyVersion: number;
  createdAt: string;
}

export interface LocalKeystoreOptions {
  keys: KeystoreKeyRing;
  now?: () => Date;
  /**
   * How many unsealed signers to keep in memory (least recently used go first). 0, the default,
   * unseals on every `signer()` call: an unsealed key then lives only as long as its caller holds it.
   */
  signerCacheSize?: number;
}

const OWNER = /^[A-Za-z0-9][A-Za-z0-9:._-]{0,127}$/;
// An owner of only digits looks like a national ID or a phone number: refused, so none is stored.
const DIGITS_ONLY = /^[0-9]+$/;

interface KeyRow {
  address: string;
  purpose: KeyPurpose;
  owner: string;
  key_version: number;
  sealed: Buffer;
  created_at: string;
}

/**
 * The default key store: secp256k1 keys sealed with AES-256-GCM under the keystore key, in the
 * `keys` table. Synchronous because SQLite is, so callers can create keys inside their own database
 * transaction (better-sqlite3 nests it as a savepoint) and a crash never leaves a key half-recorded.
 */
export class LocalKeystore {
  readonly #db: Database;
  readonly #keys: KeystoreKeyRing;
  readonly #now: () => Date;
  readonly #cacheSize: number;
  readonly #cache = new Map<string, KeySigner>();
  readonly #insert: Statement;
  readonly #select: Statement;

  constructor(db: Database, { keys, now = () => new Date(), signerCacheSize = 0 }: LocalKeystoreOptions) {
    this.#db = db;
    this.#keys = keys;
    this.#now = now;
    this.#cacheSize = signerCacheSize;
    this.#insert = db.prepare(
      "INSERT INTO keys (address, purpose, owner, key_version, sealed, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.#select = db.prepare("SELECT * FROM keys WHERE address = ?");
  }

  /** Creates one key; returns its lower-case address. */
  create(purpose: KeyPurpose, owner: string): string {
    return this.createMany(purpose, [owner])[0]!;
  }

  /**
   * Creates one key per owner in a single transaction: all or none. No per-key KDF: the keystore key
   * was derived once at boot, so each key costs one curve multiplication and one AES-GCM seal.
   */
  createMany(purpose: KeyPurpose, owners: readonly string[]): string[] {
    if (!KEY_PURPOSES.includes(purpose))
      throw new ValidationError("purpose", "unknown", "Unknown key purpose");
    owners.forEach((owner, i) => checkOwner(purpose, owner, owners.length === 1 ? "owner" : `owners[${i}]`));
    const keyVersion = this.#keys.current;
    const keystoreKey = this.#keys.secret(keyVersion);
    const createdAt = this.#now().toISOString();
    return this.#db.transaction(() =>
      owners.map((owner) => {
        const { address, privateKey } = generateKey();
        try {
          this.#insert.run(
            address,
            purpose,
            owner,
            keyVersion,
            sealPrivateKey(keystoreKey, address, privateKey),
            createdAt,
          );
        } finally {
          privateKey.fill(0);
        }
        return address;
      }),
    )();
  }

  has(address: string): boolean {
    return this.describe(address) !== undefined;
  }

  describe(address: string): KeyRecord | undefined {
    const row = this.#select.get(parseAddress(address)) as KeyRow | undefined;
    return (
      row && {
        address: row.address,
        purpose: row.purpose,
        owner: row.owner,
        keyVersion: row.key_version,
        createdAt: row.created_at,
      }
    );
  }

  /** A signer for a key this store holds; unseals it now (or takes it from the cache). */
  signer(address: string): KeySigner {
    const key = parseAddress(address);
    const cached = this.#cache.get(key);
    if (cached) {
      // Re-insert to mark it most recently used.
      this.#cache.delete(key);
      this.#cache.set(key, cached);
      return cached;
    }
    const row = this.#select.get(key) as KeyRow | undefined;
    if (!row) throw new NotFoundError("address", "The keystore holds no key for this address");
    const privateKey = this.#unseal(row);
    let signer: KeySigner;
    try {
      signer = walletKeySigner(new Wallet(`0x${privateKey.toString("hex")}`));
    } finally {
      privateKey.fill(0);
    }
    if (signer.address !== key) throw new KeystoreIntegrityError();
    if (this.#cacheSize > 0) {
      this.#cache.set(key, signer);
      if (this.#cache.size > this.#cacheSize) this.#cache.delete(this.#cache.keys().next().value!);
    }
    return signer;
  }

  /**
   * Key rotation: re-seals every key sealed under an older keystore key with the current one, in one
   * transaction. Once it returns, the old key version can be dropped from the ring. Returns how many
   * keys were re-sealed.
   */
  reseal(): number {
    const current = this.#keys.current;
    const keystoreKey = this.#keys.secret(current);
    const stale = this.#db.prepare("SELECT * FROM keys WHERE key_version <> ?");
    const update = this.#db.prepare("UPDATE keys SET key_version = ?, sealed = ? WHERE address = ?");
    return this.#db.transaction(() => {
      let count = 0;
      for (const row of stale.all(current) as KeyRow[]) {
        const privateKey = this.#unseal(row);
        try {
          update.run(current, sealPrivateKey(keystoreKey, row.address, privateKey), row.address);
        } finally {
          privateKey.fill(0);
        }
        count++;
      }
      return count;
    })();
  }

  #unseal(row: KeyRow): Buffer {
    if (!this.#keys.has(row.key_version)) throw new KeystoreIntegrityError();
    try {
      return unsealPrivateKey(this.#keys.secret(row.key_version), row.address, row.sealed);
    } catch {
      throw new KeystoreIntegrityError();
    }
  }
}

function checkOwner(purpose: KeyPurpose, owner: string, field: string): void {
  if (purpose === "custodial") {
    // A custodial key belongs to a person, who is known here only by their beneficiary ref.
    parseBeneficiaryRef(owner, field);
    return;
  }
  if (typeof owner !== "string" || !OWNER.test(owner) || DIGITS_ONLY.test(owner)) {
    throw new ValidationError(field, "format", "An owner is an organisation id: letters, digits and : . _ -");
  }
}

/** The gateway's first operator account, if it has made one (read through the keys' partial index). */
export function firstOperatorAddress(db: Database): string | undefined {
  return db
    .prepare("SELECT address FROM keys WHERE purpose = 'operator' ORDER BY created_at LIMIT 1")
    .pluck()
    .get() as string | undefined;
}
