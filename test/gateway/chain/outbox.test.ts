import { expect } from "chai";
import { Wallet } from "ethers";
import { ChainOutbox, type ChainJob } from "../../../src/chain/outbox";
import { TestSettlementToken__factory } from "../../../typechain-types";
import { useOutboxWorld } from "./outboxFixture";

describe("ChainOutbox", function () {
  const world = useOutboxWorld("sintech-outbox", 18600);

  function outbox(afterSign?: (job: ChainJob) => void): ChainOutbox {
    return new ChainOutbox({
      db: world.db,
      provider: world.provider,
      signers: new Map([[world.operator.address.toLowerCase(), world.operator]]),
      interfaces: [TestSettlementToken__factory.createInterface()],
      receiptTimeoutMs: 10_000,
      afterSign,
    });
  }

  async function mintJob(box: ChainOutbox, key: string, to: string, amount: bigint): Promise<ChainJob> {
    return box.enqueue({
      idempotencyKey: key,
      kind: "mint",
      from: world.operator.address,
      to: await world.token.getAddress(),
      data: world.token.interface.encodeFunctionData("mint", [to, amount]),
    });
  }

  it("confirms queued jobs in order and applies each kind's effect in the same transaction", async function () {
    const box = outbox();
    const seen: number[] = [];
    box.on("mint", { confirmed: (job) => seen.push(job.jobId) });
    const recipient = Wallet.createRandom().address;
    const first = await mintJob(box, "mint-1", recipient, 5n);
    const second = await mintJob(box, "mint-2", recipient, 7n);
    const ended = await box.drain();
    expect(ended.map((job) => job.status)).to.deep.equal(["confirmed", "confirmed"]);
    expect(seen).to.deep.equal([first.jobId, second.jobId]);
    expect(await world.token.balanceOf(recipient)).to.equal(12n);
    expect(box.get(first.jobId)!.blockNumber).to.be.a("number");
    expect(box.pendingCount()).to.equal(0);
  });

  it("returns the existing job for a repeated idempotency key and refuses another payload under it", async function () {
    const box = outbox();
    const recipient = Wallet.createRandom().address;
    const job = await mintJob(box, "same-key", recipient, 1n);
    expect((await mintJob(box, "same-key", recipient, 1n)).jobId).to.equal(job.jobId);
    let refused: unknown;
    try {
      await mintJob(box, "same-key", recipient, 2n);
    } catch (error) {
      refused = error;
    }
    expect(refused).to.have.property("status", 409);
    expect(refused).to.have.property("field", "idempotencyKey");
  });

  it("re-broadcasts the recorded bytes after a crash between signing and broadcasting: paid once", async function () {
    const recipient = Wallet.createRandom().address;
    const crashing = outbox(() => {
      throw new Error("simulated crash");
    });
    const job = await mintJob(crashing, "crash-1", recipient, 9n);
    await expect(crashing.drain()).to.be.rejectedWith("simulated crash");
    const signed = crashing.get(job.jobId)!;
    expect(signed.status).to.equal("signed");
    expect(await world.provider.getTransactionReceipt(signed.txHash!)).to.equal(null);

    const recovered = outbox();
    await recovered.drain();
    const done = recovered.get(job.jobId)!;
    expect(done.status).to.equal("confirmed");
    expect(done.txHash).to.equal(signed.txHash);
    expect(await world.token.balanceOf(recipient)).to.equal(9n);
  });

  it("does not send twice when the crash came after broadcasting", async function () {
    const recipient = Wallet.createRandom().address;
    const job = await mintJob(outbox(), "crash-2", recipient, 4n);
    const box = outbox();
    await box.drain();
    // Pretend the process died before recording the receipt: the job is back to `signed` with its bytes.
    world.db
      .prepare("UPDATE chain_jobs SET status = 'signed', block_number = NULL WHERE job_id = ?")
      .run(job.jobId);
    await outbox().drain();
    expect(box.get(job.jobId)!.status).to.equal("confirmed");
    expect(await world.token.balanceOf(recipient)).to.equal(4n);
  });

  it("fails a job whose call reverts, naming the custom error, without using a nonce", async function () {
    const box = outbox();
    const failures: string[] = [];
    box.on("transfer", { failed: (_job, error) => failures.push(error.name) });
    const nonceBefore = await world.provider.getTransactionCount(world.operator.address, "pending");
    const job = box.enqueue({
      idempotencyKey: "overdraw",
      kind: "transfer",
      from: world.operator.address,
      to: await world.token.getAddress(),
      data: world.token.interface.encodeFunctionData("transfer", [Wallet.createRandom().address, 10n ** 30n]),
    });
    await box.drain();
    const failed = box.get(job.jobId)!;
    expect(failed.status).to.equal("failed");
    expect(failed.error!.name).to.equal("ERC20InsufficientBalance");
    expect(failures).to.deep.equal(["ERC20InsufficientBalance"]);
    expect(await world.provider.getTransactionCount(world.operator.address, "pending")).to.equal(nonceBefore);
  });

  describe("after the node lost blocks (restarted from an older state)", function () {
    /** Takes the world.chain back to before `action`, as a node restarted from a state saved before it. */
    async function lostAfter(action: () => Promise<void>): Promise<void> {
      const snapshot = (await world.provider.send("evm_snapshot", [])) as string;
      await action();
      await world.provider.send("evm_revert", [snapshot]);
    }

    it("re-broadcasts on start a job marked confirmed whose transaction the world.chain lost, byte for byte, without re-running its effect", async function () {
      const recipient = Wallet.createRandom().address;
      const seen: number[] = [];
      let job!: ChainJob;
      await lostAfter(async () => {
        const box = outbox();
        box.on("mint", { confirmed: (ended) => seen.push(ended.jobId) });
        job = await mintJob(box, "lost-1", recipient, 6n);
        await box.drain();
        expect(box.get(job.jobId)!.status).to.equal("confirmed");
      });
      const confirmed = outbox().get(job.jobId)!;
      expect(await world.provider.getTransactionReceipt(confirmed.txHash!)).to.equal(null);
      expect(await world.token.balanceOf(recipient)).to.equal(0n);

      const restarted = outbox();
      restarted.on("mint", { confirmed: (ended) => seen.push(ended.jobId) });
      const lost = await restarted.reconcile();
      expect(lost.map((one) => [one.jobId, one.status])).to.deep.equal([[job.jobId, "signed"]]);
      await restarted.drain();
      const again = restarted.get(job.jobId)!;
      expect(again.status).to.equal("confirmed");
      expect(again.txHash).to.equal(confirmed.txHash);
      expect(again.nonce).to.equal(confirmed.nonce);
      expect((await world.provider.getTransactionReceipt(again.txHash!))!.blockNumber).to.equal(
        again.blockNumber,
      );
      expect(await world.token.balanceOf(recipient)).to.equal(6n);
      expect(seen).to.deep.equal([job.jobId]); // the effect ran when it first confirmed, not again
      expect(await restarted.reconcile()).to.deep.equal([]);
    });

    it("re-broadcasts several lost jobs in nonce order and then signs new ones after them", async function () {
      const recipient = Wallet.createRandom().address;
      const jobs: ChainJob[] = [];
      await lostAfter(async () => {
        const box = outbox();
        for (let i = 0; i < 3; i++) jobs.push(await mintJob(box, `lost-many-${i}`, recipient, 1n));
        await box.drain();
      });
      const restarted = outbox();
      expect(await restarted.reconcile()).to.have.length(3);
      const later = await mintJob(restarted, "after-lost", recipient, 10n);
      await restarted.drain();
      const nonces = jobs.map((one) => restarted.get(one.jobId)!.nonce!);
      expect(restarted.get(later.jobId)!.nonce).to.equal(nonces[2]! + 1);
      expect(jobs.map((one) => restarted.get(one.jobId)!.status)).to.deep.equal([
        "confirmed",
        "confirmed",
        "confirmed",
      ]);
      expect(await world.token.balanceOf(recipient)).to.equal(13n);
    });

    it("signs a job again with a fresh nonce when another transaction took its nonce: applied once", async function () {
      const recipient = Wallet.createRandom().address;
      const seen: number[] = [];
      let job!: ChainJob;
      await lostAfter(async () => {
        const box = outbox();
        job = await mintJob(box, "taken-1", recipient, 3n);
        await box.drain();
      });
      const lostHash = outbox().get(job.jobId)!.txHash;
      // Another transaction from the same key takes the nonce the lost job held.
      await (await world.token.connect(world.operator).mint(Wallet.createRandom().address, 1n)).wait();
      const restarted = outbox();
      restarted.on("mint", { confirmed: (ended) => seen.push(ended.jobId) });
      await restarted.reconcile();
      await restarted.drain();
      const done = restarted.get(job.jobId)!;
      expect(done.status).to.equal("confirmed");
      expect(done.txHash).to.not.equal(lostHash);
      expect(await world.provider.getTransactionReceipt(lostHash!)).to.equal(null);
      expect(await world.token.balanceOf(recipient)).to.equal(3n);
      expect(seen).to.deep.equal([]); // it had confirmed before, and confirmed again: no second effect
    });

    it("fails a lost job that reverts when it lands again and runs its failed handler: the rows follow the chain", async function () {
      const recipient = Wallet.createRandom().address;
      const spender = Wallet.createRandom(world.provider);
      await world.provider.send("anvil_setBalance", [spender.address, "0xde0b6b3a7640000"]);
      await (await world.token.connect(world.operator).mint(world.operator.address, 5n)).wait();
      await (await world.token.connect(world.operator).approve(spender.address, 2n ** 255n)).wait();
      const box = outbox();
      const effects: string[] = [];
      const handlers = {
        confirmed: () => effects.push("confirmed"),
        failed: (_job: ChainJob, error: { name: string }) => effects.push(`failed:${error.name}`),
      };
      box.on("transfer", handlers);
      let job!: ChainJob;
      await lostAfter(async () => {
        job = box.enqueue({
          idempotencyKey: "lost-then-refused",
          kind: "transfer",
          from: world.operator.address,
          to: await world.token.getAddress(),
          data: world.token.interface.encodeFunctionData("transfer", [recipient, 5n]),
        });
        await box.drain();
        expect(box.get(job.jobId)!.status).to.equal("confirmed");
      });
      // Meanwhile, on the world.chain as it is now, the tokens leave by another account's transaction.
      const balance = await world.token.balanceOf(world.operator.address);
      await (
        await world.token.connect(spender).transferFrom(world.operator.address, spender.address, balance)
      ).wait();

      const restarted = outbox();
      restarted.on("transfer", handlers);
      await restarted.reconcile();
      await restarted.drain();
      const done = restarted.get(job.jobId)!;
      expect(done.status).to.equal("failed");
      expect(done.error!.name).to.equal("ERC20InsufficientBalance");
      expect((await world.provider.getTransactionReceipt(done.txHash!))!.status).to.equal(0);
      expect(effects).to.deep.equal(["confirmed", "failed:ERC20InsufficientBalance"]);
      expect(await world.token.balanceOf(recipient)).to.equal(0n);
    });

    it("fills a nonce gap no job of ours holds with an empty transaction instead of waiting forever", async function () {
      const recipient = Wallet.createRandom().address;
      let job!: ChainJob;
      await lostAfter(async () => {
        // A transaction the outbox never saw, lost with the block before the job's.
        await (await world.token.connect(world.operator).mint(Wallet.createRandom().address, 1n)).wait();
        const box = outbox();
        job = await mintJob(box, "gap-1", recipient, 8n);
        await box.drain();
      });
      const recorded = outbox().get(job.jobId)!;
      expect(await world.provider.getTransactionCount(world.operator.address, "pending")).to.equal(
        recorded.nonce! - 1,
      );
      const restarted = outbox();
      await restarted.reconcile();
      await restarted.drain();
      const done = restarted.get(job.jobId)!;
      expect(done.status).to.equal("confirmed");
      expect(done.txHash).to.equal(recorded.txHash);
      expect(restarted.filledNonces).to.equal(1);
      expect(await world.token.balanceOf(recipient)).to.equal(8n);
    });
  });

  it("waits for bytes the node already holds ('already imported') instead of failing every drain", async function () {
    const recipient = Wallet.createRandom().address;
    const crashing = outbox(() => {
      throw new Error("simulated crash");
    });
    const job = await mintJob(crashing, "pooled-1", recipient, 2n);
    await expect(crashing.drain()).to.be.rejectedWith("simulated crash");
    const signed = crashing.get(job.jobId)!;
    await world.provider.send("evm_setAutomine", [false]);
    try {
      await world.provider.send("eth_sendRawTransaction", [
        world.db.prepare("SELECT raw_tx FROM chain_jobs WHERE job_id = ?").pluck().get(job.jobId),
      ]);
      const draining = outbox().drain();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await world.provider.send("evm_mine", []);
      await draining;
    } finally {
      await world.provider.send("evm_setAutomine", [true]);
    }
    const done = crashing.get(job.jobId)!;
    expect(done.status).to.equal("confirmed");
    expect(done.txHash).to.equal(signed.txHash);
    expect(await world.token.balanceOf(recipient)).to.equal(2n);
  });
});
