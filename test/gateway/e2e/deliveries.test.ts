import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { Signature, Wallet, getAddress, toBeHex } from "ethers";
import {
  acceptDelivery,
  disputeDelivery,
  householdReceipts,
  pendingDeliveriesFor,
  queueRedemption,
  redemptionCall,
  requestSmsCode,
} from "../../../src/delivery";
import { syntheticNationalId } from "../../../src/identity";
import { countRows, removeDataDir } from "./harness";
import {
  deliveryWorld,
  openDelivery,
  PIN,
  requestCode,
  settled,
  signDelivery,
  smsCodesTo,
  type DeliveryBody,
  type DeliveryWorld,
} from "./deliveryFixture";

const ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const UNITS = 10n ** 18n;

/**
 * The flow of one delivery over real HTTP, the embedded chain and SQLite: a vendor opens it, the household
 * accepts by its own wallet, an SMS code or a PIN (or disputes it), a field agent co-signs where needed, the
 * outbox redeems it on chain, and the household file's ledger records it.
 */
describe("e2e: deliveries, from the counter to the chain", function () {
  let world: DeliveryWorld;
  let phoneWallet: ReturnType<typeof Wallet.createRandom>;
  const tables = ["deliveries", "delivery_otps", "household_receipts", "chain_jobs", "access_log"];
  const counts = () => Object.fromEntries(tables.map((table) => [table, countRows(world.gw, table)]));

  before(async () => {
    world = await deliveryWorld(6, 520_001);
    // Household 0's head moves to a self-custodied wallet (a phone with a wallet app).
    const { gw, registrar, households } = world;
    phoneWallet = Wallet.createRandom();
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
  });
  after(async () => {
    await world?.gw.stop();
    if (world) removeDataDir(world.gw.dataDir);
  });

  describe("opening", () => {
    it("opens by a national ID typed at the counter, answering the exact EIP-712 receipt the ledger hashes, with the household's next nonce", async () => {
      const { gw, households, programmeId, vendor } = world;
      const household = households[1]!;
      const ledger = gw.services.system.ledger;
      const expectedNonce = await ledger.receiptNonce(programmeId, household.householdRef);
      const delivery = await openDelivery(world, {
        nationalId: household.memberId,
        amount: "250000",
        item: "bread",
        quantity: 3,
      });
      expect(delivery).to.include({
        householdRef: household.householdRef,
        beneficiaryRef: household.headRef,
      });
      const { domain, message } = delivery.typedData;
      expect(domain).to.deep.equal({
        name: "SinTech AidLedger",
        version: "1",
        chainId: 31337,
        verifyingContract: (ledger.target as string).toLowerCase(),
      });
      expect(message).to.include({
        programmeId: String(programmeId),
        householdRef: household.householdRef,
        beneficiaryRef: household.headRef,
        vendor: vendor.address.toLowerCase(),
        amount: (250_000n * UNITS).toString(),
        nonce: expectedNonce.toString(),
      });
      // The digest the gateway computed is the one the ledger computes.
      expect(await ledger.receiptDigest(message as never)).to.equal(delivery.redemptionId);
      expect(JSON.stringify(delivery)).to.not.include(household.memberId);
      const qr = (delivery as unknown as { qrPayload: string }).qrPayload.split(";");
      expect(qr.slice(0, 4)).to.deep.equal([
        "sintech:receipt:1",
        "31337",
        domain.verifyingContract,
        delivery.deliveryId,
      ]);
      expect(qr.slice(4)).to.deep.equal([
        message.programmeId,
        message.beneficiaryRef,
        message.householdRef,
        message.vendor,
        message.amount,
        message.evidenceHash,
        message.nonce,
        message.deadline,
      ]);

      // A second open receipt of the household gets its own nonce, so both stay valid in any order.
      const second = await openDelivery(world, { householdRef: household.householdRef, amount: "1000" });
      expect(BigInt(second.nonce)).to.equal(BigInt(delivery.nonce) + 1n);
    });

    it("refuses an amount above the remaining entitlement (open deliveries count), writing nothing", async () => {
      const { gw, households, vendor, programmeId } = world;
      const household = households[1]!; // 251,000 already promised by the test above
      const before = counts();
      const res = await gw.post("/v1/deliveries", vendor.apiKey, {
        programmeId,
        householdRef: household.householdRef,
        amount: "749001",
        item: "rice",
        idempotencyKey: `over-${randomUUID()}`,
      });
      expect(res.status, res.text).to.equal(400);
      expect(res.body.error).to.include({ field: "amount", code: "above_entitlement" });
      expect(counts()).to.deep.equal(before);
      await openDelivery(world, { householdRef: household.householdRef, amount: "749000" });
    });

    it("stops counting an open delivery against the entitlement once its receipt has expired, and refuses to accept it", async () => {
      const { gw, households, vendor, programmeId } = world;
      const household = households[2]!;
      const lookup = async () =>
        (
          await gw.post("/v1/deliveries/lookup", vendor.apiKey, {
            programmeId,
            householdRef: household.householdRef,
          })
        ).body.upTo as string;
      const before = await lookup();
      const delivery = await openDelivery(world, { householdRef: household.householdRef, amount: "7000" });
      expect(Number(await lookup())).to.equal(Number(before) - 7000);
      gw.services.store.sqlite
        .prepare("UPDATE deliveries SET deadline = ? WHERE delivery_id = ?")
        .run(Math.floor(Date.now() / 1000) - 1, delivery.deliveryId);
      expect(await lookup()).to.equal(before);
      const late = await gw.post(`/v1/deliveries/${delivery.deliveryId}/acceptance`, vendor.apiKey, {
        pin: PIN,
      });
      expect(late.status, late.text).to.equal(409);
      expect(late.body.error.code).to.equal("expired");
    });

    it("refuses free text as the item, a vendor the programme does not allow, and answers an unknown ID like an unknown card", async () => {
      const { gw, households, vendor, otherVendor, programmeId } = world;
      const before = counts();
      const free = await gw.post("/v1/deliveries", vendor.apiKey, {
        programmeId,
        householdRef: households[2]!.householdRef,
        amount: "10",
        item: "insulin for Maryam",
        idempotencyKey: `free-${randomUUID()}`,
      });
      expect(free.status).to.equal(400);
      expect(free.body.error.field).to.equal("item");
      expect(free.text).to.not.include("Maryam");
      const other = await gw.post("/v1/deliveries", otherVendor.apiKey, {
        programmeId,
        householdRef: households[2]!.householdRef,
        amount: "10",
        item: "rice",
        idempotencyKey: `other-${randomUUID()}`,
      });
      expect(other.status, other.text).to.equal(403);
      expect(other.body.error.code).to.equal("vendor_not_allowed");
      const stranger = syntheticNationalId(529_999);
      const unknown = await gw.post("/v1/deliveries", vendor.apiKey, {
        programmeId,
        nationalId: stranger,
        amount: "10",
        item: "rice",
        idempotencyKey: `unknown-${randomUUID()}`,
      });
      expect(unknown.status, unknown.text).to.equal(404);
      expect(unknown.body.error.field).to.equal("nationalId");
      expect(unknown.text).to.not.include(stranger);
      expect(counts()).to.deep.equal(before);
    });

    it("answers the same delivery to the same idempotency key and request, and 409 to the key with another amount", async () => {
      const { gw, households, vendor, programmeId } = world;
      const body = {
        programmeId,
        householdRef: households[3]!.householdRef,
        amount: "5",
        item: "flour",
        idempotencyKey: `same-${randomUUID()}`,
      };
      const first = await gw.post("/v1/deliveries", vendor.apiKey, body);
      expect(first.status, first.text).to.equal(201);
      const again = await gw.post("/v1/deliveries", vendor.apiKey, body);
      expect(again.status, again.text).to.equal(200);
      expect(again.body).to.deep.include({ replayed: true });
      expect(again.body.delivery.deliveryId).to.equal(first.body.delivery.deliveryId);
      const reused = await gw.post("/v1/deliveries", vendor.apiKey, { ...body, amount: "6" });
      expect(reused.status, reused.text).to.equal(409);
      expect(reused.body.error.code).to.equal("idempotency_key_reused");
    });
  });

  describe("accepting with the member's own wallet", () => {
    let delivery: DeliveryBody;

    it("redeems on chain after the wallet's EIP-712 signature: the vendor is credited, the nonce used, the household file records it", async () => {
      const { gw, households, programmeId, vendor, charity } = world;
      const household = households[0]!;
      const ledger = gw.services.system.ledger;
      const owedBefore = await ledger.owedTo(programmeId, vendor.address);
      delivery = await openDelivery(world, { beneficiaryRef: household.headRef, amount: "300000" });
      const accepted = await gw.post(`/v1/deliveries/${delivery.deliveryId}/acceptance`, vendor.apiKey, {
        signature: await signDelivery(phoneWallet, delivery),
      });
      expect(accepted.status, accepted.text).to.equal(200);
      expect(accepted.body.state).to.be.oneOf(["accepted", "redeemed"]);
      expect(accepted.body.acceptance).to.deep.equal({ channel: "wallet", by: household.headRef });

      const redeemed = await settled(world, delivery.deliveryId);
      expect(redeemed.state, JSON.stringify(redeemed.refusal)).to.equal("redeemed");
      const receipt = await gw.services.provider.getTransactionReceipt(redeemed.redemption!.txHash);
      expect(receipt!.blockNumber).to.equal(redeemed.redemption!.blockNumber);
      const event = receipt!.logs
        .map((log) => ledger.interface.parseLog(log))
        .find((parsed) => parsed?.name === "DeliveryRedeemed");
      expect(event!.args.redemptionId).to.equal(delivery.redemptionId);
      expect(event!.args.vendor).to.equal(getAddress(vendor.address));
      expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(owedBefore + 300_000n * UNITS);
      const period = await ledger.currentPeriod(programmeId);
      const used = await ledger.receiptNoncesUsed(programmeId, household.householdRef, period);
      expect((Number(used) >> Number(BigInt(delivery.nonce) & 0xffn)) & 1).to.equal(1);

      const receipts = await gw.get(`/v1/household-receipts/${household.householdRef}`, charity.apiKey);
      expect(receipts.status, receipts.text).to.equal(200);
      expect(receipts.body.receipts[0]).to.deep.include({
        deliveryId: delivery.deliveryId,
        programmeId,
        vendorOrgId: vendor.orgId,
        item: "food-basket",
        amount: "300000",
        redemptionId: delivery.redemptionId,
        channel: "wallet",
        status: "redeemed",
        txHash: redeemed.redemption!.txHash,
      });
    });

    it("refuses the same signature replayed, another delivery's signature, another key's and the high-s twin", async () => {
      const { gw, households, vendor } = world;
      const replay = await gw.post(`/v1/deliveries/${delivery.deliveryId}/acceptance`, vendor.apiKey, {
        signature: await signDelivery(phoneWallet, delivery),
      });
      expect(replay.status, replay.text).to.equal(409);
      expect(replay.body.error.code).to.equal("not_open");

      const next = await openDelivery(world, { householdRef: households[0]!.householdRef, amount: "1000" });
      const before = counts();
      const others = [
        await signDelivery(phoneWallet, delivery),
        await signDelivery(Wallet.createRandom(), next),
      ];
      for (const signature of others) {
        const res = await gw.post(`/v1/deliveries/${next.deliveryId}/acceptance`, vendor.apiKey, {
          signature,
        });
        expect(res.status, res.text).to.equal(400);
        expect(res.body.error).to.include({ field: "signature", code: "not_signer" });
      }
      const good = Signature.from(await signDelivery(phoneWallet, next));
      const twin = `${good.r}${toBeHex(ORDER - BigInt(good.s), 32).slice(2)}${(good.v === 27 ? 28 : 27).toString(16)}`;
      const high = await gw.post(`/v1/deliveries/${next.deliveryId}/acceptance`, vendor.apiKey, {
        signature: twin,
      });
      expect(high.status, high.text).to.equal(400);
      expect(high.body.error.code).to.equal("high_s");
      expect(counts()).to.deep.equal(before);
      const ok = await gw.post(`/v1/deliveries/${next.deliveryId}/acceptance`, vendor.apiKey, {
        signature: good.serialized,
      });
      expect(ok.status, ok.text).to.equal(200);
      expect((await settled(world, next.deliveryId)).state).to.equal("redeemed");
    });
  });

  describe("accepting with an SMS code to the household's phone", () => {
    it("accepts with the right code after a wrong one, then the custodial wallet signs and the chain redeems", async () => {
      const { gw, households, vendor } = world;
      const household = households[2]!;
      const delivery = await openDelivery(world, { householdRef: household.householdRef, amount: "200000" });
      const code = await requestCode(world, delivery.deliveryId, household.phone);
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
      const refused = await gw.post(`/v1/deliveries/${delivery.deliveryId}/acceptance`, vendor.apiKey, {
        smsCode: wrong,
      });
      expect(refused.status, refused.text).to.equal(401);
      expect(refused.body.error).to.include({ field: "smsCode", code: "code_incorrect" });
      const ok = await gw.post(`/v1/deliveries/${delivery.deliveryId}/acceptance`, vendor.apiKey, {
        smsCode: code.replace(/[0-9]/g, (d) => String.fromCodePoint(0x06f0 + Number(d))),
      });
      expect(ok.status, ok.text).to.equal(200);
      expect(ok.body.acceptance).to.deep.equal({ channel: "sms", by: household.headRef });
      const done = await settled(world, delivery.deliveryId);
      expect(done.state, JSON.stringify(done.refusal)).to.equal("redeemed");
      const again = await gw.post(`/v1/deliveries/${delivery.deliveryId}/acceptance`, vendor.apiKey, {
        smsCode: code,
      });
      expect(again.status).to.equal(409);
    });

    it("refuses an expired code, a used code, another delivery's code, and locks after five wrong tries", async () => {
      const { gw, households, vendor } = world;
      const household = households[3]!;
      const db = gw.services.store.sqlite;
      const a = await openDelivery(world, { householdRef: household.householdRef, amount: "1000" });
      const b = await openDelivery(world, { householdRef: household.householdRef, amount: "1000" });
      const accept = (id: string, smsCode: string) =>
        gw.post(`/v1/deliveries/${id}/acceptance`, vendor.apiKey, { smsCode });

      // Expired: the code's five minutes are over.
      const stale = await requestCode(world, a.deliveryId, household.phone);
      db.prepare("UPDATE delivery_otps SET expires_at = ? WHERE delivery_id = ?").run(
        new Date(Date.now() - 1000).toISOString(),
        a.deliveryId,
      );
      const expired = await accept(a.deliveryId, stale);
      expect(expired.status, expired.text).to.equal(410);
      expect(expired.body.error.code).to.equal("code_expired");

      // Another delivery's code does not open this one.
      const codeA = await requestCode(world, a.deliveryId, household.phone);
      const codeB = await requestCode(world, b.deliveryId, household.phone);
      if (codeA !== codeB) {
        const crossed = await accept(b.deliveryId, codeA);
        expect(crossed.status, crossed.text).to.equal(401);
        expect(crossed.body.error.code).to.equal("code_incorrect");
      }
      // A new code replaces the previous one of the same delivery.
      const codeA2 = await requestCode(world, a.deliveryId, household.phone);
      if (codeA2 !== codeA) expect((await accept(a.deliveryId, codeA)).status).to.equal(401);

      // Brute force on a fresh code: five wrong tries lock it, and then even the right one is refused.
      const codeB2 = await requestCode(world, b.deliveryId, household.phone);
      const wrongOf = (code: string, k: number) => String((Number(code) + k) % 1_000_000).padStart(6, "0");
      const statuses: number[] = [];
      for (let k = 1; k <= 5; k++) statuses.push((await accept(b.deliveryId, wrongOf(codeB2, k))).status);
      expect(statuses).to.deep.equal([401, 401, 401, 401, 423]);
      const locked = await accept(b.deliveryId, codeB2);
      expect(locked.status, locked.text).to.equal(423);
      expect(locked.body.error.code).to.equal("code_locked");
      expect(
        db.prepare("SELECT state FROM deliveries WHERE delivery_id = ?").pluck().get(b.deliveryId),
      ).to.equal("open");

      // Used: the right code works once.
      expect((await accept(a.deliveryId, codeA2)).status).to.equal(200);
      const used = db
        .prepare("SELECT used_at FROM delivery_otps WHERE delivery_id = ? ORDER BY rowid DESC")
        .pluck()
        .get(a.deliveryId);
      expect(used).to.be.a("string");
      expect((await settled(world, a.deliveryId)).state).to.equal("redeemed");
      // Nothing but a keyed hash of any code was stored.
      const stored = db.prepare("SELECT code_hash FROM delivery_otps").pluck().all() as string[];
      for (const code of [stale, codeA, codeB, codeA2, codeB2]) {
        expect(JSON.stringify(db.prepare("SELECT * FROM delivery_otps").all())).to.not.match(
          new RegExp(`\\b${code}\\b`),
        );
      }
      expect(stored.every((hash) => /^[0-9a-f]{64}$/.test(hash))).to.equal(true);
    });
  });

  describe("accepting with a PIN typed at the vendor's device", () => {
    it("refuses a wrong PIN with the tries left, accepts the right one, and locks the wallet after five wrong", async () => {
      const { gw, households, vendor } = world;
      const household = households[4]!;
      const delivery = await openDelivery(world, { householdRef: household.householdRef, amount: "1000" });
      const accept = (pin: string, id = delivery.deliveryId) =>
        gw.post(`/v1/deliveries/${id}/acceptance`, vendor.apiKey, { pin });
      const wrong = await accept("111990");
      expect(wrong.status, wrong.text).to.equal(401);
      expect(wrong.body.error.code).to.equal("pin_incorrect");
      expect(wrong.text).to.not.include("111990");
      const ok = await accept(PIN);
      expect(ok.status, ok.text).to.equal(200);
      expect(ok.body.acceptance.channel).to.equal("pin");
      expect((await settled(world, delivery.deliveryId)).state).to.equal("redeemed");

      const next = await openDelivery(world, { householdRef: household.householdRef, amount: "1000" });
      const statuses: number[] = [];
      for (let k = 0; k < 5; k++) statuses.push((await accept(`22${k}991`, next.deliveryId)).status);
      expect(statuses).to.deep.equal([401, 401, 401, 401, 423]);
      const locked = await accept(PIN, next.deliveryId);
      expect(locked.status, locked.text).to.equal(423);
      expect(locked.body.error.code).to.equal("locked");
    });

    it("lets another active member accept in their own name only with a wallet of their own (404 otherwise)", async () => {
      const { gw, households, vendor } = world;
      const household = households[2]!;
      const delivery = await openDelivery(world, { householdRef: household.householdRef, amount: "1000" });
      const res = await gw.post(`/v1/deliveries/${delivery.deliveryId}/acceptance`, vendor.apiKey, {
        pin: PIN,
        by: household.memberRef,
      });
      expect(res.status, res.text).to.equal(404);
      expect(res.body.error.field).to.equal("by");
    });
  });

  describe("field agents", () => {
    it("waits for a field agent where the programme needs one; the co-signature redeems it, naming the agent on chain", async () => {
      const { gw, households, vendor, fieldAgent, cosignedProgrammeId } = world;
      const household = households[5]!;
      const delivery = await openDelivery(world, {
        programmeId: cosignedProgrammeId,
        householdRef: household.householdRef,
        amount: "400000",
        item: "housing-repair",
      });
      const accepted = await gw.post(`/v1/deliveries/${delivery.deliveryId}/acceptance`, vendor.apiKey, {
        pin: PIN,
      });
      expect(accepted.status, accepted.text).to.equal(200);
      expect(accepted.body.state).to.equal("awaiting_cosign");
      await gw.services.outbox.drain();
      expect((await settled(world, delivery.deliveryId)).state).to.equal("awaiting_cosign");
      expect(
        (await gw.post(`/v1/deliveries/${delivery.deliveryId}/cosign`, vendor.apiKey, {})).status,
      ).to.equal(403);

      const cosigned = await gw.post(`/v1/deliveries/${delivery.deliveryId}/cosign`, fieldAgent.apiKey, {});
      expect(cosigned.status, cosigned.text).to.equal(200);
      expect(cosigned.body).to.include({ fieldAgentOrgId: fieldAgent.orgId });
      const done = await settled(world, delivery.deliveryId);
      expect(done.state, JSON.stringify(done.refusal)).to.equal("redeemed");
      const receipt = await gw.services.provider.getTransactionReceipt(done.redemption!.txHash);
      const ledger = gw.services.system.ledger;
      const event = receipt!.logs
        .map((log) => ledger.interface.parseLog(log))
        .find((parsed) => parsed?.name === "DeliveryRedeemed");
      expect(event!.args.fieldAgent).to.equal(getAddress(fieldAgent.address));
      const again = await gw.post(`/v1/deliveries/${delivery.deliveryId}/cosign`, fieldAgent.apiKey, {});
      expect(again.status).to.equal(409);
      expect(again.body.error.code).to.equal("not_awaiting_cosign");
    });

    it("answers the ledger's FieldAgentNotIndependent readably when the agent is the wallet that accepted, storing nothing", async () => {
      const { gw, households, vendor, fieldAgent, registrar, cosignedProgrammeId } = world;
      const household = households[4]!;
      // The head's wallet becomes the field agent's own key: the agent would co-sign its own acceptance.
      const agentKey = gw.services.wallets.keystore.signer(fieldAgent.address.toLowerCase());
      const challenge = await gw.post("/v1/wallets/challenges", registrar.apiKey, {
        beneficiaryRef: household.headRef,
        address: fieldAgent.address,
      });
      const proof = await gw.post("/v1/wallets/proofs", registrar.apiKey, {
        challengeId: challenge.body.challengeId,
        signature: await agentKey.signMessage(challenge.body.message),
      });
      expect(proof.status, proof.text).to.equal(200);
      const rebind = await gw.post("/v1/wallets/rebinds", registrar.apiKey, {
        beneficiaryRef: household.headRef,
        to: fieldAgent.address,
        reason: "own_phone",
      });
      expect(rebind.status, rebind.text).to.equal(200);
      await gw.services.outbox.drain();

      const delivery = await openDelivery(world, {
        programmeId: cosignedProgrammeId,
        householdRef: household.householdRef,
        amount: "1000",
      });
      const signature = await agentKey.signTypedData(
        delivery.typedData.domain,
        delivery.typedData.types,
        delivery.typedData.message,
      );
      const accepted = await gw.post(`/v1/deliveries/${delivery.deliveryId}/acceptance`, vendor.apiKey, {
        signature,
      });
      expect(accepted.status, accepted.text).to.equal(200);
      const before = counts();
      const refused = await gw.post(`/v1/deliveries/${delivery.deliveryId}/cosign`, fieldAgent.apiKey, {});
      expect(refused.status, refused.text).to.equal(409);
      expect(refused.body.error).to.include({
        name: "ChainRefusedError",
        code: "FieldAgentNotIndependent",
        field: "fieldAgent",
      });
      expect(counts()).to.deep.equal(before);
      expect((await settled(world, delivery.deliveryId)).state).to.equal("awaiting_cosign");
    });
  });

  describe("disputes", () => {
    it("before redemption: the delivery is disputed and can never be accepted or redeemed", async () => {
      const { gw, households, vendor } = world;
      const household = households[3]!;
      const delivery = await openDelivery(world, { householdRef: household.householdRef, amount: "1000" });
      const jobs = countRows(gw, "chain_jobs");
      const disputed = await gw.post(`/v1/deliveries/${delivery.deliveryId}/dispute`, vendor.apiKey, {
        pin: PIN,
      });
      expect(disputed.status, disputed.text).to.equal(200);
      expect(disputed.body.state).to.equal("disputed");
      const accept = await gw.post(`/v1/deliveries/${delivery.deliveryId}/acceptance`, vendor.apiKey, {
        pin: PIN,
      });
      expect(accept.status).to.equal(409);
      expect(countRows(gw, "chain_jobs")).to.equal(jobs);
    });

    it("after redemption: flags it on chain from the custodial wallet, and the resolution shows to the vendor, the charity and auditors", async () => {
      const { gw, households, vendor, charity, auditor, programmeId } = world;
      const household = households[3]!;
      const ledger = gw.services.system.ledger;
      const delivery = await openDelivery(world, { householdRef: household.householdRef, amount: "50000" });
      await gw.post(`/v1/deliveries/${delivery.deliveryId}/acceptance`, vendor.apiKey, { pin: PIN });
      expect((await settled(world, delivery.deliveryId)).state).to.equal("redeemed");
      const held = (await ledger.creditOf(programmeId, vendor.address)).held;

      const code = await requestCode(world, delivery.deliveryId, household.phone);
      const flagged = await gw.post(`/v1/deliveries/${delivery.deliveryId}/dispute`, vendor.apiKey, {
        smsCode: code,
        reason: "not_received",
      });
      expect(flagged.status, flagged.text).to.equal(200);
      expect(flagged.body.flag).to.equal("queued");
      const after = await settled(world, delivery.deliveryId);
      expect(after.flag).to.equal("flagged");
      expect(Number(await ledger.disputeStatus(delivery.redemptionId))).to.equal(1);
      expect((await ledger.creditOf(programmeId, vendor.address)).held).to.equal(held + 50_000n * UNITS);
      const twice = await gw.post(`/v1/deliveries/${delivery.deliveryId}/dispute`, vendor.apiKey, {
        pin: PIN,
      });
      expect(twice.status).to.equal(409);
      expect(twice.body.error.code).to.equal("already_flagged");

      // The regulator (the embedded gateway's operator) upholds it on chain.
      const services = gw.services;
      const job = services.outbox.enqueue({
        idempotencyKey: `e2e:resolve:${delivery.redemptionId}`,
        kind: "e2e.resolve",
        from: services.operator,
        to: ledger.target as string,
        data: ledger.interface.encodeFunctionData("resolveFlag", [delivery.redemptionId, true, ""]),
      });
      await services.outbox.drain();
      expect(services.outbox.get(job.jobId)!.status).to.equal("confirmed");
      for (const reader of [vendor, charity, auditor]) {
        const res = await gw.get(`/v1/deliveries/${delivery.deliveryId}`, reader.apiKey);
        expect(res.status, res.text).to.equal(200);
        expect(res.body).to.include({ state: "redeemed", flag: "upheld" });
      }
    });

    it("refuses a dispute after redemption of a self-custodied wallet's receipt: that wallet flags it itself", async () => {
      const { gw, households, vendor } = world;
      const delivery = await openDelivery(world, {
        householdRef: households[0]!.householdRef,
        amount: "1000",
      });
      await gw.post(`/v1/deliveries/${delivery.deliveryId}/acceptance`, vendor.apiKey, {
        signature: await signDelivery(phoneWallet, delivery),
      });
      expect((await settled(world, delivery.deliveryId)).state).to.equal("redeemed");
      const message = `Sin Tech: I did not receive delivery ${delivery.deliveryId} (receipt ${delivery.redemptionId}).`;
      const res = await gw.post(`/v1/deliveries/${delivery.deliveryId}/dispute`, vendor.apiKey, {
        signature: await phoneWallet.signMessage(message),
      });
      expect(res.status, res.text).to.equal(409);
      expect(res.body.error.code).to.equal("flag_from_own_wallet");
    });
  });

  describe("the use-cases the USSD face calls", () => {
    it("lists a household's open deliveries, accepts one by a USSD PIN, disputes one by SMS code, and reads the household's ledger", async () => {
      const { gw, households } = world;
      const deps = gw.services.delivery;
      const household = households[1]!; // three deliveries left open by the opening tests
      const pending = await pendingDeliveriesFor(deps, household.householdRef);
      expect(pending.map((d) => d.amount)).to.deep.equal(["250000", "1000", "749000"]);
      expect(pending.every((d) => d.state === "open")).to.equal(true);

      const accepted = await acceptDelivery(deps, {
        deliveryId: pending[1]!.deliveryId,
        by: household.headRef,
        channel: "ussd",
        pin: PIN,
      });
      expect(accepted.acceptance).to.deep.equal({ channel: "ussd", by: household.headRef });
      await requestSmsCode(deps, pending[0]!.deliveryId);
      const code = smsCodesTo(gw, household.phone).at(-1)!;
      const disputed = await disputeDelivery(deps, {
        deliveryId: pending[0]!.deliveryId,
        by: household.headRef,
        reason: "wrong_item",
        smsCode: code,
      });
      expect(disputed.state).to.equal("disputed");
      await gw.services.outbox.drain();
      expect(
        (await pendingDeliveriesFor(deps, household.householdRef)).map((d) => d.deliveryId),
      ).to.deep.equal([pending[2]!.deliveryId]);
      const [latest] = householdReceipts(deps, household.householdRef);
      expect(latest).to.deep.include({
        deliveryId: pending[1]!.deliveryId,
        channel: "ussd",
        status: "redeemed",
        amount: "1000",
      });
      expect(latest!.txHash).to.match(/^0x[0-9a-f]{64}$/);
    });

    it("sends at most five codes per delivery (429 after)", async () => {
      const { gw, households, vendor } = world;
      const delivery = await openDelivery(world, { householdRef: households[2]!.householdRef, amount: "1" });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        statuses.push(
          (await gw.post(`/v1/deliveries/${delivery.deliveryId}/sms-code`, vendor.apiKey, {})).status,
        );
      }
      expect(statuses).to.deep.equal([201, 201, 201, 201, 201, 429]);
    });
  });

  describe("refusals", () => {
    it("shows the ledger's refusal, readable, when the chain will not redeem an accepted delivery (the vendor was disallowed meanwhile)", async () => {
      const { gw, households, vendor, charity, programmeId } = world;
      const household = households[5]!;
      const ledger = gw.services.system.ledger;
      const delivery = await openDelivery(world, { householdRef: household.householdRef, amount: "1000" });
      const allow = async (allowed: boolean) => {
        const job = gw.services.outbox.enqueue({
          idempotencyKey: `e2e:allow:${randomUUID()}`,
          kind: "e2e.vendors",
          from: charity.address,
          to: ledger.target as string,
          data: ledger.interface.encodeFunctionData("setVendorsAllowed", [
            programmeId,
            [vendor.address],
            allowed,
          ]),
        });
        await gw.services.outbox.drain();
        expect(gw.services.outbox.get(job.jobId)!.status).to.equal("confirmed");
      };
      await allow(false);
      try {
        const accepted = await gw.post(`/v1/deliveries/${delivery.deliveryId}/acceptance`, vendor.apiKey, {
          pin: PIN,
        });
        expect(accepted.status, accepted.text).to.equal(200);
        const refused = await settled(world, delivery.deliveryId);
        expect(refused.state).to.equal("refused");
        expect(refused.refusal).to.deep.include({
          code: "VendorUnauthorized",
          message: "The vendor is not allowed in the programme, or its licence does not cover it.",
        });
        const receipts = await gw.get(`/v1/household-receipts/${household.householdRef}`, charity.apiKey);
        const line = receipts.body.receipts.find(
          (r: { deliveryId: string }) => r.deliveryId === delivery.deliveryId,
        );
        expect(line.status).to.equal("refused");
      } finally {
        await allow(true);
      }
    });
  });

  describe("the redemption queue", () => {
    it("changes the delivery's state and queues its job in one transaction: a failure queueing leaves it open, with nothing written", async () => {
      const { gw, households, vendor } = world;
      const household = households[5]!;
      const delivery = await openDelivery(world, { householdRef: household.householdRef, amount: "1000" });
      const outbox = gw.services.outbox;
      const enqueue = outbox.enqueue.bind(outbox);
      outbox.enqueue = () => {
        throw new Error("disk full");
      };
      const before = counts();
      try {
        const res = await gw.post(`/v1/deliveries/${delivery.deliveryId}/acceptance`, vendor.apiKey, {
          pin: PIN,
        });
        expect(res.status).to.equal(500);
      } finally {
        outbox.enqueue = enqueue;
      }
      expect(counts()).to.deep.equal(before);
      expect((await settled(world, delivery.deliveryId)).state).to.equal("open");
      // Accepted again (the custodial signature is deterministic, so it is not counted twice), it is redeemed once.
      const again = await gw.post(`/v1/deliveries/${delivery.deliveryId}/acceptance`, vendor.apiKey, {
        pin: PIN,
      });
      expect(again.status, again.text).to.equal(200);
      const done = await settled(world, delivery.deliveryId);
      expect(done.state).to.equal("redeemed");
      const jobs = gw.services.store.sqlite
        .prepare("SELECT count(*) FROM chain_jobs WHERE kind = 'delivery.redeem' AND idempotency_key LIKE ?")
        .pluck()
        .get(`%${delivery.redemptionId}%`);
      expect(jobs).to.equal(1);
    });

    it("builds the redemption call through one seam that refuses to mix vendors in a job", async () => {
      const ledger = world.gw.services.system.ledger;
      expect(() => redemptionCall(ledger.interface, [])).to.throw(RangeError);
      const row = world.gw.services.store.sqlite.prepare("SELECT * FROM deliveries LIMIT 2").all() as never[];
      const items = row.map((r) => ({
        row: {
          ...(r as object),
          vendor_address: `0x${randomUUID().replace(/-/g, "").padEnd(40, "0")}`,
        } as never,
        beneficiarySignature: "0x",
        fieldAgentSignature: "0x",
      }));
      expect(() => queueRedemption(world.gw.services.delivery, items)).to.throw(RangeError, "one vendor");
    });
  });

  describe("lookups and who sees what", () => {
    it("tells a vendor only whether the household has an entitlement in its programme and up to how much, logged, an unknown ID alike", async () => {
      const { gw, households, vendor, programmeId } = world;
      const household = households[5]!;
      const logBefore = countRows(gw, "access_log");
      const res = await gw.post("/v1/deliveries/lookup", vendor.apiKey, {
        programmeId,
        nationalId: household.memberId,
      });
      expect(res.status, res.text).to.equal(200);
      // 1,000,000 issued, 1,000 redeemed by the redemption-queue test above.
      expect(res.body).to.deep.equal({ programmeId, hasEntitlement: true, upTo: "999000" });
      expect(countRows(gw, "access_log")).to.equal(logBefore + 1);
      const entry = gw.services.store.sqlite
        .prepare(
          "SELECT action, subject, org_id AS orgId, grounds FROM access_log ORDER BY entry_id DESC LIMIT 1",
        )
        .get();
      expect(entry).to.deep.equal({
        action: "delivery.lookup",
        subject: household.householdRef,
        orgId: vendor.orgId,
        grounds: `vendor:${programmeId}`,
      });
      const unknown = await gw.post("/v1/deliveries/lookup", vendor.apiKey, {
        programmeId,
        nationalId: syntheticNationalId(529_998),
      });
      expect(unknown.body).to.deep.equal({ programmeId, hasEntitlement: false, upTo: "0" });
      const other = await gw.post("/v1/deliveries/lookup", world.otherVendor.apiKey, {
        programmeId,
        householdRef: household.householdRef,
      });
      expect(other.status).to.equal(403);
    });

    it("limits a vendor's lookups per minute (429 after 30), whichever of its keys asks", async () => {
      const { gw, households, otherVendor, programmeId } = world;
      // otherVendor's lookups are refused (403) but still counted against its organisation's budget.
      const statuses: number[] = [];
      for (let i = 0; i < 31; i++) {
        statuses.push(
          (
            await gw.post("/v1/deliveries/lookup", otherVendor.apiKey, {
              programmeId,
              householdRef: households[0]!.householdRef,
            })
          ).status,
        );
      }
      expect(statuses.filter((s) => s === 429)).to.have.length.greaterThan(0);
      expect(statuses.at(-1)).to.equal(429);
    });

    it("shows a vendor its own deliveries only and a charity its programmes' only; the household's ledger follows its tiers", async () => {
      const { gw, vendor, otherVendor, charity, otherCharity, auditor, households } = world;
      const own = await gw.get("/v1/deliveries?limit=500", vendor.apiKey);
      expect(own.status, own.text).to.equal(200);
      expect(own.body.deliveries.length).to.be.greaterThan(10);
      expect(
        own.body.deliveries.every((d: { vendorOrgId: string }) => d.vendorOrgId === vendor.orgId),
      ).to.equal(true);
      expect((await gw.get("/v1/deliveries", otherVendor.apiKey)).body.deliveries).to.deep.equal([]);
      expect((await gw.get("/v1/deliveries", otherCharity.apiKey)).body.deliveries).to.deep.equal([]);
      expect(
        (await gw.get("/v1/deliveries?state=redeemed", charity.apiKey)).body.deliveries.length,
      ).to.be.greaterThan(3);
      const one = own.body.deliveries[0].deliveryId as string;
      expect((await gw.get(`/v1/deliveries/${one}`, otherVendor.apiKey)).status).to.equal(404);
      expect((await gw.get(`/v1/deliveries/${one}`, otherCharity.apiKey)).status).to.equal(404);
      const logBefore = countRows(gw, "access_log");
      expect((await gw.get(`/v1/deliveries/${one}`, auditor.apiKey)).status).to.equal(200);
      expect(countRows(gw, "access_log")).to.equal(logBefore + 1);
      const read = gw.services.store.sqlite
        .prepare("SELECT action, subject, grounds FROM access_log ORDER BY entry_id DESC LIMIT 1")
        .get();
      expect(read).to.deep.equal({
        action: "delivery.read",
        subject: own.body.deliveries[0].householdRef,
        grounds: "auditor",
      });
      // Its own vendor reading it is not a read of someone else's household file.
      await gw.get(`/v1/deliveries/${one}`, vendor.apiKey);
      expect(countRows(gw, "access_log")).to.equal(logBefore + 1);
      const foreign = await gw.get(
        `/v1/household-receipts/${households[2]!.householdRef}`,
        otherCharity.apiKey,
      );
      expect(foreign.status).to.equal(404);
      expect(
        (await gw.get(`/v1/household-receipts/${households[2]!.householdRef}`, auditor.apiKey)).status,
      ).to.equal(200);
    });
  });
});
