import { formatUnits } from "ethers";
import { cachedStatement } from "../db/statements";
import type { IndexerDeps } from "./types";

/** One calendar day of a programme's redemptions. */
export interface DeliveryDay {
  /** The day in Tehran, `YYYY-MM-DD` (Gregorian; the pages write it in the reader's calendar). */
  day: string;
  deliveries: number;
  /** Whole units of the settlement token redeemed that day. */
  amount: string;
}

export interface DeliveriesOverTime {
  programmeId: number;
  /** The newest `DELIVERY_DAYS_SHOWN` days that had redemptions, oldest first. */
  days: DeliveryDay[];
  /** Every redemption of the programme the indexer read, shown or not. */
  total: { deliveries: number; amount: string };
  /** Redemptions whose block time the indexer has not recorded (counted in the total, in no day). */
  undated: number;
}

/** The most days the chart and its table show. */
export const DELIVERY_DAYS_SHOWN = 31;
/** Tehran is UTC+03:30 all year (Iran ended daylight saving in 2022): a day is a whole day of that clock. */
const TEHRAN_OFFSET_SECONDS = 3.5 * 3600;
const DAY_SECONDS = 86_400;

/**
 * A programme's redemptions per day, from the indexer's read models alone (each DeliveryRedeemed event's
 * amount and its block's time): what the chain says was delivered when, as an auditor rebuilds it. The
 * amounts are the receipts' (an upheld dispute later returns money to the budget, and does not unsay the
 * delivery).
 */
export function deliveriesOverTime(
  deps: Pick<IndexerDeps, "db" | "decimals">,
  programmeId: number,
): DeliveriesOverTime {
  const rows = cachedStatement(
    deps.db,
    `SELECT r.amount, b.timestamp FROM idx_redemptions r
       LEFT JOIN indexer_blocks b ON b.block_number = r.block_number
     WHERE r.programme_id = ?`,
  ).all(programmeId) as { amount: string; timestamp: number | null }[];
  const byDay = new Map<number, { deliveries: number; units: bigint }>();
  let totalUnits = 0n;
  let undated = 0;
  for (const { amount, timestamp } of rows) {
    const units = BigInt(amount);
    totalUnits += units;
    if (timestamp === null) {
      undated++;
      continue;
    }
    const day = Math.floor((timestamp + TEHRAN_OFFSET_SECONDS) / DAY_SECONDS);
    const entry = byDay.get(day) ?? { deliveries: 0, units: 0n };
    entry.deliveries++;
    entry.units += units;
    byDay.set(day, entry);
  }
  const whole = (units: bigint) => formatUnits(units, deps.decimals).replace(/\.0$/, "");
  const days = [...byDay.entries()]
    .sort(([a], [b]) => a - b)
    .slice(-DELIVERY_DAYS_SHOWN)
    .map(([day, entry]) => ({
      day: new Date(day * DAY_SECONDS * 1000).toISOString().slice(0, 10),
      deliveries: entry.deliveries,
      amount: whole(entry.units),
    }));
  return { programmeId, days, total: { deliveries: rows.length, amount: whole(totalUnits) }, undated };
}
