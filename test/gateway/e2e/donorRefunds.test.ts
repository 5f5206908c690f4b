import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import {
  bootE2e,
  createProgramme,
  give,
  mintTokens,
  registerOrganisation,
  removeDataDir,
  type E2eGateway,
  type Organisation,
} from "./harness";

/**
 * After a programme's end its gifts' unspent money goes back to the donor or on to the programme the donor
 * chose (`settleUnspent`, anyone may call): the timeline says how much and where, and the donor's webhook
 * is told. The node's clock is moved past the end; the indexer runs on its own timer.
 */
describe("e2e: a gift refunded or reallocated after its programme ends, in the timeline and by webhook", function () {
  this.timeout(180_000);
  let gw: E2eGateway;
  let donor: Organisation;
  let server: Server;
  const received: {
    type: string;
    data: { giftId: number; amount: string; reallocatedToGiftId: number | null };
  }[] = [];

  before(async () => {
    gw = await bootE2e({ env: { SINTECH_INDEXER_POLL_MS: "100", SINTECH_WEBHOOK_RETRY_BASE_MS: "50" } });
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      req.on("end", () => {
        received.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  after(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await gw?.stop();
    if (gw) removeDataDir(gw.dataDir);
  });

  async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it("shows the refund with its transaction, the reallocation with the new gift, and tells the donor of both", async () => {
    const charity = await registerOrganisation(gw, "charity");
    donor = await registerOrganisation(gw, "donor");
    await mintTokens(gw, donor.address, "10000000");
    const ending = await createProgramme(gw, charity, {
      endsAt: new Date(Date.now() + 120_000).toISOString(),
    });
    const running = await createProgramme(gw, charity, { name: "E2E next winter" });
    const hook = await gw.post("/v1/webhooks", donor.apiKey, {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    });
    expect(hook.status, hook.text).to.equal(201);
    const refundedGift = await give(gw, donor, ending, "200000");
    const moving = await gw.post(`/v1/programmes/${ending}/gifts`, donor.apiKey, {
      amount: "300000",
      reallocateToProgrammeId: running,
      idempotencyKey: `gift-${randomUUID()}`,
    });
    expect(moving.status, moving.text).to.equal(201);
    const movedGift = moving.body.giftId as number;

    await gw.services.provider.send("evm_increaseTime", [600]);
    await gw.services.provider.send("evm_mine", []);
    const { system, outbox, operator } = gw.services;
    for (const giftId of [refundedGift, movedGift]) {
      outbox.enqueue({
        idempotencyKey: `e2e:settle:${giftId}`,
        kind: "e2e.settleUnspent",
        from: operator,
        to: system.ledger.target as string,
        data: system.ledger.interface.encodeFunctionData("settleUnspent", [giftId]),
      });
    }
    await outbox.drain();
    expect(outbox.pendingCount()).to.equal(0);

    const refunded = await until("the refund indexed", async () => {
      const res = await gw.get(`/v1/gifts/${refundedGift}/timeline`, donor.apiKey);
      return res.body.refunded?.amount === "200000" ? res.body : undefined;
    });
    expect(refunded.held.amount).to.equal("0");
    expect(refunded.refunded.txHashes).to.have.length(1);
    const refundReceipt = await gw.services.provider.getTransactionReceipt(refunded.refunded.txHashes[0]);
    expect(refundReceipt!.status).to.equal(1);
    expect(refunded.reallocated).to.deep.equal({ amount: "0", toGiftIds: [] });

    const moved = await until("the reallocation indexed", async () => {
      const res = await gw.get(`/v1/gifts/${movedGift}/timeline`, donor.apiKey);
      return res.body.reallocated?.amount === "300000" ? res.body : undefined;
    });
    expect(moved.held.amount).to.equal("0");
    const [newGift] = moved.reallocated.toGiftIds as number[];
    const next = await gw.get(`/v1/gifts/${newGift}/timeline`, donor.apiKey);
    expect(next.status, next.text).to.equal(200);
    expect(next.body).to.deep.include({ programmeId: running });
    expect(next.body.given.amount).to.equal("300000");

    await until("both webhooks", async () => (received.length >= 2 ? true : undefined));
    expect(received.map((event) => [event.type, event.data.giftId, event.data.amount]).sort()).to.deep.equal([
      ["gift.reallocated", movedGift, "300000"],
      ["gift.refunded", refundedGift, "200000"],
    ]);
    expect(received.find((event) => event.type === "gift.reallocated")!.data.reallocatedToGiftId).to.equal(
      newGift,
    );
  });
});
