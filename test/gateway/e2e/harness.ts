import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseUnits, toQuantity } from "ethers";
import request, { type Response } from "supertest";
import { createApiKey } from "../../../src/apiKeys";
import { loadConfig } from "../../../src/config";
import { createLogger } from "../../../src/logging";
import { bootGateway, type Gateway } from "../../../src/main/bootGateway";
import type { GatewayServices } from "../../../src/main/services";
import { registrationCounts } from "../../../src/disbursement";
import { TestSettlementToken__factory } from "../../../typechain-types";
import { OpenApiConformance } from "./openapiConformance";

/**
 * End-to-end harness: a whole gateway as `npm start` builds it (embedded anvil with state on disk, the
 * contracts deployed on first boot, the SQLite file, the HTTP server on a free port), on a fresh tmp data
 * folder. Every log line and every response body is kept, so a test can prove what left the process.
 */
export interface E2eGateway {
  dataDir: string;
  anvilPort: number;
  gateway: Gateway;
  services: GatewayServices;
  url: string;
  /** Every log line the gateway wrote, as written (after its own redaction). */
  logLines: string[];
  /** Every response body this harness received, as text. */
  responses: string[];
  /** The regulator's API key, created like `sintech start` does on a fresh data folder (or passed in). */
  regulatorKey: string;
  get(path: string, key?: string): Promise<Response>;
  post(path: string, key?: string, body?: unknown): Promise<Response>;
  /** A text/csv upload; `idempotencyKey` null sends no Idempotency-Key header. */
  postCsv(path: string, key: string, csv: string, idempotencyKey: string | null): Promise<Response>;
  /** Any other request through supertest; call `record` on its response. */
  http(): ReturnType<typeof request>;
  /** Keeps the body and checks the response against the gateway's OpenAPI document (throws if it strays). */
  record(res: Response): Response;
  /** What `record` checked so far. */
  conformance: OpenApiConformance;
  /** Stops the gateway (API, outbox drain, anvil with a state dump, database); keeps the data folder. */
  stop(): Promise<void>;
}

export interface BootE2eOptions {
  /** Reuse a data folder (a restart); a fresh tmp folder otherwise. */
  dataDir?: string;
  /** Reuse an anvil port (a restart); a free random port from 20000 otherwise. */
  anvilPort?: number;
  /** Existing log and response collectors, so a restart keeps appending to them. */
  logLines?: string[];
  responses?: string[];
  /** On a restart: the regulator key issued at the first boot. */
  regulatorKey?: string;
  /** More configuration variables (e.g. SINTECH_ANCHOR_BATCH_SECONDS). */
  env?: Record<string, string>;
  /** `debug` by default; a benchmark logs as production does (`info`, one line a request). */
  logLevel?: "debug" | "info";
}

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

export async function bootE2e(options: BootE2eOptions = {}): Promise<E2eGateway> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), "sintech-e2e-"));
  const logLines = options.logLines ?? [];
  const responses = options.responses ?? [];
  const logLevel = options.logLevel ?? "debug";
  const logger = createLogger({
    level: logLevel,
    destination: { write: (line: string) => void logLines.push(line) },
  });
  let anvilPort = options.anvilPort ?? (await freePort());
  let gateway: Gateway;
  for (let attempt = 1; ; attempt++) {
    const config = loadConfig({
      DATA_DIR: dataDir,
      PORT: "0",
      SINTECH_ANVIL_PORT: String(anvilPort),
      LOG_LEVEL: logLevel,
      // The tests read hundreds of households one by one; the per-key limit has its own tests.
      SINTECH_RATE_LIMIT_MAX: "100000",
      ...options.env,
    });
    try {
      gateway = await bootGateway(config, { logger });
      break;
    } catch (error) {
      // Another process took the random port between our probe and anvil's start: pick another one.
      const portTaken = String(error).includes("is in use");
      if (options.anvilPort !== undefined || !portTaken || attempt === 3) {
        if (options.dataDir === undefined) removeDataDir(dataDir);
        throw error;
      }
      anvilPort = await freePort();
    }
  }
  const db = gateway.services.store.sqlite;
  const regulatorKey =
    options.regulatorKey ??
    createApiKey(db, { orgId: "regulator", role: "regulator", label: "e2e regulator" }).key;
  const url = gateway.url!;
  // Every response recorded is checked against the document this gateway serves (see openapiConformance).
  const conformance = new OpenApiConformance((await request(url).get("/openapi.json")).body);
  const record = (res: Response) => {
    responses.push(res.text ?? "");
    conformance.assert(res);
    return res;
  };
  const withKey = <T extends request.Test>(test: T, key: string | undefined) =>
    key === undefined ? test : test.set(bearer(key));
  return {
    dataDir,
    anvilPort,
    gateway,
    services: gateway.services,
    url,
    logLines,
    responses,
    regulatorKey,
    get: async (path, key) => record(await withKey(request(url).get(path), key)),
    post: async (path, key, body) => {
      const test = withKey(request(url).post(path), key);
      return record(await (body === undefined ? test : test.send(body as object)));
    },
    postCsv: async (path, key, csv, idempotencyKey) => {
      let test = withKey(request(url).post(path), key).set("Content-Type", "text/csv");
      if (idempotencyKey !== null) test = test.set("Idempotency-Key", idempotencyKey);
      return record(await test.send(csv));
    },
    http: () => request(url),
    record,
    conformance,
    stop: () => gateway.stop(),
  };
}

/** Removes a data folder once the gateway on it is stopped. */
export function removeDataDir(dataDir: string): void {
  rmSync(dataDir, { recursive: true, force: true });
}

/** A port from 20000 up that nothing listens on right now. */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once("error", () => resolve(false));
      probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error("no free port found for anvil");
}

export interface Organisation {
  orgId: string;
  address: string;
  apiKey: string;
}

/** Registers an organisation through the API as the regulator. */
export async function registerOrganisation(
  gw: E2eGateway,
  role: "charity" | "donor" | "vendor" | "registrar" | "auditor" | "field_agent",
  name = `E2E ${role} ${randomUUID().slice(0, 8)}`,
): Promise<Organisation> {
  const res = await gw.post("/v1/organisations", gw.regulatorKey, { name, role });
  expect(res.status, res.text).to.equal(201);
  return {
    orgId: res.body.organisation.orgId,
    address: res.body.organisation.address,
    apiKey: res.body.apiKey,
  };
}

/** Mints test settlement tokens to an address through the outbox, as the operator (see seedDemo). */
export async function mintTokens(gw: E2eGateway, to: string, amount: string): Promise<void> {
  const { services } = gw;
  const token = TestSettlementToken__factory.createInterface();
  services.outbox.enqueue({
    idempotencyKey: `e2e:mint:${randomUUID()}`,
    kind: "token.mint",
    from: services.operator,
    to: services.settlementToken,
    data: token.encodeFunctionData("mint", [to, parseUnits(amount, 18)]),
  });
  await services.outbox.drain();
  expect(services.outbox.pendingCount()).to.equal(0);
}

/**
 * Creates an exclusivity group on chain as the operator (the embedded regulator): relief, category 1, the
 * settlement token, a minimum entitlement of one unit; admits `admit` (charities' addresses); returns its id.
 */
export async function createExclusivityGroup(
  gw: E2eGateway,
  periodDays: number,
  maxCoverages: number,
  admit: string[] = [],
): Promise<number> {
  const { services } = gw;
  const ledger = services.system.ledger;
  const group = {
    layer: 0,
    categories: 1n << 1n,
    token: services.settlementToken,
    periodLength: periodDays * 86_400,
    maxCoverages,
    minEntitlement: parseUnits("1", 18),
  };
  const job = services.outbox.enqueue({
    idempotencyKey: `e2e:group:${randomUUID()}`,
    kind: "group.create",
    from: services.operator,
    to: ledger.target as string,
    data: ledger.interface.encodeFunctionData("createExclusivityGroup", [group]),
  });
  await services.outbox.drain();
  const done = services.outbox.get(job.jobId)!;
  expect(done.status).to.equal("confirmed");
  const receipt = await services.provider.getTransactionReceipt(done.txHash!);
  const event = receipt!.logs
    .map((log) => ledger.interface.parseLog(log))
    .find((parsed) => parsed?.name === "ExclusivityGroupCreated");
  const groupId = Number(event!.args.groupId);
  if (admit.length > 0) {
    const admission = services.outbox.enqueue({
      idempotencyKey: `e2e:group:${groupId}:admit:${randomUUID()}`,
      kind: "group.admit",
      from: services.operator,
      to: ledger.target as string,
      data: ledger.interface.encodeFunctionData("setExclusivityGroupAdmission", [groupId, admit, true]),
    });
    await services.outbox.drain();
    expect(services.outbox.get(admission.jobId)!.status).to.equal("confirmed");
  }
  return groupId;
}

/** A programme body the API accepts; started a minute ago, ending in a year. */
export function programmeBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Date.now();
  return {
    name: "E2E winter food basket",
    layer: "relief",
    category: 1,
    periodDays: 30,
    capPerPeriod: "2500000",
    minGift: "100000",
    startsAt: new Date(now - 60_000).toISOString(),
    endsAt: new Date(now + 365 * 86_400_000).toISOString(),
    idempotencyKey: `programme-${randomUUID()}`,
    ...overrides,
  };
}

/** Creates a programme as `charity` and returns its on-chain id. */
export async function createProgramme(
  gw: E2eGateway,
  charity: Organisation,
  overrides: Record<string, unknown> = {},
): Promise<number> {
  const res = await gw.post("/v1/programmes", charity.apiKey, programmeBody(overrides));
  expect(res.status, res.text).to.equal(201);
  expect(res.body.status).to.equal("created");
  expect(res.body.programmeId).to.be.a("number");
  return res.body.programmeId as number;
}

/** Gives `amount` (whole tokens) from a donor that holds them. */
export async function give(
  gw: E2eGateway,
  donor: Organisation,
  programmeId: number,
  amount: string,
): Promise<number> {
  const res = await gw.post(`/v1/programmes/${programmeId}/gifts`, donor.apiKey, {
    amount,
    idempotencyKey: `gift-${randomUUID()}`,
  });
  expect(res.status, res.text).to.equal(201);
  expect(res.body.status).to.equal("received");
  return res.body.giftId as number;
}

/** Writes every enrolled household to the chain through the API and checks nothing failed. */
export async function registerOnChain(gw: E2eGateway, key: string): Promise<{ registered: number }> {
  const res = await gw.post("/v1/households/registrations", key);
  // 202 with a run to follow when households were queued; 200 when none was waiting.
  expect(res.status, res.text).to.be.oneOf([200, 202]);
  if (res.status === 202) await settle(gw, key, res);
  const counts = registrationCounts(gw.services.disbursement);
  expect(counts.queued).to.equal(0);
  expect(counts.failed).to.equal(0);
  return counts;
}

/** Counts rows of a table of the gateway's database. */
export function countRows(gw: E2eGateway, table: string): number {
  return gw.services.store.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
}

/** Writes ASCII digits in Persian (U+06F0..) or Arabic-Indic (U+0660..) digits. */
export function writeDigits(ascii: string, style: "persian" | "arabic"): string {
  const zero = style === "persian" ? 0x06f0 : 0x0660;
  return ascii.replace(/[0-9]/g, (d) => String.fromCodePoint(zero + Number(d)));
}

/** The same ID with its check digit changed, so only the checksum is wrong. */
export function wrongChecksum(id: string): string {
  return id.slice(0, 9) + String((Number(id[9]) + 1) % 10);
}

/** A one-member household body for POST /v1/households. */
export function householdBody(
  nationalIds: readonly string[],
  postalCode = "1234567891",
): { members: { nationalId: string; jobCode: string; isHead: boolean }[]; postalCode: string } {
  return {
    members: nationalIds.map((nationalId, index) => ({
      nationalId,
      jobCode: "employee",
      isHead: index === 0,
    })),
    postalCode,
  };
}

/** A disbursement CSV from rows of [national_id, amount]. */
export function disbursementCsv(rows: readonly (readonly [string, string])[]): string {
  return ["national_id,amount", ...rows.map(([id, amount]) => `${id},${amount}`)].join("\n") + "\n";
}

/** A sample's national IDs grouped by household, head first, in file order. */
export function idsByHousehold(sample: {
  nationalIds: readonly string[];
  householdSizes: readonly number[];
}) {
  const households: string[][] = [];
  let start = 0;
  for (const size of sample.householdSizes) {
    households.push(sample.nationalIds.slice(start, start + size));
    start += size;
  }
  return households;
}

/** Imports a sample CSV through the API; returns the import's id and each household's ref, in file order. */
export async function importSample(
  gw: E2eGateway,
  key: string,
  sample: { csv: string; householdSizes: readonly number[]; rowCount: number },
  idempotencyKey = `import-${randomUUID()}`,
): Promise<{ importId: string; householdRefs: string[] }> {
  const res = await gw.postCsv("/v1/households/imports", key, sample.csv, idempotencyKey);
  expect(res.status, res.text.slice(0, 500)).to.equal(201);
  expect(res.body.counts.enrolled).to.equal(sample.rowCount);
  const refs: string[] = [];
  let row = 0;
  for (const size of sample.householdSizes) {
    refs.push(res.body.rows[row].householdRef as string);
    row += size;
  }
  return { importId: res.body.importId as string, householdRefs: refs };
}

/** Every block from 0 to the head, with full transactions, as the node returns them. */
export async function allBlocks(gw: E2eGateway): Promise<RpcBlock[]> {
  const provider = gw.services.provider;
  const head = await provider.getBlockNumber();
  const blocks: RpcBlock[] = [];
  for (let start = 0; start <= head; start += 50) {
    const numbers = Array.from({ length: Math.min(50, head - start + 1) }, (_, i) => start + i);
    blocks.push(
      ...(await Promise.all(
        numbers.map((n) => provider.send("eth_getBlockByNumber", [toQuantity(n), true]) as Promise<RpcBlock>),
      )),
    );
  }
  return blocks;
}

export interface RpcTransaction {
  hash: string;
  from: string;
  to: string | null;
  input: string;
}
export interface RpcBlock {
  number: string;
  transactions: RpcTransaction[];
}

/**
 * A long job's answer (202: a disbursement or a registration run) followed to its end: drains the outbox
 * and reads the job's status route (its `Location`) until `state` is `done`. The result keeps the 202's
 * status and carries the finished job's body, so a test checks what was accepted and what it became.
 * Any other answer is returned as it is.
 */
export async function settle(gw: E2eGateway, key: string, res: Response): Promise<Response> {
  if (res.status !== 202) return res;
  const location = res.headers.location as string;
  expect(location, "a 202 names its status route").to.match(/^\/v1\//);
  for (let attempt = 0; attempt < 200; attempt++) {
    await gw.services.outbox.drain();
    const status = await gw.get(location, key);
    expect(status.status, status.text).to.equal(200);
    if (status.body.state === "done") {
      return {
        ...status,
        status: res.status,
        headers: res.headers,
        body: status.body,
        text: status.text,
      } as Response;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${location} was still running`);
}

/**
 * Closes the chain's current month for recognition as `closerKey` (an auditor's or the regulator's): first
 * refused while the month is open (400 `period_open`), then the chain's clock moved past its end and the close
 * asked again until the indexer has read past it (201). Answers the month and the close's answer.
 */
export async function closeCurrentMonth(
  gw: E2eGateway,
  closerKey: string,
): Promise<{ month: string; closed: Response }> {
  const provider = gw.services.provider;
  const latest = (await provider.getBlock("latest"))!;
  const month = new Date(latest.timestamp * 1000).toISOString().slice(0, 7);
  const [year, monthNumber] = month.split("-").map(Number) as [number, number];
  const early = await gw.post(`/v1/recognition/periods/${month}/close`, closerKey);
  expect(early.status, early.text).to.equal(400);
  expect(early.body.error.code).to.equal("period_open");
  await provider.send("evm_increaseTime", [Date.UTC(year, monthNumber, 1) / 1000 - latest.timestamp + 5]);
  await provider.send("evm_mine", []);
  let closed = early;
  for (let tries = 0; closed.status === 400; tries++) {
    expect(tries, "the indexer reads past the month's end").to.be.below(300);
    await new Promise((resolve) => setTimeout(resolve, 100));
    closed = await gw.post(`/v1/recognition/periods/${month}/close`, closerKey);
  }
  expect(closed.status, closed.text).to.equal(201);
  return { month, closed };
}

/**
 * Waits until the gateway's indexer has read every block up to the chain's head at the time of the call:
 * what the read models answer after it holds every write made before it.
 */
export async function untilIndexed(gw: E2eGateway, ms = 30_000): Promise<number> {
  const head = await gw.services.provider.getBlockNumber();
  const deadline = Date.now() + ms;
  for (;;) {
    const indexed = gw.services.store.sqlite
      .prepare("SELECT block_number FROM indexer_checkpoint WHERE id = 1")
      .pluck()
      .get() as number | undefined;
    if (indexed !== undefined && indexed >= head) return indexed;
    if (Date.now() > deadline) throw new Error(`the indexer did not reach block ${head} in ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
