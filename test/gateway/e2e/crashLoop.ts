import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { copyFileSync, renameSync } from "node:fs";
import path from "node:path";
import { ZeroAddress, dataSlice, getAddress, keccak256 } from "ethers";
import { sampleHouseholdsCsv } from "../../../src/households";
import {
  bootE2e,
  createProgramme,
  disbursementCsv,
  give,
  idsByHousehold,
  importSample,
  mintTokens,
  registerOnChain,
  registerOrganisation,
  removeDataDir,
  settle,
  type E2eGateway,
  type Organisation,
} from "./harness";

/**
 * A crash loop: a gateway started as `sintech start` does (its own process group, anvil inside it), given
 * a large disbursement, a registration and a gift at once, and SIGKILLed with its node at a random moment;
 * started again, and again. At the end a clean boot (which reconciles and drains) is checked against the
 * chain: every row the gateway reported issued, registered or received is there, once.
 */
export interface CrashLoopOptions {
  kills: number;
  /** Disbursement rows per round (fresh households, registered at setup). */
  rowsPerRound: number;
  /** Households imported and registered per round. */
  registrationsPerRound: number;
  /** The kill comes this many ms (uniformly at random in the range) after the round's requests start. */
  killAfterMs: readonly [number, number];
  /**
   * Every this many rounds (0: never) the node also comes back from the state it had when the round
   * started, as anvil did from a dump seconds old: the outbox must re-broadcast what the chain lost.
   */
  rewindEvery?: number;
  /**
   * Every this many rounds (0: never) only the gateway's own process is killed, as the out-of-memory killer
   * does: its node runs on, holding blocks not yet saved and its port, and the next start must take it over.
   * Such a round is never also a rewind.
   */
  gatewayOnlyEvery?: number;
  seed?: number;
  log?(line: string): void;
}

export interface CrashLoopReport {
  kills: number;
  /** Rows the gateway reported issued (in a response or in its database), each checked on chain. */
  rowsChecked: number;
  /** Households given more than one issuance, beneficiaries registered twice, gifts made twice. */
  duplicates: number;
  /** Reported issued, registered or received, and not on chain. */
  lost: number;
  /** On chain, and not reported by the gateway's database after the last boot (rows follow the chain). */
  unreported: number;
  registrationsChecked: number;
  giftsChecked: number;
  /** Confirmed jobs the chain had lost, re-broadcast at a boot (from the gateway's log). */
  rebroadcast: number;
  /** Boots that found the node a killed gateway left running, saved it and stopped it (from the log). */
  takenOver: number;
  /** Answers of 5xx to requests that were not cut by a kill. */
  serverErrors: number;
  /** A disbursement and a gift made after the last boot were issued and received. */
  takesNewWrites: boolean;
  seconds: number;
}

const ROOT = path.join(__dirname, "..", "..", "..");
const AMOUNT = "1";

export async function runCrashLoop(options: CrashLoopOptions): Promise<CrashLoopReport> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const random = mulberry32(options.seed ?? 1);
  const poolSize = options.rowsPerRound * (options.kills + 1);

  // Setup, in process and stopped cleanly: organisations, funds, a programme, a pool of registered households.
  let gw: E2eGateway = await bootE2e();
  const { dataDir, anvilPort, regulatorKey } = gw;
  let lastChild: Child | undefined;
  try {
    const charity = await registerOrganisation(gw, "charity");
    const donor = await registerOrganisation(gw, "donor");
    await mintTokens(gw, donor.address, "1000000000");
    const programmeId = await createProgramme(gw, charity, { capPerPeriod: "6400", minGift: "101" });
    await give(gw, donor, programmeId, "10000000");
    const pool: string[] = [];
    for (let start = 0; start < poolSize; start += 2_000) {
      const sample = sampleHouseholdsCsv({
        households: Math.min(2_000, poolSize - start),
        seed: 100 + start,
        firstIdSeed: 1_000_000 + start * 2,
        maxMembers: 2,
        digits: "ascii",
      });
      await importSample(gw, charity.apiKey, sample);
      pool.push(...idsByHousehold(sample).map((household) => household[0]!));
    }
    await registerOnChain(gw, charity.apiKey);
    log(`setup: ${pool.length} households registered, programme ${programmeId}`);
    await gw.stop();

    // The rounds: requests in flight, then a kill of the whole process group.
    const reportedIssued = new Set<string>();
    let serverErrors = 0;
    let rebroadcast = 0;
    let takenOver = 0;
    /** A client whose request was cut sends it again, with the same key, to the next gateway. */
    let outstanding: Request[] = [];
    for (let round = 0; round < options.kills; round++) {
      const every = (n: number | undefined) => (n ? round % n === n - 1 : false);
      const gatewayOnly = every(options.gatewayOnlyEvery);
      const rewind = !gatewayOnly && every(options.rewindEvery);
      const statePath = path.join(dataDir, "chain", "state.json");
      if (rewind) copyFileSync(statePath, `${statePath}.round`);
      const child = await startChild(dataDir, anvilPort);
      lastChild = child;
      rebroadcast += child.rebroadcast();
      takenOver += child.takenOver();
      const api = clientOf(child.url);
      const heads = pool.slice(round * options.rowsPerRound, (round + 1) * options.rowsPerRound);
      const disburse = async (api: Client, key: string, rows: readonly string[]): Promise<boolean> => {
        const res = await api.csv(
          `/v1/programmes/${programmeId}/disbursements`,
          charity.apiKey,
          disbursementCsv(rows.map((nationalId) => [nationalId, AMOUNT])),
          key,
        );
        if (res.status >= 500) serverErrors++;
        for (const row of (res.body?.rows ?? []) as { status: string; householdRef: string }[])
          if (row.status === "issued") reportedIssued.add(row.householdRef);
        return res.status !== 0;
      };
      const newcomers = sampleHouseholdsCsv({
        households: options.registrationsPerRound,
        seed: 5_000 + round,
        firstIdSeed: 5_000_000 + round * options.registrationsPerRound * 2,
        maxMembers: 2,
        digits: "ascii",
      });
      const register = async (api: Client, key: string): Promise<boolean> => {
        const imported = await api.csv("/v1/households/imports", charity.apiKey, newcomers.csv, key);
        if (imported.status >= 500) serverErrors++;
        if (imported.status === 0) return false;
        const registered = await api.json("/v1/households/registrations", charity.apiKey);
        if (registered.status >= 500) serverErrors++;
        return registered.status !== 0;
      };
      const gift = async (api: Client, key: string): Promise<boolean> => {
        const res = await api.json(`/v1/programmes/${programmeId}/gifts`, donor.apiKey, {
          amount: "200",
          idempotencyKey: key,
        });
        if (res.status >= 500) serverErrors++;
        return res.status !== 0;
      };
      const keys = {
        disburse: `crash-dsb-${round}`,
        import: `crash-imp-${round}`,
        gift: `crash-gift-${round}`,
      };
      // A client whose request was cut sends it again, with the same key, until it is answered.
      const requests: Request[] = [
        ...outstanding,
        (next) => disburse(next, keys.disburse, heads),
        (next) => register(next, keys.import),
        (next) => gift(next, keys.gift),
      ];
      const answered = requests.map((send) => send(api).catch(() => false));
      const work = Promise.all(answered);
      const [low, high] = options.killAfterMs;
      const delay = low + Math.floor(random() * (high - low));
      await Promise.race([work, sleep(delay)]);
      if (gatewayOnly) child.killGateway();
      else child.kill();
      await child.exited;
      api.cut();
      const done = await work;
      outstanding = requests.filter((_, index) => !done[index]);
      if (rewind) renameSync(`${statePath}.round`, statePath);
      log(
        `kill ${round + 1}/${options.kills} after ${delay} ms` +
          (rewind
            ? ", node rewound to the round's start"
            : gatewayOnly
              ? ", the gateway's process alone"
              : ""),
      );
    }

    // A last boot, in process: it reconciles and drains; then the checks and a new write.
    gw = await bootE2e({ dataDir, anvilPort, regulatorKey });
    rebroadcast += rebroadcastJobs(gw.logLines.join(""));
    takenOver += takenOverNodes(gw.logLines.join(""));
    const last = clientOf(gw.url);
    for (const send of outstanding) if (!(await send(last))) throw new Error("a retried request was cut");
    const check = await checkAgainstChain(gw, programmeId, reportedIssued);
    const takesNewWrites = await newWritesLand(
      gw,
      charity,
      donor,
      programmeId,
      pool.slice(-options.rowsPerRound),
    );
    return {
      kills: options.kills,
      ...check,
      rebroadcast,
      takenOver,
      serverErrors,
      takesNewWrites,
      seconds: Math.round((Date.now() - started) / 1000),
    };
  } finally {
    await gw.stop().catch(() => undefined);
    // A run that failed after a kill of the gateway alone leaves its node running: its group ends it.
    lastChild?.kill();
    removeDataDir(dataDir);
  }
}

type Client = ReturnType<typeof clientOf>;
/** Sends one client request; resolves false when a kill cut it. */
type Request = (api: Client) => Promise<boolean>;

/** A small HTTP client whose requests a kill cuts (status 0). */
function clientOf(url: string) {
  {
    const controller = new AbortController();
    const call = async (
      method: string,
      route: string,
      key: string,
      headers: Record<string, string>,
      body?: string,
    ) => {
      try {
        const res = await fetch(`${url}${route}`, {
          method,
          headers: { Authorization: `Bearer ${key}`, ...headers },
          body,
          signal: controller.signal,
        });
        const text = await res.text();
        return { status: res.status, body: text.startsWith("{") ? JSON.parse(text) : undefined };
      } catch {
        return { status: 0, body: undefined }; // cut by the kill
      }
    };
    return {
      csv: (route: string, key: string, csv: string, idempotencyKey: string) =>
        call("POST", route, key, { "Content-Type": "text/csv", "Idempotency-Key": idempotencyKey }, csv),
      json: (route: string, key: string, body: unknown = {}) =>
        call("POST", route, key, { "Content-Type": "application/json" }, JSON.stringify(body)),
      cut: () => controller.abort(),
    };
  }
}

/** Sums the jobs of the gateway's "re-broadcasting" log lines. */
function takenOverNodes(logText: string): number {
  return logText.split("\n").filter((line) => line.includes("an earlier gateway left running")).length;
}

function rebroadcastJobs(logText: string): number {
  let jobs = 0;
  for (const line of logText.split("\n")) {
    if (!line.includes("re-broadcasting")) continue;
    try {
      jobs += Number((JSON.parse(line) as { jobs?: number }).jobs ?? 0);
    } catch {
      // not a JSON log line
    }
  }
  return jobs;
}

interface Check {
  rowsChecked: number;
  duplicates: number;
  lost: number;
  unreported: number;
  registrationsChecked: number;
  giftsChecked: number;
}

/** Compares what the gateway reported (responses and database) with the chain's logs. */
async function checkAgainstChain(
  gw: E2eGateway,
  programmeId: number,
  reportedIssued: ReadonlySet<string>,
): Promise<Check> {
  const { services } = gw;
  const db = services.store.sqlite;
  const { ledger, registry } = services.system;
  const logsOf = async (address: string, topic: string) =>
    services.provider.getLogs({ address, topics: [topic], fromBlock: 0, toBlock: "latest" });

  // Issuance: one TransferSingle mint per household's member wallet.
  const mints = new Map<string, number>();
  const transfer = ledger.interface.getEvent("TransferSingle")!;
  // Entitlements are minted to the household's account, under the id `programmeId << 32 | period`.
  for (const entry of await logsOf(ledger.target as string, transfer.topicHash)) {
    const parsed = ledger.interface.parseLog(entry)!;
    if (parsed.args.from !== ZeroAddress || BigInt(parsed.args.id) >> 32n !== BigInt(programmeId)) continue;
    const account = (parsed.args.to as string).toLowerCase();
    mints.set(account, (mints.get(account) ?? 0) + 1);
  }
  const accountOf = (householdRef: string) => householdAccount(householdRef).toLowerCase();
  const issuedRows = db
    .prepare(
      `SELECT r.household_ref AS householdRef FROM disbursement_rows r
       JOIN chain_registrations c ON c.beneficiary_ref = r.beneficiary_ref WHERE r.status = 'issued'`,
    )
    .all() as { householdRef: string }[];
  const issuedAccounts = new Set(issuedRows.map((row) => accountOf(row.householdRef)));
  const reported = new Set([...issuedRows.map((row) => row.householdRef), ...reportedIssued]);
  let lost = 0;
  for (const householdRef of reported) if (!mints.has(accountOf(householdRef))) lost++;
  let duplicates = [...mints.values()].filter((count) => count > 1).length;
  let unreported = [...mints.keys()].filter((account) => !issuedAccounts.has(account)).length;

  // Registration: one BeneficiaryRegistered per registered beneficiary.
  const registeredOnChain = new Map<string, number>();
  const registeredEvent = registry.interface.getEvent("BeneficiaryRegistered")!;
  for (const entry of await logsOf(registry.target as string, registeredEvent.topicHash)) {
    const ref = registry.interface.parseLog(entry)!.args.beneficiaryRef as string;
    registeredOnChain.set(ref, (registeredOnChain.get(ref) ?? 0) + 1);
  }
  const registered = db
    .prepare("SELECT beneficiary_ref FROM chain_registrations WHERE status = 'registered'")
    .pluck()
    .all() as string[];
  const registeredSet = new Set(registered);
  lost += registered.filter((ref) => !registeredOnChain.has(ref)).length;
  duplicates += [...registeredOnChain.values()].filter((count) => count > 1).length;
  unreported += [...registeredOnChain.keys()].filter((ref) => !registeredSet.has(ref)).length;

  // Gifts: one GiftReceived per gift row, and no more than the gift jobs that confirmed.
  const giftEvent = ledger.interface.getEvent("GiftReceived")!;
  const giftIds = (await logsOf(ledger.target as string, giftEvent.topicHash)).map((entry) =>
    Number(ledger.interface.parseLog(entry)!.args.giftId),
  );
  const giftRows = db.prepare("SELECT gift_id FROM gifts").pluck().all() as number[];
  const onChainGifts = new Set(giftIds);
  lost += giftRows.filter((giftId) => !onChainGifts.has(giftId)).length;
  const giftJobs = db
    .prepare("SELECT count(*) FROM chain_jobs WHERE kind = 'gift.give' AND status = 'confirmed'")
    .pluck()
    .get() as number;
  duplicates += Math.max(0, giftIds.length - giftJobs);
  unreported += giftIds.length - giftRows.length;

  return {
    rowsChecked: reported.size,
    duplicates,
    lost,
    unreported,
    registrationsChecked: registered.length,
    giftsChecked: giftRows.length,
  };
}

/** After the crashes: a disbursement and a gift are answered at once and land. */
async function newWritesLand(
  gw: E2eGateway,
  charity: Organisation,
  donor: Organisation,
  programmeId: number,
  heads: readonly string[],
): Promise<boolean> {
  // A disbursement answers 202 at once; follow it to the end.
  const res = await settle(
    gw,
    charity.apiKey,
    await gw.postCsv(
      `/v1/programmes/${programmeId}/disbursements`,
      charity.apiKey,
      disbursementCsv(heads.map((nationalId) => [nationalId, AMOUNT])),
      `after-crashes-${randomUUID()}`,
    ),
  );
  const gift = await gw.post(`/v1/programmes/${programmeId}/gifts`, donor.apiKey, {
    amount: "200",
    idempotencyKey: `after-crashes-${randomUUID()}`,
  });
  return (
    res.status === 202 &&
    (res.body.rows as { status: string }[]).every((row) => row.status === "issued") &&
    gift.status === 201 &&
    gift.body.status === "received" &&
    gw.services.outbox.pendingCount() === 0
  );
}

export interface Child {
  url: string;
  exited: Promise<void>;
  /** SIGKILLs the whole process group: the gateway and its node. */
  kill(): void;
  /** SIGKILLs the gateway's process alone; its node runs on. */
  killGateway(): void;
  /** Whether this start found a node left running, saved it and stopped it. */
  takenOver(): number;
  /** How many times this run's log said it re-broadcast lost writes. */
  rebroadcast(): number;
}

/**
 * Starts `sintech start` in a process group of its own on `dataDir` (with more variables in `env`) and
 * resolves once it is listening.
 */
export async function startChild(
  dataDir: string,
  anvilPort: number,
  env: Record<string, string> = {},
): Promise<Child> {
  for (let attempt = 1; ; attempt++) {
    const child = spawn(process.execPath, [path.join(ROOT, "bin", "sintech.js"), "start"], {
      cwd: ROOT,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        PORT: "0",
        SINTECH_ANVIL_PORT: String(anvilPort),
        LOG_LEVEL: "info",
        SINTECH_RATE_LIMIT_MAX: "100000",
        ...env,
      },
    });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    let out = "";
    let err = "";
    child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (err = (err + chunk.toString()).slice(-4000)));
    const ready = await Promise.race([
      waitFor(() => out.includes("Press Ctrl+C")).then(() => true),
      exited.then(() => false),
    ]);
    if (ready) {
      const url = /API\s+(http:\/\/\S+)/.exec(out)![1]!;
      return {
        url,
        exited,
        kill: () => killGroup(child),
        killGateway: () => child.kill("SIGKILL"),
        takenOver: () => takenOverNodes(out),
        rebroadcast: () => rebroadcastJobs(out),
      };
    }
    // The node of the run just killed may still hold its port for a moment.
    if (attempt < 5 && /in use/.test(err)) {
      await sleep(500);
      continue;
    }
    throw new Error(`sintech start exited: ${err.slice(-1500)}`);
  }
}

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, "SIGKILL");
  } catch {
    // already gone
  }
}

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(50);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A small seeded generator, so a run's kill times can be replayed. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The household's account, which holds its entitlements: the low 160 bits of keccak256(householdRef). */
function householdAccount(householdRef: string): string {
  return getAddress(dataSlice(keccak256(householdRef), 12));
}
