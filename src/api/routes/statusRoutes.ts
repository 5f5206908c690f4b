import { requireRole } from "../auth/requireRole";
import { jsonResponse, secured } from "../openapi/jsonSchema";
import * as docs from "./responseSchemas";
import type { StatusRouteServices, RouteModule } from "../routeModule";
import { readDeployment } from "../../chain/deployment";
import { registrationCounts } from "../../disbursement";
import { rowCounts } from "../../db";

const ANY_ROLE = ["regulator", "charity", "vendor", "field_agent", "auditor", "registrar", "donor"] as const;

/** What the gateway runs on and how far along it is: chain, contracts, queued writes, households. */
export function statusRoutes(services: StatusRouteServices): RouteModule {
  return {
    register(router) {
      router.get("/v1/status", requireRole(...ANY_ROLE), async (_req, res) => {
        const db = services.store.sqlite;
        const count = (sql: string) => db.prepare(sql).pluck().get() as number;
        res.json({
          profile: services.config.profile,
          chain: { chainId: services.chainId, blockNumber: await services.provider.getBlockNumber() },
          contracts: {
            ...readDeployment(services.config.dataDir)?.addresses,
            settlementToken: services.settlementToken,
          },
          operator: services.operator,
          outbox: { pending: services.outbox.pendingCount() },
          households: {
            // Counters the database keeps: a status call no longer counts every household.
            enrolled: rowCounts(db, "households").get("active") ?? 0,
            ...registrationCounts(services.disbursement),
          },
          programmes: count("SELECT count(*) FROM programmes"),
          organisations: count("SELECT count(*) FROM organisations"),
        });
      });
    },
    openapi: {
      "/v1/status": {
        get: secured([...ANY_ROLE], {
          operationId: "getStatus",
          summary: "Chain, contract addresses, queued chain writes and household counts",
          tags: ["meta"],
          responses: { "200": jsonResponse("Status", docs.status.schema, docs.status.example) },
        }),
      },
    },
  };
}
