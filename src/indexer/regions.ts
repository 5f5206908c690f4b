/** Fewer households than this in a region, and the region is shown only as "other". */
export const SMALL_COUNT = 5;
export const OTHER_REGION = "other";

export interface RegionCount {
  region: string;
  households: number;
}

/**
 * The small-count rule: regions with fewer than `SMALL_COUNT` households are merged into "other" (as are
 * households of unknown region), so no count can single a family out. Named regions come largest first;
 * "other" last, when it holds anyone.
 */
export function coarseRegions(regionOfEach: readonly (string | null)[]): RegionCount[] {
  const counts = new Map<string, number>();
  let other = 0;
  for (const region of regionOfEach) {
    if (region === null) other++;
    else counts.set(region, (counts.get(region) ?? 0) + 1);
  }
  const shown: RegionCount[] = [];
  for (const [region, households] of counts) {
    if (households < SMALL_COUNT) other += households;
    else shown.push({ region, households });
  }
  shown.sort((a, b) => b.households - a.households || a.region.localeCompare(b.region));
  if (other > 0) shown.push({ region: OTHER_REGION, households: other });
  return shown;
}

/** A postal code's first two digits: a coarse area of the country, never the code itself. */
export function postalArea(postalCode: string): string {
  return `postal-${postalCode.slice(0, 2)}`;
}
