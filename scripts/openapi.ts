/**
 * Writes the gateway's OpenAPI document as the app serves it at /openapi.json, without a chain: the app is
 * built with every route module over an in-memory database and a throwaway data folder, and asked for its
 * document in-process.
 *
 *   npm run -s openapi -- [FILE]   writes it (default openapi.json)
 *   npm run -s lint:openapi        lints a fresh copy with Redocly's recommended rules (redocly.yaml) and
 *                                  fails on any problem, warnings included (redocly itself fails on errors only)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import request from "supertest";
import { createApp } from "../src/api";
import { loadConfig } from "../src/config";
import { createLogger } from "../src/logging";
import { PAGES_OPENAPI } from "../src/main/pagesOpenapi";
import { gatewayRoutes } from "../src/main/routes";
import type { GatewayServices } from "../src/main/services";

/**
 * Route modules read their services only while handling requests, so building them over a stand-in is
 * enough to collect their documentation; a module that touched a service at construction fails loudly here.
 */
const NO_SERVICES = new Proxy({} as GatewayServices, {
  get: (_target, name) => {
    if (typeof name === "symbol") return undefined;
    return new Proxy(
      {},
      {
        get: (_inner, member) => {
          throw new Error(
            `scripts/openapi.ts: a route module used services.${name}.${String(member)} at build`,
          );
        },
      },
    );
  },
});

export async function generateOpenApiDocument(): Promise<unknown> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "sintech-openapi-"));
  const db = new BetterSqlite3(":memory:");
  try {
    const config = loadConfig({ DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "silent" });
    const logger = createLogger({ level: "silent", destination: { write: () => undefined } });
    const app = createApp({
      config,
      db,
      logger,
      routes: gatewayRoutes(NO_SERVICES),
      pagesOpenapi: PAGES_OPENAPI,
    });
    const res = await request(app).get("/openapi.json");
    if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}`);
    return res.body;
  } finally {
    db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
}

/** Runs `redocly lint` on `file`; true when it reports nothing at all. */
function lint(file: string): boolean {
  const run = spawnSync(
    "redocly",
    ["lint", file, "--config", path.join(__dirname, "..", "redocly.yaml"), "--format=json"],
    {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      // No update check and no telemetry: the linter must work, and stay quiet, offline.
      env: { ...process.env, REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", REDOCLY_TELEMETRY: "off" },
    },
  );
  if (run.error) {
    throw new Error(
      `could not run redocly (the @redocly/cli devDependency; run npm ci): ${run.error.message}`,
    );
  }
  let report: LintReport;
  try {
    report = JSON.parse(run.stdout) as LintReport;
  } catch {
    throw new Error(`redocly lint gave no report (exit ${run.status}):\n${run.stderr}`);
  }
  for (const problem of report.problems) {
    console.error(
      `${problem.severity} ${problem.ruleId} ${problem.location[0]?.pointer ?? ""}\n  ${problem.message}`,
    );
  }
  const { errors, warnings } = report.totals;
  console.log(`OpenAPI (Redocly recommended rules): ${errors} errors, ${warnings} warnings`);
  return errors === 0 && warnings === 0 && run.status === 0;
}

async function main(): Promise<void> {
  const lintOnly = process.argv.includes("--lint");
  const tmp = lintOnly ? mkdtempSync(path.join(tmpdir(), "sintech-openapi-lint-")) : undefined;
  const file = tmp ? path.join(tmp, "openapi.json") : path.resolve(process.argv[2] ?? "openapi.json");
  try {
    writeFileSync(file, JSON.stringify(await generateOpenApiDocument(), null, 2) + "\n");
    if (!lintOnly) console.log(`wrote ${path.relative(process.cwd(), file) || file}`);
    else if (!lint(file)) process.exitCode = 1;
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
