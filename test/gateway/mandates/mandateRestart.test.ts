import { expect } from "chai";
import { bootE2e, removeDataDir, type E2eGateway } from "../e2e/harness";
import { currentPeriod, mandateWorld, PIN, proposalBody, textsTo, type MandateWorld } from "./mandateFixture";

/**
 * A premium is its delivery row, its mandate's premium row and its redemption job, written in one transaction:
 * a gateway stopped before the job was sent redeems it after the restart, once, and the household's SMS that it
 * is insured, marked with the confirmation, is sent by the restarted gateway's own tick.
 */
describe("mandates: a premium queued before a stop is redeemed after the restart, and the household told once", function () {
  this.timeout(300_000);
  let world: MandateWorld;
  let gw: E2eGateway;

  before(async () => {
    world = await mandateWorld(2, 650_001);
    gw = world.gw;
  });
  after(async () => {
    await gw?.stop().catch(() => undefined);
    if (gw) removeDataDir(gw.dataDir);
  });

  it("keeps the queued premium across the stop; the restarted outbox redeems it and the notice goes out", async () => {
    const household = world.households[1]!;
    const period = await currentPeriod(world);
    const proposed = await gw.post(
      "/v1/mandates",
      world.insurer.apiKey,
      proposalBody(world, 1, period, period + 3),
    );
    expect(proposed.status, proposed.text).to.equal(201);
    const mandateId = proposed.body.mandateId as string;
    const accepted = await gw.post(`/v1/mandates/${mandateId}/acceptance`, world.insurer.apiKey, {
      pin: PIN,
    });
    expect(accepted.status, accepted.text).to.equal(200);

    // The outbox sends nothing from here on in this process: the stop finds the premium's job still queued.
    gw.services.outbox.drain = () => Promise.resolve([]);
    const queued = await gw.post(`/v1/mandates/${mandateId}/premiums`, world.insurer.apiKey, {
      idempotencyKey: "restart-premium-0001",
    });
    expect(queued.status, queued.text).to.equal(201);
    expect(queued.body.mandate.premiums).to.deep.equal([
      { ...queued.body.mandate.premiums[0], period, state: "accepted", redemption: null, notice: "waiting" },
    ]);
    const jobs = () =>
      gw.services.store.sqlite
        .prepare("SELECT status FROM chain_jobs WHERE kind = 'delivery.redeem'")
        .pluck()
        .all();
    expect(jobs()).to.deep.equal(["queued"]);
    const textsBefore = textsTo(gw, household.phone).length;
    await gw.stop();

    gw = await bootE2e({
      dataDir: gw.dataDir,
      anvilPort: gw.anvilPort,
      logLines: gw.logLines,
      responses: gw.responses,
      regulatorKey: gw.regulatorKey,
    });
    await gw.services.outbox.drain();
    expect(jobs()).to.deep.equal(["confirmed"]);
    const deadline = Date.now() + 15_000;
    while (textsTo(gw, household.phone).length === textsBefore && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const texts = textsTo(gw, household.phone);
    expect(texts).to.have.length(textsBefore + 1);
    expect(texts.at(-1)).to.include(`insured this period (period ${period})`);

    const after = await gw.get(`/v1/mandates/${mandateId}`, world.insurer.apiKey);
    expect(after.status, after.text).to.equal(200);
    expect(after.body.premiums).to.have.length(1);
    expect(after.body.premiums[0]).to.include({ period, state: "redeemed", notice: "sent" });
    const ledger = gw.services.system.ledger;
    const used = await ledger.receiptNoncesUsed(world.programmeId, household.householdRef, period);
    expect((Number(used) >>> 31) & 1).to.equal(1);
    // The same request again answers the same premium, and nothing more is sent.
    const again = await gw.post(`/v1/mandates/${mandateId}/premiums`, world.insurer.apiKey, {
      idempotencyKey: "restart-premium-0001",
    });
    expect(again.status, again.text).to.equal(200);
    expect(again.body.replayed).to.equal(true);
    expect(jobs()).to.deep.equal(["confirmed"]);
    expect(textsTo(gw, household.phone)).to.have.length(textsBefore + 1);
  });
});
