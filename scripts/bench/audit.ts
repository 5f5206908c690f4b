/**
 * Audit benchmark: a generated ledger with 10,000 and 100,000 redemptions on the embedded anvil (state cached
 * in cache/bench-audit), audited from the chain alone with every beneficiary signature re-verified (worker
 * threads, native libsecp256k1), beside the raw recovery rates of native libsecp256k1 and @noble/curves on
 * one core, measured in the same run. Beside each audit, its floor: the same count of bare signatures recovered by
 * the pool, and the chain's logs and redemption transactions read and parsed with nothing decoded, each alone.
 *
 *   npm run bench:audit                   # table
 *   npm run -s bench:audit -- --json      # one JSON object on stdout
 *   BENCH_AUDIT_SIZES=2000,10000 npm run bench:audit
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cpus, loadavg } from "node:os";
import { id } from "ethers";
import { recoverMany, rpcAt, runAudit, type RecoveryTask } from "../../src/audit";
import { nativeRecovery, nobleRecovery } from "../../src/delivery/signatures/recoverSigner";
import { generatedLedger } from "./auditLib/generateLedger";
import { auditFloor } from "./auditLib/floors";

const asJson = process.argv.includes("--json") || process.env.BENCH_JSON === "1";
const sizes = (process.env.BENCH_AUDIT_SIZES ?? "10000,100000").split(",").map(Number);
const TARGET_100K_MS = 6_000;

/**
 * CPU milliseconds a process (or, with `thread`, one of its threads) has used, user + system, from /proc;
 * undefined where there is no /proc.
 */
function processCpuMs(pid: number, thread?: number): number | undefined {
  const path = thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`;
  if (!existsSync(path)) return undefined;
  const fields = readFileSync(path, "utf8").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

function recoveryTasks(count: number): RecoveryTask[] {
  const native = require("secp256k1/bindings") as {
    ecdsaSign(msg32: Uint8Array, key: Uint8Array): { signature: Uint8Array; recid: number };
  };
  const key = Buffer.from(id("bench key").slice(2), "hex");
  return Array.from({ length: count }, (_, i) => {
    const digest = id(`bench digest ${i}`);
    const output = native.ecdsaSign(Buffer.from(digest.slice(2), "hex"), key);
    return {
      digest,
      signature: `0x${Buffer.from(output.signature).toString("hex")}${(27 + output.recid).toString(16)}`,
    };
  });
}

async function rawRates(): Promise<{ nativePerSecond: number; noblePerSecond: number }> {
  const tasks = recoveryTasks(20_000).map(({ digest, signature }) => ({
    digest: Buffer.from(digest.slice(2), "hex"),
    signature: Buffer.from(signature.slice(2), "hex"),
  }));
  const measure = (recovery: NonNullable<ReturnType<typeof nativeRecovery>>, n: number) => {
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      const { digest, signature } = tasks[i]!;
      recovery.recoverPublicKey(digest, signature.subarray(0, 64), signature[64]! - 27);
    }
    return Math.round((n * 1000) / (performance.now() - started));
  };
  return {
    nativePerSecond: measure(nativeRecovery()!, 20_000),
    noblePerSecond: measure(nobleRecovery(), 2_000),
  };
}

async function main(): Promise<void> {
  const baseline = await rawRates();
  const workers = cpus().length;
  const pooled = recoveryTasks(50_000);
  const pooledStarted = performance.now();
  await recoverMany(pooled, { workers });
  const pooledPerSecond = Math.round((pooled.length * 1000) / (performance.now() - pooledStarted));
  const runs = [];
  for (const [index, size] of sizes.entries()) {
    const ledger = await generatedLedger(join(process.cwd(), "cache", "bench-audit"), size, 18_645 + index);
    const rpc = rpcAt(ledger.chain.url);
    try {
      const cpuBefore = process.cpuUsage();
      const nodeCpuBefore = processCpuMs(ledger.chain.pid);
      const mainCpuBefore = processCpuMs(process.pid, process.pid);
      const result = await runAudit({
        rpc,
        addresses: ledger.addresses,
        throughBlock: ledger.throughBlock,
        workers,
      });
      const cpu = process.cpuUsage(cpuBefore);
      const nodeCpuAfter = processCpuMs(ledger.chain.pid);
      const mainCpuAfter = processCpuMs(process.pid, process.pid);
      const floor = await auditFloor({
        rpc,
        nodePid: ledger.chain.pid,
        addresses: ledger.addresses,
        throughBlock: ledger.throughBlock,
        tasks: recoveryTasks(result.counts.signaturesVerified),
        cores: workers,
      });
      runs.push({
        redemptions: size,
        generatedMs: ledger.generatedMs === undefined ? "cached" : Math.round(ledger.generatedMs),
        events: result.counts.events,
        signaturesVerified: result.counts.signaturesVerified,
        findings: result.findings.length,
        auditMs: Math.round(result.timings.totalMs),
        readMs: Math.round(result.timings.readMs),
        recoverMs: Math.round(result.timings.recoverMs),
        checkMs: Math.round(result.timings.checkMs),
        eventsPerSecond: Math.round((result.counts.events * 1000) / result.timings.totalMs),
        // CPU time of the audit (this process, every thread) and of the node answering it: on a machine
        // shared with other work, what the audit costs apart from how long it waited for a core.
        auditCpuMs: Math.round((cpu.user + cpu.system) / 1000),
        // The main thread alone (reading, decoding, replaying); the rest of auditCpuMs is the recovery workers and V8's helpers.
        mainThreadCpuMs:
          mainCpuBefore === undefined || mainCpuAfter === undefined
            ? undefined
            : Math.round(mainCpuAfter - mainCpuBefore),
        nodeCpuMs:
          nodeCpuBefore === undefined || nodeCpuAfter === undefined
            ? undefined
            : Math.round(nodeCpuAfter - nodeCpuBefore),
        loadAverage: Number(loadavg()[0]!.toFixed(2)),
        floor: {
          recoverMs: Math.round(floor.recoverMs),
          recoverCpuMs: Math.round(floor.recoverCpuMs),
          readMs: Math.round(floor.readMs),
          readCpuMs: Math.round(floor.readCpuMs),
          nodeCpuMs: floor.nodeCpuMs === undefined ? undefined : Math.round(floor.nodeCpuMs),
          logs: floor.logs,
          transactions: floor.transactions,
          lowerBoundMs: floor.lowerBoundMs === undefined ? undefined : Math.round(floor.lowerBoundMs),
        },
      });
    } finally {
      rpc.close();
      await ledger.chain.stop();
    }
  }
  const at100k = runs.find((run) => run.redemptions === 100_000);
  const report = {
    machine: { cores: workers },
    recoveryPerSecond: {
      native1Core: baseline.nativePerSecond,
      noble1Core: baseline.noblePerSecond,
      nativeWorkers: pooledPerSecond,
    },
    runs,
    target: at100k
      ? {
          ms: TARGET_100K_MS,
          met: at100k.auditMs < TARGET_100K_MS && at100k.findings === 0,
          // Whether this machine could meet it at all: the floor's recoveries and reading alone, on every core.
          floorMs: at100k.floor.lowerBoundMs,
        }
      : undefined,
  };
  if (asJson) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  process.stdout.write(
    `recoveries/s, one core: native ${baseline.nativePerSecond}, noble ${baseline.noblePerSecond}; ` +
      `${workers} workers native: ${pooledPerSecond}\n`,
  );
  for (const run of runs) {
    process.stdout.write(
      `${run.redemptions} redemptions: audit ${run.auditMs} ms (read ${run.readMs}, recover ${run.recoverMs}, check ${run.checkMs}), ` +
        `${run.events} events, ${run.eventsPerSecond} events/s, ${run.signaturesVerified} signatures, ${run.findings} findings, ` +
        `CPU: audit ${run.auditCpuMs} ms (main thread ${run.mainThreadCpuMs ?? "?"}), node ${run.nodeCpuMs ?? "?"} ms, load average ${run.loadAverage}` +
        ` (ledger generated: ${run.generatedMs}${run.generatedMs === "cached" ? "" : " ms"})\n` +
        `  floor: ${run.redemptions} bare recoveries ${run.floor.recoverMs} ms (CPU ${run.floor.recoverCpuMs}); ` +
        `${run.floor.logs} logs and ${run.floor.transactions} transactions read and parsed ${run.floor.readMs} ms ` +
        `(CPU ${run.floor.readCpuMs}, node ${run.floor.nodeCpuMs ?? "?"}); no audit here under ${run.floor.lowerBoundMs ?? "?"} ms\n`,
    );
  }
  if (report.target)
    process.stdout.write(
      `target 100,000 in < 6 s: ${report.target.met ? "met" : "NOT met"} (floor on this machine: ${report.target.floorMs ?? "?"} ms)\n`,
    );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
