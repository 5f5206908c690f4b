import { expect } from "chai";
import { Wallet, type BaseWallet } from "ethers";
import { DuplicateError, NotFoundError, ValidationError } from "../../../src/errors";
import {
  ChallengeExpiredError,
  ChallengeUsedError,
  createChallenge,
  createCustodialWallets,
  DEFAULT_CHALLENGE_TTL_MS,
  getWalletBinding,
  proveControl,
} from "../../../src/wallets";
import { openWalletsFixture, rejectionOf, testRef, type WalletsFixture } from "./helpers/walletsFixture";

const DARIUS = testRef("darius");

describe("wallets: self-custodied wallets, proof of control", () => {
  let fx: WalletsFixture;
  beforeEach(() => {
    fx = openWalletsFixture();
  });
  afterEach(() => fx.cleanup());

  const bindings = () =>
    (fx.db.prepare("SELECT count(*) AS n FROM wallet_bindings").get() as { n: number }).n;

  async function answered(beneficiaryRef: string, wallet: BaseWallet, signWith: BaseWallet = wallet) {
    const challenge = await createChallenge(fx.ctx, { beneficiaryRef, address: wallet.address });
    return { challenge, signature: await signWith.signMessage(challenge.message) };
  }

  it("binds a wallet that signs its challenge, as self-custodied, with a history entry", async () => {
    const wallet = Wallet.createRandom();
    const { challenge, signature } = await answered(DARIUS, wallet);
    const address = wallet.address.toLowerCase();

    expect(challenge.challengeId).to.match(/^[0-9a-f-]{36}$/);
    expect(challenge.expiresAt).to.equal(
      new Date(fx.clock.now().getTime() + DEFAULT_CHALLENGE_TTL_MS).toISOString(),
    );
    const { nonce } = fx.db.prepare("SELECT nonce FROM wallet_challenges").get() as { nonce: string };
    expect(nonce).to.match(/^[0-9a-f]{32}$/);
    for (const part of [
      "prove you control this wallet",
      "does not send money",
      address,
      DARIUS,
      `Nonce: ${nonce}`,
      `Expires: ${challenge.expiresAt}`,
    ]) {
      expect(challenge.message).to.include(part);
    }

    const result = await proveControl(fx.ctx, { challengeId: challenge.challengeId, signature });
    expect(result).to.deep.equal({ beneficiaryRef: DARIUS, address, outcome: "bound" });
    const binding = await getWalletBinding(fx.ctx, { beneficiaryRef: DARIUS });
    expect(binding).to.include({
      address,
      custody: "self",
      status: "active",
      boundAt: fx.clock.now().toISOString(),
    });
    expect(binding.history).to.deep.equal([
      {
        previousAddress: null,
        newAddress: address,
        reason: "self_enrolment",
        at: fx.clock.now().toISOString(),
      },
    ]);
    const stored = fx.db
      .prepare("SELECT used_at FROM wallet_challenges WHERE challenge_id = ?")
      .get(challenge.challengeId);
    expect(stored).to.deep.equal({ used_at: fx.clock.now().toISOString() });
  });

  it("refuses an expired challenge with 410 and binds nothing", async () => {
    const { challenge, signature } = await answered(DARIUS, Wallet.createRandom());
    fx.clock.advance(DEFAULT_CHALLENGE_TTL_MS);
    const error = await rejectionOf(proveControl(fx.ctx, { challengeId: challenge.challengeId, signature }));
    expect(error).to.be.instanceOf(ChallengeExpiredError);
    expect(error).to.include({ status: 410, code: "expired" });
    expect(bindings()).to.equal(0);
  });

  it("refuses a challenge answered twice with 409", async () => {
    const { challenge, signature } = await answered(DARIUS, Wallet.createRandom());
    await proveControl(fx.ctx, { challengeId: challenge.challengeId, signature });
    const error = await rejectionOf(proveControl(fx.ctx, { challengeId: challenge.challengeId, signature }));
    expect(error).to.be.instanceOf(ChallengeUsedError);
    expect(error).to.include({ status: 409, code: "used" });
  });

  it("refuses a signature from another wallet, and the challenge stays open for the right one", async () => {
    const wallet = Wallet.createRandom();
    const { challenge, signature: wrong } = await answered(DARIUS, wallet, Wallet.createRandom());
    const error = await rejectionOf(
      proveControl(fx.ctx, { challengeId: challenge.challengeId, signature: wrong }),
    );
    expect(error).to.be.instanceOf(ValidationError);
    expect(error).to.include({ field: "signature", code: "signer_mismatch" });
    expect(bindings()).to.equal(0);

    const right = await wallet.signMessage(challenge.message);
    expect(await proveControl(fx.ctx, { challengeId: challenge.challengeId, signature: right })).to.include({
      outcome: "bound",
    });
  });

  it("refuses a signature of another message, a malformed signature and an unknown challenge", async () => {
    const wallet = Wallet.createRandom();
    const { challenge } = await answered(DARIUS, wallet);
    const otherMessage = await wallet.signMessage("something else");
    expect(
      await rejectionOf(
        proveControl(fx.ctx, { challengeId: challenge.challengeId, signature: otherMessage }),
      ),
    ).to.include({
      code: "signer_mismatch",
    });
    expect(
      await rejectionOf(proveControl(fx.ctx, { challengeId: challenge.challengeId, signature: "0x1234" })),
    ).to.include({
      field: "signature",
      code: "format",
    });
    expect(
      await rejectionOf(proveControl(fx.ctx, { challengeId: "no-such-id", signature: otherMessage })),
    ).to.be.instanceOf(NotFoundError);
  });

  it("refuses a wallet already bound to another beneficiary, when asked and when answered", async () => {
    const wallet = Wallet.createRandom();
    const pending = await answered(testRef("other"), wallet);
    const { challenge, signature } = await answered(DARIUS, wallet);
    await proveControl(fx.ctx, { challengeId: challenge.challengeId, signature });

    const asked = await rejectionOf(
      createChallenge(fx.ctx, { beneficiaryRef: testRef("other"), address: wallet.address }),
    );
    expect(asked).to.be.instanceOf(DuplicateError);
    expect(asked).to.include({ field: "address", code: "wallet_bound_elsewhere" });
    const answeredLate = await rejectionOf(
      proveControl(fx.ctx, { challengeId: pending.challenge.challengeId, signature: pending.signature }),
    );
    expect(answeredLate).to.include({ code: "wallet_bound_elsewhere" });
  });

  it("reports already_bound for the same wallet and rebind_required for a second one, binding nothing new", async () => {
    const wallet = Wallet.createRandom();
    const first = await answered(DARIUS, wallet);
    await proveControl(fx.ctx, { challengeId: first.challenge.challengeId, signature: first.signature });
    const again = await answered(DARIUS, wallet);
    expect(
      await proveControl(fx.ctx, { challengeId: again.challenge.challengeId, signature: again.signature }),
    ).to.include({
      outcome: "already_bound",
    });
    const second = await answered(DARIUS, Wallet.createRandom());
    expect(
      await proveControl(fx.ctx, { challengeId: second.challenge.challengeId, signature: second.signature }),
    ).to.include({
      outcome: "rebind_required",
    });
    expect((await getWalletBinding(fx.ctx, { beneficiaryRef: DARIUS })).address).to.equal(
      wallet.address.toLowerCase(),
    );

    const [custodial] = await createCustodialWallets(fx.ctx, { beneficiaryRefs: [testRef("erin")] });
    expect(custodial!.created).to.equal(true);
  });

  it("rejects a malformed address or reference, naming the field", async () => {
    expect(
      await rejectionOf(createChallenge(fx.ctx, { beneficiaryRef: DARIUS, address: "0x1234" })),
    ).to.include({ field: "address" });
    // EIP-55's own example with one letter's case flipped: a typo the checksum exists to catch.
    const badChecksum = "0x52908400098527886e0F7030069857D2E4169EE7";
    expect(
      await rejectionOf(createChallenge(fx.ctx, { beneficiaryRef: DARIUS, address: badChecksum })),
    ).to.include({
      field: "address",
    });
    expect(
      await createChallenge(fx.ctx, { beneficiaryRef: DARIUS, address: badChecksum.toLowerCase() }),
    ).to.have.property("challengeId");
    expect(
      await rejectionOf(
        createChallenge(fx.ctx, { beneficiaryRef: "0012345678", address: Wallet.createRandom().address }),
      ),
    ).to.include({ field: "beneficiaryRef", code: "format" });
  });
});
