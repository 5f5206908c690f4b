import type { BenchPids, EnrolAndFundResult } from "./enrolAndFund";
import type { GatewayProcess } from "./gatewayProcess";
import { runOpenLoop } from "./loadgen";
import { cpuMeter, cpuSeconds } from "./processCpu";
import { progress } from "./progress";
import type { ReadRun } from "./report";

const WARMUP_SECONDS = 1;

/**
 * Each read endpoint in turn under the same open-loop rate, after a short discarded warm-up: the bare
 * node:http server first (the floor: loopback, generator, no Express), then /health and the API reads.
 * Household reads rotate over 1,000 different households, so they are not served from one hot row.
 */
export async function measureReads(
  gateway: GatewayProcess,
  pids: BenchPids,
  charityKey: string,
  run: EnrolAndFundResult,
  { ratePerSecond, readSeconds }: { ratePerSecond: number; readSeconds: number },
): Promise<ReadRun[]> {
  const step = Math.max(1, Math.floor(run.households.length / 1000));
  const householdPaths = run.households
    .filter((_, i) => i % step === 0)
    .map((h) => `/v1/households/${h.householdRef}`);
  const plans = [
    { endpoint: "baseline: bare node:http", baseUrl: gateway.bareUrl, paths: ["/"], baseline: true },
    { endpoint: "GET /health", baseUrl: gateway.url, paths: ["/health"], baseline: false },
    {
      endpoint: "GET /v1/programmes/:id",
      baseUrl: gateway.url,
      paths: [`/v1/programmes/${run.programmeId}`],
      baseline: false,
    },
    { endpoint: "GET /v1/households/:ref", baseUrl: gateway.url, paths: householdPaths, baseline: false },
    {
      endpoint: "GET /v1/disbursements/:id?limit=100",
      baseUrl: gateway.url,
      paths: [`/v1/disbursements/${run.disbursementId}?limit=100`],
      baseline: false,
    },
  ];
  const headers = { authorization: `Bearer ${charityKey}` };
  const runs: ReadRun[] = [];
  for (const plan of plans) {
    await settle(pids);
    const load = { baseUrl: plan.baseUrl, paths: plan.paths, headers, ratePerSecond };
    await runOpenLoop({ ...load, durationSeconds: WARMUP_SECONDS });
    const cpu = cpuMeter(pids);
    const result = await runOpenLoop({ ...load, durationSeconds: readSeconds });
    const used = cpu();
    const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : "timeout");
    progress(
      `${plan.endpoint}: p50 ${ms(result.p50Ms)}, p99 ${ms(result.p99Ms)}, ` +
        `${result.errors + result.timeouts} failed of ${result.scheduled}`,
    );
    runs.push({ endpoint: plan.endpoint, result, baseline: plan.baseline, cpu: used });
  }
  return runs;
}

/**
 * Waits (up to 30 s) until the gateway is idle, so a run never pays for the backlog the previous one
 * left behind. (Not the chain: anvil dumps its state to disk every 2 s, so it is never quite idle.)
 */
async function settle(pids: BenchPids): Promise<void> {
  const busy = () => cpuSeconds(pids.gateway) ?? 0;
  const deadline = Date.now() + 30_000;
  for (let before = busy(); Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = busy();
    if (now - before < 0.05) return;
    before = now;
  }
}
