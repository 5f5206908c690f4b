import type { LoadResult } from "../gatewayLib/loadgen";
import type { CpuSplit } from "../gatewayLib/processCpu";
import type { machineInfo } from "../gatewayLib/report";
import type { AnchoringGasFigure } from "./anchoringGas";
import type { RedeemFigure } from "./protocol";
import type { RecoveryFigure } from "./signing";

/** Issue 9: wallet-signed acceptances on this 2-core machine. */
export const ACCEPT_TARGET = { perSecond: 2_000, p99MsAt1000: 50 };

export interface AcceptanceRun {
  label: string;
  rate: number;
  seconds: number;
  count: number;
  result: LoadResult;
  /** Deliveries opened per second through the API before the run (16 requests at a time). */
  openPerSecond: number;
  /** Deliveries the gateway's rows show accepted (or already redeemed) after the run, less before it. */
  rowsAccepted: number;
  /** Redemptions still queued in the outbox when the run ended (they are sent in the background). */
  outboxPendingAfter: number;
  /** CPU seconds of the gateway process and its node over the run (the outbox's sending included). */
  cpu: CpuSplit;
  /**
   * Gateway CPU milliseconds per answered acceptance: unlike latency, this does not grow when other
   * processes share the cores; 1000 / it is what one free core would sustain.
   */
  gatewayCpuMsPerAcceptance?: number;
}

export interface DeliveryBenchReport {
  machine: ReturnType<typeof machineInfo>;
  settings: Record<string, string | number>;
  recoveries: RecoveryFigure[];
  redemptions: RedeemFigure[];
  bare: LoadResult;
  acceptances: AcceptanceRun[];
  anchoring: AnchoringGasFigure[];
}

/** A run meets the rate when every request was answered 200, recorded, and the completions kept up. */
export function keptUp(run: AcceptanceRun): boolean {
  return (
    run.result.ok === run.count &&
    run.rowsAccepted === run.count &&
    run.result.completedPerSecond >= 0.98 * run.rate
  );
}

export function renderDeliveryTable(report: DeliveryBenchReport, targetRate: number): string {
  const lines: string[] = [];
  const m = report.machine;
  lines.push(
    `machine: ${m.cpus} cpus (${m.cpuModel}), ${m.memoryGb} GB, node ${m.node}, load ${m.loadAverage}`,
  );
  lines.push(`settings: ${JSON.stringify(report.settings)}`, "");
  lines.push("signer recoveries, one core (recoverSigner: parse, checks, keccak)");
  for (const r of report.recoveries)
    lines.push(`  ${r.verifier.padEnd(24)} ${fmt(r.perSecond)}/s  (${r.signatures})`);
  lines.push("", "redemptions through the outbox onto the embedded chain");
  for (const r of report.redemptions) {
    lines.push(
      `  ${(r.batch === 1 ? "redeem" : `redeemBatch of ${r.batch}`).padEnd(24)} ${fmt((r.count / r.ms) * 1000)}/s  ` +
        `${fmt(r.gasPerReceipt)} gas/receipt  ${r.redeemedOnChain}/${r.count} on chain in ${r.jobs} tx`,
    );
  }
  lines.push("", "wallet-signed acceptances through the API (open loop; latency from when each was due)");
  const row = (label: string, result: LoadResult, extra = "") =>
    `  ${label.padEnd(30)} ${fmt(result.completedPerSecond).padStart(6)}/s  p50 ${result.p50Ms.toFixed(1).padStart(7)} ms  ` +
    `p99 ${result.p99Ms.toFixed(1).padStart(7)} ms  ok ${result.ok}/${result.scheduled}${extra}`;
  lines.push(row(`bare node:http at ${fmt(targetRate)}/s`, report.bare, "  (baseline)"));
  for (const run of report.acceptances) {
    lines.push(
      row(
        run.label,
        run.result,
        `  rows ${run.rowsAccepted}  queued after ${run.outboxPendingAfter}  (opened ${fmt(run.openPerSecond)}/s)` +
          (run.gatewayCpuMsPerAcceptance === undefined
            ? ""
            : `  gateway CPU ${run.gatewayCpuMsPerAcceptance.toFixed(2)} ms each (${fmt(1000 / run.gatewayCpuMsPerAcceptance)}/s a free core)`),
      ),
    );
  }
  if (report.anchoring.length > 0) {
    lines.push("", "gas per anchored receipt (one ReceiptAnchor.anchor per batch)");
    for (const a of report.anchoring) {
      lines.push(
        `  ${fmt(a.receipts).padStart(6)} receipts  ${fmt(a.anchorGas)} gas  ${a.gasPerReceipt.toFixed(1)} gas/receipt  ` +
          `${a.verifiedOnChain} proofs verified on chain`,
      );
    }
  }
  lines.push("", "targets");
  const at1000 = report.acceptances.find((run) => run.rate === 1_000);
  const atTarget = report.acceptances.filter((run) => run.rate >= ACCEPT_TARGET.perSecond);
  if (at1000) {
    const ok = keptUp(at1000) && at1000.result.p99Ms < ACCEPT_TARGET.p99MsAt1000;
    lines.push(
      `  p99 < ${ACCEPT_TARGET.p99MsAt1000} ms at 1,000/s: ${at1000.result.p99Ms.toFixed(1)} ms ${ok ? "PASS" : "MISS"}`,
    );
  }
  for (const run of atTarget) {
    lines.push(
      `  >= ${fmt(ACCEPT_TARGET.perSecond)}/s sustained (${run.label}): ${fmt(run.result.completedPerSecond)}/s ${keptUp(run) ? "PASS" : "MISS"}`,
    );
  }
  return lines.join("\n");
}

const fmt = (n: number) => Math.round(n).toLocaleString("en");
