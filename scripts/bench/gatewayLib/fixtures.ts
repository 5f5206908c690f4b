import { sampleHouseholdsCsv, type SampleHouseholds } from "../../../src/households";

export const HOUSEHOLDS = 10_000;
export const SAMPLE_SEED = 20_260_501;
/**
 * Whole tokens per household, under the programme's cap; the gift covers every household exactly. Small
 * enough that a million households' gift fits the ledger's uint96 (7.9·10²⁸ units, 7.9·10¹⁰ tokens of 18
 * decimals): 2,000,000 per household stopped at 100,000 households with `GiftTooLarge`.
 */
export const AMOUNT_PER_HOUSEHOLD = 20_000n;
export const CAP_PER_PERIOD = "2500000";

export interface Fixture {
  sample: SampleHouseholds;
  /** Row index (0-based, file order) of each household's head: the first row of the household. */
  headRows: number[];
  /** The disbursement file: one row per household, named by its head's national ID. */
  disbursementCsv: string;
}

/** The same 10,000 households on every run: a fixed seed, ASCII and Persian/Arabic digits mixed. */
export function buildFixture(households = HOUSEHOLDS): Fixture {
  const sample = sampleHouseholdsCsv({ households, seed: SAMPLE_SEED, digits: "mixed" });
  const headRows: number[] = [];
  let row = 0;
  for (const size of sample.householdSizes) {
    headRows.push(row);
    row += size;
  }
  const lines = [
    "national_id,amount",
    ...headRows.map((r) => `${sample.nationalIds[r]},${AMOUNT_PER_HOUSEHOLD}`),
  ];
  return { sample, headRows, disbursementCsv: `${lines.join("\n")}\n` };
}

const DAY = 86_400;
/** How far from the next period boundary a run starts: the longest run (1,000,000 households) takes ~1.5 h. */
const RUN_MARGIN_DAYS = 2;

/**
 * A programme's periods are the chain's, `block.timestamp / periodLength`, counted from 1970 so that every
 * programme of an exclusivity group turns together: a 30-day programme created a day before its boundary
 * has one day left. Entitlements expire when the period turns, so a run that crossed a boundary would find
 * the first part of its disbursement expired (the 1,000,000-household run of 2026-12-02 did: 3,281 of 10,001
 * sampled households covered, the rest issued before midnight and expired at it). The bench takes the
 * shortest period of at least 30 days whose current period has RUN_MARGIN_DAYS left at `nowSeconds`.
 */
export function periodDaysClearOfBoundary(nowSeconds: number): number {
  for (let days = 30; ; days++) {
    const length = days * DAY;
    if (length - (nowSeconds % length) >= RUN_MARGIN_DAYS * DAY) return days;
  }
}
