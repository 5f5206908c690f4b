import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { apiTarget, CliError, describeFailure, gatewayUrl, optionValue, requestJson } from "./apiClient";

export const COVERAGE_USAGE = `  under-coverage --programme <id> [--period <n>] [--out <file.json>]
                                 eligible households issued nothing in the period, by coarse region
                                 (the programme's charity, the regulator or an auditor: SINTECH_API_KEY);
                                 --out writes the JSON that \`audit --under-coverage\` reads
  open-data --programme <id> [--period <n>] --out <dir>
                                 write the period's open data (aggregates only) as JSON and CSV; no key`;

/** The programme and period a coverage command is about, in the query the API takes. */
function periodQuery(args: string[], command: string): { programmeId: string; query: string } {
  const programmeId = optionValue(args, "--programme");
  if (!programmeId || !/^[1-9][0-9]*$/.test(programmeId))
    throw new CliError(`${command} needs --programme <id> (a number).`);
  const period = optionValue(args, "--period");
  if (period !== undefined && !/^(0|[1-9][0-9]*)$/.test(period))
    throw new CliError("--period must be a period number.");
  return { programmeId, query: period === undefined ? "" : `?period=${period}` };
}

interface UnderCoverageView {
  programmeId: number;
  programmeName: string;
  period: number;
  periodStartsAt: string;
  periodEndsAt: string;
  enrolled: number;
  notRegistered: number;
  eligible: number;
  covered: number;
  uncovered: number;
  regions: { region: string; eligible: number; covered: number; uncovered: number }[];
  indexedThroughBlock: number | null;
}

/** `sintech under-coverage --programme N [--period P] [--out file]`: the table, and the JSON on request. */
export async function underCoverageCommand(args: string[]): Promise<number> {
  const { programmeId, query } = periodQuery(args, "under-coverage");
  const out = optionValue(args, "--out");
  const result = await requestJson(
    apiTarget(process.env),
    "GET",
    `/v1/programmes/${programmeId}/under-coverage${query}`,
  );
  if (result.status >= 400) throw new CliError(describeFailure(result.status, result.body));
  const view = result.body as UnderCoverageView;
  const share = (part: number, whole: number) => (whole === 0 ? "-" : `${Math.round((100 * part) / whole)}%`);
  const lines = [
    `programme ${view.programmeId} (${view.programmeName}), period ${view.period} ` +
      `(${view.periodStartsAt} to ${view.periodEndsAt}), chain read through block ${view.indexedThroughBlock ?? "-"}`,
    `enrolled ${view.enrolled} (${view.notRegistered} not yet on chain), eligible ${view.eligible}, ` +
      `covered ${view.covered}, not covered ${view.uncovered} (${share(view.uncovered, view.eligible)})`,
    `${"region".padEnd(12)}${"eligible".padStart(10)}${"covered".padStart(10)}${"uncovered".padStart(11)}${"share".padStart(7)}`,
    ...view.regions.map(
      (row) =>
        `${row.region.padEnd(12)}${String(row.eligible).padStart(10)}${String(row.covered).padStart(10)}` +
        `${String(row.uncovered).padStart(11)}${share(row.uncovered, row.eligible).padStart(7)}`,
    ),
  ];
  if (out) {
    writeFileSync(resolve(out), `${JSON.stringify(view, null, 2)}\n`);
    lines.push(`written ${resolve(out)}`);
  }
  process.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}

/** `sintech open-data --programme N [--period P] --out dir`: the public JSON and CSV, fetched without a key. */
export async function openDataCommand(args: string[]): Promise<number> {
  const { programmeId, query } = periodQuery(args, "open-data");
  const out = optionValue(args, "--out");
  if (!out) throw new CliError("open-data needs --out <dir>.");
  const url = gatewayUrl(process.env);
  const path = `${url}/v1/programmes/${programmeId}/open-data`;
  const read = async (target: string) => {
    const response = await fetch(target).catch((error: unknown) => {
      throw new CliError(`Cannot reach the gateway at ${url}: ${(error as Error).message}`);
    });
    if (response.status >= 400)
      throw new CliError(describeFailure(response.status, await response.json().catch(() => null)));
    return response.text();
  };
  const json = await read(`${path}${query}`);
  // The CSV of the period the JSON answered for, even if the current period turned in between.
  const { period } = JSON.parse(json) as { period: number };
  const csv = await read(`${path}?period=${period}&format=csv`);
  const dir = resolve(out);
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `open-data-programme-${programmeId}-period-${period}`);
  writeFileSync(`${base}.json`, json.endsWith("\n") ? json : `${json}\n`);
  writeFileSync(`${base}.csv`, csv);
  process.stdout.write(`written ${base}.json and ${base}.csv\n`);
  return 0;
}
