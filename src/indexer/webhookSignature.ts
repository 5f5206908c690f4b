import { createHmac, timingSafeEqual } from "node:crypto";
import type { PepperRing } from "../identity";

/** The header a receiver checks: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`, as Stripe signs. */
export const SIGNATURE_HEADER = "Sintech-Signature";
/** The event's stable id, the same on every retry: the receiver deduplicates on it. */
export const EVENT_ID_HEADER = "Sintech-Event-Id";

/**
 * A webhook's signing secret, derived from the pepper and the webhook's id rather than stored: the database
 * alone cannot forge a signature. Shown once, when the webhook is registered.
 */
export function webhookSecret(peppers: PepperRing, webhookId: string, pepperVersion: number): string {
  const mac = createHmac("sha256", peppers.secret(pepperVersion)).update(
    `webhook-secret:${webhookId}`,
    "utf8",
  );
  return "whsec_" + mac.digest("base64url");
}

export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${sign(secret, timestamp, body)}`;
}

/** What a receiver does: recompute over the timestamp and the raw body, compare in constant time, bound the age. */
export function verifySignature(
  secret: string,
  header: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const parts = Object.fromEntries(header.split(",").map((part) => part.split("=", 2) as [string, string]));
  const timestamp = Number(parts.t);
  if (!Number.isSafeInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(sign(secret, timestamp, body), "hex");
  const given = Buffer.from(parts.v1 ?? "", "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function sign(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex");
}
