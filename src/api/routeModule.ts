import type { Database } from "better-sqlite3";
import { Router, type Express } from "express";
import type { Logger } from "pino";
import type { JsonRpcProvider } from "ethers";
import type { AnchoringDeps } from "../anchoring";
import type { ChainOutbox } from "../chain/outbox";
import type { Config } from "../config";
import type { CoverageDeps } from "../coverage";
import type { SqliteStore } from "../db";
import type { DeliveryDeps } from "../delivery";
import type { DisbursementDeps } from "../disbursement";
import type { EvidenceDeps } from "../evidence";
import type { HouseholdContext } from "../households";
import type { IndexerDeps } from "../indexer";
import type { OrganisationDeps } from "../organisations";
import type { ProgrammeDeps } from "../programmes";
import type { RecognitionDeps } from "../recognition";
import type { TimeBankDeps } from "../timebank";
import type { MandateDeps } from "../mandates";
import type { WalletsContext } from "../wallets";
import type { Metrics } from "./metrics/createMetrics";
import { HTTP_METHODS, type HttpMethod, type OpenApiPaths } from "./openapi/types";

/** What every route module receives; use-cases and repositories are built from these. */
export interface RouteContext {
  config: Config;
  db: Database;
  logger: Logger;
  metrics: Metrics;
}

/**
 * What route modules are handed to serve requests: the use-cases' dependencies and the chain facts the
 * status page shows. Declared here, below the composition root, so that `src/main` builds it and no file
 * in `src/api` imports `src/main`. Each module names the subset it reads (below).
 */
export interface RouteServices {
  config: Config;
  store: SqliteStore;
  households: HouseholdContext;
  wallets: WalletsContext;
  provider: JsonRpcProvider;
  settlementToken: string;
  chainId: number;
  /** The gateway's own account: registrar (and, embedded, regulator and council). */
  operator: string;
  outbox: ChainOutbox;
  organisations: OrganisationDeps;
  programmes: ProgrammeDeps;
  disbursement: DisbursementDeps;
  /** Off-chain confirmations and their Merkle anchors. */
  anchoring: AnchoringDeps;
  evidence: EvidenceDeps;
  delivery: DeliveryDeps;
  /** Chain events read into the donors' timelines, their receipt codes, event streams and webhooks. */
  indexer: IndexerDeps;
  /** Under-coverage and open data per programme period, from the indexer and the household file. */
  coverage: CoverageDeps;
  /** Good coin per month from the lineage events, anchored as Merkle roots, and the opt-in leaderboard. */
  recognition: RecognitionDeps;
  /** The time bank: coordinators the regulator appoints, their members, services and donations. */
  timebank: TimeBankDeps;
  /** Standing premium mandates (nazr-e bimeh): proposals, acceptances, revocations and premiums. */
  mandates: MandateDeps;
  /** Households that a programme's eligibility rule selects, among those registered on chain. */
  selectEligible(programmeId: number): Promise<string[]>;
}

export type StatusRouteServices = Pick<
  RouteServices,
  "config" | "store" | "provider" | "settlementToken" | "chainId" | "operator" | "outbox" | "disbursement"
>;
export type HouseholdRouteServices = Pick<
  RouteServices,
  "store" | "households" | "programmes" | "disbursement"
>;
export type DisbursementRouteServices = Pick<
  RouteServices,
  "store" | "programmes" | "disbursement" | "selectEligible"
>;
export type DeliveryRouteServices = Pick<RouteServices, "store" | "delivery" | "operator">;
export type WalletRouteServices = Pick<RouteServices, "store" | "wallets" | "disbursement">;
export type AnchoringRouteServices = Pick<RouteServices, "anchoring">;
export type EvidenceRouteServices = Pick<RouteServices, "evidence">;
export type DonorRouteServices = Pick<RouteServices, "indexer">;
export type CoverageRouteServices = Pick<RouteServices, "coverage">;
export type RecognitionRouteServices = Pick<RouteServices, "recognition" | "organisations">;
export type TimebankRouteServices = Pick<RouteServices, "timebank">;
export type MandateRouteServices = Pick<RouteServices, "mandates">;
export type UssdRouteServices = Pick<RouteServices, "delivery">;

/**
 * A room's HTTP face. `register` adds routes with full paths (`/v1/households/:householdRef`) directly
 * on the given router; `openapi` documents exactly those routes (`/v1/households/{householdRef}`).
 * `createApp` refuses to start if the two disagree, so the published document cannot drift.
 */
export interface RouteModule {
  register(router: Router, ctx: RouteContext): void;
  openapi: OpenApiPaths;
  /**
   * Paths whose request bodies the route reads itself, whatever their media type (evidence uploads):
   * the app-wide JSON-only rule leaves them alone, and the route refuses what it does not take.
   */
  rawBodyPaths?: readonly string[];
  /**
   * Paths whose route limits requests itself (the USSD aggregator, one client for thousands of callers):
   * the app-wide per-key limit leaves them alone.
   */
  ownRateLimitPaths?: readonly string[];
}

/** `/a/:b` → `/a/{b}`. Other path-to-regexp syntax (wildcards, optional groups) has no OpenAPI form. */
export function toOpenApiPath(expressPath: string): string {
  if (/[*?(){}]/.test(expressPath)) {
    throw new Error(`Route ${expressPath}: only literal segments and :params are supported`);
  }
  return expressPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, "{$1}");
}

interface RouterLayer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: unknown };
}

/** Mounts each module on its own router at the root, after checking routes and documentation agree. */
export function mountRouteModules(app: Express, modules: readonly RouteModule[], ctx: RouteContext): void {
  for (const module of modules) {
    const router = Router();
    module.register(router, ctx);
    const registered = new Set<string>();
    for (const layer of router.stack as RouterLayer[]) {
      if (!layer.route) {
        // Nested routers hide their route templates from metrics, logs and this check.
        if (layer.handle?.stack)
          throw new Error("Route modules must register routes directly, not nested routers");
        continue;
      }
      if (typeof layer.route.path !== "string") throw new Error("Route paths must be strings");
      const path = toOpenApiPath(layer.route.path);
      for (const method of Object.keys(layer.route.methods) as HttpMethod[]) {
        if (!HTTP_METHODS.includes(method))
          throw new Error(`Route ${path}: method ${method} is not supported`);
        if (!module.openapi[path]?.[method]) {
          throw new Error(
            `Route ${method.toUpperCase()} ${path} is registered but missing from its module's openapi`,
          );
        }
        registered.add(`${method} ${path}`);
      }
    }
    for (const [path, operations] of Object.entries(module.openapi)) {
      for (const method of HTTP_METHODS) {
        if (operations[method] && !registered.has(`${method} ${path}`)) {
          throw new Error(`Route ${method.toUpperCase()} ${path} is documented but not registered`);
        }
      }
    }
    app.use(router);
  }
}
