import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import BetterSqlite3, { type Database } from "better-sqlite3";
import request, { type Response } from "supertest";
import {
  type ErrorBody,
  createApp,
  createMetrics,
  startServer,
  type AppDeps,
  type Metrics,
  type RouteModule,
  type RunningServer,
} from "../../../../src/api";
import { createApiKey, ROLES, type Role } from "../../../../src/apiKeys";
import { loadConfig, type Config } from "../../../../src/config";
import { createLogger } from "../../../../src/logging";
import { testRoutes } from "./testRoutes";

export interface Gateway {
  dataDir: string;
  config: Config;
  db: Database;
  metrics: Metrics;
  /** Every log line the app wrote, as written (after redaction). */
  logLines: string[];
  server: RunningServer;
  /** A supertest client bound to the real listening server. */
  http: () => ReturnType<typeof request>;
  /** One plaintext API key per role, all for organisation `org-<role>`. */
  keys: Record<Role, string>;
  stop(): Promise<void>;
}

export interface GatewayOptions {
  env?: Record<string, string>;
  routes?: readonly RouteModule[];
  probeChain?: AppDeps["probeChain"];
}

/**
 * The real thing on a tmp dir: config from env, a SQLite file, a logger whose output is collected, the
 * app on a real HTTP server on port 0, and a key for every role.
 */
export async function startGateway({
  env = {},
  routes = [testRoutes],
  probeChain,
}: GatewayOptions = {}): Promise<Gateway> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "sintech-gateway-"));
  const config = loadConfig({ DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "debug", ...env });
  const db = new BetterSqlite3(path.join(dataDir, "gateway.sqlite"));
  const logLines: string[] = [];
  const logger = createLogger({
    level: config.logLevel,
    destination: { write: (line) => void logLines.push(line) },
  });
  const metrics = createMetrics();
  const app = createApp({ config, db, logger, metrics, routes, version: "9.9.9-test", probeChain });
  const server = await startServer(app, { port: config.port, host: config.host });
  const keys = Object.fromEntries(
    ROLES.map((role) => [
      role,
      createApiKey(db, { orgId: `org-${role}`, role, label: `${role} test key` }).key,
    ]),
  ) as Record<Role, string>;
  return {
    dataDir,
    config,
    db,
    metrics,
    logLines,
    server,
    http: () => request(server.url),
    keys,
    async stop() {
      await server.stop();
      if (db.open) db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** National-ID-shaped values in the three digit scripts the gateway receives. */
export const ID_ASCII = "4831726590";
export const ID_PERSIAN = "۴۸۳۱۷۲۶۵۹۰";
export const ID_ARABIC_INDIC = "٤٨٣١٧٢٦٥٩٠";

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

/**
 * Asserts the one error shape: exactly these fields, plus the request id, which must match the
 * `X-Request-Id` header so a user's report can be found in the logs.
 */
export function expectErrorBody(
  res: Response,
  status: number,
  error: Omit<ErrorBody["error"], "requestId">,
): void {
  expect(res.status).to.equal(status);
  expect(res.body).to.deep.equal({ error: { ...error, requestId: res.headers["x-request-id"] } });
}
