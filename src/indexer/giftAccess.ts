import type { Database } from "better-sqlite3";
import { NotFoundError } from "../errors";

/** Who asks for a gift: an API key's organisation and role. */
export interface GiftReader {
  orgId: string;
  role: string;
}

export interface IndexedGift {
  giftId: number;
  programmeId: number;
  donor: string;
  donorRef: string | null;
}

export const giftNotFound = () => new NotFoundError("giftId", "No gift has this id.");

/**
 * The gift as the indexer read it, for its donor (the organisation whose account gave it), the programme's
 * charity (which also records cash donors' gifts), auditors and the regulator. Anyone else is told what
 * an unknown gift answers (404 on `giftId`), so gift ids cannot be probed for other donors' gifts.
 */
export function readableGift(db: Database, giftId: number, reader: GiftReader): IndexedGift {
  const gift = indexedGift(db, giftId);
  if (!gift) throw giftNotFound();
  if (reader.role === "auditor" || reader.role === "regulator") return gift;
  const org = db
    .prepare("SELECT lower(address) AS address FROM organisations WHERE org_id = ?")
    .get(reader.orgId) as { address: string } | undefined;
  if (reader.role === "donor" && org?.address === gift.donor) return gift;
  if (reader.role === "charity") {
    const owner = db
      .prepare("SELECT org_id FROM programmes WHERE programme_id = ?")
      .pluck()
      .get(gift.programmeId);
    if (owner === reader.orgId) return gift;
  }
  throw giftNotFound();
}

export function indexedGift(db: Database, giftId: number): IndexedGift | undefined {
  const row = db
    .prepare("SELECT gift_id, programme_id, donor, donor_ref FROM idx_gifts WHERE gift_id = ?")
    .get(giftId) as
    { gift_id: number; programme_id: number; donor: string; donor_ref: string | null } | undefined;
  return row
    ? { giftId: row.gift_id, programmeId: row.programme_id, donor: row.donor, donorRef: row.donor_ref }
    : undefined;
}
