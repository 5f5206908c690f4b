import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Wallet, type JsonRpcProvider } from "ethers";
import { migrate } from "../../../src/db/migrate";
import { CHAIN_OUTBOX_SQL } from "../../../src/chain/outbox";
import { startLocalChain, type LocalChain } from "../../../src/chain/localChain";
import { createProvider } from "../../../src/chain/provider";
import { TestSettlementToken__factory, type TestSettlementToken } from "../../../typechain-types";

// Anvil's first dev account: the embedded chain's funded operator.
export const OPERATOR_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/** What an outbox test runs against: an embedded node with a test token, and a fresh outbox database per test. */
export interface OutboxWorld {
  dir: string;
  chain: LocalChain;
  provider: JsonRpcProvider;
  operator: Wallet;
  token: TestSettlementToken;
  db: BetterSqlite3.Database;
}

/**
 * Registers the mocha hooks that start one embedded node for the suite (on a random port from `portBase`)
 * and open a new outbox database for each test; the returned object is filled in by them.
 */
export function useOutboxWorld(prefix: string, portBase: number): OutboxWorld {
  const world = {} as OutboxWorld;
  before(async function () {
    world.dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
    world.chain = await startLocalChain({
      dataDir: world.dir,
      port: portBase + Math.floor(Math.random() * 300),
    });
    world.provider = createProvider(world.chain.url, world.chain.chainId, 50);
    world.operator = new Wallet(OPERATOR_KEY, world.provider);
    world.token = await new TestSettlementToken__factory(world.operator).deploy();
    await world.token.waitForDeployment();
  });
  after(async function () {
    world.provider.destroy();
    await world.chain.stop();
    rmSync(world.dir, { recursive: true, force: true });
  });
  beforeEach(function () {
    world.db = new BetterSqlite3(join(world.dir, `gateway-${Date.now()}-${Math.random()}.db`));
    migrate(world.db, [{ version: 1, name: "outbox", sql: CHAIN_OUTBOX_SQL }]);
  });
  afterEach(function () {
    world.db.close();
  });
  return world;
}
