import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { DuplicateError, NotFoundError, ValidationError } from "../errors";
import type { PepperRing } from "../identity";
import { giftNotFound, readableGift, type GiftReader, type IndexedGift } from "./giftAccess";
import type { IndexerDeps } from "./types";

/** What the charity hands a cash donor, once: the code names the gift's receipt, the secret opens it. */
export interface GiftReceiptCode {
  code: string;
  secret: string;
  giftId: number;
}

export const RECEIPT_SECRET_HEADER = "X-Receipt-Secret";
const CODE_PATTERN = /^gr_[A-Za-z0-9_-]{22}$/;

/**
 * The programme's charity issues the receipt code of a cash gift it recorded (one with a donor reference):
 * a random code (not derived from the donor's receipt number, so it says nothing about them) and a random
 * secret kept only as a keyed hash. Issued once per gift: a lost code is a matter for the charity's desk.
 */
export function issueReceiptCode(deps: IndexerDeps, giftId: number, reader: GiftReader): GiftReceiptCode {
  const gift = readableGift(deps.db, giftId, reader);
  if (reader.role !== "charity") throw giftNotFound();
  if (gift.donorRef === null) {
    throw new ValidationError(
      "giftId",
      "not_a_cash_gift",
      "Only a gift recorded for a cash donor has a receipt code; a donor with an account reads its own.",
    );
  }
  const code = "gr_" + randomBytes(16).toString("base64url");
  const secret = randomBytes(24).toString("base64url");
  const pepperVersion = deps.peppers.current;
  const inserted = deps.db
    .prepare(
      `INSERT OR IGNORE INTO gift_receipt_codes (code, gift_id, org_id, secret_hash, pepper_version, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    )
    .run(
      code,
      giftId,
      reader.orgId,
      secretHash(deps.peppers, secret, pepperVersion),
      pepperVersion,
      deps.now().toISOString(),
    );
  if (inserted.changes === 0)
    throw new DuplicateError("giftId", "receipt_code_issued", "This gift's receipt code was already issued.");
  return { code, secret, giftId };
}

/**
 * The gift a receipt code opens with its secret. An unknown code, a malformed one and a wrong secret all
 * answer the same 404, so a code cannot be confirmed without its secret.
 */
export function giftOfReceiptCode(deps: IndexerDeps, code: string, secret: string | undefined): IndexedGift {
  const notFound = new NotFoundError("code", "No gift receipt has this code and secret.");
  if (!CODE_PATTERN.test(code) || secret === undefined || secret.length === 0 || secret.length > 100)
    throw notFound;
  const row = deps.db
    .prepare("SELECT gift_id, secret_hash, pepper_version FROM gift_receipt_codes WHERE code = ?")
    .get(code) as { gift_id: number; secret_hash: string; pepper_version: number } | undefined;
  if (!row) throw notFound;
  const given = Buffer.from(secretHash(deps.peppers, secret, row.pepper_version), "hex");
  if (!timingSafeEqual(given, Buffer.from(row.secret_hash, "hex"))) throw notFound;
  const gift = deps.db
    .prepare("SELECT gift_id, programme_id, donor, donor_ref FROM idx_gifts WHERE gift_id = ?")
    .get(row.gift_id) as
    { gift_id: number; programme_id: number; donor: string; donor_ref: string | null } | undefined;
  // Rewound by a reorganisation until the indexer reads the gift again.
  if (!gift) throw notFound;
  return {
    giftId: gift.gift_id,
    programmeId: gift.programme_id,
    donor: gift.donor,
    donorRef: gift.donor_ref,
  };
}

function secretHash(peppers: PepperRing, secret: string, version: number): string {
  return createHmac("sha256", peppers.secret(version))
    .update(`gift-receipt-secret:${secret}`, "utf8")
    .digest("hex");
}
