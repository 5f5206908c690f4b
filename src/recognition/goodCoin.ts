import type { Database } from "better-sqlite3";
import { AbiCoder, keccak256, toUtf8Bytes, zeroPadValue } from "ethers";
import type { RecognitionPeriod } from "./period";

/** Domain of a recognition leaf: no other confirmation anchored through ReceiptAnchor can be read as one. */
export const RECOGNITION_DOMAIN = keccak256(toUtf8Bytes("sintech.recognition.v1"));

/**
 * The recognised account of a gift: the cash donor's keyed reference where the charity gave on its behalf,
 * otherwise the giving wallet (left-padded to 32 bytes). Both are already public on chain in `GiftReceived`.
 */
export function accountOfGift(donor: string, donorRef: string | null): string {
  return donorRef ?? zeroPadValue(donor.toLowerCase(), 32);
}

/**
 * Good coin earned in `period`: for each account, the value of its gifts paid to vendors against a signed
 * receipt (the ledger's `GiftSpent` settlements, attributed to the gift by its FIFO lineage) in a block of
 * the period, less those whose delivery was since reversed by an upheld dispute. Giving alone earns
 * nothing; neither do refunds or reallocations. In token base units; accounts with nothing are left out.
 */
export function goodCoinOfPeriod(db: Database, period: RecognitionPeriod): Map<string, bigint> {
  const rows = db
    .prepare(
      `SELECT g.donor, g.donor_ref AS donorRef, f.amount
         FROM idx_gift_flows f
         JOIN idx_gifts g ON g.gift_id = f.gift_id
         JOIN indexer_blocks b ON b.block_number = f.block_number
        WHERE f.kind = 'settlement' AND b.timestamp >= ? AND b.timestamp < ?
          AND NOT EXISTS (SELECT 1 FROM idx_gift_flows r
                           WHERE r.kind = 'reversal' AND r.gift_id = f.gift_id AND r.ref = f.ref)`,
    )
    .all(period.startsAt, period.endsAt) as { donor: string; donorRef: string | null; amount: string }[];
  const totals = new Map<string, bigint>();
  for (const row of rows) {
    const amount = BigInt(row.amount);
    if (amount === 0n) continue;
    const account = accountOfGift(row.donor, row.donorRef);
    totals.set(account, (totals.get(account) ?? 0n) + amount);
  }
  return totals;
}

/** Domain of a leaf of hours served: a member's confirmed minutes can never be read as a donor's good coin. */
export const SERVICE_RECOGNITION_DOMAIN = keccak256(toUtf8Bytes("sintech.recognition.service.v1"));

/**
 * Minutes served in `period` by each time-bank member (by its member ref, which the TimeBank already holds on
 * chain): the services confirmed (`ServiceConfirmed`) in a block of the period, by the recipient, its
 * coordinator or the community pool, credited to the giver's wallet and so to the member bound to it. Logged
 * but unconfirmed services earn nothing. Members with no confirmed service are left out.
 */
export function minutesServedOfPeriod(db: Database, period: RecognitionPeriod): Map<string, bigint> {
  const rows = db
    .prepare(
      `SELECT w.member_ref AS memberRef, sum(s.minutes) AS minutes
         FROM idx_timebank_services s
         JOIN idx_timebank_wallets w ON w.wallet = s.giver
         JOIN indexer_blocks b ON b.block_number = s.block_number
        WHERE b.timestamp >= ? AND b.timestamp < ?
        GROUP BY w.member_ref`,
    )
    .all(period.startsAt, period.endsAt) as { memberRef: string; minutes: number }[];
  return new Map(rows.filter((row) => row.minutes > 0).map((row) => [row.memberRef, BigInt(row.minutes)]));
}

/** What a leaf of hours served commits to: keccak256(abi.encode(SERVICE_DOMAIN, periodIndex, memberRef, minutes)). */
export function serviceRecognitionHash(periodIndex: number, memberRef: string, minutes: bigint): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["bytes32", "uint32", "bytes32", "uint256"],
      [SERVICE_RECOGNITION_DOMAIN, periodIndex, memberRef, minutes],
    ),
  );
}

/** A leaf's kind: a donor's good coin from gifts, or a member's minutes served. */
export type RecognitionKind = "gift" | "service";

/** The leaf of either kind. */
export function leafHash(kind: RecognitionKind, periodIndex: number, account: string, value: bigint): string {
  return kind === "gift"
    ? recognitionHash(periodIndex, account, value)
    : serviceRecognitionHash(periodIndex, account, value);
}

/**
 * What a leaf commits to, as the `confirmationHash` that `ReceiptAnchor.verifyReceipt(root, hash, proof)`
 * checks: keccak256(abi.encode(RECOGNITION_DOMAIN, periodIndex, account, goodCoin)).
 */
export function recognitionHash(periodIndex: number, account: string, goodCoin: bigint): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["bytes32", "uint32", "bytes32", "uint256"],
      [RECOGNITION_DOMAIN, periodIndex, account, goodCoin],
    ),
  );
}
