import type { JsonRpcProvider } from "ethers";
import type { Logger } from "pino";
import type { AidSystem } from "../../deploy/system";
import type { ChainOutbox } from "../chain/outbox";
import type { Config } from "../config";
import type { SqliteStore } from "../db";
import type { DisbursementDeps } from "../disbursement";
import type { HouseholdContext } from "../households";
import type { OrganisationDeps } from "../organisations";
import type { ProgrammeDeps } from "../programmes";
import type { WalletsContext } from "../wallets/context";

/** Everything the gateway's rooms run against, built once at boot; route modules take what they need. */
export interface GatewayServices {
  config: Config;
  logger: Logger;
  store: SqliteStore;
  households: HouseholdContext;
  wallets: WalletsContext;
  provider: JsonRpcProvider;
  system: AidSystem;
  settlementToken: string;
  chainId: number;
  /** The gateway's own account: registrar (and, embedded, regulator and council). */
  operator: string;
  outbox: ChainOutbox;
  organisations: OrganisationDeps;
  programmes: ProgrammeDeps;
  disbursement: DisbursementDeps;
  /** Households that a programme's eligibility rule selects, among those registered on chain. */
  selectEligible(programmeId: number): Promise<string[]>;
}
