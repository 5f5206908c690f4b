import { createCipheriv, createDecipheriv } from "node:crypto";
import { pooledRandomBytes } from "../../identity";

/**
 * AES-256-GCM sealing of one 32-byte private key. The address is the additional authenticated data,
 * so a sealed blob copied onto another row (another address) fails to open instead of signing for it.
 */

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
export const SEALED_BYTES = IV_BYTES + TAG_BYTES + KEY_BYTES;

/** iv || tag || ciphertext, as the `keys.sealed` column holds it. */
export function sealPrivateKey(keystoreKey: Buffer, address: string, privateKey: Buffer): Buffer {
  if (privateKey.length !== KEY_BYTES) throw new RangeError("a private key is 32 bytes");
  const iv = pooledRandomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", keystoreKey, iv).setAAD(Buffer.from(address, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(privateKey), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

/** Throws when the keystore key, the address or any byte is wrong: GCM authenticates before returning. */
export function unsealPrivateKey(keystoreKey: Buffer, address: string, sealed: Buffer): Buffer {
  if (sealed.length !== SEALED_BYTES) throw new Error("sealed key has the wrong length");
  const decipher = createDecipheriv("aes-256-gcm", keystoreKey, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(address, "utf8"));
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}
