import { expect } from "chai";
import { decodeBytes32String, getAddress, Wallet, type BaseWallet } from "ethers";
import { BeneficiaryRegistry__factory } from "../../../typechain-types";
import { DuplicateError, NotFoundError, ValidationError } from "../../../src/errors";
import {
  ControlNotProvenError,
  createChallenge,
  createCustodialWallets,
  CustodialSigner,
  getWalletBinding,
  proveControl,
  PROOF_FRESHNESS_MS,
  rebindWallet,
  setPin,
} from "../../../src/wallets";
import {
  LEDGER,
  LEDGER_DOMAIN,
  openWalletsFixture,
  receiptFor,
  rejectionOf,
  testRef,
  type WalletsFixture,
} from "./helpers/walletsFixture";

const FARAH = testRef("farah");
const HOUR = 3600 * 1000;

describe("wallets: rebinding", () => {
  let fx: WalletsFixture;
  let custodial: string;

  beforeEach(async () => {
    fx = openWalletsFixture();
    custodial = (await createCustodialWallets(fx.ctx, { beneficiaryRefs: [FARAH] }))[0]!.address;
  });
  afterEach(() => fx.cleanup());

  async function prove(beneficiaryRef: string, wallet: BaseWallet) {
    const challenge = await createChallenge(fx.ctx, { beneficiaryRef, address: wallet.address });
    return proveControl(fx.ctx, {
      challengeId: challenge.challengeId,
      signature: await wallet.signMessage(challenge.message),
    });
  }

  it("moves a custodial beneficiary to a proven phone wallet, keeps the history and returns the registry call", async () => {
    const phone = Wallet.createRandom();
    expect(await prove(FARAH, phone)).to.include({ outcome: "rebind_required" });
    const enrolledAt = fx.clock.now().toISOString();
    fx.clock.advance(HOUR);

    const call = await rebindWallet(fx.ctx, {
      beneficiaryRef: FARAH,
      to: phone.address,
      reason: "got_smartphone",
    });
    const at = fx.clock.now().toISOString();
    expect(call).to.include({
      beneficiaryRef: FARAH,
      previousWallet: getAddress(custodial),
      newWallet: phone.address,
      custody: "self",
      reasonCode: "got_smartphone",
      reboundAt: at,
    });
    expect(decodeBytes32String(call.reason)).to.equal("got_smartphone");

    const decoded = BeneficiaryRegistry__factory.createInterface().decodeFunctionData(
      "rebindWallet",
      call.calldata,
    );
    expect([...decoded]).to.deep.equal([FARAH, phone.address, call.reason]);

    const binding = await getWalletBinding(fx.ctx, { beneficiaryRef: FARAH });
    expect(binding).to.include({ address: phone.address.toLowerCase(), custody: "self", boundAt: at });
    expect(binding.history).to.deep.equal([
      { previousAddress: null, newAddress: custodial, reason: "custodial_enrolment", at: enrolledAt },
      { previousAddress: custodial, newAddress: phone.address.toLowerCase(), reason: "got_smartphone", at },
    ]);
  });

  it("moves a beneficiary to a fresh custodial wallet, after which only the new key signs for them", async () => {
    const call = await rebindWallet(fx.ctx, {
      beneficiaryRef: FARAH,
      to: { custodial: true },
      reason: "card_stolen",
    });
    const fresh = call.newWallet.toLowerCase();
    expect(fresh).not.to.equal(custodial);
    expect(call).to.include({ custody: "custodial", previousWallet: getAddress(custodial) });
    expect(fx.ctx.keystore.describe(fresh)).to.include({ purpose: "custodial", owner: FARAH });
    // The old key stays in the keystore (its past signatures remain attributable) but is no longer bound.
    expect(fx.ctx.keystore.has(custodial)).to.equal(true);

    await setPin(fx.ctx, { beneficiaryRef: FARAH, pin: "3917" });
    const signer = new CustodialSigner(fx.ctx, {
      caps: { maxSignaturesPerDay: 5, maxAmountPerDay: 1000n },
      ledger: LEDGER,
    });
    const signed = await signer.signReceipt(
      { beneficiaryRef: FARAH, check: { pin: "3917" } },
      LEDGER_DOMAIN,
      receiptFor(FARAH, fx.clock),
    );
    expect(signed.address).to.equal(fresh);

    const history = (await getWalletBinding(fx.ctx, { beneficiaryRef: FARAH })).history;
    expect(history.map((h) => [h.previousAddress, h.newAddress, h.reason])).to.deep.equal([
      [null, custodial, "custodial_enrolment"],
      [custodial, fresh, "card_stolen"],
    ]);
  });

  it("refuses a self-custodied wallet whose control was not proven, or proven too long ago", async () => {
    const phone = Wallet.createRandom();
    const unproven = await rejectionOf(
      rebindWallet(fx.ctx, { beneficiaryRef: FARAH, to: phone.address, reason: "lost_card" }),
    );
    expect(unproven).to.be.instanceOf(ControlNotProvenError);
    expect(unproven).to.include({ status: 403, code: "control_not_proven" });

    await prove(FARAH, phone);
    fx.clock.advance(PROOF_FRESHNESS_MS + 1000);
    const stale = await rejectionOf(
      rebindWallet(fx.ctx, { beneficiaryRef: FARAH, to: phone.address, reason: "lost_card" }),
    );
    expect(stale).to.be.instanceOf(ControlNotProvenError);

    // A proof made for someone else's record does not count for Farah.
    const other = Wallet.createRandom();
    await createCustodialWallets(fx.ctx, { beneficiaryRefs: [testRef("someone-else")] });
    expect(await prove(testRef("someone-else"), other)).to.include({ outcome: "rebind_required" });
    expect(
      await rejectionOf(
        rebindWallet(fx.ctx, { beneficiaryRef: FARAH, to: other.address, reason: "lost_card" }),
      ),
    ).to.be.instanceOf(ControlNotProvenError);
    expect((await getWalletBinding(fx.ctx, { beneficiaryRef: FARAH })).history).to.have.length(1);
  });

  it("refuses free-text reasons, unknown beneficiaries, the same wallet and a wallet bound elsewhere", async () => {
    for (const reason of ["Lost phone of Ali Rezaei", "x", "LOST", "a".repeat(32), ""]) {
      expect(
        await rejectionOf(rebindWallet(fx.ctx, { beneficiaryRef: FARAH, to: { custodial: true }, reason })),
      ).to.include({
        name: "ValidationError",
        field: "reason",
      });
    }
    expect(
      await rejectionOf(
        rebindWallet(fx.ctx, {
          beneficiaryRef: testRef("ghost"),
          to: { custodial: true },
          reason: "lost_card",
        }),
      ),
    ).to.be.instanceOf(NotFoundError);
    const same = await rejectionOf(
      rebindWallet(fx.ctx, { beneficiaryRef: FARAH, to: custodial, reason: "lost_card" }),
    );
    expect(same).to.be.instanceOf(ValidationError);
    expect(same).to.include({ code: "same_wallet" });

    const neighbour = (await createCustodialWallets(fx.ctx, { beneficiaryRefs: [testRef("neighbour")] }))[0]!
      .address;
    const taken = await rejectionOf(
      rebindWallet(fx.ctx, { beneficiaryRef: FARAH, to: neighbour, reason: "lost_card" }),
    );
    expect(taken).to.be.instanceOf(DuplicateError);
    expect(taken).to.include({ field: "to", code: "wallet_bound_elsewhere" });
    expect((await getWalletBinding(fx.ctx, { beneficiaryRef: FARAH })).history).to.have.length(1);
  });
});
