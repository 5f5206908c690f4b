import { SMALL_COUNT } from "../indexer";
import { yieldToEventLoop } from "../yieldToEventLoop";
import { YIELD_EVERY } from "./underCoverage";
import { fromUnits } from "../programmes";
import { indexedThrough, mintedInPeriod, redemptionsInPeriod } from "./periodActivity";
import { resolvePeriod } from "./period";
import { accountsOfFile, regionReader, smallCountRows } from "./regionRows";
import type { CoverageDeps, ProgrammePeriod } from "./types";

export interface OpenDataParams {
  programmeId: number;
  /** The current period when omitted. */
  period?: number;
}

/** Counts and amounts of one coarse region (amounts in whole settlement-token units). */
export interface OpenDataRegion {
  region: string;
  householdsCovered: number;
  amountIssued: string;
  amountRedeemed: string;
  deliveries: number;
}

export interface OpenDataTotals {
  householdsCovered: number;
  amountIssued: string;
  amountRedeemed: string;
  deliveries: number;
  vendors: number;
}

/** A programme period's open data: aggregates only, no reference, address or personal datum. */
export interface OpenDataReport extends ProgrammePeriod {
  kind: "sintech-open-data";
  /** Regions with fewer covered households than this are shown only as "other". */
  smallCountThreshold: number;
  totals: OpenDataTotals;
  regions: OpenDataRegion[];
  indexedThroughBlock: number | null;
}

interface Tally {
  households: number;
  issued: bigint;
  redeemed: bigint;
  deliveries: number;
}

const emptyTally = (): Tally => ({ households: 0, issued: 0n, redeemed: 0n, deliveries: 0 });

/**
 * A programme period's aggregates from chain events (the indexer's read models): households issued an
 * entitlement, amounts issued and redeemed, deliveries, vendors; by coarse region from the household file
 * under the small-count rule. Linear in the households of the file and the period's events.
 */
export async function openData(deps: CoverageDeps, params: OpenDataParams): Promise<OpenDataReport> {
  const { periodLength, ...period } = await resolvePeriod(deps, params.programmeId, params.period);
  const minted = mintedInPeriod(deps.db, params.programmeId, period.period);
  const redemptions = redemptionsInPeriod(deps.db, params.programmeId, periodLength, period.period);
  const refOfAccount = await accountsOfFile(deps.db, YIELD_EVERY * 10);
  const regionOf = regionReader(deps);
  const regionOfRef = new Map<string, string | null>();
  const regionFor = (householdRef: string | undefined): string | null => {
    if (householdRef === undefined) return null;
    if (!regionOfRef.has(householdRef)) regionOfRef.set(householdRef, regionOf(householdRef));
    return regionOfRef.get(householdRef)!;
  };
  const tallies = new Map<string | null, Tally>();
  const tallyOf = (region: string | null) => {
    const tally = tallies.get(region) ?? emptyTally();
    tallies.set(region, tally);
    return tally;
  };
  const totals = emptyTally();
  let read = 0;
  for (const [account, amount] of minted) {
    if (amount <= 0n) continue;
    if (++read % YIELD_EVERY === 0) await yieldToEventLoop();
    const tally = tallyOf(regionFor(refOfAccount.get(account)));
    tally.households++;
    tally.issued += amount;
    totals.households++;
    totals.issued += amount;
  }
  const vendors = new Set<string>();
  for (const redemption of redemptions) {
    if (++read % YIELD_EVERY === 0) await yieldToEventLoop();
    const tally = tallyOf(regionFor(redemption.householdRef));
    tally.redeemed += redemption.amount;
    tally.deliveries++;
    totals.redeemed += redemption.amount;
    totals.deliveries++;
    vendors.add(redemption.vendor);
  }
  const units = (value: bigint) => fromUnits(value, deps.decimals);
  const regions = smallCountRows(
    tallies,
    (into, from) => {
      into.households += from.households;
      into.issued += from.issued;
      into.redeemed += from.redeemed;
      into.deliveries += from.deliveries;
    },
    emptyTally,
    (tally) => tally.households === 0 && tally.deliveries === 0,
  );
  return {
    kind: "sintech-open-data",
    ...period,
    smallCountThreshold: SMALL_COUNT,
    totals: {
      householdsCovered: totals.households,
      amountIssued: units(totals.issued),
      amountRedeemed: units(totals.redeemed),
      deliveries: totals.deliveries,
      vendors: vendors.size,
    },
    regions: regions.map((row) => ({
      region: row.region,
      householdsCovered: row.households,
      amountIssued: units(row.issued),
      amountRedeemed: units(row.redeemed),
      deliveries: row.deliveries,
    })),
    indexedThroughBlock: indexedThrough(deps.db),
  };
}
