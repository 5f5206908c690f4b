import { expect } from "chai";
import { bootE2e, removeDataDir, type E2eGateway } from "./harness";
import { deliveryWorld, openDelivery, PIN, type DeliveryWorld } from "./deliveryFixture";

/**
 * An accepted delivery is a row and its redemption job, written in one transaction: a gateway stopped before
 * the job was sent redeems it after the restart, once, from the same data folder.
 */
describe("e2e: deliveries accepted before a stop are redeemed after the restart", function () {
  let world: DeliveryWorld;
  let gw: E2eGateway;

  before(async () => {
    world = await deliveryWorld(1, 560_001);
    gw = world.gw;
  });
  after(async () => {
    await gw?.stop().catch(() => undefined);
    if (gw) removeDataDir(gw.dataDir);
  });

  it("keeps the accepted delivery and its queued redemption across the stop, and the restarted gateway redeems it once", async () => {
    const household = world.households[0]!;
    const delivery = await openDelivery(world, { householdRef: household.householdRef, amount: "4000" });
    // The outbox sends nothing from here on in this process: the stop finds the job still queued.
    gw.services.outbox.drain = () => Promise.resolve([]);
    const accepted = await gw.post(`/v1/deliveries/${delivery.deliveryId}/acceptance`, world.vendor.apiKey, {
      pin: PIN,
    });
    expect(accepted.status, accepted.text).to.equal(200);
    expect(accepted.body.state).to.equal("accepted");
    const job = gw.services.store.sqlite
      .prepare("SELECT status FROM chain_jobs WHERE kind = 'delivery.redeem'")
      .pluck()
      .all();
    expect(job).to.deep.equal(["queued"]);
    await gw.stop();

    gw = await bootE2e({
      dataDir: gw.dataDir,
      anvilPort: gw.anvilPort,
      logLines: gw.logLines,
      responses: gw.responses,
      regulatorKey: gw.regulatorKey,
    });
    await gw.services.outbox.drain();
    const after = await gw.get(`/v1/deliveries/${delivery.deliveryId}`, world.vendor.apiKey);
    expect(after.status, after.text).to.equal(200);
    expect(after.body.state, JSON.stringify(after.body.refusal)).to.equal("redeemed");
    expect(
      gw.services.store.sqlite
        .prepare("SELECT status FROM chain_jobs WHERE kind = 'delivery.redeem'")
        .pluck()
        .all(),
    ).to.deep.equal(["confirmed"]);
    const ledger = gw.services.system.ledger;
    const period = await ledger.currentPeriod(world.programmeId);
    const used = await ledger.receiptNoncesUsed(world.programmeId, household.householdRef, period);
    expect((Number(used) >> Number(BigInt(delivery.nonce) & 0xffn)) & 1).to.equal(1);
  });
});
