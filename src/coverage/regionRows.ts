import { householdAccount } from "../chain/householdAccount";
import type { Database } from "better-sqlite3";
import { OTHER_REGION, postalArea, SMALL_COUNT } from "../indexer";
import { yieldToEventLoop } from "../yieldToEventLoop";
import type { CoverageDeps } from "./types";

/**
 * Tallies per coarse region under the small-count rule of the gift timeline: a region whose `households`
 * tally is under `SMALL_COUNT`, and households of unknown region, are merged into "other", so no count
 * can single a family out. Named regions come largest first, "other" last unless `isEmpty`.
 */
export function smallCountRows<T extends { households: number }>(
  tallies: ReadonlyMap<string | null, T>,
  merge: (into: T, from: T) => void,
  empty: () => T,
  isEmpty: (tally: T) => boolean = (tally) => tally.households === 0,
): (T & { region: string })[] {
  const other = empty();
  const shown: (T & { region: string })[] = [];
  for (const [region, tally] of tallies) {
    if (region === null || tally.households < SMALL_COUNT) merge(other, tally);
    else shown.push({ region, ...tally });
  }
  shown.sort((a, b) => b.households - a.households || a.region.localeCompare(b.region));
  if (!isEmpty(other)) shown.push({ region: OTHER_REGION, ...other });
  return shown;
}

/**
 * The coarse region of each household the file may show in aggregates: its postal area, read from the
 * vault. Shredded households, households with military or security staff (never in exports) and
 * households this gateway does not hold have none (null: counted as "other").
 */
export function regionReader(deps: Pick<CoverageDeps, "db" | "households">) {
  const exportable = deps.db.prepare(
    "SELECT 1 FROM households WHERE household_ref = ? AND status = 'active' AND sensitive = 0",
  );
  return (householdRef: string): string | null => {
    if (!exportable.get(householdRef)) return null;
    try {
      return postalArea(deps.households.vault.get<{ postalCode: string }>(householdRef).postalCode);
    } catch {
      return null;
    }
  };
}

export { householdAccount };

/** Household account → household reference, for every household in the file (one hash each). */
export async function accountsOfFile(db: Database, yieldEvery: number): Promise<Map<string, string>> {
  const refs = db.prepare("SELECT household_ref FROM households").pluck().all() as string[];
  const accounts = new Map<string, string>();
  for (const [index, ref] of refs.entries()) {
    if (index % yieldEvery === yieldEvery - 1) await yieldToEventLoop();
    accounts.set(householdAccount(ref), ref);
  }
  return accounts;
}
