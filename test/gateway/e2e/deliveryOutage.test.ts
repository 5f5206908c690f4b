import { expect } from "chai";
import { startLocalChain, type LocalChain } from "../../../src/chain/localChain";
import { removeDataDir, type E2eGateway } from "./harness";
import { deliveryWorld, openDelivery, PIN, type DeliveryBody, type DeliveryWorld } from "./deliveryFixture";

/**
 * The chain unreachable (the embedded anvil stopped) while deliveries keep arriving: the gateway opens and
 * accepts them from what it already knows, and when the node is back the outbox redeems them, in order,
 * once each, 50 to a `redeemBatch` transaction; an item the chain refuses ends refused with its own reason.
 */
describe("e2e: deliveries while the chain is unreachable", function () {
  let world: DeliveryWorld;
  let gw: E2eGateway;
  let restarted: LocalChain | undefined;

  before(async () => {
    world = await deliveryWorld(6, 590_001);
    gw = world.gw;
  });
  after(async () => {
    await gw?.stop().catch(() => undefined);
    await restarted?.stop().catch(() => undefined);
    if (gw) removeDataDir(gw.dataDir);
  });

  const db = () => gw.services.store.sqlite;
  const accept = (deliveryId: string) =>
    gw.post(`/v1/deliveries/${deliveryId}/acceptance`, world.vendor.apiKey, { pin: PIN });

  it("opens and accepts 50 deliveries with the node stopped, then redeems them in one transaction, in order", async () => {
    // Each household's entitlement is read once while the chain answers (the gateway caches the facts).
    const households = world.households.slice(0, 5);
    const first = await Promise.all(
      households.map((household) =>
        openDelivery(world, { householdRef: household.householdRef, amount: "1000" }),
      ),
    );
    await gw.gateway.chain!.stop();
    const outage = await gw.get("/health");
    expect(outage.body.chain.reachable).to.equal(false);

    const order: DeliveryBody[] = [];
    for (let round = 0; round < 10; round++) {
      for (const [index, household] of households.entries()) {
        const delivery =
          round === 0
            ? first[index]!
            : await openDelivery(world, { householdRef: household.householdRef, amount: "1000" });
        const accepted = await accept(delivery.deliveryId);
        expect(accepted.status, accepted.text).to.equal(200);
        expect(accepted.body.state).to.equal("accepted");
        order.push(delivery);
      }
    }
    // Served while the node is down: the vendor's list, and a delivery.
    const shown = await gw.get(`/v1/deliveries/${order[0]!.deliveryId}`, world.vendor.apiKey);
    expect(shown.status, shown.text).to.equal(200);
    expect(shown.body.state).to.equal("accepted");
    await gw.services.outbox.drain().catch(() => undefined);
    expect(pendingRedemptions()).to.equal(50);

    restarted = await startLocalChain({ dataDir: gw.dataDir, port: gw.anvilPort });
    await gw.services.outbox.drain();
    const jobs = db()
      .prepare("SELECT job_id, status, tx_hash FROM chain_jobs WHERE kind = 'delivery.redeem'")
      .all() as { job_id: number; status: string; tx_hash: string }[];
    expect(jobs.map((job) => job.status)).to.deep.equal(["confirmed"]);

    const receipt = (await gw.services.provider.getTransactionReceipt(jobs[0]!.tx_hash))!;
    const ledger = gw.services.system.ledger;
    const redeemedIds = receipt.logs
      .filter((log) => log.address.toLowerCase() === String(ledger.target).toLowerCase())
      .map((log) => ledger.interface.parseLog(log))
      .filter((log) => log?.name === "DeliveryRedeemed")
      .map((log) => String(log!.args.redemptionId).toLowerCase());
    expect(redeemedIds).to.deep.equal(order.map((delivery) => delivery.redemptionId.toLowerCase()));
    expect(Number(receipt.gasUsed) / 50, "gas per redemption at a batch of 50").to.be.below(60_000);
    console.log(
      `      redeemBatch of 50: ${receipt.gasUsed} gas, ${Number(receipt.gasUsed) / 50} per redemption`,
    );

    for (const delivery of order) {
      const after = await gw.get(`/v1/deliveries/${delivery.deliveryId}`, world.vendor.apiKey);
      expect(after.body.state, JSON.stringify(after.body.refusal)).to.equal("redeemed");
      expect(after.body.redemption.txHash).to.equal(receipt.hash);
      expect(after.body.redemption.blockNumber).to.equal(receipt.blockNumber);
    }
    const receipts = db()
      .prepare("SELECT count(*) FROM household_receipts WHERE status = 'redeemed' AND tx_hash = ?")
      .pluck()
      .get(receipt.hash);
    expect(receipts).to.equal(50);
  });

  it("refuses the one bad receipt of a batch with its own reason and redeems the rest", async () => {
    const household = world.households[5]!;
    const outbox = gw.services.outbox;
    const drain = outbox.drain.bind(outbox);
    outbox.drain = () => Promise.resolve([]); // the jobs wait, as they do while the chain is unreachable
    const deliveries: DeliveryBody[] = [];
    for (let i = 0; i < 5; i++) {
      const delivery = await openDelivery(world, { householdRef: household.householdRef, amount: "1000" });
      const accepted = await accept(delivery.deliveryId);
      expect(accepted.status, accepted.text).to.equal(200);
      deliveries.push(delivery);
    }
    // One record the chain will not take: its beneficiary signature is no longer the one signed.
    const bad = deliveries[2]!;
    const signature = db()
      .prepare("SELECT beneficiary_sig FROM deliveries WHERE delivery_id = ?")
      .pluck()
      .get(bad.deliveryId) as string;
    const flipped = `${signature.slice(0, 10)}${signature[10] === "0" ? "1" : "0"}${signature.slice(11)}`;
    db()
      .prepare("UPDATE deliveries SET beneficiary_sig = ? WHERE delivery_id = ?")
      .run(flipped, bad.deliveryId);

    outbox.drain = drain;
    await outbox.drain();
    const jobIds = new Set(
      deliveries.map(
        (delivery) =>
          db()
            .prepare("SELECT redeem_job_id FROM deliveries WHERE delivery_id = ?")
            .pluck()
            .get(delivery.deliveryId) as number,
      ),
    );
    expect(jobIds.size, "one transaction").to.equal(1);
    for (const delivery of deliveries) {
      const after = await gw.get(`/v1/deliveries/${delivery.deliveryId}`, world.vendor.apiKey);
      expect(after.status, after.text).to.equal(200);
      if (delivery === bad) {
        expect(after.body.state).to.equal("refused");
        expect(after.body.refusal.code).to.equal("ReceiptSignatureInvalid");
        expect(after.body.refusal.message).to.match(/signature/);
      } else {
        expect(after.body.state, JSON.stringify(after.body.refusal)).to.equal("redeemed");
      }
    }
    const statuses = db()
      .prepare("SELECT status FROM household_receipts WHERE household_ref = ? ORDER BY accepted_at")
      .pluck()
      .all(household.householdRef);
    expect(statuses).to.deep.equal(["redeemed", "redeemed", "refused", "redeemed", "redeemed"]);
  });

  function pendingRedemptions(): number {
    return db()
      .prepare(
        `SELECT count(*) FROM deliveries d JOIN chain_jobs j ON j.job_id = d.redeem_job_id
          WHERE j.kind = 'delivery.redeem' AND j.status = 'queued'`,
      )
      .pluck()
      .get() as number;
  }
});
