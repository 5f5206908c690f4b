import { JsonRpcProvider, parseUnits } from "ethers";
import { TestSettlementToken__factory } from "../../../typechain-types";
import type { Api } from "./api";
import { AMOUNT_PER_HOUSEHOLD, CAP_PER_PERIOD, periodDaysClearOfBoundary, type Fixture } from "./fixtures";
import { cpuMeter, type CpuSplit } from "./processCpu";
import { progress } from "./progress";

export interface Phase {
  name: string;
  ms: number;
  detail: string;
  /** CPU seconds the gateway and the chain node used in the phase: where the time went. */
  cpu: CpuSplit;
}

export interface BenchPids {
  gateway: number;
  chain?: number;
}

export interface EnrolAndFundResult {
  setup: Phase[];
  phases: Phase[];
  totalMs: number;
  programmeId: number;
  /** The programme's period at creation: the run must end in it, or its first issuance has expired. */
  period: number;
  disbursementId: string;
  /** Each household's reference and its head's beneficiary reference, in file order. */
  households: { householdRef: string; headRef: string }[];
  issued: number;
}

interface Org {
  organisation: { orgId: string; address: string };
  apiKey: string;
}
interface ImportReport {
  counts: { rows: number; enrolled: number; householdsEnrolled: number };
  rows: { status: string; beneficiaryRef: string | null; householdRef: string | null }[];
}
interface JobProgress {
  rows: number;
  done: number;
  refused: number;
  pending: number;
  chainWritesPending: number;
}
interface LongJob {
  state: "running" | "done";
  progress: JobProgress;
}
interface Registered extends LongJob {
  registrationId: string | null;
}
interface Created {
  status: string;
  programmeId: number | null;
}
interface Gift {
  status: string;
  giftId: number | null;
}
interface Disbursement extends LongJob {
  disbursementId: string;
  counts: Record<string, number>;
}

/** Households per import request: their CSV stays far below the 64 MB upload limit. */
export const HOUSEHOLDS_PER_IMPORT = 25_000;
interface Status {
  contracts: { settlementToken: string };
}

/**
 * Phase 1, all through the HTTP API except the test token's mint (anyone may mint it, as seedDemo does):
 * enrol the CSV, register on chain, create and fund a programme, disburse to every household by CSV.
 * Every step's answer is checked, so a fast figure cannot come from work that was refused.
 */
export async function enrolAndFund(
  api: Api,
  regulatorKey: string,
  chainUrl: string,
  fixture: Fixture,
  pids: BenchPids,
) {
  const households = fixture.sample.householdCount;
  const setup: Phase[] = [];
  const phases: Phase[] = [];
  const timed = async <T>(list: Phase[], name: string, run: () => Promise<T>, detail: (t: T) => string) => {
    progress(`${name}...`);
    const started = performance.now();
    const cpu = cpuMeter(pids);
    const value = await run();
    const phase = { name, ms: performance.now() - started, detail: detail(value), cpu: cpu() };
    progress(`${name}: ${(phase.ms / 1000).toFixed(2)} s (${phase.detail})`);
    list.push(phase);
    return value;
  };
  const org = (name: string, role: string) =>
    api.postJson<Org>("/v1/organisations", regulatorKey, { name, role });
  const [charity, donor] = await timed(
    setup,
    "organisations (charity, donor)",
    async () => [await org("Bench Relief Society", "charity"), await org("Bench Donor Trust", "donor")],
    () => "2 registered, charity licensed on chain",
  );

  const started = performance.now();
  const refs: { householdRef: string; headRef: string }[] = [];
  const report = await timed(
    phases,
    "enrol (CSV import)",
    async () => {
      const total = { householdsEnrolled: 0, enrolled: 0, rows: 0, parts: 0 };
      for (const part of importParts(fixture)) {
        const answer = await api.postCsv<ImportReport>(
          "/v1/households/imports",
          charity.apiKey,
          part.csv,
          `bench-import-${++total.parts}`,
        );
        total.householdsEnrolled += answer.counts.householdsEnrolled;
        total.enrolled += answer.counts.enrolled;
        total.rows += answer.counts.rows;
        for (const row of part.headRows) {
          refs.push({
            householdRef: answer.rows[row]!.householdRef!,
            headRef: answer.rows[row]!.beneficiaryRef!,
          });
        }
      }
      return total;
    },
    (r) => `${r.householdsEnrolled} households, ${r.enrolled}/${r.rows} rows in ${r.parts} file(s)`,
  );
  check(report.householdsEnrolled === households, `enrolled ${report.householdsEnrolled}`);
  check(report.enrolled === fixture.sample.rowCount, `rows enrolled ${report.enrolled}`);
  const registered = await timed(
    phases,
    "register on chain",
    async () => {
      const accepted = await api.postJson<Registered>("/v1/households/registrations", charity.apiKey, {});
      check(accepted.registrationId !== null, "no registration run was started");
      return untilDone(api, `/v1/households/registrations/${accepted.registrationId}`, charity.apiKey);
    },
    (r) => `${r.progress.done} registered, ${r.progress.refused} failed (202, then polled)`,
  );
  check(
    registered.progress.done === households && registered.progress.refused === 0,
    `registered ${registered.progress.done}`,
  );

  const periodDays = periodDaysClearOfBoundary(Math.floor(Date.now() / 1000));
  const period = Math.floor(Date.now() / 1000 / (periodDays * 86_400));
  const created = await timed(
    phases,
    "create programme",
    () =>
      api.postJson<Created>("/v1/programmes", charity.apiKey, {
        name: "Bench relief round",
        layer: "relief",
        category: 1,
        periodDays,
        capPerPeriod: CAP_PER_PERIOD,
        minGift: "100000",
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: new Date(Date.now() + 365 * 86_400_000).toISOString(),
        idempotencyKey: "bench-programme-1",
      }),
    (r) => `programme ${r.programmeId}`,
  );
  check(created.status === "created" && created.programmeId !== null, `programme ${created.status}`);
  const programmeId = created.programmeId!;
  const total = AMOUNT_PER_HOUSEHOLD * BigInt(households);
  const gift = await timed(
    phases,
    "fund (mint + gift)",
    async () => {
      await mintTo(api, regulatorKey, chainUrl, donor.organisation.address, total);
      return api.postJson<Gift>(`/v1/programmes/${programmeId}/gifts`, donor.apiKey, {
        amount: total.toString(),
        idempotencyKey: "bench-gift-1",
      });
    },
    (r) => `gift ${r.giftId} of ${total} (${r.status})`,
  );
  check(gift.status === "received", `gift ${gift.status}`);

  const disbursement = await timed(
    phases,
    "disburse (CSV)",
    async () => {
      const accepted = await api.postCsv<Disbursement>(
        `/v1/programmes/${programmeId}/disbursements`,
        charity.apiKey,
        fixture.disbursementCsv,
        "bench-disburse-1",
      );
      return untilDone<Disbursement>(
        api,
        `/v1/disbursements/${accepted.disbursementId}?limit=1`,
        charity.apiKey,
      );
    },
    (r) => `${r.counts.issued} issued, ${households - r.counts.issued} not (202, then polled)`,
  );
  const totalMs = performance.now() - started;
  check(disbursement.counts.issued === households, `issued ${disbursement.counts.issued}`);

  const result: EnrolAndFundResult = {
    setup,
    phases,
    totalMs,
    programmeId,
    period,
    disbursementId: disbursement.disbursementId,
    households: refs,
    issued: disbursement.counts.issued,
  };
  return { result, charityKey: charity.apiKey };
}

/** The embedded test rial lets anyone mint: an unlocked anvil account pays the gas. */
async function mintTo(api: Api, key: string, chainUrl: string, to: string, wholeTokens: bigint) {
  const { settlementToken } = (await api.get<Status>("/v1/status", key)).contracts;
  const provider = new JsonRpcProvider(chainUrl, undefined, { staticNetwork: true });
  try {
    const token = TestSettlementToken__factory.connect(settlementToken, await provider.getSigner(0));
    const decimals = Number(await token.decimals());
    const tx = await token.mint(to, parseUnits(wholeTokens.toString(), decimals));
    // Polled directly: tx.wait() waits for a later block, which an automining node may never produce.
    for (let delay = 5; !(await provider.getTransactionReceipt(tx.hash)); delay = Math.min(delay * 2, 100))
      await new Promise((resolve) => setTimeout(resolve, delay));
  } finally {
    provider.destroy();
  }
}

export function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`verification failed: ${what}`);
}

/** Polls a long job's status route until it is done: the time of a phase includes every chain write. */
async function untilDone<T extends LongJob = LongJob>(api: Api, path: string, key: string): Promise<T> {
  for (;;) {
    const status = await api.get<T>(path, key);
    if (status.state === "done") return status;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * The fixture's CSV cut at household boundaries into files of `HOUSEHOLDS_PER_IMPORT` households, each
 * with its header, and each household head's row index within its file.
 */
function* importParts(fixture: Fixture): Generator<{ csv: string; headRows: number[] }> {
  const lines = fixture.sample.csv.split("\n");
  const header = lines[0]!;
  const { headRows, sample } = fixture;
  for (let first = 0; first < headRows.length; first += HOUSEHOLDS_PER_IMPORT) {
    const last = Math.min(first + HOUSEHOLDS_PER_IMPORT, headRows.length);
    const startRow = headRows[first]!;
    const endRow = last < headRows.length ? headRows[last]! : sample.rowCount;
    yield {
      csv: `${header}\n${lines.slice(1 + startRow, 1 + endRow).join("\n")}\n`,
      headRows: headRows.slice(first, last).map((row) => row - startRow),
    };
  }
}
