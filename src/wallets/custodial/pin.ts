import { createHmac, hkdfSync, randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { ValidationError } from "../../errors";
import { digitsOnly } from "../../identity";
import type { KeystoreKeyRing } from "../keystore/keystoreKey";

/**
 * PINs: normalising what people type, and hashing them for `access_secrets.pin_hash`.
 *
 * A 4-8 digit PIN has at most 10^8 values, so scrypt alone would not stop someone holding a copy of
 * the database from recovering PINs people reuse for their bank cards. The PIN is therefore first
 * HMAC'd with a pepper derived from the keystore key, which never sits in the database.
 */

const MAX_RAW_LENGTH = 32;
const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** About 16 MiB and tens of milliseconds per check: paid once per signature, not per key. */
const COST = { N: 2 ** 14, r: 8, p: 1 } as const;

/** Persian or Arabic-Indic digits and separators folded, then 4 to 8 ASCII digits. */
export function normalisePin(raw: unknown, field = "pin"): string {
  const digits = typeof raw === "string" && raw.length <= MAX_RAW_LENGTH ? digitsOnly(raw) : undefined;
  if (digits === undefined || !/^[0-9]{4,8}$/.test(digits)) {
    throw new ValidationError(field, "format", "A PIN is 4 to 8 digits");
  }
  return digits;
}

/** A PIN of one repeated digit or a straight run (1234, 9876) is the first thing anyone tries. */
export function isGuessablePin(pin: string): boolean {
  const steps = new Set<number>();
  for (let i = 1; i < pin.length; i++) steps.add((Number(pin[i]) - Number(pin[i - 1]) + 10) % 10);
  return steps.size === 1 && [0, 1, 9].includes([...steps][0]!);
}

function pepper(keys: KeystoreKeyRing, version: number): Buffer {
  return Buffer.from(
    hkdfSync("sha256", keys.secret(version), Buffer.alloc(0), "sintech:wallets:pin-pepper", 32),
  );
}

type Cost = { N: number; r: number; p: number };

function stretch(
  keys: KeystoreKeyRing,
  version: number,
  pin: string,
  salt: Buffer,
  cost: Cost,
): Promise<Buffer> {
  const peppered = createHmac("sha256", pepper(keys, version)).update(pin, "utf8").digest();
  // Async: scrypt runs on libuv's pool instead of stalling every other request for its duration.
  return new Promise((resolve, reject) =>
    scrypt(peppered, salt, HASH_BYTES, cost, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** `scrypt$<N>$<r>$<p>$k<keystore key version>$<salt b64>$<hash b64>`: self-describing, so costs can rise. */
export async function hashPin(keys: KeystoreKeyRing, pin: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await stretch(keys, keys.current, pin, salt, COST);
  return [
    "scrypt",
    COST.N,
    COST.r,
    COST.p,
    `k${keys.current}`,
    salt.toString("base64"),
    hash.toString("base64"),
  ].join("$");
}

export interface PinVerification {
  /** `unverifiable`: the pepper's keystore key left the ring, so the PIN can only be set again. */
  result: "match" | "mismatch" | "unverifiable";
  /** Made with older costs or an older keystore key: re-hash it once the PIN is known to be right. */
  stale: boolean;
}

export async function verifyPin(
  keys: KeystoreKeyRing,
  pin: string,
  stored: string,
): Promise<PinVerification> {
  const [scheme, n, r, p, version, salt, hash] = stored.split("$");
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  const keyVersion = Number(version?.slice(1));
  if (scheme !== "scrypt" || salt === undefined || hash === undefined)
    throw new Error("unsupported PIN hash format");
  if (!keys.has(keyVersion)) return { result: "unverifiable", stale: true };
  const expected = Buffer.from(hash, "base64");
  const actual = await stretch(keys, keyVersion, pin, Buffer.from(salt, "base64"), cost);
  const match = actual.length === expected.length && timingSafeEqual(actual, expected);
  const stale = keyVersion !== keys.current || cost.N !== COST.N || cost.r !== COST.r || cost.p !== COST.p;
  return { result: match ? "match" : "mismatch", stale };
}
