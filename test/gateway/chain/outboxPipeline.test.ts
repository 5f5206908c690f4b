import { expect } from "chai";
import { Wallet } from "ethers";
import {
  ChainOutbox,
  PIPELINE_DEPTH,
  runOfKey,
  TRANSACTION_GAS_CAP,
  type ChainJob,
} from "../../../src/chain/outbox";
import { TestSettlementToken__factory } from "../../../typechain-types";
import { useOutboxWorld } from "./outboxFixture";

/**
 * Independent jobs of one run are signed and sent together and share a block on the embedded node: the
 * node's per-block cost grows with its whole state, so one block per batch made 100,000 households slow.
 */
describe("ChainOutbox: pipeline groups", function () {
  const world = useOutboxWorld("sintech-pipeline", 18900);

  function outbox(options: { afterSign?: (job: ChainJob) => void; blocks?: boolean } = {}): ChainOutbox {
    const box = new ChainOutbox({
      db: world.db,
      provider: world.provider,
      signers: new Map([[world.operator.address.toLowerCase(), world.operator]]),
      interfaces: [TestSettlementToken__factory.createInterface()],
      receiptTimeoutMs: 10_000,
      afterSign: options.afterSign,
      blockBuilder: options.blocks === false ? undefined : world.chain.blockBuilder,
    });
    box.on("token", { pipelineGroup: runOfKey });
    box.on("together", { pipelineGroup: runOfKey, checksTogether: true });
    box.on("solo", {});
    return box;
  }

  async function job(box: ChainOutbox, key: string, data: string, kind = "token"): Promise<ChainJob> {
    return box.enqueue({
      idempotencyKey: key,
      kind,
      from: world.operator.address,
      to: await world.token.getAddress(),
      data,
    });
  }
  const mint = (to: string, amount: bigint) => world.token.interface.encodeFunctionData("mint", [to, amount]);

  it("sends the jobs of one run together: one block, consecutive nonces, each applied once", async function () {
    const box = outbox();
    const recipients = Array.from({ length: 5 }, () => Wallet.createRandom().address);
    const jobs = [];
    for (const [i, to] of recipients.entries())
      jobs.push(await job(box, `mint:run-a:${i}`, mint(to, 10n + BigInt(i))));
    const ended = await box.drain();
    expect(ended.map((j) => j.status)).to.deep.equal(Array(5).fill("confirmed"));
    const blocks = new Set(ended.map((j) => j.blockNumber));
    expect(blocks.size).to.equal(1);
    const nonces = ended.map((j) => j.nonce!);
    expect(nonces).to.deep.equal(nonces.map((_, i) => nonces[0]! + i));
    for (const [i, to] of recipients.entries())
      expect(await world.token.balanceOf(to)).to.equal(10n + BigInt(i));
    const block = await world.provider.getBlock([...blocks][0]!);
    expect(block!.transactions).to.have.length(5);
    expect(jobs.every((j) => box.get(j.jobId)!.status === "confirmed")).to.equal(true);
  });

  it("runs each job of a group once at the gas cap, where a job alone has its gas searched", async function () {
    const box = outbox();
    const methods: string[] = [];
    const send = world.provider.send.bind(world.provider);
    world.provider.send = (method: string, params: unknown[] | Record<string, unknown>) => {
      methods.push(method === "eth_call" ? `eth_call@${(params as [{ gas?: string }])[0].gas}` : method);
      return send(method, params);
    };
    let ended: ChainJob[];
    try {
      for (let i = 0; i < 4; i++)
        await job(box, `mint:run-cap:${i}`, mint(Wallet.createRandom().address, 1n));
      await job(box, "mint-alone", mint(Wallet.createRandom().address, 1n), "solo");
      ended = await box.drain();
    } finally {
      world.provider.send = send;
    }
    expect(ended.map((j) => j.status)).to.deep.equal(Array(5).fill("confirmed"));
    const cap = `0x${TRANSACTION_GAS_CAP.toString(16)}`;
    expect(methods.filter((m) => m === `eth_call@${cap}`)).to.have.length(4);
    expect(methods.filter((m) => m === "eth_estimateGas")).to.have.length(1);
    const limits = await Promise.all(
      ended.map(async (j) => (await world.provider.getTransaction(j.txHash!))!.gasLimit),
    );
    expect(limits.slice(0, 4)).to.deep.equal(Array(4).fill(TRANSACTION_GAS_CAP));
    expect(limits[4]).to.be.below(TRANSACTION_GAS_CAP / 100n);
  });

  it("asks a group's checks together before sending its first job where its kind allows, and the fees once", async function () {
    const box = outbox();
    const methods: string[] = [];
    const send = world.provider.send.bind(world.provider);
    world.provider.send = (method: string, params: unknown[] | Record<string, unknown>) => {
      methods.push(method);
      return send(method, params);
    };
    let ended: ChainJob[];
    try {
      for (let i = 0; i < 4; i++)
        await job(box, `mint:run-together:${i}`, mint(Wallet.createRandom().address, 1n), "together");
      ended = await box.drain();
    } finally {
      world.provider.send = send;
    }
    expect(ended.map((j) => j.status)).to.deep.equal(Array(4).fill("confirmed"));
    const firstSend = methods.indexOf("eth_sendRawTransaction");
    expect(firstSend).to.be.above(-1);
    // Every check was on its way before the first job left: the node runs them while the jobs are signed.
    expect(methods.slice(0, firstSend).filter((m) => m === "eth_call")).to.have.length(4);
    expect(methods.filter((m) => m === "eth_call")).to.have.length(4);
    // ethers asks a block and the priority fee for one `getFeeData`: once for the group, not once a job.
    expect(methods.filter((m) => m === "eth_maxPriorityFeePerGas")).to.have.length(1);
    expect(new Set(ended.map((j) => j.blockNumber)).size).to.equal(1);
  });

  it("checks each batch of a kind whose batches draw on one balance on top of the ones sent before it", async function () {
    const box = outbox();
    const to = Wallet.createRandom().address;
    // The operator holds 100; three transfers of 40 each pass alone, but the third cannot follow the two.
    await (await world.token.connect(world.operator).mint(world.operator.address, 100n)).wait();
    const transfer = world.token.interface.encodeFunctionData("transfer", [to, 40n]);
    const jobs = [];
    for (let i = 0; i < 3; i++) jobs.push(await job(box, `transfer:run-budget:${i}`, transfer));
    const ended = await box.drain();
    expect(ended.map((j) => j.status)).to.deep.equal(["confirmed", "confirmed", "failed"]);
    // Refused at its check, as alone: no nonce taken, no gas spent, the contract's reason named.
    expect(box.get(jobs[2]!.jobId)!.nonce).to.equal(null);
    expect(box.get(jobs[2]!.jobId)!.error!.name).to.equal("ERC20InsufficientBalance");
    expect(await world.token.balanceOf(to)).to.equal(80n);
    expect(await world.token.balanceOf(world.operator.address)).to.equal(20n);
  });

  it("keeps runs apart: another run, another kind or a key without a run each goes in its own turn", async function () {
    const box = outbox();
    const to = Wallet.createRandom().address;
    await job(box, "mint:run-b:0", mint(to, 1n));
    await job(box, "mint:run-b:1", mint(to, 1n));
    await job(box, "mint:run-c:0", mint(to, 1n));
    await job(box, "mint:run-c:1", mint(to, 1n), "solo");
    await job(box, "mint-no-run", mint(to, 1n));
    const ended = await box.drain();
    const blockOf = (key: string) => ended.find((j) => j.idempotencyKey === key)!.blockNumber;
    expect(blockOf("mint:run-b:0")).to.equal(blockOf("mint:run-b:1"));
    const others = ["mint:run-c:0", "mint:run-c:1", "mint-no-run"].map(blockOf);
    expect(new Set([blockOf("mint:run-b:0"), ...others]).size).to.equal(4);
    expect(await world.token.balanceOf(to)).to.equal(5n);
  });

  it("fails a job of the group refused at estimation without a nonce; the rest land with no gap", async function () {
    const box = outbox();
    const to = Wallet.createRandom().address;
    await job(box, "mint:run-d:0", mint(to, 3n));
    // The world.operator holds no tokens of its own: this transfer reverts at estimation.
    const refused = await job(
      box,
      "mint:run-d:1",
      world.token.interface.encodeFunctionData("transfer", [to, 10n ** 30n]),
    );
    await job(box, "mint:run-d:2", mint(to, 4n));
    const ended = await box.drain();
    expect(ended.map((j) => j.status)).to.deep.equal(["confirmed", "failed", "confirmed"]);
    expect(box.get(refused.jobId)!.nonce).to.equal(null);
    expect(box.get(refused.jobId)!.error!.name).to.equal("ERC20InsufficientBalance");
    const [first, , third] = ended;
    expect(third!.nonce).to.equal(first!.nonce! + 1);
    expect(await world.token.balanceOf(to)).to.equal(7n);
  });

  it("lands every job exactly once after a crash in the middle of sending a group", async function () {
    const to = Wallet.createRandom().address;
    let signedSoFar = 0;
    const crashing = outbox({
      afterSign: () => {
        if (++signedSoFar === 3) throw new Error("simulated crash");
      },
    });
    for (let i = 0; i < 6; i++) await job(crashing, `mint:run-e:${i}`, mint(to, 1n));
    await expect(crashing.drain()).to.be.rejectedWith("simulated crash");
    // The node was released by the crashed run: the two sent before the crash are mined.
    const recovered = outbox();
    const ended = await recovered.drain();
    expect(ended.filter((j) => j.status === "confirmed")).to.have.length(6);
    expect(await world.token.balanceOf(to)).to.equal(6n);
    expect(recovered.pendingCount()).to.equal(0);
    // And the node mines on its own again: a transaction sent straight to it lands.
    const direct = await world.token.mint(to, 1n);
    expect((await direct.wait())!.status).to.equal(1);
  });

  it(`sends at most ${PIPELINE_DEPTH} together, and without a block builder still lands them all`, async function () {
    const box = outbox({ blocks: false });
    const to = Wallet.createRandom().address;
    for (let i = 0; i < PIPELINE_DEPTH + 3; i++) await job(box, `mint:run-f:${i}`, mint(to, 1n));
    const ended = await box.drain();
    expect(ended).to.have.length(PIPELINE_DEPTH + 3);
    expect(ended.every((j) => j.status === "confirmed")).to.equal(true);
    expect(await world.token.balanceOf(to)).to.equal(BigInt(PIPELINE_DEPTH + 3));
    const held = outbox();
    for (let i = 0; i < PIPELINE_DEPTH + 3; i++) await job(held, `mint:run-g:${i}`, mint(to, 1n));
    const together = await held.drain();
    expect(new Set(together.map((j) => j.blockNumber)).size).to.equal(2);
  });
});
