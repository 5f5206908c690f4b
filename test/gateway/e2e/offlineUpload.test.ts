import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { Wallet } from "ethers";
import { sealPin } from "../../../src/delivery";
import { removeDataDir, type E2eGateway } from "./harness";
import {
  deliveryWorld,
  openDelivery,
  PIN,
  signDelivery,
  type DeliveryBody,
  type DeliveryWorld,
} from "./deliveryFixture";

const WRONG_PIN = "417305";

/**
 * A vendor's device that was offline uploads what it collected: wallet signatures and PINs sealed to the
 * gateway's key. Each item is accepted or refused with its own reason, the rest of the batch goes on; the
 * upload is idempotent; no PIN is anywhere in clear.
 */
describe("e2e: offline upload of acceptances", function () {
  let world: DeliveryWorld;
  let gw: E2eGateway;
  let phoneWallet: ReturnType<typeof Wallet.createRandom>;
  let gatewayKey: Buffer;

  before(async () => {
    world = await deliveryWorld(3, 610_001);
    gw = world.gw;
    // Household 0's head has a self-custodied wallet (a phone); households 1 and 2 use PIN cards.
    phoneWallet = Wallet.createRandom();
    const { registrar, households } = world;
    const challenge = await gw.post("/v1/wallets/challenges", registrar.apiKey, {
      beneficiaryRef: households[0]!.headRef,
      address: phoneWallet.address,
    });
    const proof = await gw.post("/v1/wallets/proofs", registrar.apiKey, {
      challengeId: challenge.body.challengeId,
      signature: await phoneWallet.signMessage(challenge.body.message),
    });
    expect(proof.status, proof.text).to.equal(200);
    const rebind = await gw.post("/v1/wallets/rebinds", registrar.apiKey, {
      beneficiaryRef: households[0]!.headRef,
      to: phoneWallet.address,
      reason: "own_phone",
    });
    expect(rebind.status, rebind.text).to.equal(200);
    await gw.services.outbox.drain();
    const key = await gw.get("/v1/deliveries/offline-key", world.vendor.apiKey);
    expect(key.status, key.text).to.equal(200);
    gatewayKey = Buffer.from(key.body.publicKey, "base64url");
  });
  after(async () => {
    await gw?.stop();
    if (gw) removeDataDir(gw.dataDir);
  });

  const open = (household: number) =>
    openDelivery(world, { householdRef: world.households[household]!.householdRef, amount: "1000" });
  const upload = (idempotencyKey: string, items: Record<string, unknown>[]) =>
    gw.post("/v1/deliveries/offline", world.vendor.apiKey, { idempotencyKey, items });
  // The device's clock at the acceptance: after the delivery was opened (before it went offline).
  const at = () => new Date().toISOString();
  const sealed = (delivery: DeliveryBody, pin = PIN) => sealPin(gatewayKey, delivery.redemptionId, pin);
  const pinAttempts = (beneficiaryRef: string) =>
    gw.services.store.sqlite
      .prepare("SELECT failed_attempts FROM access_secrets WHERE beneficiary_ref = ?")
      .pluck()
      .get(beneficiaryRef) as number;

  it("accepts signed and sealed-PIN items and refuses a replay, a tampered item and a PIN sealed for another delivery, each with its reason", async () => {
    const signed = await open(0);
    const forged = await open(0);
    const pinned = await open(1);
    const moved = await open(1);
    const tampered = await open(1);
    const bytes = Buffer.from(sealed(tampered), "base64url");
    bytes[bytes.length - 1] ^= 0x01;
    const items = [
      {
        deliveryId: signed.deliveryId,
        acceptedAt: at(),
        signature: await signDelivery(phoneWallet, signed),
      },
      { deliveryId: pinned.deliveryId, acceptedAt: at(), sealedPin: sealed(pinned) },
      { deliveryId: moved.deliveryId, acceptedAt: at(), sealedPin: sealed(pinned) },
      { deliveryId: tampered.deliveryId, acceptedAt: at(), sealedPin: bytes.toString("base64url") },
      {
        deliveryId: forged.deliveryId,
        acceptedAt: at(),
        signature: await signDelivery(Wallet.createRandom(), forged),
      },
      {
        deliveryId: signed.deliveryId,
        acceptedAt: at(),
        signature: await signDelivery(phoneWallet, signed),
      },
    ];
    const key = `offline-${randomUUID()}`;
    const res = await upload(key, items);
    expect(res.status, res.text).to.equal(201);
    const outcomes = res.body.items.map(
      (item: { outcome: string; code?: string }) => item.code ?? item.outcome,
    );
    expect(outcomes).to.deep.equal([
      "accepted",
      "accepted",
      "sealed_for_another_delivery",
      "sealed_pin_invalid",
      "not_signer",
      "replayed",
    ]);
    expect(res.body).to.include({ accepted: 2, refused: 4, replayed: false });
    // A sealed PIN that did not open never reached the wallet: no attempt counted.
    expect(pinAttempts(world.households[1]!.headRef)).to.equal(0);

    // The same upload again answers the same outcomes and runs nothing again.
    const again = await upload(key, items);
    expect(again.status, again.text).to.equal(200);
    // (An accepted item answers its delivery's state now: it may have been redeemed since.)
    const withoutState = (list: Record<string, unknown>[]) => list.map(({ state: _state, ...rest }) => rest);
    expect(withoutState(again.body.items)).to.deep.equal(withoutState(res.body.items));
    expect(again.body.replayed).to.equal(true);
    // The same key with other items is refused, and a replayed item in a new upload is refused as such.
    const other = await upload(key, items.slice(0, 2));
    expect(other.status, other.text).to.equal(409);
    const replay = await upload(`offline-${randomUUID()}`, [items[1]!]);
    expect(replay.status, replay.text).to.equal(201);
    expect(replay.body.items[0]).to.include({ outcome: "refused", code: "replayed" });

    await gw.services.outbox.drain();
    for (const delivery of [signed, pinned]) {
      const after = await gw.get(`/v1/deliveries/${delivery.deliveryId}`, world.vendor.apiKey);
      expect(after.body.state, JSON.stringify(after.body.refusal)).to.equal("redeemed");
    }
    for (const delivery of [moved, tampered, forged]) {
      const after = await gw.get(`/v1/deliveries/${delivery.deliveryId}`, world.vendor.apiKey);
      expect(after.body.state).to.equal("open");
    }
    const times = gw.services.store.sqlite
      .prepare(
        "SELECT accepted_offline_at FROM offline_upload_items WHERE delivery_id = ? ORDER BY rowid LIMIT 1",
      )
      .pluck()
      .get(signed.deliveryId);
    expect(times).to.equal(items[0]!.acceptedAt);
  });

  it("counts wrong sealed PINs against the wallet's attempt limit to lockout, and the rest of the batch is accepted", async () => {
    const household = world.households[2]!;
    const wrong = await Promise.all([0, 1, 2, 3, 4, 5].map(() => open(2)));
    const good = await open(0);
    const items = [
      ...wrong.map((delivery, i) => ({
        deliveryId: delivery.deliveryId,
        acceptedAt: at(),
        sealedPin: sealed(delivery, i === 5 ? PIN : WRONG_PIN),
      })),
      { deliveryId: good.deliveryId, acceptedAt: at(), signature: await signDelivery(phoneWallet, good) },
    ];
    const res = await upload(`offline-${randomUUID()}`, items);
    expect(res.status, res.text).to.equal(201);
    const outcomes = res.body.items.map(
      (item: { outcome: string; code?: string }) => item.code ?? item.outcome,
    );
    // The fifth wrong PIN locks the wallet: the sixth, right, PIN is refused too; the signed item goes through.
    expect(outcomes).to.deep.equal([
      "pin_incorrect",
      "pin_incorrect",
      "pin_incorrect",
      "pin_incorrect",
      "locked",
      "locked",
      "accepted",
    ]);
    expect(pinAttempts(household.headRef)).to.equal(5);
    const locked = gw.services.store.sqlite
      .prepare("SELECT locked_until FROM access_secrets WHERE beneficiary_ref = ?")
      .pluck()
      .get(household.headRef);
    expect(locked).to.be.a("string");
    await gw.services.outbox.drain();
    const after = await gw.get(`/v1/deliveries/${good.deliveryId}`, world.vendor.apiKey);
    expect(after.body.state, JSON.stringify(after.body.refusal)).to.equal("redeemed");
  });

  it("refuses a batch item of another vendor's delivery like an unknown one, and bad input writes nothing", async () => {
    const theirs = await openDelivery(
      world,
      { householdRef: world.households[1]!.householdRef, amount: "1000" },
      world.vendor,
    );
    const res = await gw.post("/v1/deliveries/offline", world.otherVendor.apiKey, {
      idempotencyKey: `offline-${randomUUID()}`,
      items: [{ deliveryId: theirs.deliveryId, acceptedAt: at(), sealedPin: sealed(theirs) }],
    });
    expect(res.status, res.text).to.equal(201);
    expect(res.body.items[0]).to.include({ outcome: "refused", code: "not_found" });
    // A device clock an hour ahead of the gateway's: refused, the delivery still open.
    const ahead = await upload(`offline-${randomUUID()}`, [
      {
        deliveryId: theirs.deliveryId,
        acceptedAt: new Date(Date.now() + 3_600_000).toISOString(),
        sealedPin: sealed(theirs),
      },
    ]);
    expect(ahead.body.items[0]).to.include({ outcome: "refused", code: "time_invalid" });

    const before = gw.services.store.sqlite.prepare("SELECT count(*) FROM offline_uploads").pluck().get();
    const bad = await upload(`offline-${randomUUID()}`, [
      {
        deliveryId: theirs.deliveryId,
        acceptedAt: at(),
        sealedPin: sealed(theirs),
        signature: `0x${"1b".repeat(65)}`,
      },
    ]);
    expect(bad.status, bad.text).to.equal(400);
    expect(bad.body.error.field).to.equal("items[0].signature");
    expect(gw.services.store.sqlite.prepare("SELECT count(*) FROM offline_uploads").pluck().get()).to.equal(
      before,
    );
  });

  it("keeps every PIN out of logs, responses and database rows", () => {
    const db = gw.services.store.sqlite;
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all() as string[];
    const rows = tables.flatMap((table) =>
      (db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[]).map((row) =>
        JSON.stringify(row, (_, value: unknown) => (Buffer.isBuffer(value) ? value.toString("hex") : value)),
      ),
    );
    for (const pin of [PIN, WRONG_PIN]) {
      expect(
        gw.logLines.filter((line) => line.includes(pin)),
        `log lines with ${pin}`,
      ).to.deep.equal([]);
      expect(
        gw.responses.filter((text) => text.includes(pin)),
        `responses with ${pin}`,
      ).to.deep.equal([]);
      expect(
        rows.filter((row) => row.includes(pin)),
        `rows with ${pin}`,
      ).to.deep.equal([]);
    }
  });
});
