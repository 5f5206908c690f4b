import { randomBytes, scryptSync } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { KeyRing, type KeyRingOptions } from "../../identity";

/** The file in the data folder that holds the keystore's scrypt salt (not secret, but must not change). */
export const KEYSTORE_SALT_FILE = "keystore.salt";
const SALT_BYTES = 16;

/**
 * Deliberately slow (about 128 MiB and a fraction of a second), which is why the gateway derives the
 * key once at boot and never per key: a stolen database then costs an attacker this much per guess at
 * the passphrase.
 */
const SCRYPT = { N: 2 ** 17, r: 8, p: 1, maxmem: 256 * 1024 * 1024 } as const;

/** The 32-byte AES-256 key that seals private keys, from the operator's passphrase. */
export function deriveKeystoreKey(passphrase: string, salt: Buffer): Buffer {
  if (passphrase.length === 0) throw new RangeError("keystore passphrase must not be empty");
  if (!Buffer.isBuffer(salt) || salt.length < SALT_BYTES)
    throw new RangeError(`keystore salt must be at least ${SALT_BYTES} bytes`);
  // NFC: the same passphrase typed on two keyboards (precomposed or combining marks) gives one key.
  return scryptSync(passphrase.normalize("NFC"), salt, 32, SCRYPT);
}

/** Reads `<dataDir>/keystore.salt`, creating it with fresh random bytes on first boot. */
export function loadOrCreateKeystoreSalt(dataDir: string): Buffer {
  const file = join(dataDir, KEYSTORE_SALT_FILE);
  try {
    return checkedSalt(readFileSync(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  try {
    // `wx`: if two processes boot at once, only one salt is ever written and both read it.
    writeFileSync(file, randomBytes(SALT_BYTES), { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return checkedSalt(readFileSync(file));
}

function checkedSalt(salt: Buffer): Buffer {
  if (salt.length !== SALT_BYTES)
    throw new Error(`${KEYSTORE_SALT_FILE} must hold exactly ${SALT_BYTES} bytes`);
  return salt;
}

/** Versioned keystore keys, so keys sealed under an old one can be re-sealed under the new one. */
export type KeystoreKeyRing = KeyRing;
export function createKeystoreKeyRing(options: KeyRingOptions): KeystoreKeyRing {
  return new KeyRing("keystore key", options, 32);
}
