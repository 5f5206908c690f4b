import { cpus, loadavg, totalmem } from "node:os";
import type { WriteBaseline } from "./baseline";
import type { Phase } from "./enrolAndFund";
import type { LoadResult } from "./loadgen";
import type { CpuSplit } from "./processCpu";
import type { Verification } from "./verifyOnChain";

export const ENROL_TARGET_SECONDS = 60;
export const READ_TARGET_P99_MS = 20;
/** Issue 8, item 7: 100,000 households enrolled and funded in under 4 minutes, under 1 GB resident. */
export const SCALE_TARGET = { households: 100_000, seconds: 240, peakRssBytes: 2 ** 30 };
/** Per-household time counts as flat while the largest size costs at most this much more than the smallest. */
export const FLAT_RATIO = 1.5;

/** One size of the scale run: enrolled and funded end to end on a fresh gateway and chain. */
export interface ScalePoint {
  households: number;
  totalMs: number;
  msPerHousehold: number;
  phases: { name: string; ms: number }[];
  /** Peak resident memory (VmHWM) of the gateway process and of its anvil over the whole size. */
  peakRssBytes: { gateway?: number; chain?: number };
  /** Peak RSS per household, gateway process. */
  rssBytesPerHousehold?: number;
  /**
   * CPU milliseconds per household the gateway process and the chain node used over the phases: unlike
   * wall time, this does not grow when other processes share the cores, so it shows whether a step is
   * linear on a busy machine.
   */
  cpuMsPerHousehold: { gateway?: number; chain?: number };
  verification: string;
}

export interface ReadRun {
  endpoint: string;
  result: LoadResult;
  /** Baselines are measured beside the endpoints but carry no target. */
  baseline: boolean;
  cpu: CpuSplit;
}

export interface GatewayBenchReport {
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGb: number;
    node: string;
    platform: string;
    /** 1, 5 and 15 minute load averages when the bench started. */
    loadAverage: string;
  };
  settings: Record<string, string | number>;
  bootMs: number;
  setup: Phase[];
  phases: Phase[];
  enrolTotalMs: number;
  households: number;
  householdsPerSecond: number;
  verification: Verification;
  rawSqlite: WriteBaseline & { householdsPerSecond: number };
  reads: ReadRun[];
  /** Every size run, the first being the one above (whose reads were measured). */
  scale: ScalePoint[];
  targets: { target: string; figure: string; pass: boolean }[];
}

export function machineInfo(): GatewayBenchReport["machine"] {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverage: loadavg()
      .map((n) => n.toFixed(2))
      .join(" "),
  };
}

/** Pass/fail per target: end-to-end enrolment time, and p99 (with no failed request) per read endpoint. */
export function evaluateTargets(report: Omit<GatewayBenchReport, "targets">): GatewayBenchReport["targets"] {
  const seconds = report.enrolTotalMs / 1000;
  const targets = [
    {
      target: `${report.households.toLocaleString("en")} households enrolled and funded in < ${ENROL_TARGET_SECONDS} s`,
      figure: `${seconds.toFixed(1)} s (${Math.round(report.householdsPerSecond)} households/s)`,
      pass: seconds < ENROL_TARGET_SECONDS,
    },
  ];
  const atScale = report.scale.find((point) => point.households === SCALE_TARGET.households);
  if (atScale) {
    targets.push({
      target: `${SCALE_TARGET.households.toLocaleString("en")} households enrolled and funded in < ${SCALE_TARGET.seconds} s`,
      figure: `${(atScale.totalMs / 1000).toFixed(1)} s`,
      pass: atScale.totalMs / 1000 < SCALE_TARGET.seconds,
    });
  }
  for (const point of report.scale) {
    const peak = point.peakRssBytes.gateway;
    if (peak === undefined) continue;
    targets.push({
      target: `${point.households.toLocaleString("en")} households: gateway peak RSS < 1 GB`,
      figure: mb(peak),
      pass: peak < SCALE_TARGET.peakRssBytes,
    });
  }
  if (report.scale.length > 1) {
    const [smallest, largest] = [report.scale[0]!, report.scale[report.scale.length - 1]!];
    const ratio = largest.msPerHousehold / smallest.msPerHousehold;
    targets.push({
      target: `time per household flat: ${largest.households.toLocaleString("en")} ≤ ${FLAT_RATIO}× ${smallest.households.toLocaleString("en")}`,
      figure: `${ratio.toFixed(2)}× (${largest.msPerHousehold.toFixed(2)} vs ${smallest.msPerHousehold.toFixed(2)} ms)`,
      pass: ratio <= FLAT_RATIO,
    });
  }
  for (const run of report.reads.filter((r) => !r.baseline)) {
    const { p99Ms, errors, timeouts } = run.result;
    const failed = errors + timeouts;
    targets.push({
      target: `${run.endpoint}: p99 < ${READ_TARGET_P99_MS} ms at ${report.settings.readRatePerSecond}/s`,
      figure: `p99 ${ms(p99Ms)}${failed > 0 ? `, ${failed} failed` : ""}`,
      pass: p99Ms < READ_TARGET_P99_MS && failed === 0,
    });
  }
  return targets;
}

export function renderTable(r: GatewayBenchReport): string {
  const m = r.machine;
  const phaseRow = (name: string, p: Phase, share: string) => [
    name,
    sec(p.ms),
    share,
    cpu(p.cpu.gateway),
    cpu(p.cpu.chain),
    p.detail,
  ];
  const out: string[] = [
    "Sin Tech gateway benchmark",
    `machine: ${m.cpus} cores (${m.cpuModel}), ${m.memoryGb} GB, node ${m.node}, ${m.platform}; ` +
      `load average ${m.loadAverage} at start (other processes share these cores)`,
    ...Object.entries(r.settings).map(([key, value]) => `  ${key}: ${value}`),
    `gateway boot (fresh data dir, anvil start, contracts deployed): ${sec(r.bootMs)}`,
    "",
    `1. Enrol and fund ${r.households.toLocaleString("en")} households through the HTTP API`,
    grid([
      ["phase", "time", "share", "gw CPU", "chain CPU", "result"],
      ...r.setup.map((p) => phaseRow(`(setup) ${p.name}`, p, "-")),
      ...r.phases.map((p) => phaseRow(p.name, p, `${Math.round((100 * p.ms) / r.enrolTotalMs)}%`)),
      [
        "end to end",
        sec(r.enrolTotalMs),
        "100%",
        "",
        "",
        `${Math.round(r.householdsPerSecond)} households/s`,
      ],
      [
        "baseline: raw SQLite insert",
        sec(r.rawSqlite.insertMs),
        "-",
        "",
        "",
        `${r.rawSqlite.households} households + ${r.rawSqlite.rows} members in one transaction: ` +
          `${Math.round(r.rawSqlite.householdsPerSecond).toLocaleString("en")} households/s ` +
          `(+ ${sec(r.rawSqlite.refsMs)} for their HMAC refs)`,
      ],
    ]),
    `verified: ${r.verification.summary}`,
    "",
    `2. Read latency, open loop at ${r.settings.readRatePerSecond} requests/s, ${r.settings.readSeconds} s each, ` +
      "timed from each request's scheduled send time",
    grid([
      ["endpoint", "p50", "p90", "p99", "max", "ok", "failed", "done/s", "send lag", "gw CPU", "chain CPU"],
      ...r.reads.map(({ endpoint, result: x, cpu: used }) => [
        endpoint,
        ms(x.p50Ms),
        ms(x.p90Ms),
        ms(x.p99Ms),
        ms(x.maxMs),
        String(x.ok),
        String(x.errors + x.timeouts),
        x.achievedRate.toFixed(0),
        ms(x.maxSendLagMs),
        cpu(used.gateway),
        cpu(used.chain),
      ]),
    ]),
    "  (gw/chain CPU: CPU seconds the gateway process and the anvil node used during the phase or run)",
    "",
    "3. Scale: each size enrolled and funded end to end on a fresh gateway and chain (registration and",
    "   disbursement answer 202 and are polled until every chain write has ended)",
    grid([
      [
        "households",
        "end to end",
        "per household",
        "gw CPU/household",
        "chain CPU/household",
        "gw peak RSS",
        "RSS/household",
        "chain peak RSS",
        ...(r.scale[0]?.phases.map((p) => p.name) ?? []),
      ],
      ...r.scale.map((p) => [
        p.households.toLocaleString("en"),
        sec(p.totalMs),
        `${p.msPerHousehold.toFixed(2)} ms`,
        p.cpuMsPerHousehold.gateway === undefined ? "n/a" : `${p.cpuMsPerHousehold.gateway.toFixed(2)} ms`,
        p.cpuMsPerHousehold.chain === undefined ? "n/a" : `${p.cpuMsPerHousehold.chain.toFixed(2)} ms`,
        p.peakRssBytes.gateway === undefined ? "n/a" : mb(p.peakRssBytes.gateway),
        p.rssBytesPerHousehold === undefined ? "n/a" : `${(p.rssBytesPerHousehold / 1024).toFixed(1)} KB`,
        p.peakRssBytes.chain === undefined ? "n/a" : mb(p.peakRssBytes.chain),
        ...p.phases.map((phase) => sec(phase.ms)),
      ]),
      ["baseline: raw SQLite", "", `${(r.rawSqlite.insertMs / r.rawSqlite.households).toFixed(3)} ms`],
    ]),
    `  (baseline: raw SQLite insert of the first size's ${r.rawSqlite.households.toLocaleString("en")} households, per household)`,
    "",
    "Targets",
    grid([["target", "figure", ""], ...r.targets.map((t) => [t.target, t.figure, t.pass ? "PASS" : "FAIL"])]),
  ];
  return out.join("\n");
}

function grid(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? "").length)));
  const line = (row: string[]) => `  ${row.map((cell, c) => cell.padEnd(widths[c]!)).join("  ")}`.trimEnd();
  return [
    line(rows[0]!),
    `  ${widths.map((w) => "-".repeat(w)).join("  ")}`,
    ...rows.slice(1).map(line),
  ].join("\n");
}

const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;
const sec = (msValue: number) => `${(msValue / 1000).toFixed(2)} s`;
const cpu = (seconds: number | undefined) => (seconds === undefined ? "n/a" : `${seconds.toFixed(2)} s`);
const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : "timeout");
