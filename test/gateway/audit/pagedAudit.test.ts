import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generatedLedger, type GeneratedLedger } from "../../../scripts/bench/auditLib/generateLedger";
import { rpcAt, runAudit, type AuditResult, type AuditRpc } from "../../../src/audit";

/** What an audit concluded, without its timings. */
function verdict(result: AuditResult) {
  const { timings: _timings, ...rest } = result;
  return rest;
}

describe("audit: read in pages, recovered in a pool, replayed page by page (embedded anvil)", function () {
  this.timeout(300_000);
  let folder: string;
  let ledger: GeneratedLedger;
  let rpc: ReturnType<typeof rpcAt>;

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), "sintech-paged-audit-"));
    ledger = await generatedLedger(folder, 40, 18_746);
    rpc = rpcAt(ledger.chain.url);
  });

  after(async () => {
    rpc?.close();
    await ledger?.chain.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  const audit = (options: { rpc?: AuditRpc; workers?: number; blockRange?: number }) =>
    runAudit({
      rpc: options.rpc ?? rpc,
      addresses: ledger.addresses,
      throughBlock: ledger.throughBlock,
      workers: options.workers,
      blockRange: options.blockRange,
    });

  it("concludes the same with one block a page as in one page, with or without worker threads", async () => {
    const whole = await audit({ workers: 0 });
    const paged = await audit({ workers: 2, blockRange: 1 });
    expect(whole.findings).to.deep.equal([]);
    expect(whole.counts.redemptions).to.equal(40);
    expect(whole.counts.signaturesVerified).to.equal(40);
    expect(verdict(paged)).to.deep.equal(verdict(whole));
  });

  it("concludes the same through a node client that neither batches nor gives logs their block's time", async () => {
    const plain: AuditRpc = {
      async send<T>(method: string, params: unknown[]): Promise<T> {
        const answer = await rpc.send<T>(method, params);
        if (method !== "eth_getLogs") return answer;
        return (answer as { blockTimestamp?: string }[]).map(({ blockTimestamp: _time, ...log }) => log) as T;
      },
    };
    expect(verdict(await audit({ rpc: plain, workers: 0, blockRange: 7 }))).to.deep.equal(
      verdict(await audit({ workers: 0 })),
    );
  });

  it("refuses, readably and before reading, a block whose state the node no longer keeps", async () => {
    // The embedded node keeps the last few blocks' states (SINTECH_ANVIL_STATE_HISTORY); block 1 is long gone.
    await runAudit({ rpc, addresses: ledger.addresses, throughBlock: 1, workers: 0 }).then(
      () => expect.fail("an audit through a block without state must be refused"),
      (error: Error) =>
        expect(error.message).to.match(/keeps no state at block 1, the block audited through/),
    );
  });

  it("answers a batch in the order asked, and names the method when a call of it fails", async () => {
    const blocks = [3, 1, 2].map((n) => `0x${n.toString(16)}`);
    const batched = await rpc.batch<{ number: string }>(
      "eth_getBlockByNumber",
      blocks.map((block) => [block, false]),
    );
    expect(batched.map((block) => block.number)).to.deep.equal(blocks);
    await rpc.batch("eth_getBlockByNumber", [["0x1", false], ["not a block"]]).then(
      () => expect.fail("a failed call must fail the batch"),
      (error: Error) => expect(error.message).to.match(/^eth_getBlockByNumber: /),
    );
  });
});
