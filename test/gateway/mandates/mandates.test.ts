import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { Signature, TypedDataEncoder } from "ethers";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { keccak256, toUtf8Bytes } from "ethers";
import { checkpoint } from "../../../src/db";
import { toAsciiDigits } from "../../../src/identity";
import { allBlocks, removeDataDir } from "../e2e/harness";
import { LeakScanner } from "../e2e/leakScan";
import {
  currentPeriod,
  forbidden,
  issue,
  lastCode,
  mandateWorld,
  PIN,
  PREMIUM,
  proposalBody,
  refused,
  tableCounts,
  textsTo,
  type MandateWorld,
} from "./mandateFixture";

interface MandateBody {
  mandateId: string;
  state: string;
  beneficiaryRef: string;
  chainMandateId: string | null;
  acceptance: { channel: string; by: string } | null;
  revocation: { channel: string; by: string; txHash: string | null } | null;
  typedData: {
    domain: Record<string, unknown>;
    types: Record<string, { name: string; type: string }[]>;
    message: Record<string, unknown>;
  } | null;
  revocationTypedData: {
    domain: Record<string, unknown>;
    types: Record<string, { name: string; type: string }[]>;
    message: { mandateId: string; memberRef: string; deadline: string };
  } | null;
  premiums: {
    deliveryId: string;
    period: number;
    amount: string;
    state: string;
    redemption: { txHash: string } | null;
    refusal: { code: string } | null;
    notice: string;
  }[];
}

/**
 * Nazr-e bimeh through the whole gateway (HTTP, anvil, SQLite, outbox): an insurer or the household's charity
 * proposes, a member accepts by its own wallet, its PIN or an SMS code, the insurer redeems a premium a period
 * (alone and in one redeemBatch), the contract's refusals read plainly and write nothing, a member revokes, the
 * household is told by SMS it is insured, and the premiums are on the donor's gift timeline.
 */
describe("mandates: premium mandates end to end (propose, accept, redeem, revoke)", function () {
  this.timeout(300_000);
  let world: MandateWorld;
  let period: number;
  /** Household i's accepted mandate. */
  const mandates: MandateBody[] = [];

  before(async () => {
    world = await mandateWorld(3, 610_001);
    period = await currentPeriod(world);
  });
  after(async () => {
    await world?.gw.stop();
    if (world) removeDataDir(world.gw.dataDir);
  });

  const propose = async (body: Record<string, unknown>, key = world.insurer.apiKey) => {
    const res = await world.gw.post("/v1/mandates", key, body);
    expect(res.status, res.text).to.equal(201);
    expect(res.body).to.include({ state: "proposed", replayed: false });
    return res.body as MandateBody;
  };
  const accept = (mandateId: string, body: Record<string, unknown>, key = world.insurer.apiKey) =>
    world.gw.post(`/v1/mandates/${mandateId}/acceptance`, key, body);
  const premium = (mandateId: string, body: Record<string, unknown> = {}, key = world.insurer.apiKey) =>
    world.gw.post(`/v1/mandates/${mandateId}/premiums`, key, {
      idempotencyKey: `premium-${randomUUID()}`,
      ...body,
    });

  it("refuses a proposal naming the field at fault, writing nothing; an insurer's proposal answers the typed data to sign", async () => {
    const { gw, insurer, charity, otherCharity, otherVendor, households } = world;
    const body = (overrides: Record<string, unknown> = {}) =>
      proposalBody(world, 0, period, period + 2, overrides);
    const post =
      (payload: unknown, key = insurer.apiKey) =>
      () =>
        gw.post("/v1/mandates", key, payload);
    await refused(
      gw,
      post(body({ programmeId: world.reliefProgrammeId })),
      400,
      "programmeId",
      "not_insurance",
    );
    await refused(gw, post(body({ programmeId: 999_999 })), 404, "programmeId");
    await refused(gw, post(body({ premiumPerPeriod: "2500001" })), 400, "premiumPerPeriod", "above_cap");
    await refused(gw, post(body({ premiumPerPeriod: "0" })), 400, "premiumPerPeriod");
    await refused(gw, post(body({ firstPeriod: period + 3 })), 400, "lastPeriod", "before_first");
    await refused(
      gw,
      post(body({ firstPeriod: period - 3, lastPeriod: period - 1 })),
      400,
      "lastPeriod",
      "ended",
    );
    await refused(gw, post(body({ lastPeriod: 2 ** 32 })), 400, "lastPeriod");
    await refused(gw, post(body({ householdRef: `0x${"ab".repeat(32)}` })), 404, "householdRef");
    await refused(gw, post(body({ householdRef: "0xAB" })), 400, "householdRef");
    await refused(gw, post(body({ beneficiaryRef: households[1]!.headRef })), 404, "beneficiaryRef");
    await refused(gw, post(body({ insurerOrgId: otherVendor.orgId })), 400, "insurerOrgId", "not_self");
    await refused(gw, post(body(), otherVendor.apiKey), 403, "insurerOrgId", "insurer_not_allowed");
    await refused(gw, post(body(), charity.apiKey), 400, "insurerOrgId", "required");
    await refused(gw, post(body({ insurerOrgId: "org_000000000000" }), charity.apiKey), 404, "insurerOrgId");
    await refused(
      gw,
      post(body({ insurerOrgId: otherCharity.orgId }), charity.apiKey),
      400,
      "insurerOrgId",
      "not_vendor",
    );
    // Another charity may not read the household: it is told what an unknown one is told.
    await refused(gw, post(body({ insurerOrgId: insurer.orgId }), otherCharity.apiKey), 404, "householdRef");
    await refused(gw, post({ ...body(), pepper: 1 }), 400, "pepper");
    await refused(gw, post({ ...body(), idempotencyKey: "short" }), 400, "idempotencyKey");

    const payload = body();
    const proposed = await propose(payload);
    const replay = await gw.post("/v1/mandates", insurer.apiKey, payload);
    expect(replay.status, replay.text).to.equal(200);
    expect({ ...replay.body, replayed: false }).to.deep.equal({ ...proposed, replayed: false });
    await refused(
      gw,
      post({ ...payload, premiumPerPeriod: "60000" }),
      409,
      "idempotencyKey",
      "idempotency_key_reused",
    );

    // The typed data is PremiumMandates' own: the contract hashes it to the same digest.
    const typed = proposed.typedData!;
    const onChain = await gw.services.system.mandates.mandateDigest({
      ...(typed.message as Record<string, string | number>),
    } as never);
    expect(TypedDataEncoder.hash(typed.domain, typed.types, typed.message).toLowerCase()).to.equal(
      onChain.toLowerCase(),
    );
    expect(typed.message).to.include({
      householdRef: households[0]!.householdRef,
      beneficiaryRef: households[0]!.headRef,
      receiptIndex: 31,
    });
    expect(proposed.chainMandateId).to.equal(null);
    mandates[0] = proposed;
  });

  it("household 0's member accepts with its own wallet's EIP-712 signature of the typed data answered; a stranger's is refused", async () => {
    const { gw, phoneWallet, households, insurer } = world;
    const proposed = mandates[0]!;
    const typed = proposed.typedData!;
    const stranger = (await import("ethers")).Wallet.createRandom();
    await refused(gw, () => accept(proposed.mandateId, { signature: "0x1234" }), 400, "signature");
    await refused(
      gw,
      async () =>
        accept(proposed.mandateId, {
          signature: await stranger.signTypedData(typed.domain, typed.types, typed.message),
        }),
      400,
      "signature",
      "not_signer",
    );
    const signature = await phoneWallet.signTypedData(typed.domain, typed.types, typed.message);
    // The malleable twin of the same signature (s above half the curve order) is refused as such.
    const sig = Signature.from(signature);
    const order = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const highS = `${sig.r}${(order - BigInt(sig.s)).toString(16).padStart(64, "0")}${(sig.v === 27 ? 28 : 27).toString(16)}`;
    await refused(gw, () => accept(proposed.mandateId, { signature: highS }), 400, "signature", "high_s");
    await refused(
      gw,
      () => accept(proposed.mandateId, { signature, pin: PIN }),
      400,
      "signature",
      "one_proof",
    );
    await refused(gw, () => accept(proposed.mandateId, { pin: PIN }), 409, "pin", "sign_with_own_wallet");
    await refused(
      gw,
      () => accept(proposed.mandateId, { signature }, world.otherVendor.apiKey),
      404,
      "mandateId",
    );
    await forbidden(world, () => accept(proposed.mandateId, { signature }, world.auditor.apiKey));

    const res = await accept(proposed.mandateId, { signature });
    expect(res.status, res.text).to.equal(200);
    const accepted = res.body as MandateBody;
    expect(accepted).to.deep.include({
      state: "accepted",
      acceptance: { channel: "wallet", by: households[0]!.headRef },
    });
    expect(accepted.chainMandateId).to.equal(
      TypedDataEncoder.hash(typed.domain, typed.types, typed.message).toLowerCase(),
    );
    const stored = await gw.services.system.mandates.mandate(accepted.chainMandateId!);
    expect(stored.insurer.toLowerCase()).to.equal(insurer.address.toLowerCase());
    expect(stored.householdRef).to.equal(households[0]!.householdRef);
    expect(stored.premiumPerPeriod).to.equal(BigInt(PREMIUM) * 10n ** 18n);
    expect(stored.revoked).to.equal(false);
    const job = gw.services.outbox.byKey(`mandate-accept:${accepted.chainMandateId}`)!;
    expect(job).to.include({ status: "confirmed", kind: "mandate.accept" });
    await refused(gw, () => accept(proposed.mandateId, { signature }), 409, "mandateId", "not_proposed");
    mandates[0] = accepted;
  });

  it("household 1's head accepts through its custodial wallet after its PIN (the charity relaying); a wrong PIN costs a try and writes nothing", async () => {
    const { gw, households, charity, insurer } = world;
    // The household's charity proposes, naming the insurer.
    const proposed = await propose(
      proposalBody(world, 1, period, period + 2, { insurerOrgId: insurer.orgId }),
      charity.apiKey,
    );
    expect(proposed.beneficiaryRef).to.equal(households[1]!.headRef);
    const wrong = await refused(
      gw,
      () => accept(proposed.mandateId, { pin: "000000", by: households[1]!.headRef }),
      401,
      "pin",
      "pin_incorrect",
    );
    expect(wrong.text).to.not.include("000000");
    await refused(gw, () => accept(proposed.mandateId, { pin: PIN, by: `0x${"cd".repeat(32)}` }), 404, "by");
    // A member with no wallet on chain (only heads are registered here) cannot give the household's word.
    await refused(
      gw,
      () => accept(proposed.mandateId, { pin: PIN, by: households[1]!.memberRef }),
      404,
      "by",
    );
    const signedBefore = tableCounts(gw).signing_log;
    const res = await accept(proposed.mandateId, { pin: PIN, by: households[1]!.headRef }, charity.apiKey);
    expect(res.status, res.text).to.equal(200);
    const accepted = res.body as MandateBody;
    // The member who gave its word is the one the mandate names on chain.
    expect(accepted).to.deep.include({
      state: "accepted",
      beneficiaryRef: households[1]!.headRef,
      acceptance: { channel: "pin", by: households[1]!.headRef },
    });
    const stored = await gw.services.system.mandates.mandate(accepted.chainMandateId!);
    expect(stored.beneficiaryRef).to.equal(households[1]!.headRef);
    // The custodial signer logged one signature, counted against the member's caps.
    expect(tableCounts(gw).signing_log).to.equal(signedBefore + 1);
    const logged = gw.services.store.sqlite
      .prepare("SELECT beneficiary_ref, amount, method FROM signing_log WHERE digest = ?")
      .get(accepted.chainMandateId) as Record<string, string>;
    expect(logged).to.deep.equal({
      beneficiary_ref: households[1]!.headRef,
      amount: (BigInt(PREMIUM) * 10n ** 18n).toString(),
      method: "pin",
    });
    mandates[1] = accepted;
  });

  it("household 2 accepts by an SMS code texted in Persian and English and bound to accepting this mandate", async () => {
    const { gw, households } = world;
    const household = households[2]!;
    // Its mandate ends this period: the next period's premium is refused below.
    const proposed = await propose(proposalBody(world, 2, period, period));
    await refused(gw, () => accept(proposed.mandateId, { smsCode: "123456" }), 409, "smsCode", "no_code");
    await refused(
      gw,
      () =>
        gw.post(`/v1/mandates/${proposed.mandateId}/sms-code`, world.insurer.apiKey, { purpose: "revoke" }),
      409,
      "purpose",
      "not_accepted",
    );
    await refused(
      gw,
      () => gw.post(`/v1/mandates/${proposed.mandateId}/sms-code`, world.insurer.apiKey, {}),
      400,
      "purpose",
    );
    const sent = await gw.post(`/v1/mandates/${proposed.mandateId}/sms-code`, world.insurer.apiKey, {
      purpose: "accept",
    });
    expect(sent.status, sent.text).to.equal(201);
    expect(sent.text).to.not.include(household.phone);
    const text = textsTo(gw, household.phone).at(-1)!;
    expect(text).to.include(`programme ${world.programmeId}`).and.include(PREMIUM).and.include("سین‌تک");
    const code = lastCode(gw, household.phone);
    expect(sent.text).to.not.include(code);
    const wrong = code === "000000" ? "111111" : "000000";
    await refused(gw, () => accept(proposed.mandateId, { smsCode: wrong }), 401, "smsCode", "code_incorrect");
    const res = await accept(proposed.mandateId, { smsCode: code });
    expect(res.status, res.text).to.equal(200);
    expect(res.body).to.deep.include({
      state: "accepted",
      acceptance: { channel: "sms", by: household.headRef },
    });
    const otp = gw.services.store.sqlite
      .prepare("SELECT used_at, code_hash FROM mandate_otps ORDER BY rowid DESC LIMIT 1")
      .get() as Record<string, string>;
    expect(otp.used_at).to.be.a("string");
    expect(otp.code_hash).to.not.include(code);
    mandates[2] = res.body as MandateBody;
  });

  it("the insurer redeems household 0's premium: a delivery redeemed on chain, in the household's ledger, and an SMS that it is insured", async () => {
    const { gw, households, insurer, charity } = world;
    const household = households[0]!;
    const textsBefore = textsTo(gw, household.phone).length;
    // The insurer's own deliveries and its premiums keep their idempotency keys apart.
    const opened = await gw.post("/v1/deliveries", insurer.apiKey, {
      programmeId: world.reliefProgrammeId,
      householdRef: household.householdRef,
      amount: "1000",
      item: "medicine",
      idempotencyKey: "insurer-shared-key-0001",
    });
    expect(opened.status, opened.text).to.equal(201);
    const res = await premium(mandates[0]!.mandateId, { idempotencyKey: "insurer-shared-key-0001" });
    expect(res.status, res.text).to.equal(201);
    const [redeemed] = res.body.mandate.premiums as MandateBody["premiums"];
    expect(redeemed).to.deep.include({
      period,
      amount: PREMIUM,
      state: "redeemed",
      refusal: null,
      notice: "sent",
    });
    const tx = await gw.services.provider.getTransactionReceipt(redeemed!.redemption!.txHash);
    const ledger = gw.services.system.ledger;
    const events = tx!.logs
      .map((log) => ledger.interface.parseLog(log))
      .filter((e) => e?.name === "DeliveryRedeemed");
    expect(events).to.have.length(1);
    expect(events[0]!.args.householdRef).to.equal(household.householdRef);
    expect(events[0]!.args.vendor.toLowerCase()).to.equal(insurer.address.toLowerCase());
    // A delivery like any other: the insurer and the charity read it; the household file's ledger records it.
    const delivery = await gw.get(`/v1/deliveries/${redeemed!.deliveryId}`, insurer.apiKey);
    expect(delivery.status, delivery.text).to.equal(200);
    expect(delivery.body).to.include({ state: "redeemed", item: "insurance-premium", amount: PREMIUM });
    const receipts = await gw.get(`/v1/household-receipts/${household.householdRef}`, charity.apiKey);
    expect(receipts.status, receipts.text).to.equal(200);
    expect(receipts.body.receipts[0]).to.include({
      deliveryId: redeemed!.deliveryId,
      channel: "mandate",
      status: "redeemed",
      item: "insurance-premium",
    });
    const texts = textsTo(gw, household.phone);
    expect(texts).to.have.length(textsBefore + 1);
    expect(texts.at(-1))
      .to.include(`insured this period (period ${period})`)
      .and.include(PREMIUM)
      .and.include("بیمه است");
    mandates[0] = res.body.mandate;
  });

  it("refuses a second premium in the period, one above the premium and another insurer's, readably and writing nothing", async () => {
    const { gw, otherVendor } = world;
    const twice = await refused(
      gw,
      () => premium(mandates[0]!.mandateId),
      409,
      "mandateId",
      "ReceiptNonceUsed",
    );
    expect(twice.body.error!.message).to.match(/already redeemed/);
    const above = await refused(
      gw,
      () => premium(mandates[1]!.mandateId, { amount: "50000.5" }),
      409,
      "amount",
      "above_premium",
    );
    expect(above.body.error!.message).to.match(/ReceiptSignatureInvalid.*above its premium/);
    await refused(gw, () => premium(mandates[1]!.mandateId, {}, otherVendor.apiKey), 404, "mandateId");
    await forbidden(world, () => premium(mandates[1]!.mandateId, {}, world.charity.apiKey));
    await refused(gw, () => premium(mandates[1]!.mandateId, { amount: "-1" }), 400, "amount");
  });

  it("redeems households 1 and 2's premiums in one redeemBatch through the outbox, each household told", async () => {
    const { gw, households } = world;
    const key = `premiums-${randomUUID()}`;
    const body = {
      premiums: [{ mandateId: mandates[1]!.mandateId }, { mandateId: mandates[2]!.mandateId }],
      idempotencyKey: key,
    };
    await refused(
      gw,
      () => gw.post("/v1/mandates/premiums", world.insurer.apiKey, { premiums: [], idempotencyKey: key }),
      400,
      "premiums",
    );
    await refused(
      gw,
      () =>
        gw.post("/v1/mandates/premiums", world.insurer.apiKey, {
          premiums: [body.premiums[0], body.premiums[0]],
          idempotencyKey: key,
        }),
      400,
      "premiums[1].mandateId",
      "duplicate",
    );
    const jobsBefore = tableCounts(gw).chain_jobs;
    const res = await gw.post("/v1/mandates/premiums", world.insurer.apiKey, body);
    expect(res.status, res.text).to.equal(201);
    const answered = res.body.premiums as { mandate: MandateBody; deliveryId: string }[];
    expect(answered.map((p) => p.mandate.premiums[0]!.state)).to.deep.equal(["redeemed", "redeemed"]);
    const [first, second] = answered.map((p) => p.mandate.premiums[0]!.redemption!.txHash);
    expect(first).to.equal(second);
    expect(tableCounts(gw).chain_jobs).to.equal(jobsBefore + 1);
    const tx = await gw.services.provider.getTransaction(first!);
    expect(tx!.data.slice(0, 10)).to.equal(
      gw.services.system.ledger.interface.getFunction("redeemBatch")!.selector,
    );
    for (const index of [1, 2])
      expect(textsTo(gw, households[index]!.phone).at(-1)).to.include("insured this period");
    const again = await gw.post("/v1/mandates/premiums", world.insurer.apiKey, body);
    expect(again.status, again.text).to.equal(200);
    expect(again.body.premiums.map((p: { replayed: boolean }) => p.replayed)).to.deep.equal([true, true]);
    expect(tableCounts(gw).chain_jobs).to.equal(jobsBefore + 1);
    mandates[1] = answered[0]!.mandate;
    mandates[2] = answered[1]!.mandate;
  });

  it("shows the premiums on the donor's gift timeline, each a redemption by the insurer", async () => {
    const { gw, donor, insurer, giftId } = world;
    const deadline = Date.now() + 30_000;
    let body:
      | {
          redeemed: {
            vendors: { vendorOrgId: string; vendorName: string; amount: string; deliveries: number }[];
          };
          deliveries: { txHash: string }[];
        }
      | undefined;
    while (Date.now() < deadline) {
      const res = await gw.get(`/v1/gifts/${giftId}/timeline`, donor.apiKey);
      expect(res.status, res.text).to.equal(200);
      if (res.body.deliveries.length === 3) {
        body = res.body;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(body, "three premiums on the timeline").to.not.equal(undefined);
    expect(body!.redeemed.vendors).to.deep.equal([
      {
        vendor: insurer.address.toLowerCase(),
        vendorOrgId: insurer.orgId,
        vendorName: body!.redeemed.vendors[0]!.vendorName,
        amount: String(3 * Number(PREMIUM)),
        deliveries: 3,
      },
    ]);
    const txs = mandates.map((mandate) => mandate.premiums[0]!.redemption!.txHash);
    expect(body!.deliveries.map((delivery) => delivery.txHash).sort()).to.deep.equal([...txs].sort());
  });

  it("a charity sees only its own households' mandates; auditors see all; every read of another's household is logged", async () => {
    const { gw, charity, otherCharity, auditor, insurer } = world;
    const mine = await gw.get("/v1/mandates", charity.apiKey);
    expect(mine.status, mine.text).to.equal(200);
    expect(mine.body.mandates.map((m: MandateBody) => m.mandateId).sort()).to.include.members(
      mandates.map((m) => m.mandateId),
    );
    const theirs = await gw.get("/v1/mandates", otherCharity.apiKey);
    expect(theirs.status, theirs.text).to.equal(200);
    expect(theirs.body.mandates).to.deep.equal([]);
    expect((await gw.get(`/v1/mandates/${mandates[0]!.mandateId}`, otherCharity.apiKey)).status).to.equal(
      404,
    );
    expect(
      (await gw.get(`/v1/mandates/${mandates[0]!.mandateId}`, world.otherVendor.apiKey)).status,
    ).to.equal(404);
    expect((await gw.get(`/v1/mandates/${mandates[0]!.mandateId}`, insurer.apiKey)).status).to.equal(200);
    // Nor may another charity or vendor relay a household's word on it: the same 404, nothing written.
    for (const key of [otherCharity.apiKey, world.otherVendor.apiKey]) {
      const path = `/v1/mandates/${mandates[1]!.mandateId}`;
      await refused(gw, () => gw.post(`${path}/revocation`, key, { pin: PIN }), 404, "mandateId");
      await refused(gw, () => gw.post(`${path}/sms-code`, key, { purpose: "revoke" }), 404, "mandateId");
      await refused(gw, () => gw.post(`${path}/acceptance`, key, { pin: PIN }), 404, "mandateId");
    }
    const logged = () =>
      gw.services.store.sqlite
        .prepare("SELECT count(*) FROM access_log WHERE action = 'mandate.read'")
        .pluck()
        .get() as number;
    const before = logged();
    const read = await gw.get(`/v1/mandates/${mandates[0]!.mandateId}`, auditor.apiKey);
    expect(read.status, read.text).to.equal(200);
    expect(logged()).to.equal(before + 1);
    const filtered = await gw.get(
      `/v1/mandates?householdRef=${world.households[1]!.householdRef}&state=accepted`,
      auditor.apiKey,
    );
    expect(filtered.body.mandates.map((m: MandateBody) => m.mandateId)).to.deep.equal([
      mandates[1]!.mandateId,
    ]);
    expect((await gw.get("/v1/mandates?state=open", auditor.apiKey)).status).to.equal(400);
  });

  it("household 0 revokes by its own wallet (revokeMandateBySig relayed); a premium after it is refused as revoked", async () => {
    const { gw, phoneWallet, households } = world;
    const current = mandates[0]!;
    const template = current.revocationTypedData!;
    expect(template.message).to.include({
      mandateId: current.chainMandateId,
      memberRef: households[0]!.headRef,
    });
    const signature = await phoneWallet.signTypedData(template.domain, template.types, template.message);
    const deadline = Number(template.message.deadline);
    const path = `/v1/mandates/${current.mandateId}/revocation`;
    await refused(gw, () => gw.post(path, world.insurer.apiKey, { signature }), 400, "deadline", "required");
    await refused(
      gw,
      () => gw.post(path, world.insurer.apiKey, { signature, deadline: deadline + 1 }),
      400,
      "signature",
      "not_signer",
    );
    await refused(
      gw,
      () => gw.post(path, world.insurer.apiKey, { pin: PIN, deadline }),
      400,
      "deadline",
      "only_with_signature",
    );
    const res = await gw.post(path, world.charity.apiKey, { signature, deadline });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.state).to.equal("revoked");
    // The revocation's transaction is added once the indexer reads it on chain.
    expect(res.body.revocation).to.include({ channel: "wallet", by: households[0]!.headRef });
    expect((await gw.services.system.mandates.mandate(current.chainMandateId!)).revoked).to.equal(true);
    await refused(
      gw,
      () => gw.post(path, world.charity.apiKey, { signature, deadline }),
      409,
      "mandateId",
      "already_revoked",
    );
    const after = await refused(gw, () => premium(current.mandateId), 409, "mandateId", "mandate_revoked");
    expect(after.body.error!.message).to.match(/ReceiptSignatureInvalid.*revoked/);
  });

  it("the next period: household 1's premium goes through, household 2's is refused after its last period, then household 2 revokes by SMS and household 1 by PIN", async () => {
    const { gw, households, charity } = world;
    const provider = gw.services.provider;
    await provider.send("evm_increaseTime", [86_400]);
    await provider.send("evm_mine", []);
    const next = await currentPeriod(world);
    expect(next).to.equal(period + 1);
    await issue(gw, charity, world.programmeId, households);
    const ok = await premium(mandates[1]!.mandateId);
    expect(ok.status, ok.text).to.equal(201);
    expect(
      ok.body.mandate.premiums.map((p: { period: number; state: string }) => [p.period, p.state]),
    ).to.deep.equal([
      [period, "redeemed"],
      [next, "redeemed"],
    ]);
    const late = await refused(
      gw,
      () => premium(mandates[2]!.mandateId),
      409,
      "mandateId",
      "after_last_period",
    );
    expect(late.body.error!.message).to.include(`last period (${period})`);

    const household = households[2]!;
    const sent = await gw.post(`/v1/mandates/${mandates[2]!.mandateId}/sms-code`, charity.apiKey, {
      purpose: "revoke",
    });
    expect(sent.status, sent.text).to.equal(201);
    expect(textsTo(gw, household.phone).at(-1)).to.include("revokes").and.include("لغو");
    const revoked = await gw.post(`/v1/mandates/${mandates[2]!.mandateId}/revocation`, charity.apiKey, {
      smsCode: lastCode(gw, household.phone),
    });
    expect(revoked.status, revoked.text).to.equal(200);
    expect(revoked.body.state).to.equal("revoked");
    // The revocation's transaction is added once the indexer reads it on chain.
    expect(revoked.body.revocation).to.include({ channel: "sms", by: household.headRef });

    const byPin = await gw.post(`/v1/mandates/${mandates[1]!.mandateId}/revocation`, world.insurer.apiKey, {
      pin: PIN,
      by: households[1]!.headRef,
    });
    expect(byPin.status, byPin.text).to.equal(200);
    expect(byPin.body.state).to.equal("revoked");
    // The revocation's transaction is added once the indexer reads it on chain.
    expect(byPin.body.revocation).to.include({ channel: "pin", by: households[1]!.headRef });
    const onChain = await gw.services.system.mandates.mandate(mandates[1]!.chainMandateId!);
    expect(onChain.revoked).to.equal(true);
    const jobs = gw.services.store.sqlite
      .prepare(
        "SELECT kind, status FROM chain_jobs WHERE kind IN ('mandate.accept', 'mandate.revoke') ORDER BY job_id",
      )
      .all();
    expect(jobs).to.deep.equal([
      { kind: "mandate.accept", status: "confirmed" },
      { kind: "mandate.accept", status: "confirmed" },
      { kind: "mandate.accept", status: "confirmed" },
      { kind: "mandate.revoke", status: "confirmed" },
      { kind: "mandate.revoke", status: "confirmed" },
      { kind: "mandate.revoke", status: "confirmed" },
    ]);
  });
  it("kept every national ID, phone, SMS code and PIN out of logs, responses, the database and the chain, in clear or hashed", async () => {
    const { gw, households } = world;
    const scanner = new LeakScanner();
    households.forEach((household, index) => {
      scanner.addDigits(household.nationalId, `head's national ID #${index}`);
      scanner.addDigits(household.memberId, `member's national ID #${index}`);
      scanner.addDigits(household.phone, `phone #${index}`);
      scanner.addDigits(`98${household.phone.slice(1)}`, `phone #${index} (international)`);
    });
    expect(gw.logLines.length).to.be.greaterThan(40);
    gw.logLines.forEach((line, index) => scanner.scanText(line, `log line ${index}`));
    gw.responses.forEach((body, index) => scanner.scanText(body, `response ${index}`));
    const db = join(gw.dataDir, "gateway.db");
    checkpoint(gw.services.store);
    scanner.scanBytes(readFileSync(db), "gateway.db");
    if (existsSync(`${db}-wal`)) scanner.scanBytes(readFileSync(`${db}-wal`), "gateway.db-wal");
    for (const block of await allBlocks(gw)) {
      for (const tx of block.transactions) scanner.scanHex(tx.input.slice(2), `calldata of ${tx.hash}`);
    }
    const logs = (await gw.services.provider.send("eth_getLogs", [
      { fromBlock: "0x0", toBlock: "latest" },
    ])) as {
      topics: string[];
      data: string;
      transactionHash: string;
    }[];
    for (const log of logs) {
      for (const topic of log.topics) scanner.scanHex(topic.slice(2), `topic in ${log.transactionHash}`);
      scanner.scanHex(log.data.slice(2), `event data in ${log.transactionHash}`);
    }
    expect(scanner.found).to.deep.equal([]);

    // The codes texted and the PIN: six digits, too short for the scanner; looked for as standalone numbers.
    const codes = households.flatMap((household) =>
      textsTo(gw, household.phone).flatMap((text) => {
        const code = /: ([0-9]{6}) /.exec(text);
        return code ? [code[1]!] : [];
      }),
    );
    expect(codes.length).to.be.greaterThanOrEqual(2);
    const sqlite = gw.services.store.sqlite;
    const tables = sqlite
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all() as string[];
    const places = [
      ...gw.logLines.map((text, index) => ({ where: `log line ${index}`, text })),
      ...gw.responses.map((text, index) => ({ where: `response ${index}`, text })),
      ...tables.map((table) => ({
        where: `table ${table}`,
        text: JSON.stringify(sqlite.prepare(`SELECT * FROM ${table}`).all()),
      })),
    ];
    const found: string[] = [];
    for (const [label, value] of [
      ...codes.map((code, index) => [`SMS code #${index}`, code]),
      ["PIN", PIN],
    ] as const) {
      const standalone = new RegExp(`(?<![0-9])${value}(?![0-9])`);
      const hashes = [
        createHash("sha256").update(value).digest("hex"),
        keccak256(toUtf8Bytes(value)).slice(2),
      ];
      for (const { where, text } of places) {
        const ascii = toAsciiDigits(text);
        if (standalone.test(ascii)) found.push(`${label} in ${where}`);
        if (hashes.some((hash) => ascii.toLowerCase().includes(hash)))
          found.push(`${label} hashed in ${where}`);
      }
    }
    expect(found).to.deep.equal([]);
  });
});
