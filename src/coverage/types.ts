import type { Database } from "better-sqlite3";
import type { HouseholdContext } from "../households";

/** What under-coverage and open data run against; built once at boot. */
export interface CoverageDeps {
  db: Database;
  /** Postal codes from the household file's vault, for coarse regions only. */
  households: Pick<HouseholdContext, "vault">;
  decimals: number;
  /** The programme's current period, as the chain counts it (`block.timestamp / periodLength`). */
  currentPeriod(programmeId: number): Promise<number>;
  /** The households a programme's rule selects among those registered on chain: what disbursements use. */
  selectEligible(programmeId: number): Promise<string[]>;
}

/** One programme period, with its bounds (Unix seconds on the chain's clock, ISO strings here). */
export interface ProgrammePeriod {
  programmeId: number;
  programmeName: string;
  period: number;
  periodStartsAt: string;
  periodEndsAt: string;
}
