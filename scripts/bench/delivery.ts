/**
 * Delivery benchmark (issue 9) on a fresh data folder with the embedded chain:
 *  - signer recoveries per second on one core: native libsecp256k1, `@noble/curves`, ethers (baselines);
 *  - redemptions per second through the outbox onto the chain: single `redeem` against `redeemBatch`, with
 *    gas per receipt, every redemption found among the ledger's events;
 *  - wallet-signed acceptances per second through the API under an open-loop load (p50/p99), each signature
 *    recovered by the gateway, at 1,000/s and at the 2,000/s target, with 1k and 10k acceptances to show
 *    growth, beside a bare node:http server at the same rate; every 200 checked against the gateway's rows;
 *  - gas per anchored receipt at 100, 1,000 and 10,000 (`anchoringGas`).
 *
 *   npm run bench:delivery                       # a table
 *   npm run -s bench:delivery -- --json          # one JSON object on stdout; progress on stderr
 *   options: --households=N (enough for 32 receipts each a period) --redeem=N (200) --batch=N (50) --seconds=N (5) --rate=N (2000)
 *            --sizes=N,N (1000,10000: acceptances at the target rate)
 *            --no-anchoring; BENCH_KEEP=1 keeps the data folder; BENCH_CPU_PROF=<dir> writes a V8 CPU
 *            profile of the gateway over each acceptance run there.
 *
 * The gateway runs in a child process, so the load generator never shares its event loop.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Wallet } from "ethers";
import { anchoringGas, type AnchoringGasFigure } from "./deliveryLib/anchoringGas";
import { startDeliveryGateway, type DeliveryGatewayChild } from "./deliveryLib/gatewayChild";
import { benchHeadKey, type RedeemFigure } from "./deliveryLib/protocol";
import { renderDeliveryTable, type AcceptanceRun, type DeliveryBenchReport } from "./deliveryLib/report";
import { recoveryBaseline, signDigest } from "./deliveryLib/signing";
import { runOpenLoop } from "./gatewayLib/loadgen";
import { machineInfo } from "./gatewayLib/report";
import { cpuMeter, firstChildPid } from "./gatewayLib/processCpu";
import { progress } from "./gatewayLib/progress";

const argv = process.argv.slice(2);
const asJson = argv.includes("--json") || process.env.BENCH_JSON === "1";
const RECEIPTS_PER_PERIOD = 32;
const fmtRate = (n: number) => n.toLocaleString("en");
const optionText = (name: string) => argv.find((arg) => arg.startsWith(`--${name}=`))?.split("=")[1];
const option = (name: string, fallback: number) => {
  const value = optionText(name);
  return value === undefined ? fallback : Number(value);
};

async function main(): Promise<void> {
  const machine = machineInfo();
  const seconds = option("seconds", 5);
  const targetRate = option("rate", 2_000);
  const head = new Wallet(benchHeadKey(0));
  progress("signer recoveries (one core, this process, before the gateway starts)...");
  const recoveries = recoveryBaseline(head.privateKey, head.address);

  const redeemCount = option("redeem", 200);
  const sizes = (optionText("sizes") ?? "1000,10000").split(",").map(Number);
  const plan = [
    { label: "1,000/s (p99 target)", rate: 1_000, seconds },
    ...sizes.map((size) => ({
      label: `${fmtRate(targetRate)}/s, ${fmtRate(size)} acceptances`,
      rate: targetRate,
      seconds: size / targetRate,
    })),
  ];
  // A household has 32 receipt nonces a period; deliveries go to households in turn, a few runs each.
  const deliveries = 2 * redeemCount + plan.reduce((sum, run) => sum + run.rate * run.seconds, 0);
  const households = option("households", Math.ceil(deliveries / (RECEIPTS_PER_PERIOD - plan.length - 3)));
  const dir = mkdtempSync(join(tmpdir(), "sintech-bench-delivery-"));
  progress(`data in ${dir}`);
  let gateway: DeliveryGatewayChild | undefined;
  try {
    gateway = await startDeliveryGateway(dir, households);
    const { ready } = gateway;
    progress(
      `gateway up at ${ready.url}: ${ready.households} households, setup ${(ready.setupMs / 1000).toFixed(1)} s`,
    );

    const redemptions: RedeemFigure[] = [];
    for (const batch of [1, option("batch", 50)]) {
      progress(
        `redeeming ${redeemCount} through the outbox, ${batch === 1 ? "one redeem each" : `redeemBatch of ${batch}`}...`,
      );
      const { type: _, ...figure } = await gateway.ask(
        { type: "redeem", count: redeemCount, batch },
        "redeemed",
      );
      if (figure.redeemedOnChain !== redeemCount)
        throw new Error(`redeemed ${figure.redeemedOnChain} of ${redeemCount}`);
      redemptions.push(figure);
    }

    progress(`bare node:http POST at ${targetRate}/s for ${seconds} s...`);
    const bare = await runOpenLoop({
      baseUrl: ready.bareUrl,
      paths: ["/"],
      bodies: [JSON.stringify({ signature: `0x${"ab".repeat(65)}` })],
      ratePerSecond: targetRate,
      durationSeconds: seconds,
    });

    const acceptances: AcceptanceRun[] = [];
    let opened = 0;
    for (const run of plan) {
      const count = Math.round(run.rate * run.seconds);
      progress(`opening ${count} deliveries through the API...`);
      const openStarted = performance.now();
      const { deliveries } = await gateway.ask({ type: "open", count, from: opened }, "opened");
      const openMs = performance.now() - openStarted;
      opened += count;
      const bodies = deliveries.map((delivery) =>
        JSON.stringify({ signature: signDigest(benchHeadKey(delivery.headIndex), delivery.redemptionId) }),
      );
      const before = await gateway.ask({ type: "progress" }, "progress");
      progress(`${run.label}: ${count} wallet-signed acceptances, open loop...`);
      const profileDir = process.env.BENCH_CPU_PROF;
      if (profileDir) await gateway.ask({ type: "profile" }, "profiling");
      const cpu = cpuMeter({ gateway: gateway.pid, chain: firstChildPid(gateway.pid) });
      const result = await runOpenLoop({
        baseUrl: ready.url,
        paths: deliveries.map((delivery) => `/v1/deliveries/${delivery.deliveryId}/acceptance`),
        bodies,
        headers: { authorization: `Bearer ${ready.vendorKey}` },
        ratePerSecond: run.rate,
        durationSeconds: run.seconds,
      });
      const used = cpu();
      if (profileDir) {
        const file = join(profileDir, `accept-${run.rate}-${count}.cpuprofile`);
        await gateway.ask({ type: "profile", file }, "profiling");
        progress(`CPU profile of the gateway over the run: ${file}`);
      }
      const after = await gateway.ask({ type: "progress" }, "progress");
      const acceptedRows = (state: Record<string, number>) => (state.accepted ?? 0) + (state.redeemed ?? 0);
      acceptances.push({
        ...run,
        count,
        result,
        openPerSecond: count / (openMs / 1000),
        rowsAccepted: acceptedRows(after.states) - acceptedRows(before.states),
        outboxPendingAfter: after.outboxPending,
        cpu: used,
        gatewayCpuMsPerAcceptance:
          used.gateway === undefined || result.ok === 0 ? undefined : (1000 * used.gateway) / result.ok,
      });
      progress(
        `${run.label}: ${result.ok}/${count} ok, p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms, ` +
          `${result.completedPerSecond.toFixed(0)}/s sustained; ${after.outboxPending} redemptions still queued`,
      );
    }
    await gateway.stop();
    gateway = undefined;

    let anchoring: AnchoringGasFigure[] = [];
    if (!argv.includes("--no-anchoring")) {
      progress("gas per anchored receipt at 100, 1,000 and 10,000...");
      anchoring = await anchoringGas();
    }
    const report: DeliveryBenchReport = {
      machine,
      settings: {
        households: ready.households,
        setupMs: ready.setupMs,
        chain: "embedded anvil (automine), fresh temp data dir",
        verifier: recoveries[0]!.verifier,
        logging: "LOG_LEVEL=info: one line per request",
      },
      recoveries,
      redemptions,
      bare,
      acceptances,
      anchoring,
    };
    process.stdout.write(`${asJson ? JSON.stringify(report) : renderDeliveryTable(report, targetRate)}\n`);
  } finally {
    await gateway?.stop();
    if (process.env.BENCH_KEEP === "1") progress(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  progress(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
