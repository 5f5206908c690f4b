import { expect } from "chai";
import { createServer, get as httpGet, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { verifySignature } from "../../../src/indexer";
import { bootE2e, mintTokens, registerOrganisation, removeDataDir, type Organisation } from "./harness";
import { deliveryWorld, openDelivery, PIN, settled, type DeliveryWorld } from "./deliveryFixture";

const ENV = {
  SINTECH_INDEXER_POLL_MS: "100",
  SINTECH_WEBHOOK_RETRY_BASE_MS: "50",
  SINTECH_ANCHOR_BATCH_SECONDS: "1",
};

interface Received {
  eventId: string;
  signature: string;
  body: string;
  status: number;
}

/** A donor's webhook receiver on a real local port: answers 500 to the first `failFirst` tries of each event. */
async function receiver(failFirst: number) {
  const received: Received[] = [];
  const tries = new Map<string, number>();
  let down = false;
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      const eventId = String(req.headers["sintech-event-id"]);
      const n = (tries.get(eventId) ?? 0) + 1;
      tries.set(eventId, n);
      const status = down || n <= failFirst ? 500 : 200;
      received.push({ eventId, signature: String(req.headers["sintech-signature"]), body, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    setDown: (value: boolean) => (down = value),
    delivered: () => [...new Set(received.filter((r) => r.status === 200).map((r) => r.eventId))],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("e2e: donors follow their gift (indexer timeline, receipt codes, SSE, signed webhooks)", function () {
  this.timeout(240_000);
  let world: DeliveryWorld;
  let otherDonor: Organisation;
  let hook: Awaited<ReturnType<typeof receiver>>;
  let hookSecret: string;
  const streamed: string[] = [];
  let stream: IncomingMessage | undefined;
  const redemptionTxs: string[] = [];

  const timeline = (key: string, giftId = world.giftIds[0]!) =>
    world.gw.get(`/v1/gifts/${giftId}/timeline`, key);
  const deliver = async (index: number) => {
    const household = world.households[index]!;
    const delivery = await openDelivery(world, { householdRef: household.householdRef, amount: "1000" });
    const res = await world.gw.post(`/v1/deliveries/${delivery.deliveryId}/acceptance`, world.vendor.apiKey, {
      pin: PIN,
    });
    expect(res.status, res.text).to.equal(200);
    const done = await settled(world, delivery.deliveryId);
    expect(done.state).to.equal("redeemed");
    redemptionTxs.push(done.redemption!.txHash);
  };
  const deliveredCount = async (n: number) =>
    until(`${n} deliveries in the timeline`, async () => {
      const res = await timeline(world.donor.apiKey);
      return res.status === 200 && res.body.deliveries.length === n ? res.body : undefined;
    });

  before(async () => {
    world = await deliveryWorld(6, 940_000, { env: ENV });
    otherDonor = await registerOrganisation(world.gw, "donor");
    hook = await receiver(2);
    const registered = await world.gw.post("/v1/webhooks", world.donor.apiKey, { url: hook.url });
    expect(registered.status, registered.text).to.equal(201);
    hookSecret = registered.body.secret;
  });
  after(async () => {
    stream?.destroy();
    await hook?.close();
    await world?.gw.stop();
    if (world) removeDataDir(world.gw.dataDir);
  });

  it("shows the donor its gift given, held and the programme's entitlements; other donors get 404 like an unknown gift", async () => {
    const body = await until("the gift indexed", async () => {
      const res = await timeline(world.donor.apiKey);
      return res.status === 200 && res.body.entitlementsIssued.households === 6 ? res.body : undefined;
    });
    expect(body.given.amount).to.equal("20000000");
    expect(body.held.amount).to.equal("20000000");
    expect(body.entitlementsIssued.amount).to.equal("6000000");
    expect(body.deliveries).to.deep.equal([]);
    expect(body.households).to.deep.equal({ reached: 0, regions: [] });

    const foreign = await timeline(otherDonor.apiKey);
    const unknown = await world.gw.get("/v1/gifts/999999/timeline", otherDonor.apiKey);
    expect(foreign.status).to.equal(404);
    expect({ ...foreign.body.error, requestId: "" }).to.deep.equal({ ...unknown.body.error, requestId: "" });
    expect((await timeline(world.charity.apiKey)).status).to.equal(200);
    expect((await timeline(world.otherCharity.apiKey)).status).to.equal(404);
    expect((await timeline(world.auditor.apiKey)).status).to.equal(200);
  });

  it("streams the gift's events to its donor as they are indexed (server-sent events)", async () => {
    const url = new URL(`/v1/gifts/${world.giftIds[0]}/events`, world.gw.url);
    stream = await new Promise<IncomingMessage>((resolve, reject) =>
      httpGet(url, { headers: { Authorization: `Bearer ${world.donor.apiKey}` } }, resolve).on(
        "error",
        reject,
      ),
    );
    expect(stream.statusCode).to.equal(200);
    expect(stream.headers["content-type"]).to.match(/^text\/event-stream/);
    stream.on("data", (chunk: Buffer) => streamed.push(chunk.toString("utf8")));
  });

  it("after two deliveries: amounts per vendor, each delivery with its transaction, two households shown only as 'other'", async () => {
    await deliver(0);
    await deliver(1);
    const body = await deliveredCount(2);
    expect(body.redeemed.amount).to.equal("2000");
    expect(body.held.amount).to.equal("19998000");
    expect(body.redeemed.vendors).to.deep.equal([
      {
        vendor: world.vendor.address.toLowerCase(),
        vendorOrgId: world.vendor.orgId,
        vendorName: body.redeemed.vendors[0].vendorName,
        amount: "2000",
        deliveries: 2,
      },
    ]);
    expect(body.deliveries.map((d: { txHash: string }) => d.txHash).sort()).to.deep.equal(
      [...redemptionTxs].sort(),
    );
    expect(
      body.deliveries.every(
        (d: { status: string; amount: string }) => d.status === "confirmed" && d.amount === "1000",
      ),
    ).to.equal(true);
    expect(body.households).to.deep.equal({ reached: 2, regions: [{ region: "other", households: 2 }] });
    // No household reference, member reference or personal data in what the donor reads.
    const text = JSON.stringify(body);
    for (const household of world.households) {
      for (const secret of [
        household.householdRef,
        household.headRef,
        household.memberRef,
        household.nationalId,
        household.phone,
        "1234567891",
      ])
        expect(text).to.not.include(secret);
    }
  });

  it("names a region once five households or more were reached in it (the small-count rule)", async () => {
    for (const index of [2, 3, 4, 5]) await deliver(index);
    const body = await deliveredCount(6);
    expect(body.households).to.deep.equal({ reached: 6, regions: [{ region: "postal-12", households: 6 }] });
    expect(body.deliveryCount).to.equal(6);
    const blocks = body.deliveries.map((d: { blockNumber: number }) => d.blockNumber);
    expect(blocks).to.deep.equal([...blocks].sort((a, b) => b - a));
  });

  it("sent every delivery once on the stream and by webhook: signed, retried after 500s, one stable id per event", async () => {
    const ids = await until("six events delivered by webhook", () =>
      hook.delivered().length === 6 ? hook.delivered() : undefined,
    );
    for (const attempt of hook.received) {
      expect(
        verifySignature(hookSecret, attempt.signature, attempt.body, Math.floor(Date.now() / 1000)),
        attempt.signature,
      ).to.equal(true);
      expect(
        verifySignature(hookSecret, attempt.signature, attempt.body + " ", Math.floor(Date.now() / 1000)),
      ).to.equal(false);
      const parsed = JSON.parse(attempt.body);
      expect(parsed.id).to.equal(attempt.eventId);
      expect(parsed.type).to.equal("gift.delivered");
      expect(parsed.data.giftId).to.equal(world.giftIds[0]);
    }
    for (const id of ids) {
      const tries = hook.received.filter((r) => r.eventId === id).map((r) => r.status);
      expect(tries).to.deep.equal([500, 500, 200]);
    }
    const sse = streamed.join("");
    const sseIds = [...sse.matchAll(/^id: (evt_[0-9a-f]{32})$/gm)].map((m) => m[1]);
    expect([...sseIds].sort()).to.deep.equal([...ids].sort());
    expect(new Set(sseIds).size).to.equal(6);
    const txs = [...sse.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1]!).txHash as string);
    expect([...new Set(txs)].sort()).to.deep.equal([...new Set(redemptionTxs)].sort());
  });

  it("opens a cash donor's gift by its receipt code and the secret in a header; a wrong secret looks like no code", async () => {
    const { gw, charity } = world;
    await mintTokens(gw, charity.address, "1000000");
    const recorded = await gw.post(`/v1/programmes/${world.programmeId}/gifts`, charity.apiKey, {
      amount: "500000",
      donorReference: "RCPT-2026-0042",
      idempotencyKey: `cash-${randomUUID()}`,
    });
    expect(recorded.status, recorded.text).to.equal(201);
    const giftId = recorded.body.giftId as number;
    await until("the cash gift indexed", async () =>
      (await timeline(charity.apiKey, giftId)).status === 200 ? true : undefined,
    );

    const issued = await gw.post(`/v1/gifts/${giftId}/receipt-code`, charity.apiKey);
    expect(issued.status, issued.text).to.equal(201);
    const { code, secret } = issued.body;
    expect(
      JSON.stringify(gw.services.store.sqlite.prepare("SELECT * FROM gift_receipt_codes").all()),
    ).to.not.include(secret);
    expect((await gw.post(`/v1/gifts/${giftId}/receipt-code`, charity.apiKey)).status).to.equal(409);
    const ownGift = await gw.post(`/v1/gifts/${world.giftIds[0]}/receipt-code`, charity.apiKey);
    expect(ownGift.status).to.equal(400);
    expect(ownGift.body.error).to.include({ field: "giftId", code: "not_a_cash_gift" });

    const read = (withSecret?: string) => {
      const test = gw.http().get(`/v1/gift-receipts/${code}/timeline`);
      return withSecret === undefined ? test : test.set("X-Receipt-Secret", withSecret);
    };
    const ok = gw.record(await read(secret));
    expect(ok.status, ok.text).to.equal(200);
    expect(ok.body.giftId).to.equal(giftId);
    expect(ok.body.given.amount).to.equal("500000");
    expect(ok.text).to.not.include("RCPT-2026-0042");
    const wrong = gw.record(await read(secret.slice(0, -1) + (secret.endsWith("A") ? "B" : "A")));
    const missing = gw.record(await read());
    const unknown = gw.record(
      await gw
        .http()
        .get(`/v1/gift-receipts/gr_${"x".repeat(22)}/timeline`)
        .set("X-Receipt-Secret", secret),
    );
    for (const res of [wrong, missing, unknown]) {
      expect(res.status, res.text).to.equal(404);
      expect({ ...res.body.error, requestId: "" }).to.deep.equal({ ...unknown.body.error, requestId: "" });
    }
    expect(gw.logLines.join("\n")).to.not.include(secret);
  });

  it("lists the programme's anchored confirmations with Merkle proofs the contract accepts, naming no household", async () => {
    const household = world.households[0]!;
    const recorded = await world.gw.post("/v1/confirmations", world.charity.apiKey, {
      programmeId: world.programmeId,
      householdRef: household.householdRef,
      kind: "in_kind_distribution",
      deliveredAt: new Date(Date.now() - 3_600_000).toISOString(),
    });
    expect(recorded.status, recorded.text).to.equal(201);
    const body = await until("the anchored confirmation in the timeline", async () => {
      const res = await timeline(world.donor.apiKey);
      const latest = res.body.anchoredConfirmations?.latest ?? [];
      return latest.length === 1 && latest[0].anchorTxHash !== null ? res.body : undefined;
    });
    const [proof] = body.anchoredConfirmations.latest;
    expect(body.anchoredConfirmations.count).to.equal(1);
    expect(proof.confirmationHash).to.equal(recorded.body.confirmationHash);
    const anchor = world.gw.services.system.anchor;
    expect(await anchor.verifyReceipt(proof.root, proof.confirmationHash, proof.proof)).to.equal(true);
    const receipt = await world.gw.services.provider.getTransactionReceipt(proof.anchorTxHash);
    expect(receipt!.to!.toLowerCase()).to.equal((anchor.target as string).toLowerCase());
    expect(JSON.stringify(body)).to.not.include(household.householdRef);
  });

  it("keeps undelivered webhooks across a gateway restart and delivers them after, with the same event id", async () => {
    hook.setDown(true);
    const before = hook.received.length;
    await deliver(0);
    await until("a failed try while the receiver is down", () =>
      hook.received.length > before ? true : undefined,
    );
    const pendingId = hook.received.at(-1)!.eventId;
    stream?.destroy();
    const { dataDir, anvilPort, logLines, responses, regulatorKey } = world.gw;
    await world.gw.stop();
    hook.setDown(false);
    world.gw = await bootE2e({ dataDir, anvilPort, logLines, responses, regulatorKey, env: ENV });
    await until("the queued event delivered after the restart", () =>
      hook.delivered().includes(pendingId) ? true : undefined,
    );
    const tries = hook.received.filter((r) => r.eventId === pendingId);
    expect(tries.at(-1)!.status).to.equal(200);
    expect(tries.filter((r) => r.status === 200)).to.have.length(1);
    const status = await world.gw.get("/v1/indexer/status", world.auditor.apiKey);
    expect(status.status, status.text).to.equal(200);
    expect(status.body.webhooks.pending).to.equal(0);
    expect(status.body.reorgs).to.deep.equal([]);
  });
});
