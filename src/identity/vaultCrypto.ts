import { createCipheriv, createDecipheriv } from "node:crypto";
import { pooledRandomBytes } from "./randomPool";

/**
 * AES-256-GCM primitives of the vault. Every ciphertext is bound, through its additional
 * authenticated data, to the household it belongs to (and a wrapped key also to its master key
 * version), so rows copied between households or versions fail to open instead of decrypting.
 */

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export interface Sealed {
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
}

export function newDataKey(): Buffer {
  return pooledRandomBytes(KEY_BYTES);
}

export function seal(key: Buffer, plaintext: Buffer, aad: string): Sealed {
  const iv = pooledRandomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv).setAAD(Buffer.from(aad, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, iv, tag: cipher.getAuthTag() };
}

/** Throws when the key, the AAD or any byte is wrong: GCM authenticates before it returns anything. */
export function open(key: Buffer, sealed: Sealed, aad: string): Buffer {
  const decipher = createDecipheriv("aes-256-gcm", key, sealed.iv).setAAD(Buffer.from(aad, "utf8"));
  decipher.setAuthTag(sealed.tag);
  return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
}

const keyAad = (householdRef: string, keyVersion: number) =>
  `sintech:vault-key:${householdRef}:v${keyVersion}`;
export const dataAad = (householdRef: string) => `sintech:vault-data:${householdRef}`;

/** Wraps a data key under a master key; the result packs iv || tag || ciphertext into one blob. */
export function wrapKey(master: Buffer, keyVersion: number, householdRef: string, dataKey: Buffer): Buffer {
  const { iv, tag, ciphertext } = seal(master, dataKey, keyAad(householdRef, keyVersion));
  return Buffer.concat([iv, tag, ciphertext]);
}

export function unwrapKey(master: Buffer, keyVersion: number, householdRef: string, wrapped: Buffer): Buffer {
  if (wrapped.length !== IV_BYTES + TAG_BYTES + KEY_BYTES)
    throw new Error("wrapped key has the wrong length");
  return open(
    master,
    {
      iv: wrapped.subarray(0, IV_BYTES),
      tag: wrapped.subarray(IV_BYTES, IV_BYTES + TAG_BYTES),
      ciphertext: wrapped.subarray(IV_BYTES + TAG_BYTES),
    },
    keyAad(householdRef, keyVersion),
  );
}
