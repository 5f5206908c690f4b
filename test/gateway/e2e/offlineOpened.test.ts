import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { TypedDataEncoder, Wallet } from "ethers";
import { sealPin, verifyOfflinePack, type OfflinePack, type OfflinePackBody } from "../../../src/delivery";
import {
  AID_LEDGER_DOMAIN_NAME,
  AID_LEDGER_DOMAIN_VERSION,
  DELIVERY_RECEIPT_TYPES,
} from "../../../src/wallets";
import { removeDataDir, type E2eGateway } from "./harness";
import { deliveryWorld, openDelivery, PIN, type DeliveryWorld } from "./deliveryFixture";

const ZERO_HASH = `0x${"00".repeat(32)}`;

/**
 * A vendor's device that never reached the gateway while serving: it downloads a signed pack while online,
 * then builds each EIP-712 receipt itself (a nonce from the pack), takes the household's wallet signature or
 * PIN (sealed to the gateway), and uploads them later. Each is checked as an online opening and acceptance
 * would be, refused by name or redeemed on chain exactly once.
 */
describe("e2e: deliveries opened on an offline device", function () {
  let world: DeliveryWorld;
  let gw: E2eGateway;
  let phoneWallet: ReturnType<typeof Wallet.createRandom>;
  let signed: OfflinePack;
  let pack: OfflinePackBody;

  before(async () => {
    world = await deliveryWorld(3, 640_001);
    gw = world.gw;
    // Household 0's head signs with a phone wallet; households 1 and 2 use PIN cards.
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

    const res = await gw.post("/v1/deliveries/offline-packs", world.vendor.apiKey, {
      programmeId: world.programmeId,
      deviceId: "device-a",
      householdRefs: [...households.map((household) => household.householdRef), `0x${"ab".repeat(32)}`],
      receiptsPerHousehold: 4,
    });
    expect(res.status, res.text).to.equal(201);
    signed = res.body as OfflinePack;
    pack = signed.pack;
  });
  after(async () => {
    await gw?.stop();
    if (gw) removeDataDir(gw.dataDir);
  });

  const db = () => gw.services.store.sqlite;
  const count = (sql: string) => db().prepare(sql).pluck().get() as number;
  const household = (i: number) =>
    pack.households.find((h) => h.householdRef === world.households[i]!.householdRef)!;
  const domain = () => ({
    name: AID_LEDGER_DOMAIN_NAME,
    version: AID_LEDGER_DOMAIN_VERSION,
    chainId: pack.chainId,
    verifyingContract: pack.ledger,
  });
  const deadline = () =>
    String(Math.min(Math.floor(Date.now() / 1000) + 3600, Math.floor(Date.parse(pack.validUntil) / 1000)));
  /** The receipt as the device builds it, from its pack alone. */
  const receipt = (i: number, nonce: string, amount: string, overrides: Record<string, string> = {}) => ({
    programmeId: String(pack.programmeId),
    beneficiaryRef: household(i).members[0]!.beneficiaryRef,
    householdRef: household(i).householdRef,
    vendor: pack.vendor,
    amount,
    evidenceHash: ZERO_HASH,
    nonce,
    deadline: deadline(),
    ...overrides,
  });
  type Receipt = ReturnType<typeof receipt>;
  const digestOf = (message: Receipt) => TypedDataEncoder.hash(domain(), DELIVERY_RECEIPT_TYPES, message);
  const signedItem = async (message: Receipt, signer: Pick<Wallet, "signTypedData"> = phoneWallet) => ({
    receipt: message,
    item: "food-basket",
    quantity: 1,
    acceptedAt: new Date().toISOString(),
    signature: await signer.signTypedData(domain(), DELIVERY_RECEIPT_TYPES, message),
  });
  const pinItem = (message: Receipt, pin = PIN) => ({
    receipt: message,
    item: "bread",
    quantity: 2,
    acceptedAt: new Date().toISOString(),
    sealedPin: sealPin(Buffer.from(pack.sealingKey.publicKey, "base64url"), digestOf(message), pin),
  });
  const upload = (idempotencyKey: string, items: unknown[], vendor = world.vendor) =>
    gw.post("/v1/deliveries/offline", vendor.apiKey, { idempotencyKey, items });
  const codes = (body: { items: { outcome: string; code?: string }[] }) =>
    body.items.map((item) => item.code ?? item.outcome);
  const redeemedOnChain = async () => {
    const ledger = gw.services.system.ledger;
    const events = await ledger.queryFilter(ledger.filters.DeliveryRedeemed());
    return events.map((event) => String(event.args.redemptionId).toLowerCase());
  };

  it("signs a minimal pack: only known households with wallets, nonces of their own, no personal data", () => {
    expect(verifyOfflinePack(pack, signed.signature, signed.signingKey.publicKey)).to.equal(true);
    const altered = {
      ...pack,
      households: [{ ...pack.households[0]!, balance: "1" }, ...pack.households.slice(1)],
    };
    expect(verifyOfflinePack(altered, signed.signature, signed.signingKey.publicKey)).to.equal(false);
    expect(pack.households.map((h) => h.householdRef).sort()).to.deep.equal(
      world.households.map((h) => h.householdRef).sort(),
    );
    expect(household(0).members[0]).to.deep.include({
      beneficiaryRef: world.households[0]!.headRef,
      wallet: phoneWallet.address.toLowerCase(),
      custody: "self",
    });
    for (const h of pack.households) {
      expect(h.nonces).to.have.length(4);
      for (const nonce of h.nonces) expect(Number(BigInt(nonce) >> 8n)).to.equal(pack.period);
    }
    const text = JSON.stringify(signed);
    for (const h of world.households) {
      for (const secret of [h.nationalId, h.memberId, h.phone]) expect(text).to.not.include(secret);
    }
    expect(pack.entitlementId).to.equal(((BigInt(pack.programmeId) << 32n) | BigInt(pack.period)).toString());
    // Each household included is in the access log.
    expect(count("SELECT count(*) FROM access_log WHERE action = 'delivery.offline_pack'")).to.equal(3);
  });

  it("uploads deliveries it never opened online: all accepted, each redeemed on chain once, the replay changing nothing", async () => {
    const items = [
      ...(await Promise.all(
        household(0)
          .nonces.slice(0, 3)
          .map((nonce) => signedItem(receipt(0, nonce, "1000"))),
      )),
      ...household(1)
        .nonces.slice(0, 3)
        .map((nonce) => pinItem(receipt(1, nonce, "2000"))),
    ];
    const deliveriesBefore = count("SELECT count(*) FROM deliveries");
    const key = `offline-${randomUUID()}`;
    const res = await upload(key, items);
    expect(res.status, res.text).to.equal(201);
    expect(codes(res.body)).to.deep.equal(items.map(() => "accepted"));
    expect(count("SELECT count(*) FROM deliveries")).to.equal(deliveriesBefore + items.length);

    await gw.services.outbox.drain();
    const digests = items.map((item) => digestOf(item.receipt).toLowerCase());
    for (const [index, result] of (
      res.body.items as { deliveryId: string; redemptionId: string }[]
    ).entries()) {
      expect(result.redemptionId).to.equal(digests[index]);
      const after = await gw.get(`/v1/deliveries/${result.deliveryId}`, world.vendor.apiKey);
      expect(after.body.state, JSON.stringify(after.body.refusal)).to.equal("redeemed");
    }
    const again = await upload(key, items);
    expect(again.status, again.text).to.equal(200);
    expect(codes(again.body)).to.deep.equal(items.map(() => "accepted"));
    expect(again.body.items.map((item: { deliveryId: string }) => item.deliveryId)).to.deep.equal(
      res.body.items.map((item: { deliveryId: string }) => item.deliveryId),
    );
    await gw.services.outbox.drain();
    expect(count("SELECT count(*) FROM deliveries")).to.equal(deliveriesBefore + items.length);
    const onChain = await redeemedOnChain();
    for (const digest of digests)
      expect(
        onChain.filter((id) => id === digest),
        digest,
      ).to.have.length(1);
    // The household file records each, and the pin items were taken by the custodial signer.
    expect(
      count(`SELECT count(*) FROM household_receipts WHERE status = 'redeemed' AND redemption_id IN
        (${digests.map((d) => `'${d}'`).join(",")})`),
    ).to.equal(items.length);

    // An online opening never takes a nonce the pack reserved to the device.
    const online = await openDelivery(world, {
      householdRef: world.households[1]!.householdRef,
      amount: "10",
    });
    expect(household(1).nonces).to.not.include(online.nonce);
  });

  it("refuses a tampered amount, a replayed nonce, an overspend across two, an expired receipt and the wrong vendor, each by name, writing nothing for them", async () => {
    const h0 = household(0);
    const h2 = household(2);
    const tampered = await signedItem(receipt(0, h0.nonces[3]!, "1000"));
    tampered.receipt = { ...tampered.receipt, amount: "9000" };
    const replayed = await signedItem(receipt(0, h0.nonces[0]!, "1000"));
    // Two deliveries that each fit the balance but not together.
    const share = ((BigInt(h2.balance) * 6n) / 10n).toString();
    const first = pinItem(receipt(2, h2.nonces[0]!, share, { amount: share }));
    const second = pinItem(receipt(2, h2.nonces[1]!, share, { amount: share }));
    const expired = pinItem(
      receipt(2, h2.nonces[2]!, "1000", { deadline: String(Math.floor(Date.now() / 1000) - 60) }),
    );
    const wrongVendor = pinItem(
      receipt(2, h2.nonces[3]!, "1000", { vendor: world.otherVendor.address.toLowerCase() }),
    );
    const unreserved = pinItem(receipt(2, String((BigInt(pack.period) << 8n) | 31n), "1000"));

    const deliveriesBefore = count("SELECT count(*) FROM deliveries");
    const res = await upload(`offline-${randomUUID()}`, [
      tampered,
      replayed,
      first,
      second,
      expired,
      wrongVendor,
      unreserved,
    ]);
    expect(res.status, res.text).to.equal(201);
    expect(codes(res.body)).to.deep.equal([
      "not_signer",
      "replayed",
      "accepted",
      "above_entitlement",
      "expired",
      "vendor_mismatch",
      "nonce_not_reserved",
    ]);
    const refused = res.body.items.filter((item: { outcome: string }) => item.outcome === "refused");
    for (const item of refused) expect(item.deliveryId).to.equal(null);
    expect(res.body.items[3].redemptionId).to.equal(digestOf(second.receipt).toLowerCase());
    expect(count("SELECT count(*) FROM deliveries")).to.equal(deliveriesBefore + 1);

    // Another vendor cannot use this device's nonces, even with a receipt in its own name.
    const theirs = pinItem(
      receipt(2, h2.nonces[3]!, "1000", { vendor: world.otherVendor.address.toLowerCase() }),
    );
    const other = await upload(`offline-${randomUUID()}`, [theirs], world.otherVendor);
    expect(codes(other.body)).to.deep.equal(["nonce_not_reserved"]);

    // The refused items' nonces stay the device's: the corrected receipt goes through.
    const fixed = await signedItem(receipt(0, h0.nonces[3]!, "9000"));
    const retry = await upload(`offline-${randomUUID()}`, [fixed]);
    expect(codes(retry.body)).to.deep.equal(["accepted"]);
    await gw.services.outbox.drain();
    const after = await gw.get(`/v1/deliveries/${retry.body.items[0].deliveryId}`, world.vendor.apiKey);
    expect(after.body.state, JSON.stringify(after.body.refusal)).to.equal("redeemed");
  });

  it("tops the same device up on a new pack, keeps other devices' nonces apart, and refuses bad input writing nothing", async () => {
    const again = await gw.post("/v1/deliveries/offline-packs", world.vendor.apiKey, {
      programmeId: world.programmeId,
      deviceId: "device-a",
      householdRefs: [world.households[1]!.householdRef],
      receiptsPerHousehold: 4,
    });
    expect(again.status, again.text).to.equal(201);
    const kept = (again.body as OfflinePack).pack.households[0]!.nonces;
    // Nonce 4 of the first pack was never used: kept; three new ones replace those the uploads used.
    expect(kept).to.include(household(1).nonces[3]!);
    expect(kept).to.have.length(4);
    const otherDevice = await gw.post("/v1/deliveries/offline-packs", world.vendor.apiKey, {
      programmeId: world.programmeId,
      deviceId: "device-b",
      householdRefs: [world.households[1]!.householdRef],
    });
    const theirs = (otherDevice.body as OfflinePack).pack.households[0]!.nonces;
    expect(theirs.filter((nonce) => kept.includes(nonce))).to.deep.equal([]);

    const before = count("SELECT count(*) FROM offline_packs");
    const bad = await gw.post("/v1/deliveries/offline-packs", world.vendor.apiKey, {
      programmeId: world.programmeId,
      deviceId: "device-a",
      householdRefs: ["0x12"],
    });
    expect(bad.status, bad.text).to.equal(400);
    expect(bad.body.error.field).to.equal("householdRefs[0]");
    const notAllowed = await gw.post("/v1/deliveries/offline-packs", world.otherVendor.apiKey, {
      programmeId: world.programmeId,
      deviceId: "device-c",
      householdRefs: [world.households[1]!.householdRef],
    });
    expect(notAllowed.status, notAllowed.text).to.equal(403);
    expect(count("SELECT count(*) FROM offline_packs")).to.equal(before);
    const mixed = await upload(`offline-${randomUUID()}`, [
      { ...pinItem(receipt(1, kept[0]!, "10")), deliveryId: `dlv_${randomUUID()}` },
    ]);
    expect(mixed.status, mixed.text).to.equal(400);
    expect(mixed.body.error.field).to.equal("items[0].deliveryId");
  });
});
