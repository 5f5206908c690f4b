/**
 * Gateway benchmark on a fresh data folder with the embedded chain: enrol, register, fund and disburse to
 * 10,000 households through the HTTP API (verified on chain), then read latency under an open-loop load,
 * each beside a baseline measured in the same run.
 *
 *   npm run bench:gateway                 # table
 *   npm run -s bench:gateway -- --json    # one JSON object on stdout; progress on stderr
 *   options: --households=N --seconds=N --rate=N (defaults 10000, 10, 500); BENCH_KEEP=1 keeps the data
 *   folder; BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the gateway process there.
 *
 * The gateway runs in a child process (the load generator never shares its event loop); npm prints its
 * own banner on stdout, so use `npm run -s` (or node directly) when stdout must be JSON only.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { apiClient } from "./gatewayLib/api";
import { rawSqliteBaseline } from "./gatewayLib/baseline";
import { enrolAndFund } from "./gatewayLib/enrolAndFund";
import { buildFixture, HOUSEHOLDS, SAMPLE_SEED } from "./gatewayLib/fixtures";
import { BENCH_RATE_LIMIT_MAX, startGatewayProcess } from "./gatewayLib/gatewayProcess";
import { firstChildPid } from "./gatewayLib/processCpu";
import { progress } from "./gatewayLib/progress";
import { measureReads } from "./gatewayLib/reads";
import { evaluateTargets, machineInfo, renderTable, type GatewayBenchReport } from "./gatewayLib/report";
import { verifyOnChain } from "./gatewayLib/verifyOnChain";

const argv = process.argv.slice(2);
const asJson = argv.includes("--json") || process.env.BENCH_JSON === "1";
const option = (name: string, fallback: number) => {
  const value = argv.find((arg) => arg.startsWith(`--${name}=`))?.split("=")[1];
  return value === undefined ? fallback : Number(value);
};

async function main(): Promise<void> {
  const households = option("households", HOUSEHOLDS);
  const readSeconds = option("seconds", 10);
  const readRate = option("rate", 500);
  const machine = machineInfo();
  const dir = mkdtempSync(join(tmpdir(), "sintech-bench-gateway-"));
  progress(`data in ${dir}`);
  try {
    const fixture = buildFixture(households);
    // Before the gateway starts, so the baseline has the machine to itself as the gateway will.
    const raw = rawSqliteBaseline(dir, fixture);
    const gateway = await startGatewayProcess(join(dir, "gateway"));
    progress(`gateway up at ${gateway.url} (pid ${gateway.pid}) in ${(gateway.bootMs / 1000).toFixed(1)} s`);
    try {
      const api = apiClient(gateway.url);
      const pids = { gateway: gateway.pid, chain: firstChildPid(gateway.pid) };
      const { result, charityKey } = await enrolAndFund(
        api,
        gateway.regulatorKey,
        gateway.chainUrl,
        fixture,
        pids,
      );
      const verification = await verifyOnChain(api, gateway.regulatorKey, gateway.chainUrl, result);
      progress(`verified: ${verification.summary}`);
      const reads = await measureReads(gateway, pids, charityKey, result, {
        ratePerSecond: readRate,
        readSeconds,
      });
      const partial: Omit<GatewayBenchReport, "targets"> = {
        machine,
        settings: {
          households,
          sampleSeed: SAMPLE_SEED,
          chain: "embedded anvil (automine), fresh temp data dir",
          rateLimit: `SINTECH_RATE_LIMIT_MAX=${BENCH_RATE_LIMIT_MAX} per 60 s window for the bench (default 300 would throttle it)`,
          logging:
            "LOG_LEVEL=info: one line per request, buffered to a file in the data dir as the default logger buffers stdout",
          readRatePerSecond: readRate,
          readSeconds,
        },
        bootMs: gateway.bootMs,
        setup: result.setup,
        phases: result.phases,
        enrolTotalMs: result.totalMs,
        households,
        householdsPerSecond: households / (result.totalMs / 1000),
        verification,
        rawSqlite: { ...raw, householdsPerSecond: raw.households / (raw.insertMs / 1000) },
        reads,
      };
      const report: GatewayBenchReport = { ...partial, targets: evaluateTargets(partial) };
      process.stdout.write(`${asJson ? JSON.stringify(report) : renderTable(report)}\n`);
    } finally {
      await gateway.stop();
    }
  } finally {
    if (process.env.BENCH_KEEP === "1") progress(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  progress(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
