import type { Measurement } from "./scenarios";

/** A measurement beside the baseline: gas per household against one ERC-20 transfer per household. */
export interface Row extends Measurement {
  gasPerHousehold: number;
  baselinePerHousehold: number;
  /** `gasPerHousehold / baselinePerHousehold`. */
  ratioToBaseline: number;
}

export interface TargetResult {
  id: string;
  target: string;
  measured: string;
  pass: boolean;
  note?: string;
}

export interface BenchReport {
  network: string;
  blockGasLimit: number;
  baseline: { operation: string; gas: number };
  rows: Row[];
  targets: TargetResult[];
}

/** What a 500-household issuance must fit: a 30M block, and EIP-7825's per-transaction cap (Osaka). */
const REQUIRED_BLOCK_GAS = 30_000_000;
const EIP7825_TX_GAS_CAP = 16_777_216;

const round2 = (n: number) => Math.round(n * 100) / 100;
const fmt = (n: number) => (n < 100 ? n.toFixed(2) : Math.round(n).toLocaleString("en-US"));

export function toRows(measurements: readonly Measurement[], baseline: number): Row[] {
  return measurements.map((m) => ({
    ...m,
    gasPerHousehold: round2(m.gas / m.households),
    baselinePerHousehold: baseline,
    ratioToBaseline: round2(m.gas / m.households / baseline),
  }));
}

/** Holds the rows to the project's gas targets. */
export function evaluateTargets(rows: readonly Row[], blockGasLimit: number): TargetResult[] {
  const row = (id: string) => {
    const found = rows.find((r) => r.id === id);
    if (!found) throw new Error(`no measurement ${id}`);
    return found;
  };
  const register = row("register.100").gasPerHousehold;
  const issue = row("issue.100").gasPerHousehold;
  const issue500 = row("issue.500").gas;
  const [publishSmall, publishLarge] = [row("round.publish.100").gas, row("round.publish.10000").gas];
  const publishSpread = Math.abs(publishLarge - publishSmall) / Math.min(publishSmall, publishLarge);
  const redeem = Math.max(row("redeem").gas, row("redeem.firstCredit").gas);
  const batch50 = row("redeemBatch.50").gasPerHousehold;
  const [anchorSmall, anchorLarge] = [row("anchor.100"), row("anchor.10000")];
  const record = Math.max(row("timebank.record.first").gas, row("timebank.record").gas);
  const confirmBatch = Math.max(
    row("timebank.confirmBatch.100").gasPerHousehold,
    row("timebank.payFromPool.100").gasPerHousehold,
  );
  return [
    {
      id: "registration",
      target: "registration <= 50,000 gas/household at batch 100 (two new slots per beneficiary)",
      measured: fmt(register),
      pass: register <= 50_000,
      note: "ref -> wallet|status|tag and wallet -> household: the binding unique in both directions",
    },
    {
      id: "issuance",
      target: "issuance <= 30,000 gas/household at batch 100",
      measured: fmt(issue),
      pass: issue <= 30_000,
    },
    {
      id: "issuance.500.fits",
      target:
        `issueBatch of 500 fits a ${fmt(REQUIRED_BLOCK_GAS)} block (this network's: ${fmt(blockGasLimit)}) ` +
        `and EIP-7825's ${fmt(EIP7825_TX_GAS_CAP)} per-transaction cap`,
      measured: fmt(issue500),
      pass: issue500 <= Math.min(REQUIRED_BLOCK_GAS, blockGasLimit, EIP7825_TX_GAS_CAP),
    },
    {
      id: "merkle.sizeIndependent",
      target: "publishRound gas equal within 1% at 100 and 10,000 leaves",
      measured: `${fmt(publishSmall)} vs ${fmt(publishLarge)} (${(publishSpread * 100).toFixed(3)}%)`,
      pass: publishSpread <= 0.01,
    },
    {
      id: "redemption",
      target: "redemption with signature check <= 90,000 gas (the dearer of the two redemptions)",
      measured: fmt(redeem),
      pass: redeem <= 90_000,
    },
    {
      id: "redemption.batch50",
      target: "batch redemption <= 55,000 gas per receipt at a batch of 50, each receipt fully checked",
      measured: fmt(batch50),
      pass: batch50 <= 55_000,
      note: `single redeem ${fmt(row("redeem").gas)}`,
    },
    {
      id: "anchoring.perBatch",
      target: "anchoring <= 55,000 gas per batch at 100 and 10,000 receipts",
      measured: `${fmt(anchorSmall.gas)} / ${fmt(anchorLarge.gas)}`,
      pass: Math.max(anchorSmall.gas, anchorLarge.gas) <= 55_000,
    },
    {
      id: "anchoring.perReceipt",
      target: "anchoring < 6 gas per receipt at 10,000 receipts",
      measured: fmt(anchorLarge.gasPerHousehold),
      pass: anchorLarge.gasPerHousehold < 6,
    },
    {
      id: "timebank.record",
      target: "time bank: a service logged and signature-confirmed in one transaction <= 50,000 gas",
      measured: fmt(record),
      pass: record <= 50_000,
      note: "the dearer of a pair's first and a later service",
    },
    {
      id: "timebank.confirmBatch100",
      target: "time bank: coordinator batch confirmation <= 30,000 gas per service at a batch of 100",
      measured: fmt(confirmBatch),
      pass: confirmBatch <= 30_000,
      note: "the dearer of confirmByCoordinator and payFromPool; distinct givers and recipients",
    },
  ];
}

/** The human-readable table. */
export function renderTable(report: BenchReport): string {
  const header = [
    "operation",
    "tx gas",
    "households",
    "gas/household",
    "ERC-20 transfer/household",
    "x transfer",
  ];
  const body = report.rows.map((r) => [
    r.operation,
    fmt(r.gas),
    r.households.toLocaleString("en-US"),
    fmt(r.gasPerHousehold),
    fmt(r.baselinePerHousehold),
    r.ratioToBaseline.toFixed(2),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((line) => line[c].length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ");
  const targets = report.targets.map(
    (t) => `  ${t.pass ? "PASS" : "FAIL"}  ${t.target}: ${t.measured}${t.note ? ` (${t.note})` : ""}`,
  );
  return [
    `Sin Tech gas benchmark (${report.network}, block gas limit ${fmt(report.blockGasLimit)})`,
    `baseline: ${report.baseline.operation} = ${fmt(report.baseline.gas)} gas per household`,
    "",
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...body.map(line),
    "",
    "targets:",
    ...targets,
  ].join("\n");
}
