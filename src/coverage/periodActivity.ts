import type { Database } from "better-sqlite3";
import { cachedStatement } from "../db/statements";

/**
 * What the chain did in one programme period, from the indexer's read models (chain events only).
 * Entitlements minted: `TransferSingle` from the zero address with the id `programmeId << 32 | period`,
 * per household account (the account is derived from the household reference, see `householdAccount`).
 */
export function mintedInPeriod(db: Database, programmeId: number, period: number): Map<string, bigint> {
  const id = ((BigInt(programmeId) << 32n) | BigInt(period)).toString();
  const rows = cachedStatement(
    db,
    `SELECT i.account, i.amount FROM idx_issuance i
     JOIN chain_events e ON e.tx_hash = i.tx_hash AND e.log_index = i.log_index
     WHERE i.programme_id = ? AND json_extract(e.args_json, '$.id') = ?`,
  ).all(programmeId, id) as { account: string; amount: string }[];
  const minted = new Map<string, bigint>();
  for (const row of rows) minted.set(row.account, (minted.get(row.account) ?? 0n) + BigInt(row.amount));
  return minted;
}

export interface PeriodRedemption {
  householdRef: string;
  vendor: string;
  amount: bigint;
}

/**
 * Redemptions made in the period. A redemption burns the entitlement of the period its block falls in
 * (the contract rolls to `block.timestamp / periodLength` before redeeming), so the block's time places it.
 */
export function redemptionsInPeriod(
  db: Database,
  programmeId: number,
  periodLength: number,
  period: number,
): PeriodRedemption[] {
  const rows = cachedStatement(
    db,
    `SELECT r.household_ref, r.vendor, r.amount FROM idx_redemptions r
     JOIN indexer_blocks b ON b.block_number = r.block_number
     WHERE r.programme_id = ? AND b.timestamp >= ? AND b.timestamp < ?`,
  ).all(programmeId, period * periodLength, (period + 1) * periodLength) as {
    household_ref: string;
    vendor: string;
    amount: string;
  }[];
  return rows.map((row) => ({
    householdRef: row.household_ref,
    vendor: row.vendor,
    amount: BigInt(row.amount),
  }));
}

/** The last block the indexer applied, or null before its first. */
export function indexedThrough(db: Database): number | null {
  const block = cachedStatement(
    db,
    "SELECT block_number FROM indexer_checkpoint WHERE id = 1",
    "pluck",
  ).get();
  return (block as number | undefined) ?? null;
}
