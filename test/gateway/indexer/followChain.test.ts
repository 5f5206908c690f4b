import { expect } from "chai";
import { indexOnce } from "../../../src/indexer";
import { bootE2e, registerOrganisation, removeDataDir, type E2eGateway } from "../e2e/harness";

/**
 * The chain follower against a real gateway and its embedded anvil. The timer's pass runs at boot only
 * (poll every 10 minutes), so each test drives `indexOnce` itself and the rows it sees are its own.
 */
describe("indexer: checkpointed by block, idempotent, rewound on a reorganisation", function () {
  this.timeout(120_000);
  let gw: E2eGateway;
  const db = () => gw.services.store.sqlite;
  const count = (table: string) => db().prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  const checkpoint = () =>
    db().prepare("SELECT block_number, block_hash FROM indexer_checkpoint").get() as {
      block_number: number;
      block_hash: string;
    };
  const rpc = (method: string, params: unknown[] = []) => gw.services.provider.send(method, params);

  before(async () => {
    gw = await bootE2e({ env: { SINTECH_INDEXER_POLL_MS: "600000", SINTECH_INDEXER_BLOCK_RANGE: "3" } });
  });
  after(async () => {
    await gw?.stop();
    if (gw) removeDataDir(gw.dataDir);
  });

  it("reads up to the head in ranges of at most blockRange blocks, with the checkpoint's hash", async () => {
    await registerOrganisation(gw, "vendor");
    let step = await indexOnce(gw.services.indexer, 1);
    const head = await gw.services.provider.getBlockNumber();
    // One range per pass here: at most 3 blocks further than before.
    while (!step.caughtUp) {
      const before = step.checkpoint?.blockNumber ?? -1;
      step = await indexOnce(gw.services.indexer, 1);
      expect(step.checkpoint!.blockNumber - before).to.be.at.most(3);
    }
    expect(step.checkpoint!.blockNumber).to.equal(head);
    expect(checkpoint().block_hash).to.equal((await gw.services.provider.getBlock(head))!.hash);
    const names = db().prepare("SELECT DISTINCT name FROM chain_events").pluck().all();
    expect(names).to.include("LicenceGranted");
  });

  it("changes nothing when blocks are read again from an older checkpoint", async () => {
    const tables = [
      "chain_events",
      "idx_gifts",
      "idx_gift_flows",
      "idx_redemptions",
      "idx_issuance",
      "gift_events",
    ];
    const before = tables.map(count);
    const snapshot = db().prepare("SELECT * FROM chain_events ORDER BY tx_hash, log_index").all();
    // Back to block 0 (as a restored backup of the database would be), without forgetting any row.
    db()
      .prepare("UPDATE indexer_checkpoint SET block_number = 0, block_hash = ?")
      .run((await gw.services.provider.getBlock(0))!.hash);
    let step = await indexOnce(gw.services.indexer);
    while (!step.caughtUp) step = await indexOnce(gw.services.indexer);
    expect(step.reorg).to.equal(null);
    expect(tables.map(count)).to.deep.equal(before);
    expect(db().prepare("SELECT * FROM chain_events ORDER BY tx_hash, log_index").all()).to.deep.equal(
      snapshot,
    );
  });

  it("resumes from its checkpoint after a restart", async () => {
    const kept = checkpoint();
    const { dataDir, anvilPort, logLines, responses, regulatorKey } = gw;
    await gw.stop();
    gw = await bootE2e({
      dataDir,
      anvilPort,
      logLines,
      responses,
      regulatorKey,
      env: { SINTECH_INDEXER_POLL_MS: "600000", SINTECH_INDEXER_BLOCK_RANGE: "3" },
    });
    // The boot pass may have read blocks mined since; it never goes back below the kept checkpoint.
    expect(checkpoint().block_number).to.be.at.least(kept.block_number);
    const events = count("chain_events");
    await indexOnce(gw.services.indexer);
    expect(count("chain_events")).to.equal(events);
  });

  it("finds a block replaced below its checkpoint, rewinds to the fork point, reports it and reads the new chain", async () => {
    let step = await indexOnce(gw.services.indexer);
    const fork = step.checkpoint!.blockNumber;
    const snapshotId = await rpc("evm_snapshot");
    await registerOrganisation(gw, "vendor");
    step = await indexOnce(gw.services.indexer);
    while (!step.caughtUp) step = await indexOnce(gw.services.indexer);
    const orphaned = step.checkpoint!;
    expect(orphaned.blockNumber).to.be.greaterThan(fork);
    const eventsOnOrphan = db()
      .prepare("SELECT count(*) FROM chain_events WHERE block_number > ?")
      .pluck()
      .get(fork) as number;
    expect(eventsOnOrphan).to.be.greaterThan(0);

    // The node forgets those blocks and mines others at the same heights (a deep reorganisation).
    expect(await rpc("evm_revert", [snapshotId])).to.equal(true);
    await rpc("anvil_mine", ["0x" + (orphaned.blockNumber - fork + 1).toString(16)]);
    step = await indexOnce(gw.services.indexer);
    expect(step.reorg).to.deep.equal({
      checkpointBlock: orphaned.blockNumber,
      forkBlock: fork,
      depth: orphaned.blockNumber - fork,
    });
    expect(
      db().prepare("SELECT count(*) FROM chain_events WHERE block_number > ?").pluck().get(fork),
    ).to.equal(0);
    const head = await gw.services.provider.getBlockNumber();
    expect(checkpoint()).to.deep.equal({
      block_number: head,
      block_hash: (await gw.services.provider.getBlock(head))!.hash,
    });
    const status = await gw.get("/v1/indexer/status", gw.regulatorKey);
    expect(status.status, status.text).to.equal(200);
    expect(status.body.reorgs[0]).to.include({ checkpointBlock: orphaned.blockNumber, forkBlock: fork });
    expect(status.body.lag).to.equal(0);
  });
});
