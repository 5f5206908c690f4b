import { timingSafeEqual } from "node:crypto";
import { evidenceHashOf, openEvidence } from "./envelope";

/**
 * Whether `bytes` are the evidence a receipt's `evidenceHash` commits to. Needs the file key, since the
 * hash is salted with it (see `evidenceHashOf`): whoever holds the key can check, nobody else can test
 * guesses.
 */
export function verifyEvidence(bytes: Uint8Array, fileKey: Buffer, evidenceHash: string): boolean {
  const expected = Buffer.from(evidenceHash.replace(/^0x/i, "").toLowerCase(), "hex");
  const actual = Buffer.from(evidenceHashOf(fileKey, bytes).slice(2), "hex");
  return expected.length === 32 && timingSafeEqual(expected, actual);
}

export class EvidenceMismatchError extends Error {
  constructor() {
    super("the decrypted evidence does not match its evidence hash");
    this.name = "EvidenceMismatchError";
  }
}

/**
 * What an offline holder of the key does with the object fetched by CID: decrypt (a wrong key or a
 * changed byte fails GCM's authentication tag) and check the hash. Returns the plaintext.
 */
export function openAndVerify(envelope: Uint8Array, fileKey: Buffer, evidenceHash: string): Buffer {
  const plaintext = openEvidence(fileKey, envelope);
  if (!verifyEvidence(plaintext, fileKey, evidenceHash)) throw new EvidenceMismatchError();
  return plaintext;
}
