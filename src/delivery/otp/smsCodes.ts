import { createHmac, hkdfSync, randomInt, randomUUID, timingSafeEqual } from "node:crypto";
import { cachedStatement } from "../../db/statements";
import { AppError, ValidationError } from "../../errors";
import { digitsOnly } from "../../identity";
import { SmsCodeError } from "../errors";
import type { DeliveryDeps } from "../types";

/** A code lives five minutes and survives five wrong tries; then the household asks for a new one. */
export const SMS_CODE_TTL_MS = 5 * 60 * 1000;
export const MAX_SMS_CODE_ATTEMPTS = 5;
/** Codes one delivery may ask for: an SMS costs money and each code is another chance to guess. */
export const MAX_SMS_CODES_PER_DELIVERY = 5;

interface OtpRow {
  otp_id: string;
  key_version: number;
  code_hash: string;
  attempts: number;
  expires_at: string;
  used_at: string | null;
}

/**
 * The keyed hash a code is stored as: HMAC-SHA256 under a key derived from the keystore key (which never
 * sits in the database), over the code's id, its delivery and the code. A million codes are quickly
 * tried against a plain sha256; without the key, the stored hash says nothing.
 */
function codeHash(
  deps: Pick<DeliveryDeps, "wallets">,
  book: SmsCodeBook,
  version: number,
  otpId: string,
  deliveryId: string,
  code: string,
) {
  const key = Buffer.from(
    hkdfSync("sha256", deps.wallets.keystoreKeys.secret(version), Buffer.alloc(0), book.keyInfo, 32),
  );
  return createHmac("sha256", key).update(`${otpId}:${deliveryId}:${code}`, "utf8").digest("hex");
}

/**
 * Where one kind of code lives: its table (`otp_id, <subject>, key_version, code_hash, attempts, expires_at,
 * used_at, created_at`), the column naming what a code is bound to, and the key derivation's label, so a code
 * of one kind never checks as another's. Deliveries have theirs; the time bank's services use the same checks.
 */
export interface SmsCodeBook {
  table: string;
  subjectColumn: string;
  /** The request field an exhausted book names (`too_many_codes`). */
  subjectField: string;
  /** What a code is bound to, in messages: "delivery", "service". */
  noun: string;
  keyInfo: string;
}

export const DELIVERY_CODES: SmsCodeBook = {
  table: "delivery_otps",
  subjectColumn: "delivery_id",
  subjectField: "deliveryId",
  noun: "delivery",
  keyInfo: "sintech:delivery:sms-code",
};

/** Persian or Arabic-Indic digits folded; exactly six digits. */
export function normaliseSmsCode(raw: unknown): string {
  const digits = typeof raw === "string" && raw.length <= 32 ? digitsOnly(raw) : undefined;
  if (digits === undefined || !/^[0-9]{6}$/.test(digits)) {
    throw new ValidationError("smsCode", "format", "An SMS code is 6 digits");
  }
  return digits;
}

/**
 * A fresh 6-digit code for one delivery, stored only as its keyed hash; earlier codes of the delivery stop
 * working. Returns the code (to send, never to store or log) and when it expires.
 */
export function issueSmsCode(
  deps: Pick<DeliveryDeps, "db" | "wallets" | "now">,
  deliveryId: string,
  book: SmsCodeBook = DELIVERY_CODES,
): { code: string; otpId: string; expiresAt: string } {
  const { table, subjectColumn } = book;
  return deps.db.transaction(() => {
    const issued = cachedStatement(
      deps.db,
      `SELECT count(*) FROM ${table} WHERE ${subjectColumn} = ?`,
      "pluck",
    ).get(deliveryId) as number;
    if (issued >= MAX_SMS_CODES_PER_DELIVERY) {
      throw new AppError(
        "SmsCodeError",
        429,
        `This ${book.noun} has had its maximum number of codes.`,
        book.subjectField,
        "too_many_codes",
      );
    }
    const now = deps.now();
    cachedStatement(
      deps.db,
      `UPDATE ${table} SET expires_at = ? WHERE ${subjectColumn} = ? AND used_at IS NULL AND expires_at > ?`,
    ).run(now.toISOString(), deliveryId, now.toISOString());
    const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
    const otpId = `otp_${randomUUID()}`;
    const version = deps.wallets.keystoreKeys.current;
    const expiresAt = new Date(now.getTime() + SMS_CODE_TTL_MS).toISOString();
    cachedStatement(
      deps.db,
      `INSERT INTO ${table} (otp_id, ${subjectColumn}, key_version, code_hash, expires_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(
      otpId,
      deliveryId,
      version,
      codeHash(deps, book, version, otpId, deliveryId, code),
      expiresAt,
      now.toISOString(),
    );
    return { code, otpId, expiresAt };
  })();
}

/**
 * Checks a code against the delivery's latest one and uses it up: one code authorises one acceptance or
 * dispute of that delivery and nothing else. The try is counted before the comparison, so guesses sent in
 * parallel cannot slip past the limit. Returns the code's id (the custodial signer records it).
 */
export function useSmsCode(
  deps: Pick<DeliveryDeps, "db" | "wallets" | "now">,
  deliveryId: string,
  raw: unknown,
  book: SmsCodeBook = DELIVERY_CODES,
) {
  const { table, subjectColumn } = book;
  const code = normaliseSmsCode(raw);
  const outcome = deps.db.transaction((): { otpId: string } | SmsCodeError => {
    const row = cachedStatement(
      deps.db,
      `SELECT * FROM ${table} WHERE ${subjectColumn} = ? ORDER BY created_at DESC, rowid DESC LIMIT 1`,
    ).get(deliveryId) as OtpRow | undefined;
    if (!row) return new SmsCodeError("no_code", undefined, book.noun);
    if (row.used_at !== null) return new SmsCodeError("code_used");
    const now = deps.now();
    if (now.getTime() >= Date.parse(row.expires_at)) return new SmsCodeError("code_expired");
    if (row.attempts >= MAX_SMS_CODE_ATTEMPTS) return new SmsCodeError("code_locked");
    const attempts = row.attempts + 1;
    cachedStatement(deps.db, `UPDATE ${table} SET attempts = ? WHERE otp_id = ?`).run(attempts, row.otp_id);
    if (!deps.wallets.keystoreKeys.has(row.key_version)) return new SmsCodeError("code_expired");
    const expected = Buffer.from(row.code_hash, "hex");
    const actual = Buffer.from(codeHash(deps, book, row.key_version, row.otp_id, deliveryId, code), "hex");
    if (!timingSafeEqual(expected, actual)) {
      return attempts >= MAX_SMS_CODE_ATTEMPTS
        ? new SmsCodeError("code_locked")
        : new SmsCodeError("code_incorrect", MAX_SMS_CODE_ATTEMPTS - attempts);
    }
    cachedStatement(deps.db, `UPDATE ${table} SET used_at = ? WHERE otp_id = ?`).run(
      now.toISOString(),
      row.otp_id,
    );
    return { otpId: row.otp_id };
  })();
  if (outcome instanceof SmsCodeError) throw outcome;
  return outcome.otpId;
}
