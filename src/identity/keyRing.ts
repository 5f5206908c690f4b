import { inspect } from "node:util";

/** One versioned secret: a pepper for references or a master key for the vault. */
export interface KeyVersion {
  version: number;
  secret: Buffer;
}

export interface KeyRingOptions {
  /** Which version new references or wrapped keys are made with. */
  current: number;
  keys: readonly KeyVersion[];
}

/**
 * Versioned secrets, so a pepper or master key can be rotated without losing the ability to find or
 * open what the older versions produced. The secrets never show up in logs: `toJSON` and
 * `util.inspect` print only the versions.
 */
export class KeyRing {
  readonly current: number;
  readonly #keys: Map<number, Buffer>;

  /**
   * @param label what the ring holds, for error messages ("pepper", "master key")
   * @param exactLength when set, every secret must be exactly this many bytes (AES-256 needs 32)
   */
  constructor(
    readonly label: string,
    options: KeyRingOptions,
    exactLength?: number,
  ) {
    this.#keys = new Map();
    for (const { version, secret } of options.keys) {
      if (!Number.isSafeInteger(version) || version < 1)
        throw new RangeError(`${label} version must be a positive integer`);
      if (this.#keys.has(version)) throw new RangeError(`${label} version ${version} appears twice`);
      if (!Buffer.isBuffer(secret) || secret.length < 32)
        throw new RangeError(`${label} ${version} must be at least 32 bytes`);
      if (exactLength !== undefined && secret.length !== exactLength) {
        throw new RangeError(`${label} ${version} must be exactly ${exactLength} bytes`);
      }
      // A copy, so a caller zeroing or reusing its buffer cannot change the ring.
      this.#keys.set(version, Buffer.from(secret));
    }
    if (!this.#keys.has(options.current))
      throw new RangeError(`current ${label} version ${options.current} is not in the ring`);
    this.current = options.current;
  }

  /** Versions held, newest first: lookups during rotation try the current one before the old ones. */
  get versions(): number[] {
    return [...this.#keys.keys()].sort((a, b) => b - a);
  }

  has(version: number): boolean {
    return this.#keys.has(version);
  }

  /** The secret of `version`; throws when the ring no longer holds it. */
  secret(version: number = this.current): Buffer {
    const secret = this.#keys.get(version);
    if (secret === undefined) throw new RangeError(`${this.label} version ${version} is not in the ring`);
    return secret;
  }

  toJSON(): { label: string; current: number; versions: number[] } {
    return { label: this.label, current: this.current, versions: this.versions };
  }

  [inspect.custom](): string {
    return `KeyRing(${this.label}, current ${this.current}, versions ${this.versions.join(",")})`;
  }
}

/** Peppers for beneficiary and household references: HMAC keys of at least 32 bytes. */
export type PepperRing = KeyRing;
export function createPepperRing(options: KeyRingOptions): PepperRing {
  return new KeyRing("pepper", options);
}

/** Master keys that wrap each household's data key: AES-256 keys, exactly 32 bytes. */
export type MasterKeyRing = KeyRing;
export function createMasterKeyRing(options: KeyRingOptions): MasterKeyRing {
  return new KeyRing("master key", options, 32);
}
