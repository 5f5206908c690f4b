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
