import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Wallet, hexlify, randomBytes, type JsonRpcProvider } from "ethers";
import { DEFAULT_DEPLOY_DELAYS, deployAidSystem, type AidSystem } from "../../../deploy/system";
import { ANCHOR_JOB, anchorHandlers, type AnchoringDeps, type BatchPolicy } from "../../../src/anchoring";
import { ChainOutbox, type ChainJob } from "../../../src/chain/outbox";
import { startLocalChain, type LocalChain } from "../../../src/chain/localChain";
import { createProvider } from "../../../src/chain/provider";
import { openSqliteStore, type SqliteStore } from "../../../src/db";
import { contractInterfaces } from "../../../src/main/contractInterfaces";

/** Anvil's first dev account: funded on a fresh node. */
const OPERATOR_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const REGISTRAR_LICENCE = 5;
const ALL_LAYERS = 7;
const ALL_CATEGORIES = (1n << 256n) - 1n;

/**
 * A world for the anchoring room on its own: an anvil node with the deployed system and the operator
 * licensed as registrar, a real SQLite file with the gateway's schema, one programme of one charity and
 * some enrolled households (rows as the programmes and households rooms write them). Each `open()` is one
 * gateway process on the same database: a test closes one and opens another to restart.
 */
export interface AnchoringWorld {
  dir: string;
  provider: JsonRpcProvider;
  operator: Wallet;
  system: AidSystem;
  programmeId: number;
  charityOrgId: string;
  householdRefs: string[];
  open(options?: OpenOptions): GatewayProcess;
  stop(): Promise<void>;
}

export interface OpenOptions {
  policy?: BatchPolicy;
  now?: () => Date;
  /** Thrown from the outbox after a job's signed bytes are recorded, before they are sent: a crash. */
  afterSign?: (job: ChainJob) => void;
  receiptTimeoutMs?: number;
}

export interface GatewayProcess {
  store: SqliteStore;
  outbox: ChainOutbox;
  deps: AnchoringDeps;
  close(): void;
}

export async function anchoringWorld(households = 8): Promise<AnchoringWorld> {
  const dir = mkdtempSync(join(tmpdir(), "sintech-anchoring-"));
  const chain: LocalChain = await startLocalChain({
    dataDir: dir,
    port: 21_000 + Math.floor(Math.random() * 9_000),
  });
  const provider = createProvider(chain.url, chain.chainId, 20);
  const operator = new Wallet(OPERATOR_KEY, provider);
  const system = await deployAidSystem(operator, {
    council: [operator.address],
    regulators: [operator.address],
    ...DEFAULT_DEPLOY_DELAYS,
  });
  const now = (await provider.getBlock("latest"))!.timestamp;
  await (
    await system.licences.grantLicence(
      operator.address,
      REGISTRAR_LICENCE,
      ALL_LAYERS,
      ALL_CATEGORIES,
      now - 60,
      now + 10 * 365 * 86_400,
      "",
    )
  ).wait();

  const dbPath = join(dir, "gateway.db");
  const seed = openSqliteStore(dbPath);
  const charityOrgId = "org_anchoring_charity";
  const householdRefs = Array.from({ length: households }, () => hexlify(randomBytes(32)));
  seedRows(seed, charityOrgId, householdRefs);
  seed.close();

  const processes = new Set<GatewayProcess>();
  return {
    dir,
    provider,
    operator,
    system,
    programmeId: 1,
    charityOrgId,
    householdRefs,
    open(options = {}) {
      const store = openSqliteStore(dbPath);
      const outbox = new ChainOutbox({
        db: store.sqlite,
        provider,
        signers: new Map([[operator.address.toLowerCase(), operator]]),
        interfaces: contractInterfaces(),
        receiptTimeoutMs: options.receiptTimeoutMs ?? 20_000,
        afterSign: options.afterSign,
      });
      const deps: AnchoringDeps = {
        db: store.sqlite,
        outbox,
        anchor: system.anchor,
        registrar: operator.address,
        policy: options.policy ?? { batchSize: 1_000, maxAgeMs: 600_000 },
        now: options.now ?? (() => new Date()),
      };
      outbox.on(ANCHOR_JOB, anchorHandlers(deps));
      const process: GatewayProcess = {
        store,
        outbox,
        deps,
        close() {
          processes.delete(process);
          store.close();
        },
      };
      processes.add(process);
      return process;
    },
    async stop() {
      for (const process of [...processes]) process.close();
      provider.destroy();
      await chain.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The rows the organisations, programmes and households rooms would have written for one programme. */
function seedRows(store: SqliteStore, charityOrgId: string, householdRefs: readonly string[]): void {
  const db = store.sqlite;
  const at = new Date().toISOString();
  db.transaction(() => {
    const job = db
      .prepare(
        `INSERT INTO chain_jobs (idempotency_key, kind, from_address, to_address, data, status, created_at, updated_at)
         VALUES ('seed:programme', 'programme.create', '0x00', '0x00', '0x', 'confirmed', ?, ?)`,
      )
      .run(at, at).lastInsertRowid;
    db.prepare(
      `INSERT INTO organisations (org_id, name, role, address, layers, categories, created_at)
       VALUES (?, 'Anchoring charity', 'charity', ?, 7, '[]', ?)`,
    ).run(charityOrgId, Wallet.createRandom().address.toLowerCase(), at);
    db.prepare(
      `INSERT INTO programme_requests (request_id, org_id, idempotency_key, params_json, job_id, programme_id, created_at)
       VALUES ('req_seed', ?, 'seed', '{}', ?, 1, ?)`,
    ).run(charityOrgId, job, at);
    db.prepare(
      `INSERT INTO programmes (programme_id, request_id, org_id, name, layer, category, group_id, period_length, cap,
         min_gift, starts_at, ends_at, created_at) VALUES (1, 'req_seed', ?, 'Winter clinic visits', 'relief', 1, 0,
         2592000, '2500000', '100000', 0, 4102444800, ?)`,
    ).run(charityOrgId, at);
    const household = db.prepare(
      "INSERT INTO households (household_ref, pepper_version, created_at, enrolled_by) VALUES (?, 1, ?, ?)",
    );
    for (const ref of householdRefs) household.run(ref, at, charityOrgId);
  })();
}
