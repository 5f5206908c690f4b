import { cachedStatement } from "../db/statements";
import { SMALL_COUNT } from "../indexer";
import { yieldToEventLoop } from "../yieldToEventLoop";
import { indexedThrough, mintedInPeriod } from "./periodActivity";
import { resolvePeriod } from "./period";
import { householdAccount, regionReader, smallCountRows } from "./regionRows";
import type { CoverageDeps, ProgrammePeriod } from "./types";

/** Households read between two turns of the event loop. */
export const YIELD_EVERY = 500;

export interface UnderCoverageParams {
  programmeId: number;
  /** The current period when omitted. */
  period?: number;
}

/** Eligible, covered and not covered households of one coarse region. */
export interface UnderCoverageRegion {
  region: string;
  eligible: number;
  covered: number;
  uncovered: number;
}

export interface UnderCoverageReport extends ProgrammePeriod {
  kind: "sintech-under-coverage";
  /** Regions with fewer eligible households than this are shown only as "other". */
  smallCountThreshold: number;
  /** Active households in the household file. */
  enrolled: number;
  /** Active enrolled households not yet registered on chain: no disbursement can reach them. */
  notRegistered: number;
  /** The households the programme's rule selects among those registered on chain (as disbursements do). */
  eligible: number;
  /** Eligible households issued an entitlement of the programme for the period (chain events). */
  covered: number;
  /** Eligible households issued nothing of the programme for the period: the under-coverage. */
  uncovered: number;
  /** Households issued an entitlement for the period on chain, eligible or not (what an audit recounts). */
  issuedHouseholds: number;
  regions: UnderCoverageRegion[];
  /** The indexer's checkpoint the chain facts were read at. */
  indexedThroughBlock: number | null;
}

/**
 * Under-coverage (کم‌پوشانی) of a programme in a period: enrolled households the programme's rule selects
 * (the disbursement selection) that the chain shows were issued nothing for that period, by coarse region.
 * One pass over the selection: a hash and a vault read per household, no chain call per household.
 */
export async function underCoverage(
  deps: CoverageDeps,
  params: UnderCoverageParams,
): Promise<UnderCoverageReport> {
  const { periodLength: _length, ...period } = await resolvePeriod(deps, params.programmeId, params.period);
  const eligible = [...new Set(await deps.selectEligible(params.programmeId))];
  const minted = mintedInPeriod(deps.db, params.programmeId, period.period);
  const regionOf = regionReader(deps);
  const tallies = new Map<string | null, { households: number; covered: number }>();
  let covered = 0;
  for (const [index, householdRef] of eligible.entries()) {
    // A vault read per household (about 0.15 ms): other requests are answered between slices.
    if (index % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEventLoop();
    const isCovered = (minted.get(householdAccount(householdRef)) ?? 0n) > 0n;
    if (isCovered) covered++;
    const region = regionOf(householdRef);
    const tally = tallies.get(region) ?? { households: 0, covered: 0 };
    tally.households++;
    if (isCovered) tally.covered++;
    tallies.set(region, tally);
  }
  const regions = smallCountRows(
    tallies,
    (into, from) => {
      into.households += from.households;
      into.covered += from.covered;
    },
    () => ({ households: 0, covered: 0 }),
  ).map(({ region, households, covered: inRegion }) => ({
    region,
    eligible: households,
    covered: inRegion,
    uncovered: households - inRegion,
  }));
  const enrolled = cachedStatement(
    deps.db,
    "SELECT count(*) FROM households WHERE status = 'active'",
    "pluck",
  ).get() as number;
  const registered = cachedStatement(
    deps.db,
    `SELECT count(DISTINCT r.household_ref) FROM chain_registrations r
     JOIN households h ON h.household_ref = r.household_ref
     WHERE r.status = 'registered' AND h.status = 'active'`,
    "pluck",
  ).get() as number;
  return {
    kind: "sintech-under-coverage",
    ...period,
    smallCountThreshold: SMALL_COUNT,
    enrolled,
    notRegistered: enrolled - registered,
    eligible: eligible.length,
    covered,
    uncovered: eligible.length - covered,
    issuedHouseholds: [...minted.values()].filter((amount) => amount > 0n).length,
    regions,
    indexedThroughBlock: indexedThrough(deps.db),
  };
}
