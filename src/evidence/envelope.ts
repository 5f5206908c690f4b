import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import { keccak256 } from "ethers";

/**
 * The encrypted object that goes into IPFS: `0x01 || iv (12) || AES-256-GCM ciphertext || tag (16)`,
 * under a fresh random key per file. The additional data binds the version, so a future format cannot be
 * confused with this one. Nothing else is in the object: no media type, no programme, no name.
 */
export const ENVELOPE_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const FILE_KEY_BYTES = 32;
const AAD = Buffer.from("sintech:evidence:v1", "utf8");

export function newFileKey(): Buffer {
  return randomBytes(FILE_KEY_BYTES);
}

export function sealEvidence(fileKey: Buffer, plaintext: Uint8Array): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", fileKey, iv).setAAD(AAD);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([ENVELOPE_VERSION]), iv, ciphertext, cipher.getAuthTag()]);
}

/** The plaintext, or a throw (the authentication tag fails) for a wrong key or any changed byte. */
export function openEvidence(fileKey: Buffer, envelope: Uint8Array): Buffer {
  const bytes = Buffer.from(envelope.buffer, envelope.byteOffset, envelope.length);
  if (bytes.length < 1 + IV_BYTES + TAG_BYTES || bytes[0] !== ENVELOPE_VERSION) {
    throw new Error("not a Sin Tech evidence envelope (version 1)");
  }
  if (fileKey.length !== FILE_KEY_BYTES) throw new Error("an evidence key is 32 bytes");
  const decipher = createDecipheriv("aes-256-gcm", fileKey, bytes.subarray(1, 1 + IV_BYTES)).setAAD(AAD);
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  return Buffer.concat([
    decipher.update(bytes.subarray(1 + IV_BYTES, bytes.length - TAG_BYTES)),
    decipher.final(),
  ]);
}

/**
 * The `evidenceHash` a DeliveryReceipt commits to: `keccak256(salt || plaintext)` with
 * `salt = HMAC-SHA256(fileKey, "sintech:evidence-hash:v1")`.
 *
 * Why keyed by the file's own key: a receipt is public on chain. A phone photo cannot be enumerated,
 * but a PDF receipt printed from a template (a date, an amount, a national ID filled in) can: a plain
 * hash of it would let anyone test guesses of the ID. With the salt, only someone holding the file key
 * (the programme's charity, an auditor, or whoever they give the key) can recompute the hash, and they
 * can do so offline from the plaintext alone. The salt reveals nothing of the key (HMAC is one-way).
 */
export function evidenceHashOf(fileKey: Buffer, plaintext: Uint8Array): string {
  const salt = createHmac("sha256", fileKey).update("sintech:evidence-hash:v1").digest();
  return keccak256(Buffer.concat([salt, plaintext]));
}
