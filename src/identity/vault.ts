import { AppError, GoneError, NotFoundError } from "../errors";
import type { VaultKeyRepository, VaultRecordRepository } from "../db";
import type { MasterKeyRing } from "./keyRing";
import { dataAad, newDataKey, open, seal, unwrapKey, wrapKey } from "./vaultCrypto";

/** The vault could not authenticate what it stored: tampering or a wrong master key, never bad input. */
export class VaultIntegrityError extends AppError {
  constructor() {
    super("VaultIntegrityError", 500, "Stored personal data failed its integrity check");
  }
}

export interface VaultStorage {
  vaultKeys: VaultKeyRepository;
  vaultRecords: VaultRecordRepository;
}

/**
 * Encrypted personal data, one record per household under that household's own data key. The data
 * key is stored only wrapped by a master key, so deleting it (`shred`) makes the household's data
 * unreadable everywhere at once, backups included, without hunting down every copy of the ciphertext.
 *
 * Synchronous on purpose: it runs inside the same database transaction as the household it belongs to.
 */
export class PiiVault {
  constructor(
    private readonly masterKeys: MasterKeyRing,
    private readonly storage: VaultStorage,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Encrypts `data` (JSON) for the household, creating its data key on first use. */
  put(householdRef: string, data: unknown): void {
    const dataKey = this.#dataKey(householdRef) ?? this.#createDataKey(householdRef);
    try {
      const sealed = seal(dataKey, Buffer.from(JSON.stringify(data), "utf8"), dataAad(householdRef));
      this.storage.vaultRecords.put({ householdRef, ...sealed, updatedAt: this.now().toISOString() });
    } finally {
      dataKey.fill(0);
    }
  }

  /** Decrypts the household's data; `GoneError` once shredded, `NotFoundError` if never stored. */
  get<T>(householdRef: string): T {
    const record = this.storage.vaultRecords.get(householdRef);
    if (record === undefined)
      throw new NotFoundError("householdRef", "No personal data is stored for this household");
    const dataKey = this.#dataKey(householdRef);
    if (dataKey === undefined)
      throw new GoneError("householdRef", "This household's personal data was erased");
    try {
      return JSON.parse(open(dataKey, record, dataAad(householdRef)).toString("utf8")) as T;
    } catch {
      throw new VaultIntegrityError();
    } finally {
      dataKey.fill(0);
    }
  }

  /** Crypto-shredding: deletes the wrapped data key. True when there was one. */
  shred(householdRef: string): boolean {
    return this.storage.vaultKeys.delete(householdRef);
  }

  /** Re-wraps the data key under the current master key; true when it was under an older one. */
  rewrap(householdRef: string): boolean {
    const stored = this.storage.vaultKeys.get(householdRef);
    if (stored === undefined || stored.keyVersion === this.masterKeys.current) return false;
    const dataKey = this.#dataKey(householdRef)!;
    try {
      this.#storeKey(householdRef, dataKey, stored.createdAt);
    } finally {
      dataKey.fill(0);
    }
    return true;
  }

  #dataKey(householdRef: string): Buffer | undefined {
    const stored = this.storage.vaultKeys.get(householdRef);
    if (stored === undefined) return undefined;
    if (!this.masterKeys.has(stored.keyVersion)) throw new VaultIntegrityError();
    try {
      return unwrapKey(
        this.masterKeys.secret(stored.keyVersion),
        stored.keyVersion,
        householdRef,
        stored.wrappedKey,
      );
    } catch {
      throw new VaultIntegrityError();
    }
  }

  #createDataKey(householdRef: string): Buffer {
    const dataKey = newDataKey();
    this.#storeKey(householdRef, dataKey, this.now().toISOString());
    return dataKey;
  }

  #storeKey(householdRef: string, dataKey: Buffer, createdAt: string): void {
    const keyVersion = this.masterKeys.current;
    const wrappedKey = wrapKey(this.masterKeys.secret(keyVersion), keyVersion, householdRef, dataKey);
    this.storage.vaultKeys.put({ householdRef, keyVersion, wrappedKey, createdAt });
  }
}
