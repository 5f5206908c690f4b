import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { PremiumMandates__factory, TestSmartWallet__factory } from "../../../typechain-types";
import { issueTo, malleate, receiptNonceOf, signReceipt } from "../helpers/ledger";
import { shouldRefuseRoles, type RoleName } from "../helpers/roles";
import { BeneficiaryStatus, PERIOD, ref } from "../helpers/system";
import {
  ISSUED,
  PREMIUM,
  acceptedMandateWorld,
  mandateDomain,
  mandateIdOf,
  mandateWorld,
  premiumReceipt,
  signMandate,
  signRevocation,
  type StandingMandate,
} from "./fixture";

const SAFE_HOUSEHOLD = ref("household", "insured-safe");
const SAFE_BENEFICIARY = ref("beneficiary", "insured-safe");
/** Mirrors `TestSmartWallet.Mode`. */
const WalletMode = { Owner: 0, WrongMagic: 1, Reverts: 2 } as const;

describe("PremiumMandates: standing premium mandates (nazr-e bimeh)", function () {
  describe("acceptMandate", function () {
    it("records a mandate the beneficiary's wallet signed, submitted by anyone, with its digest as id", async function () {
      const { mandates, stranger, households, terms } = await loadFixture(mandateWorld);
      const signer = households[0].members[0].wallet;
      const signature = await signMandate(signer, mandates, terms);
      const id = await mandateIdOf(mandates, terms);
      expect(await mandates.mandateDigest(terms)).to.equal(id);
      expect(await mandates.connect(stranger).acceptMandate.staticCall(terms, signature)).to.equal(id);
      await expect(mandates.connect(stranger).acceptMandate(terms, signature))
        .to.emit(mandates, "MandateAccepted")
        .withArgs(
          id,
          terms.programmeId,
          terms.householdRef,
          terms.beneficiaryRef,
          terms.insurer,
          terms.premiumPerPeriod,
          terms.firstPeriod,
          terms.lastPeriod,
          terms.receiptIndex,
          terms.nonce,
          terms.deadline,
          signer.address,
          signature,
        );
      const stored = await mandates.mandate(id);
      expect([
        stored.householdRef,
        stored.beneficiaryRef,
        stored.insurer,
        stored.programmeId,
        stored.firstPeriod,
        stored.lastPeriod,
        stored.receiptIndex,
        stored.revoked,
        stored.premiumPerPeriod,
      ]).to.deep.equal([
        terms.householdRef,
        terms.beneficiaryRef,
        terms.insurer,
        terms.programmeId,
        terms.firstPeriod,
        terms.lastPeriod,
        BigInt(terms.receiptIndex),
        false,
        terms.premiumPerPeriod,
      ]);
      expect(await mandates.MAX_RECEIPT_INDEX()).to.equal(31n);
    });

    it("refuses a signature by anyone but the beneficiary's active wallet, another member's included", async function () {
      const { mandates, households, terms, stranger, vendor2 } = await loadFixture(mandateWorld);
      const wallet = households[0].members[0].wallet.address;
      for (const signer of [
        households[0].members[1].wallet,
        households[1].members[0].wallet,
        stranger,
        vendor2,
      ]) {
        const signature = await signMandate(signer, mandates, terms);
        await expect(mandates.acceptMandate(terms, signature))
          .to.be.revertedWithCustomError(mandates, "MandateSignatureInvalid")
          .withArgs(wallet);
      }
    });

    it("refuses a mandate of a beneficiary who is not active in the household", async function () {
      const { mandates, registry, registrar, households, terms } = await loadFixture(mandateWorld);
      const signer = households[0].members[0].wallet;
      const otherHousehold = { ...terms, householdRef: households[1].householdRef };
      await expect(
        mandates.acceptMandate(otherHousehold, await signMandate(signer, mandates, otherHousehold)),
      )
        .to.be.revertedWithCustomError(mandates, "MandateSignatureInvalid")
        .withArgs(ethers.ZeroAddress);
      await registry.connect(registrar).setStatus(terms.beneficiaryRef, BeneficiaryStatus.Suspended);
      await expect(mandates.acceptMandate(terms, await signMandate(signer, mandates, terms)))
        .to.be.revertedWithCustomError(mandates, "MandateSignatureInvalid")
        .withArgs(ethers.ZeroAddress);
    });

    it("refuses malformed terms: no insurer, no premium, out-of-range fields, periods out of order", async function () {
      const { mandates, households, terms } = await loadFixture(mandateWorld);
      const signer = households[0].members[0].wallet;
      const malformed: Partial<StandingMandate>[] = [
        { insurer: ethers.ZeroAddress },
        { premiumPerPeriod: 0n },
        { premiumPerPeriod: 1n << 128n },
        { programmeId: 1n << 64n },
        { firstPeriod: terms.lastPeriod + 1n },
        { receiptIndex: 32 },
      ];
      for (const change of malformed) {
        const bad = { ...terms, ...change };
        await expect(
          mandates.acceptMandate(bad, await signMandate(signer, mandates, bad)),
          JSON.stringify(change, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
        ).to.be.revertedWithCustomError(mandates, "MandateInvalid");
      }
    });

    it("accepts a contract wallet's approval by ERC-1271 and refuses its wrong answer", async function () {
      const world = await loadFixture(mandateWorld);
      const { mandates, registry, registrar, deployer, terms, spareWallets } = world;
      const owner = spareWallets[0];
      const safe = await new TestSmartWallet__factory(deployer).deploy(owner.address);
      await registry
        .connect(registrar)
        .registerBatch([
          { beneficiaryRef: SAFE_BENEFICIARY, householdRef: SAFE_HOUSEHOLD, wallet: await safe.getAddress() },
        ]);
      const safeTerms = { ...terms, householdRef: SAFE_HOUSEHOLD, beneficiaryRef: SAFE_BENEFICIARY };
      const signature = await signMandate(owner, mandates, safeTerms);
      await safe.setMode(WalletMode.WrongMagic);
      await expect(mandates.acceptMandate(safeTerms, signature))
        .to.be.revertedWithCustomError(mandates, "MandateSignatureInvalid")
        .withArgs(await safe.getAddress());
      await safe.setMode(WalletMode.Owner);
      await expect(mandates.acceptMandate(safeTerms, signature)).to.emit(mandates, "MandateAccepted");
    });
  });

  describe("the mandate's signature against replay", function () {
    it("records a signed mandate once: a second submission, also after revocation, is refused", async function () {
      const { mandates, households, terms, mandateId, mandateSignature } =
        await loadFixture(acceptedMandateWorld);
      await expect(mandates.acceptMandate(terms, mandateSignature))
        .to.be.revertedWithCustomError(mandates, "MandateAlreadyAccepted")
        .withArgs(mandateId);
      await mandates
        .connect(households[0].members[1].wallet)
        .revokeMandate(mandateId, households[0].members[1].beneficiaryRef);
      await expect(mandates.acceptMandate(terms, mandateSignature))
        .to.be.revertedWithCustomError(mandates, "MandateAlreadyAccepted")
        .withArgs(mandateId);
      expect((await mandates.mandate(mandateId)).revoked).to.equal(true);
      // The same terms under a new nonce are a new mandate.
      const again = { ...terms, nonce: 1n };
      const signer = households[0].members[0].wallet;
      await expect(mandates.acceptMandate(again, await signMandate(signer, mandates, again))).to.emit(
        mandates,
        "MandateAccepted",
      );
    });

    it("refuses a mandate signed for another contract or another chain", async function () {
      const { mandates, ledger, registry, deployer, households, terms } = await loadFixture(mandateWorld);
      const signer = households[0].members[0].wallet;
      const twin = await new PremiumMandates__factory(deployer).deploy(await registry.getAddress());
      const domains = [
        { verifyingContract: await twin.getAddress() },
        { verifyingContract: await ledger.getAddress() },
        { chainId: 1n },
        { name: "SinTech AidLedger" },
      ];
      for (const overrides of domains) {
        await expect(mandates.acceptMandate(terms, await signMandate(signer, mandates, terms, overrides)))
          .to.be.revertedWithCustomError(mandates, "MandateSignatureInvalid")
          .withArgs(signer.address);
      }
      // The twin accepts its own; this contract still does not know it.
      await twin.acceptMandate(
        terms,
        await signMandate(signer, mandates, terms, { verifyingContract: await twin.getAddress() }),
      );
      expect((await mandates.mandate(await mandateIdOf(mandates, terms))).insurer).to.equal(
        ethers.ZeroAddress,
      );
    });

    it("refuses a mandate after its acceptance deadline, and accepts it at the deadline", async function () {
      const { mandates, households, terms } = await loadFixture(mandateWorld);
      const signature = await signMandate(households[0].members[0].wallet, mandates, terms);
      await time.setNextBlockTimestamp(terms.deadline + 1n);
      await expect(mandates.acceptMandate(terms, signature))
        .to.be.revertedWithCustomError(mandates, "MandateExpired")
        .withArgs(terms.deadline);
      const onTime = { ...terms, deadline: BigInt((await time.latest()) + 10) };
      const onTimeSignature = await signMandate(households[0].members[0].wallet, mandates, onTime);
      await time.setNextBlockTimestamp(onTime.deadline);
      await expect(mandates.acceptMandate(onTime, onTimeSignature)).to.emit(mandates, "MandateAccepted");
    });

    it("refuses the malleable (high-s) twin of a valid signature", async function () {
      const { mandates, households, terms } = await loadFixture(mandateWorld);
      const signer = households[0].members[0].wallet;
      const signature = await signMandate(signer, mandates, terms);
      await expect(mandates.acceptMandate(terms, malleate(signature)))
        .to.be.revertedWithCustomError(mandates, "MandateSignatureInvalid")
        .withArgs(signer.address);
    });
  });

  describe("revokeMandate", function () {
    it("lets any active member's wallet of the household revoke, once", async function () {
      const { mandates, households, mandateId, terms } = await loadFixture(acceptedMandateWorld);
      const other = households[0].members[1];
      await expect(mandates.connect(other.wallet).revokeMandate(mandateId, other.beneficiaryRef))
        .to.emit(mandates, "MandateRevoked")
        .withArgs(mandateId, terms.householdRef, other.beneficiaryRef, other.wallet.address);
      expect((await mandates.mandate(mandateId)).revoked).to.equal(true);
      await expect(
        mandates.connect(households[0].members[0].wallet).revokeMandate(mandateId, terms.beneficiaryRef),
      )
        .to.be.revertedWithCustomError(mandates, "MandateAlreadyRevoked")
        .withArgs(mandateId);
    });

    it("refuses an unknown mandate", async function () {
      const { mandates, households, terms } = await loadFixture(acceptedMandateWorld);
      const unknown = ethers.id("no such mandate");
      await expect(
        mandates.connect(households[0].members[0].wallet).revokeMandate(unknown, terms.beneficiaryRef),
      )
        .to.be.revertedWithCustomError(mandates, "MandateUnknown")
        .withArgs(unknown);
    });

    const everyRole: RoleName[] = [
      "regulator",
      "charity",
      "charity2",
      "vendor",
      "fieldAgent",
      "auditor",
      "registrar",
      "donor",
      "stranger",
    ];
    shouldRefuseRoles(
      "revokeMandate",
      everyRole,
      async () => {
        const world = await loadFixture(acceptedMandateWorld);
        return {
          actors: world,
          contract: world.mandates,
          call: (as) => world.mandates.connect(as).revokeMandate(world.mandateId, world.terms.beneficiaryRef),
        };
      },
      "MandateRevokerUnauthorized",
    );

    it("refuses the insurer, another household's member, and a suspended member of the household", async function () {
      const { mandates, registry, registrar, households, insurer, mandateId, terms } =
        await loadFixture(acceptedMandateWorld);
      await expect(mandates.connect(insurer).revokeMandate(mandateId, terms.beneficiaryRef))
        .to.be.revertedWithCustomError(mandates, "MandateRevokerUnauthorized")
        .withArgs(terms.beneficiaryRef, insurer.address);
      const outsider = households[1].members[0];
      await expect(mandates.connect(outsider.wallet).revokeMandate(mandateId, outsider.beneficiaryRef))
        .to.be.revertedWithCustomError(mandates, "MandateRevokerUnauthorized")
        .withArgs(outsider.beneficiaryRef, outsider.wallet.address);
      const member = households[0].members[1];
      await registry.connect(registrar).setStatus(member.beneficiaryRef, BeneficiaryStatus.Suspended);
      await expect(mandates.connect(member.wallet).revokeMandate(mandateId, member.beneficiaryRef))
        .to.be.revertedWithCustomError(mandates, "MandateRevokerUnauthorized")
        .withArgs(member.beneficiaryRef, member.wallet.address);
      expect((await mandates.mandate(mandateId)).revoked).to.equal(false);
    });
  });

  describe("revokeMandateBySig (relayed)", function () {
    it("revokes on a member's signature relayed by anyone, and records the signer", async function () {
      const { mandates, households, stranger, mandateId, terms } = await loadFixture(acceptedMandateWorld);
      const member = households[0].members[1];
      const revocation = { mandateId, memberRef: member.beneficiaryRef, deadline: terms.deadline };
      const signature = await signRevocation(member.wallet, mandates, revocation);
      expect(await mandates.revocationDigest(mandateId, member.beneficiaryRef, terms.deadline)).to.equal(
        ethers.TypedDataEncoder.hash(
          await mandateDomain(mandates),
          {
            MandateRevocation: [
              { name: "mandateId", type: "bytes32" },
              { name: "memberRef", type: "bytes32" },
              { name: "deadline", type: "uint256" },
            ],
          },
          revocation,
        ),
      );
      await expect(
        mandates
          .connect(stranger)
          .revokeMandateBySig(mandateId, member.beneficiaryRef, terms.deadline, signature),
      )
        .to.emit(mandates, "MandateRevoked")
        .withArgs(mandateId, terms.householdRef, member.beneficiaryRef, member.wallet.address);
      // Twice: the same revocation has nothing left to revoke.
      await expect(
        mandates
          .connect(stranger)
          .revokeMandateBySig(mandateId, member.beneficiaryRef, terms.deadline, signature),
      )
        .to.be.revertedWithCustomError(mandates, "MandateAlreadyRevoked")
        .withArgs(mandateId);
    });

    it("refuses a revocation signed for another contract or chain, malleable, by an outsider or for an unknown mandate", async function () {
      const { mandates, ledger, households, stranger, mandateId, terms } =
        await loadFixture(acceptedMandateWorld);
      const member = households[0].members[0];
      const revocation = { mandateId, memberRef: member.beneficiaryRef, deadline: terms.deadline };
      const forged = [
        await signRevocation(member.wallet, mandates, revocation, {
          verifyingContract: await ledger.getAddress(),
        }),
        await signRevocation(member.wallet, mandates, revocation, { chainId: 1n }),
        malleate(await signRevocation(member.wallet, mandates, revocation)),
        await signRevocation(stranger, mandates, revocation),
        await signRevocation(households[1].members[0].wallet, mandates, revocation),
      ];
      for (const signature of forged) {
        await expect(mandates.revokeMandateBySig(mandateId, member.beneficiaryRef, terms.deadline, signature))
          .to.be.revertedWithCustomError(mandates, "MandateRevokerUnauthorized")
          .withArgs(member.beneficiaryRef, member.wallet.address);
      }
      // A member of another household names itself: not a wallet of this household.
      const outsider = households[1].members[0];
      const outsiderSignature = await signRevocation(outsider.wallet, mandates, {
        ...revocation,
        memberRef: outsider.beneficiaryRef,
      });
      await expect(
        mandates.revokeMandateBySig(mandateId, outsider.beneficiaryRef, terms.deadline, outsiderSignature),
      )
        .to.be.revertedWithCustomError(mandates, "MandateRevokerUnauthorized")
        .withArgs(outsider.beneficiaryRef, ethers.ZeroAddress);
      const unknown = ethers.id("no such mandate");
      const unknownSignature = await signRevocation(member.wallet, mandates, {
        ...revocation,
        mandateId: unknown,
      });
      await expect(
        mandates.revokeMandateBySig(unknown, member.beneficiaryRef, terms.deadline, unknownSignature),
      )
        .to.be.revertedWithCustomError(mandates, "MandateUnknown")
        .withArgs(unknown);
      expect((await mandates.mandate(mandateId)).revoked).to.equal(false);
    });

    it("refuses a revocation after its deadline", async function () {
      const { mandates, households, mandateId } = await loadFixture(acceptedMandateWorld);
      const member = households[0].members[0];
      const deadline = BigInt((await time.latest()) + 60);
      const signature = await signRevocation(member.wallet, mandates, {
        mandateId,
        memberRef: member.beneficiaryRef,
        deadline,
      });
      await time.setNextBlockTimestamp(deadline + 1n);
      await expect(mandates.revokeMandateBySig(mandateId, member.beneficiaryRef, deadline, signature))
        .to.be.revertedWithCustomError(mandates, "MandateExpired")
        .withArgs(deadline);
    });

    it("accepts a contract wallet member's revocation by ERC-1271", async function () {
      const world = await loadFixture(mandateWorld);
      const { mandates, registry, registrar, deployer, terms, spareWallets } = world;
      const owner = spareWallets[0];
      const safe = await new TestSmartWallet__factory(deployer).deploy(owner.address);
      await registry
        .connect(registrar)
        .registerBatch([
          { beneficiaryRef: SAFE_BENEFICIARY, householdRef: SAFE_HOUSEHOLD, wallet: await safe.getAddress() },
        ]);
      const safeTerms = { ...terms, householdRef: SAFE_HOUSEHOLD, beneficiaryRef: SAFE_BENEFICIARY };
      await mandates.acceptMandate(safeTerms, await signMandate(owner, mandates, safeTerms));
      const mandateId = await mandateIdOf(mandates, safeTerms);
      const revocation = { mandateId, memberRef: SAFE_BENEFICIARY, deadline: terms.deadline };
      await expect(
        mandates.revokeMandateBySig(
          mandateId,
          SAFE_BENEFICIARY,
          terms.deadline,
          await signRevocation(owner, mandates, revocation),
        ),
      )
        .to.emit(mandates, "MandateRevoked")
        .withArgs(mandateId, SAFE_HOUSEHOLD, SAFE_BENEFICIARY, await safe.getAddress());
    });
  });

  describe("the ledger redeems a premium under a mandate", function () {
    it("redeems one premium a period with the mandate id in the signature's place, as an ordinary delivery", async function () {
      const { ledger, mandates, insurer, mandateId, terms, insuranceId, giftId, charity, households } =
        await loadFixture(acceptedMandateWorld);
      const receipt = await premiumReceipt({ ledger, terms });
      expect(await mandates.covers(mandateId, receipt)).to.equal(true);
      const redemptionId = await ledger.receiptDigest(receipt);
      const before = await ledger.owedTo(insuranceId, insurer.address);
      await expect(ledger.connect(insurer).redeem(receipt, mandateId, "0x"))
        .to.emit(ledger, "DeliveryRedeemed")
        .withArgs(
          redemptionId,
          insuranceId,
          terms.householdRef,
          terms.beneficiaryRef,
          insurer.address,
          PREMIUM,
          receipt.evidenceHash,
          ethers.ZeroAddress,
        );
      expect((await ledger.owedTo(insuranceId, insurer.address)) - before).to.equal(PREMIUM);
      expect(giftId).to.equal(1n);
      // Once a period: the mandate's receipt index is now used.
      const again = await premiumReceipt({ ledger, terms }, { evidenceHash: ethers.id("again") });
      await expect(ledger.connect(insurer).redeem(again, mandateId, "0x"))
        .to.be.revertedWithCustomError(ledger, "ReceiptNonceUsed")
        .withArgs(again.nonce);
      // The next period's premium is due, against that period's entitlement.
      await time.increase(PERIOD);
      await issueTo(ledger, charity, insuranceId, households.slice(0, 1), ISSUED);
      const next = await premiumReceipt({ ledger, terms });
      await expect(ledger.connect(insurer).redeem(next, mandateId, "0x")).to.emit(ledger, "DeliveryRedeemed");
    });

    it("refuses a premium above the mandate's, for another insurer, household or beneficiary, or another receipt index", async function () {
      const { ledger, mandates, insurer, vendor, households, mandateId, terms } =
        await loadFixture(acceptedMandateWorld);
      const period = await ledger.currentPeriod(terms.programmeId);
      const cases = [
        { as: insurer, overrides: { amount: PREMIUM + 1n } },
        { as: vendor, overrides: { vendor: vendor.address } },
        {
          as: insurer,
          overrides: {
            householdRef: households[1].householdRef,
            beneficiaryRef: households[1].members[0].beneficiaryRef,
          },
        },
        { as: insurer, overrides: { beneficiaryRef: households[0].members[1].beneficiaryRef } },
        { as: insurer, overrides: { nonce: receiptNonceOf(period, 30) } },
      ];
      for (const { as, overrides } of cases) {
        const receipt = await premiumReceipt({ ledger, terms }, overrides);
        expect(await mandates.covers(mandateId, receipt)).to.equal(false);
        await expect(ledger.connect(as).redeem(receipt, mandateId, "0x"))
          .to.be.revertedWithCustomError(ledger, "ReceiptSignatureInvalid")
          .withArgs(ethers.ZeroAddress);
      }
      // A smaller premium is covered.
      const less = await premiumReceipt({ ledger, terms }, { amount: PREMIUM - 1n });
      await expect(ledger.connect(insurer).redeem(less, mandateId, "0x")).to.emit(ledger, "DeliveryRedeemed");
    });

    it("refuses a premium before the mandate's first period and after its last", async function () {
      const world = await loadFixture(acceptedMandateWorld);
      const { ledger, mandates, insurer, households, mandateId, terms } = world;
      // Before the first period: a mandate accepted for later periods.
      const later = { ...terms, firstPeriod: terms.firstPeriod + 1n, nonce: 7n };
      await mandates.acceptMandate(
        later,
        await signMandate(households[0].members[0].wallet, mandates, later),
      );
      const now = await premiumReceipt({ ledger, terms });
      await expect(ledger.connect(insurer).redeem(now, await mandateIdOf(mandates, later), "0x"))
        .to.be.revertedWithCustomError(ledger, "ReceiptSignatureInvalid")
        .withArgs(ethers.ZeroAddress);
      // After the last period.
      await time.increase(3 * PERIOD);
      const after = await premiumReceipt({ ledger, terms });
      expect(await mandates.covers(mandateId, after)).to.equal(false);
      await expect(ledger.connect(insurer).redeem(after, mandateId, "0x"))
        .to.be.revertedWithCustomError(ledger, "ReceiptSignatureInvalid")
        .withArgs(ethers.ZeroAddress);
    });

    it("refuses a premium once the mandate is revoked or the beneficiary suspended", async function () {
      const { ledger, mandates, registry, registrar, insurer, households, mandateId, terms } =
        await loadFixture(acceptedMandateWorld);
      const receipt = await premiumReceipt({ ledger, terms });
      await registry.connect(registrar).setStatus(terms.beneficiaryRef, BeneficiaryStatus.Suspended);
      expect(await mandates.covers(mandateId, receipt)).to.equal(false);
      await expect(ledger.connect(insurer).redeem(receipt, mandateId, "0x"))
        .to.be.revertedWithCustomError(ledger, "ReceiptSignatureInvalid")
        .withArgs(ethers.ZeroAddress);
      await registry.connect(registrar).setStatus(terms.beneficiaryRef, BeneficiaryStatus.Active);
      expect(await mandates.covers(mandateId, receipt)).to.equal(true);
      const member = households[0].members[1];
      await mandates.connect(member.wallet).revokeMandate(mandateId, member.beneficiaryRef);
      expect(await mandates.covers(mandateId, receipt)).to.equal(false);
      await expect(ledger.connect(insurer).redeem(receipt, mandateId, "0x"))
        .to.be.revertedWithCustomError(ledger, "ReceiptSignatureInvalid")
        .withArgs(ethers.ZeroAddress);
    });

    it("refuses an unknown 32-byte id and still refuses a bad signature of any other length", async function () {
      const { ledger, insurer, terms, stranger } = await loadFixture(acceptedMandateWorld);
      const receipt = await premiumReceipt({ ledger, terms });
      await expect(ledger.connect(insurer).redeem(receipt, ethers.id("no such mandate"), "0x"))
        .to.be.revertedWithCustomError(ledger, "ReceiptSignatureInvalid")
        .withArgs(ethers.ZeroAddress);
      await expect(
        ledger.connect(insurer).redeem(receipt, await signReceipt(stranger, ledger, receipt), "0x"),
      )
        .to.be.revertedWithCustomError(ledger, "ReceiptSignatureInvalid")
        .withArgs(stranger.address);
    });

    it("takes a contract wallet beneficiary's mandate after its ERC-1271 check fails on the id", async function () {
      const world = await loadFixture(mandateWorld);
      const {
        ledger,
        mandates,
        registry,
        registrar,
        charity,
        deployer,
        insurer,
        terms,
        spareWallets,
        insuranceId,
      } = world;
      const owner = spareWallets[0];
      const safe = await new TestSmartWallet__factory(deployer).deploy(owner.address);
      await registry
        .connect(registrar)
        .registerBatch([
          { beneficiaryRef: SAFE_BENEFICIARY, householdRef: SAFE_HOUSEHOLD, wallet: await safe.getAddress() },
        ]);
      await ledger.connect(charity).issueBatch(insuranceId, [SAFE_BENEFICIARY], [SAFE_HOUSEHOLD], ISSUED);
      const safeTerms = { ...terms, householdRef: SAFE_HOUSEHOLD, beneficiaryRef: SAFE_BENEFICIARY };
      await mandates.acceptMandate(safeTerms, await signMandate(owner, mandates, safeTerms));
      const receipt = await premiumReceipt({ ledger, terms: safeTerms });
      await expect(
        ledger.connect(insurer).redeem(receipt, await mandateIdOf(mandates, safeTerms), "0x"),
      ).to.emit(ledger, "DeliveryRedeemed");
    });

    it("redeems premiums in a batch beside ordinary receipts; a refused mandate item reverts only itself", async function () {
      const { ledger, mandates, insurer, households, mandateId, terms, insuranceId } =
        await loadFixture(acceptedMandateWorld);
      const [h1, h2] = households;
      // Household 2's member accepts a mandate too.
      const terms2 = {
        ...terms,
        householdRef: h2.householdRef,
        beneficiaryRef: h2.members[0].beneficiaryRef,
      };
      await mandates.acceptMandate(terms2, await signMandate(h2.members[0].wallet, mandates, terms2));
      const mandate2 = await mandateIdOf(mandates, terms2);
      const ordinary = await premiumReceipt(
        { ledger, terms },
        { nonce: await ledger.receiptNonce(insuranceId, h1.householdRef), amount: 5n * 10n ** 18n },
      );
      const premium1 = await premiumReceipt({ ledger, terms });
      const premium2 = await premiumReceipt({ ledger, terms: terms2 });
      const tooMuch = await premiumReceipt(
        { ledger, terms: terms2 },
        { amount: PREMIUM + 1n, nonce: receiptNonceOf(await ledger.currentPeriod(insuranceId), 30) },
      );
      const items = [
        { receipt: premium1, beneficiarySignature: mandateId, fieldAgentSignature: "0x" },
        {
          receipt: ordinary,
          beneficiarySignature: await signReceipt(h1.members[0].wallet, ledger, ordinary),
          fieldAgentSignature: "0x",
        },
        { receipt: tooMuch, beneficiarySignature: mandate2, fieldAgentSignature: "0x" },
        { receipt: premium2, beneficiarySignature: mandate2, fieldAgentSignature: "0x" },
      ];
      expect(await ledger.connect(insurer).redeemBatch.staticCall(items)).to.equal(0b1011n);
      await expect(ledger.connect(insurer).redeemBatch(items))
        .to.emit(ledger, "RedemptionRefused")
        .withArgs(
          await ledger.receiptDigest(tooMuch),
          insurer.address,
          ledger.interface.getError("ReceiptSignatureInvalid")!.selector,
          2n,
          ledger.interface.encodeErrorResult("ReceiptSignatureInvalid", [ethers.ZeroAddress]),
        );
    });
  });
});
