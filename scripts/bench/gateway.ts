/**
 * Gateway benchmark on a fresh data folder with the embedded chain: enrol, register, fund and disburse to
 * 10,000 households through the HTTP API (verified on chain), then read latency under an open-loop load,
 * each beside a baseline measured in the same run; then the same enrol-and-fund at each further size,
 * each on a fresh gateway, with time per household and the gateway's peak RSS (issue 8, item 7).
 *
 *   npm run bench:gateway                                  # table: 10,000 households (+ reads)
 *   npm run -s bench:gateway -- --json                     # one JSON object on stdout; progress on stderr
 *   npm run bench:gateway -- --households 10000,100000,1000000
 *   options: --households=N[,N...] --seconds=N --rate=N (defaults 10000, 10, 500); BENCH_KEEP=1
 *   keeps the data folders; BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the gateway process there;
 *   BENCH_LOOP_WATCH=1 has the gateway print every event-loop stall over 1 s and its memory every 10 s.
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
import { peakRssBytes } from "./gatewayLib/memory";
import {
  evaluateTargets,
  machineInfo,
  renderTable,
  type GatewayBenchReport,
  type ScalePoint,
} from "./gatewayLib/report";
import { verifyOnChain } from "./gatewayLib/verifyOnChain";

const argv = process.argv.slice(2);
const asJson = argv.includes("--json") || process.env.BENCH_JSON === "1";
/** `--name=value` or `--name value`. */
const optionText = (name: string): string | undefined => {
  const inline = argv.find((arg) => arg.startsWith(`--${name}=`));
  if (inline) return inline.slice(name.length + 3);
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? argv[index + 1] : undefined;
};
const option = (name: string, fallback: number) => {
  const value = optionText(name);
  return value === undefined ? fallback : Number(value);
};

/**
 * The sizes run by default: 10,000 households with the reads and baselines. The 100,000 point takes
 * minutes on this project's 2-core VM, too long for a default run: pass `--households 10000,100000`.
 */
export const DEFAULT_SIZES = [HOUSEHOLDS];

function sizes(): number[] {
  const text = optionText("households");
  const list = text === undefined ? DEFAULT_SIZES : text.split(",").map((n) => Number(n.replace(/_/g, "")));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`--households takes sizes separated by commas, e.g. 10000,100000 (got ${text})`);
  return list;
}

async function main(): Promise<void> {
  const list = sizes();
  const readSeconds = option("seconds", 10);
  const readRate = option("rate", 500);
  const machine = machineInfo();
  const scale: ScalePoint[] = [];
  let first: Omit<GatewayBenchReport, "targets" | "scale"> | undefined;
  for (const households of list) {
    const run = await runSize(households, first === undefined, { readSeconds, readRate, machine });
    scale.push(run.point);
    first ??= run.report;
    progress(
      `${households.toLocaleString("en")} households: ${(run.point.totalMs / 1000).toFixed(1)} s, ` +
        `${run.point.msPerHousehold.toFixed(2)} ms per household, gateway peak RSS ` +
        `${Math.round((run.point.peakRssBytes.gateway ?? 0) / 2 ** 20)} MB`,
    );
  }
  const partial = { ...first!, scale };
  const report: GatewayBenchReport = { ...partial, targets: evaluateTargets(partial) };
  process.stdout.write(`${asJson ? JSON.stringify(report) : renderTable(report)}\n`);
}

/** CPU milliseconds per household from per-phase CPU seconds; undefined when /proc gave none. */
function cpuPerHousehold(seconds: (number | undefined)[], households: number): number | undefined {
  if (seconds.some((value) => value === undefined)) return undefined;
  return (1000 * seconds.reduce((sum: number, value) => sum + value!, 0)) / households;
}

interface SizeSettings {
  readSeconds: number;
  readRate: number;
  machine: GatewayBenchReport["machine"];
}

/**
 * One size on a fresh data folder, gateway and chain: enrol and fund, verify on chain, and (for the
 * first size) the raw-SQLite baseline and the read latencies; the gateway's peak RSS is read before it
 * stops.
 */
async function runSize(
  households: number,
  withReads: boolean,
  { readSeconds, readRate, machine }: SizeSettings,
): Promise<{ point: ScalePoint; report: Omit<GatewayBenchReport, "targets" | "scale"> }> {
  const dir = mkdtempSync(join(tmpdir(), "sintech-bench-gateway-"));
  progress(`${households.toLocaleString("en")} households: data in ${dir}`);
  try {
    const fixture = buildFixture(households);
    // Before the gateway starts, so the baseline has the machine to itself as the gateway will; once.
    const raw = withReads ? rawSqliteBaseline(dir, fixture) : { households, rows: 0, refsMs: 0, insertMs: 0 };
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
      ).catch(async (error: unknown) => {
        // Say how the run ended: the gateway's exit (a kernel OOM kill is SIGKILL) and both processes' peaks.
        await new Promise((resolve) => setTimeout(resolve, 500));
        const exit = gateway.exited();
        const mb = (bytes: number | undefined) =>
          bytes === undefined ? "gone" : `${Math.round(bytes / 2 ** 20)} MB`;
        throw new Error(
          `${households} households: ${error instanceof Error ? error.message : String(error)}; gateway ` +
            (exit ? `exited (code ${exit.code}, signal ${exit.signal})` : "still running") +
            `; peak RSS gateway ${mb(peakRssBytes(pids.gateway))}, anvil ${mb(peakRssBytes(pids.chain))}`,
          { cause: error },
        );
      });
      const verification = await verifyOnChain(api, gateway.regulatorKey, gateway.chainUrl, result);
      progress(`verified: ${verification.summary}`);
      const reads = withReads
        ? await measureReads(gateway, pids, charityKey, result, { ratePerSecond: readRate, readSeconds })
        : [];
      const peak = { gateway: peakRssBytes(pids.gateway), chain: peakRssBytes(pids.chain) };
      const point: ScalePoint = {
        households,
        totalMs: result.totalMs,
        msPerHousehold: result.totalMs / households,
        phases: result.phases.map((phase) => ({ name: phase.name, ms: phase.ms })),
        peakRssBytes: peak,
        rssBytesPerHousehold: peak.gateway === undefined ? undefined : peak.gateway / households,
        cpuMsPerHousehold: {
          gateway: cpuPerHousehold(
            result.phases.map((phase) => phase.cpu.gateway),
            households,
          ),
          chain: cpuPerHousehold(
            result.phases.map((phase) => phase.cpu.chain),
            households,
          ),
        },
        verification: verification.summary,
      };
      const report: Omit<GatewayBenchReport, "targets" | "scale"> = {
        machine,
        settings: {
          households,
          sizes: "the first size has the reads and baselines; each size runs on a fresh gateway",
          sampleSeed: SAMPLE_SEED,
          chain: "embedded anvil (automine), fresh temp data dir per size",
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
      return { point, report };
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
