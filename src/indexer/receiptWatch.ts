import { createHmac, timingSafeEqual } from "node:crypto";
import type { PepperRing } from "../identity";
import { giftNotFound, indexedGift, type IndexedGift } from "./giftAccess";
import type { IndexerDeps } from "./types";

/** How long a cash donor's page may follow its gift after opening it with the code and secret. */
export const RECEIPT_WATCH_TTL_MS = 8 * 3600 * 1000;
const GRANT_SHAPE = /^([1-9][0-9]{0,15})\.([0-9]{1,12})\.([0-9]{1,6})\.([A-Za-z0-9_-]{43})$/;

/**
 * What a page keeps (in an HttpOnly cookie) after a cash donor opened its gift with the receipt code and
 * secret, so that the gift's live stream can be read without the secret going into an address, a cookie or
 * a log: the gift id, an expiry and a keyed MAC over both (the pepper's, as webhook secrets are derived).
 * Stateless: nothing is stored, and it opens that one gift only, until it expires.
 */
export function receiptWatchGrant(
  deps: Pick<IndexerDeps, "peppers" | "now">,
  gift: IndexedGift,
  ttlMs = RECEIPT_WATCH_TTL_MS,
): { grant: string; maxAgeSeconds: number } {
  const expires = Math.floor((deps.now().getTime() + ttlMs) / 1000);
  const version = deps.peppers.current;
  return {
    grant: `${gift.giftId}.${expires}.${version}.${mac(deps.peppers, gift.giftId, expires, version)}`,
    maxAgeSeconds: Math.floor(ttlMs / 1000),
  };
}

/** The gift a grant opens, if it is well formed, ours, unexpired and for `giftId`; otherwise 404 as unknown. */
export function giftOfReceiptWatch(
  deps: Pick<IndexerDeps, "db" | "peppers" | "now">,
  giftId: number,
  grant: string | undefined,
): IndexedGift {
  const match = GRANT_SHAPE.exec(grant ?? "");
  if (!match || Number(match[1]) !== giftId) throw giftNotFound();
  const expires = Number(match[2]);
  const version = Number(match[3]);
  if (expires * 1000 <= deps.now().getTime() || !deps.peppers.has(version)) throw giftNotFound();
  const expected = Buffer.from(mac(deps.peppers, giftId, expires, version), "base64url");
  const given = Buffer.from(match[4]!, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw giftNotFound();
  const gift = indexedGift(deps.db, giftId);
  if (!gift) throw giftNotFound();
  return gift;
}

function mac(peppers: PepperRing, giftId: number, expires: number, version: number): string {
  return createHmac("sha256", peppers.secret(version))
    .update(`receipt-watch:${giftId}:${expires}`, "utf8")
    .digest("base64url");
}
