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
