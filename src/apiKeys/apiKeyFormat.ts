import { createHash, randomBytes } from "node:crypto";

/** A visible prefix lets secret scanners and humans recognise a leaked Sin Tech key. */
export const API_KEY_PREFIX = "stk_";
const KEY_BYTES = 32;
const API_KEY_SHAPE = /^stk_[A-Za-z0-9_-]{43}$/;

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(KEY_BYTES).toString("base64url");
}

export function isApiKeyShaped(value: string): boolean {
  return API_KEY_SHAPE.test(value);
}

/**
 * A plain SHA-256 suffices (no salt, no slow hash): the key carries 256 random bits, so there is no
 * dictionary to attack, and lookups by hash stay a single indexed query.
 */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}
