import { expect } from "chai";
import { Wallet, getAddress } from "ethers";
import { syntheticNationalId } from "../../../src/identity";
import {
  bootE2e,
  householdBody,
  registerOnChain,
  registerOrganisation,
  removeDataDir,
  type E2eGateway,
  type Organisation,
} from "./harness";

describe("e2e: wallets over HTTP, with the chain following", function () {
  let gw: E2eGateway;
  let charity: Organisation;
  let registrar: Organisation;
  let householdRef: string;
  let headRef: string;
  let custodialWallet: string;
  let otherHeadRef: string;

  before(async () => {
    gw = await bootE2e();
    charity = await registerOrganisation(gw, "charity");
    registrar = await registerOrganisation(gw, "registrar");
    const enrolled = await gw.post(
      "/v1/households",
      charity.apiKey,
      householdBody([syntheticNationalId(330_001), syntheticNationalId(330_002)]),
    );
    expect(enrolled.status, enrolled.text).to.equal(201);
    householdRef = enrolled.body.householdRef;
    headRef = enrolled.body.members[0].beneficiaryRef;
    const other = await gw.post(
      "/v1/households",
      charity.apiKey,
      householdBody([syntheticNationalId(330_003)]),
    );
    otherHeadRef = other.body.members[0].beneficiaryRef;
    await registerOnChain(gw, charity.apiKey);
    const summary = await gw.get(`/v1/households/${householdRef}`, charity.apiKey);
    custodialWallet = summary.body.members[0].wallet;
  });

  after(async () => {
    await gw.stop();
    removeDataDir(gw.dataDir);
  });

  it("registers the head with a custodial wallet, bound on chain to the household", async () => {
    const binding = await gw.get(`/v1/wallets/${headRef}`, registrar.apiKey);
    expect(binding.status, binding.text).to.equal(200);
    expect(binding.body).to.include({
      beneficiaryRef: headRef,
      address: custodialWallet,
      custody: "custodial",
    });
    const onChain = await gw.services.system.registry.beneficiary(headRef);
    expect(onChain.wallet).to.equal(getAddress(custodialWallet));
    expect(await gw.services.system.registry.householdOf(custodialWallet)).to.equal(householdRef);
  });

  it("moves the head to a self-custodied wallet after a signed challenge, and the registry follows", async () => {
    const phone = Wallet.createRandom();
    const challenge = await gw.post("/v1/wallets/challenges", registrar.apiKey, {
      beneficiaryRef: headRef,
      address: phone.address,
    });
    expect(challenge.status, challenge.text).to.equal(201);
    expect(challenge.body.message).to.be.a("string").and.not.include(headRef.slice(2, 12).toUpperCase());

    const proof = await gw.post("/v1/wallets/proofs", registrar.apiKey, {
      challengeId: challenge.body.challengeId,
      signature: await phone.signMessage(challenge.body.message),
    });
    expect(proof.status, proof.text).to.equal(200);
    expect(proof.body).to.include({ outcome: "rebind_required", address: phone.address.toLowerCase() });

    const rebind = await gw.post("/v1/wallets/rebinds", registrar.apiKey, {
      beneficiaryRef: headRef,
      to: phone.address,
      reason: "lost_phone",
    });
    expect(rebind.status, rebind.text).to.equal(200);
    expect(rebind.body).to.include({ onChain: "submitted", custody: "self" });

    const registry = gw.services.system.registry;
    expect((await registry.beneficiary(headRef)).wallet).to.equal(phone.address);
    expect(await registry.householdOf(phone.address)).to.equal(householdRef);
    expect(await registry.householdOf(custodialWallet)).to.equal("0x" + "0".repeat(64));
    const history = await gw.get(`/v1/wallets/${headRef}`, registrar.apiKey);
    expect(history.body.history.map((change: { newAddress: string }) => change.newAddress)).to.deep.equal([
      custodialWallet,
      phone.address.toLowerCase(),
    ]);
    const summary = await gw.get(`/v1/households/${householdRef}`, charity.apiKey);
    expect(summary.body.members[0]).to.include({ wallet: phone.address.toLowerCase(), custody: "self" });
  });

  it("refuses a signature by another key and a rebind without a fresh proof", async () => {
    const claimed = Wallet.createRandom();
    const challenge = await gw.post("/v1/wallets/challenges", registrar.apiKey, {
      beneficiaryRef: otherHeadRef,
      address: claimed.address,
    });
    const forged = await gw.post("/v1/wallets/proofs", registrar.apiKey, {
      challengeId: challenge.body.challengeId,
      signature: await Wallet.createRandom().signMessage(challenge.body.message),
    });
    expect(forged.status).to.equal(400);
    expect(forged.body.error.field).to.equal("signature");
    const rebind = await gw.post("/v1/wallets/rebinds", registrar.apiKey, {
      beneficiaryRef: otherHeadRef,
      to: claimed.address,
      reason: "lost_phone",
    });
    expect(rebind.status).to.equal(403);
    expect((await gw.services.system.registry.beneficiary(otherHeadRef)).wallet).to.not.equal(
      claimed.address,
    );
  });

  it("refuses a free-text reason and a guessable PIN, naming the field, and only registrars rebind or set PINs", async () => {
    const freeText = await gw.post("/v1/wallets/rebinds", registrar.apiKey, {
      beneficiaryRef: otherHeadRef,
      to: { custodial: true },
      reason: "Ali lost it",
    });
    expect(freeText.status).to.equal(400);
    expect(freeText.body.error.field).to.equal("reason");
    expect(freeText.text).to.not.include("Ali");

    const weak = await gw.post("/v1/wallets/pins", registrar.apiKey, {
      beneficiaryRef: otherHeadRef,
      pin: "1234",
    });
    expect(weak.status).to.equal(400);
    expect(weak.body.error.field).to.equal("pin");
    expect(weak.text).to.not.include("4444");
    const set = await gw.post("/v1/wallets/pins", registrar.apiKey, {
      beneficiaryRef: otherHeadRef,
      pin: "5820",
    });
    expect(set.status, set.text).to.equal(204);

    expect(
      (await gw.post("/v1/wallets/pins", charity.apiKey, { beneficiaryRef: otherHeadRef, pin: "5820" }))
        .status,
    ).to.equal(403);
    expect(
      (
        await gw.post("/v1/wallets/rebinds", charity.apiKey, {
          beneficiaryRef: otherHeadRef,
          to: { custodial: true },
          reason: "lost_phone",
        })
      ).status,
    ).to.equal(403);
  });
});
