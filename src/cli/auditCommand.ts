import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { JsonRpcProvider, Wallet } from "ethers";
import {
  anchorReport,
  htmlReport,
  parseUnderCoverage,
  reportBodyOf,
  reportFromHtml,
  rpcAt,
  runAudit,
  signReport,
  verifyReport,
  type AuditAddresses,
  type PublishedProof,
  type RegionCoverage,
  type SignedReport,
  type UnderCoverageInput,
} from "../audit";
import { CliError } from "./apiClient";

export const AUDIT_USAGE = `  audit --rpc <url> (--deployment <deployment.json> | --ledger <a> --registry <a> --licences <a>
        --anchor-contract <a> --audit-log <a> [--mandates <a>]) [--from-block <n>] [--through-block <n>]
        [--proofs <proofs.json>] [--coverage <regions.json>] [--under-coverage <file.json>]
        [--out <dir>] [--anchor]
                                 rebuild the ledger from the chain alone and check it; writes
                                 audit-<block>.json and .html signed with SINTECH_AUDITOR_KEY (or
                                 --key-file); --anchor records the report hash in the audit log;
                                 --under-coverage adds \`sintech under-coverage --out\` files (one
                                 report or a list) as their own section, beside the chain's count
                                 (exit 1 when a check fails)
  audit verify-report <report.json|.html> [--rpc <url>]
                                 check a report's hash, signature and (with --rpc) its on-chain anchor`;

function flags(args: string[]): Map<string, string | true> {
  const found = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("--")) continue;
    const next = args[i + 1];
    if (next === undefined || next.startsWith("--")) found.set(arg, true);
    else found.set(arg, args[++i]!);
  }
  return found;
}

function text(options: Map<string, string | true>, name: string): string | undefined {
  const value = options.get(name);
  if (value === true) throw new CliError(`${name} needs a value.`);
  return value;
}

function blockNumber(options: Map<string, string | true>, name: string): number | undefined {
  const value = text(options, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new CliError(`${name} must be a block number.`);
  return Number(value);
}

function readJson<T>(path: string, what: string): T {
  if (!existsSync(path)) throw new CliError(`${what}: no file at ${path}.`);
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

function addressesFrom(options: Map<string, string | true>): AuditAddresses {
  const deployment = text(options, "--deployment");
  if (deployment) return readJson<{ addresses: AuditAddresses }>(deployment, "--deployment").addresses;
  const named: [keyof AuditAddresses, string][] = [
    ["ledger", "--ledger"],
    ["registry", "--registry"],
    ["licences", "--licences"],
    ["anchor", "--anchor-contract"],
    ["auditLog", "--audit-log"],
  ];
  const addresses = {} as AuditAddresses;
  for (const [key, flag] of named) {
    const value = text(options, flag);
    if (!value || !/^0x[0-9a-fA-F]{40}$/.test(value)) {
      throw new CliError(`${flag} must be a contract address (or give --deployment <file>).`);
    }
    addresses[key] = value;
  }
  // Premium mandates approve redemptions in the beneficiary's place; a system recorded before them has none.
  const mandates = text(options, "--mandates");
  if (mandates !== undefined) {
    if (!/^0x[0-9a-fA-F]{40}$/.test(mandates)) throw new CliError("--mandates must be a contract address.");
    addresses.mandates = mandates;
  }
  return addresses;
}

function auditorKey(options: Map<string, string | true>): string {
  const file = text(options, "--key-file");
  const key = file ? readFileSync(file, "utf8").trim() : process.env.SINTECH_AUDITOR_KEY;
  if (!key || !/^(0x)?[0-9a-fA-F]{64}$/.test(key)) {
    throw new CliError("The report is signed with the auditor's key: set SINTECH_AUDITOR_KEY or --key-file.");
  }
  return key.startsWith("0x") ? key : `0x${key}`;
}

/** `sintech audit ...` and `sintech audit verify-report ...`. */
export async function auditCommand(args: string[]): Promise<number> {
  if (args[0] === "verify-report") return verifyReportCommand(args.slice(1));
  const options = flags(args);
  const url = text(options, "--rpc");
  if (!url) throw new CliError("audit needs --rpc <url> of a node of the chain.");
  const addresses = addressesFrom(options);
  const key = auditorKey(options);
  const proofsFile = text(options, "--proofs");
  const coverageFile = text(options, "--coverage");
  const proofs = proofsFile ? readJson<PublishedProof[]>(proofsFile, "--proofs") : undefined;
  const coverage = coverageFile ? readJson<RegionCoverage[]>(coverageFile, "--coverage") : undefined;
  const underCoverageFile = text(options, "--under-coverage");
  let underCoverage: UnderCoverageInput[] | undefined;
  if (underCoverageFile) {
    try {
      underCoverage = parseUnderCoverage(readJson<unknown>(underCoverageFile, "--under-coverage"));
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`--under-coverage: ${(error as Error).message}.`);
    }
  }
  const rpc = rpcAt(url);
  try {
    const result = await runAudit({
      rpc,
      addresses,
      fromBlock: blockNumber(options, "--from-block"),
      throughBlock: blockNumber(options, "--through-block"),
      proofs,
    });
    const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true });
    const auditor = new Wallet(key, provider);
    let report = await signReport(reportBodyOf(result, coverage, underCoverage), auditor);
    const out = resolve(text(options, "--out") ?? ".");
    mkdirSync(out, { recursive: true });
    const jsonPath = join(out, `audit-${result.throughBlock}.json`);
    if (options.get("--anchor") === true) {
      report = { ...report, anchor: await anchorReport(report, auditor, basename(jsonPath)) };
    }
    provider.destroy();
    writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(out, `audit-${result.throughBlock}.html`), htmlReport(report));
    process.stdout.write(summary(report, jsonPath));
    return report.body.passed ? 0 : 1;
  } finally {
    rpc.close();
  }
}

function summary(report: SignedReport, jsonPath: string): string {
  const { body } = report;
  const lines = [
    `audit of chain ${body.chainId}, blocks ${body.fromBlock}-${body.throughBlock}: ${body.counts.events} events, ` +
      `${body.counts.redemptions} redemptions, ${body.counts.signaturesVerified} signatures re-verified, ` +
      `${body.counts.proofsChecked} proofs checked`,
    ...Object.entries(body.checks).map(
      ([check, outcome]) =>
        `  ${outcome.passed ? "ok  " : "FAIL"} ${check}${outcome.passed ? "" : ` (${outcome.findings})`}`,
    ),
    ...body.findings.map(
      (finding) =>
        `  ${finding.check}: ${finding.message}${
          finding.event
            ? ` [${finding.event.name} tx ${finding.event.txHash} log ${finding.event.logIndex}]`
            : ""
        }`,
    ),
    ...(body.underCoverage ?? []).map(
      (section) =>
        `  under-coverage of programme ${section.programmeId}, period ${section.period}: ${section.uncovered} of ` +
        `${section.eligible} eligible households not covered; ${section.issuedOnChain} issued on chain` +
        `${section.consistentWithChain ? "" : ` but the gateway reports ${section.issuedHouseholds}`}`,
    ),
    `report ${jsonPath} (hash ${report.reportHash}, signed by ${report.auditor}${
      report.anchor ? `, anchored in ${report.anchor.txHash}` : ""
    })`,
  ];
  return `${lines.join("\n")}\n`;
}

async function verifyReportCommand(args: string[]): Promise<number> {
  const file = args.find((arg) => !arg.startsWith("--"));
  if (!file || !existsSync(file))
    throw new CliError("verify-report needs the path of a report (.json or .html).");
  const options = flags(args);
  const raw = readFileSync(file, "utf8");
  const report = (file.endsWith(".html") ? reportFromHtml(raw) : JSON.parse(raw)) as SignedReport;
  const url = text(options, "--rpc");
  const rpc = url ? rpcAt(url) : undefined;
  try {
    const verdict = await verifyReport(report, rpc);
    process.stdout.write(
      `${JSON.stringify({ reportHash: report.reportHash, auditor: report.auditor, ...verdict }, null, 2)}\n`,
    );
    return verdict.valid ? 0 : 1;
  } finally {
    rpc?.close();
  }
}
