import { expect } from "chai";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Wallet } from "ethers";
import { anvilBinary, startLocalChain, type LocalChain } from "../../../src/chain/localChain";
import { createProvider } from "../../../src/chain/provider";

describe("startLocalChain", function () {
  let dir: string;
  let port: number;
  let chain: LocalChain | undefined;

  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), "sintech-chain-"));
    port = 18900 + Math.floor(Math.random() * 300);
  });
  afterEach(async function () {
    await chain?.stop();
    chain = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function sendOutsideTheGateway(url: string): Promise<string> {
    const provider = createProvider(url, 31337, 50);
    try {
      // A sender the gateway knows nothing about, like a donor's own wallet.
      const outsider = Wallet.createRandom(provider);
      await provider.send("anvil_setBalance", [outsider.address, "0xde0b6b3a7640000"]);
      const tx = await outsider.sendTransaction({
        to: Wallet.createRandom().address,
        value: 1n,
      });
      await tx.wait();
      return tx.hash;
    } finally {
      provider.destroy();
    }
  }

  async function waitUntil(condition: () => boolean, ms: number): Promise<void> {
    for (const deadline = Date.now() + ms; !condition();) {
      if (Date.now() > deadline) throw new Error("timed out");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const savedText = (path: string) => {
    try {
      return readFileSync(path, "utf8");
    } catch {
      return "";
    }
  };

  it("saves a block it did not make within a poll, and a SIGKILLed node comes back with it", async function () {
    chain = await startLocalChain({ dataDir: dir, port, blockPollMs: 100 });
    const hash = await sendOutsideTheGateway(chain.url);
    await waitUntil(() => savedText(chain!.statePath).includes(hash.slice(2)), 5_000);
    process.kill(chain.pid, "SIGKILL");
    await waitUntil(() => {
      try {
        process.kill(chain!.pid, 0);
        return false;
      } catch {
        return true;
      }
    }, 5_000);
    JSON.parse(readFileSync(chain.statePath, "utf8")); // whole: written aside and renamed
    chain = await startLocalChain({ dataDir: dir, port });
    const provider = createProvider(chain.url, 31337);
    try {
      expect((await provider.getTransactionReceipt(hash))?.status).to.equal(1);
    } finally {
      provider.destroy();
    }
  });

  it("takes over a node a killed gateway left running: saves its newest block, stops it, and starts on its port", async function () {
    // As after a SIGKILL of the gateway's process alone: the node runs on, its newest block not yet saved.
    const orphan = await startLocalChain({ dataDir: dir, port, blockPollMs: 60_000 });
    const hash = await sendOutsideTheGateway(orphan.url);
    expect(savedText(orphan.statePath)).not.to.include(hash.slice(2));
    chain = await startLocalChain({ dataDir: dir, port });
    expect(chain.tookOver).to.deep.equal({ kind: "taken-over", pid: orphan.pid });
    expect(() => process.kill(orphan.pid, 0), "the orphan was stopped").to.throw();
    expect(chain.pid).not.to.equal(orphan.pid);
    const provider = createProvider(chain.url, 31337);
    try {
      expect((await provider.getTransactionReceipt(hash))?.status).to.equal(1);
    } finally {
      provider.destroy();
    }
    await chain.stop();
    expect(existsSync(join(dir, "chain", "node.json")), "a clean stop forgets the node").to.equal(false);
    chain = await startLocalChain({ dataDir: dir, port });
    expect(chain.tookOver).to.deep.equal({ kind: "none" });
  });

  it("kills nothing for a record whose process is gone or is another program now", async function () {
    mkdirSync(join(dir, "chain"), { recursive: true });
    const record = (pid: number) =>
      writeFileSync(
        join(dir, "chain", "node.json"),
        JSON.stringify({ pid, url: `http://127.0.0.1:${port}`, binary: anvilBinary() }),
      );
    record(process.pid); // this test's own process: alive, and not anvil
    chain = await startLocalChain({ dataDir: dir, port });
    expect(chain.tookOver).to.deep.equal({ kind: "none" });
    await chain.stop();
    record(2 ** 22 + 1); // above Linux's largest pid: no such process
    chain = await startLocalChain({ dataDir: dir, port });
    expect(chain.tookOver).to.deep.equal({ kind: "none" });
  });

  it("saves on an awaited request and on stop, so a clean restart keeps every block", async function () {
    chain = await startLocalChain({ dataDir: dir, port, blockPollMs: 60_000 });
    const hash = await sendOutsideTheGateway(chain.url);
    await chain.saveState();
    expect(savedText(chain.statePath)).to.include(hash.slice(2));
    const second = await sendOutsideTheGateway(chain.url);
    await chain.stop();
    chain = await startLocalChain({ dataDir: dir, port });
    const provider = createProvider(chain.url, 31337);
    try {
      expect((await provider.getTransactionReceipt(second))?.status).to.equal(1);
    } finally {
      provider.destroy();
    }
  });

  it("keeps every block and receipt but only the last few blocks' states, so its memory is not blocks × state", async function () {
    chain = await startLocalChain({ dataDir: dir, port, blockPollMs: 60_000, stateHistory: 4 });
    const first = await sendOutsideTheGateway(chain.url);
    const provider = createProvider(chain.url, 31337);
    try {
      const firstBlock = (await provider.getTransactionReceipt(first))!.blockNumber;
      for (let i = 0; i < 12; i++) await sendOutsideTheGateway(chain.url); // each in a block of its own
      const head = await provider.getBlockNumber();
      expect(head).to.be.at.least(firstBlock + 12);
      const operator = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
      // Unbounded (anvil's default), the state at the first block was still answered here.
      const old = await provider.send("eth_getBalance", [operator, `0x${firstBlock.toString(16)}`]).then(
        () => "answered",
        (error: unknown) => String(error),
      );
      expect(old).to.match(/out of range|BlockOutOfRange/i);
      expect(await provider.send("eth_getBalance", [operator, `0x${(head - 2).toString(16)}`])).to.match(
        /^0x/,
      );
      expect((await provider.getTransactionReceipt(first))?.status).to.equal(1);
      expect((await provider.getBlock(firstBlock))?.transactions).to.include(first);
    } finally {
      provider.destroy();
    }
  });
});
