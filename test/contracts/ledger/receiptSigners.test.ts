import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { TestSmartWallet__factory } from "../../../typechain-types";
import {
  createProgramme,
  issueTo,
  ledgerWorld,
  programmeParams,
  receiptFor,
  receiptHash,
  redeemSigned,
  signReceipt,
  type Member,
  type Receipt,
} from "../helpers/ledger";
import {
  ALL_CATEGORIES,
  ALL_LAYERS,
  BeneficiaryStatus,
  DAY,
  LicenceKind,
  UNIT,
  ref,
} from "../helpers/system";

/** Mirrors `TestSmartWallet.Mode`. */
const WalletMode = { Owner: 0, WrongMagic: 1, Reverts: 2 } as const;
const GRACE = 7n * BigInt(DAY);
const LOST = ethers.encodeBytes32String("lost-phone");
const STOLEN = ethers.encodeBytes32String("stolen-phone");

/**
 * Who may sign a receipt: the co-signing field agent must be independent of the delivery, a contract wallet
 * approves by ERC-1271, and a wallet replaced as lost keeps signing within the registry's grace.
 */
describe("AidLedger: who may sign a receipt", function () {
  const ISSUED = 100n * UNIT;
  const SAFE_HOUSEHOLD = ref("household", "safe");
  const SAFE_BENEFICIARY = ref("beneficiary", "safe");

  /**
   * The ledger world with households 1 and 2 issued `ISSUED` in the main programme and household 1 in a
   * programme that requires a field agent; a TestSmartWallet owned by a spare signer registered as the only
   * member of a fourth household, also issued `ISSUED`; and a licensing helper.
   */
  async function fixture() {
    const world = await ledgerWorld();
    const { ledger, registry, registrar, charity, donor, token, vendor, vendor2, programmeId, households } =
      world;
    const [h1, h2] = households;
    const [safeOwner, newWallet, otherWallet] = world.spareWallets;
    await ledger.connect(charity).setVendorsAllowed(programmeId, [vendor2.address], true);
    const smartWallet = await new TestSmartWallet__factory(world.deployer).deploy(safeOwner.address);
    const safeAddress = await smartWallet.getAddress();
    await registry
      .connect(registrar)
      .registerBatch([
        { beneficiaryRef: SAFE_BENEFICIARY, householdRef: SAFE_HOUSEHOLD, wallet: safeAddress },
      ]);
    await ledger
      .connect(charity)
      .issueBatch(
        programmeId,
        [h1.members[0].beneficiaryRef, h2.members[0].beneficiaryRef, SAFE_BENEFICIARY],
        [h1.householdRef, h2.householdRef, SAFE_HOUSEHOLD],
        ISSUED,
      );
    const agentProgrammeId = await createProgramme(
      ledger,
      charity,
      await programmeParams(token, { requiresFieldAgent: true, vendors: [vendor.address] }),
    );
    await ledger.connect(donor).give(agentProgrammeId, 500n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0);
    await issueTo(ledger, charity, agentProgrammeId, [h1], ISSUED);
    return { ...world, smartWallet, safeAddress, safeOwner, newWallet, otherWallet, agentProgrammeId };
  }

  type World = Awaited<ReturnType<typeof fixture>>;

  /** Grants `holder` a field-agent licence for every layer and category, valid for a year. */
  async function licenseFieldAgent(world: World, holder: { address: string }): Promise<void> {
    const now = await time.latest();
    await world.licences
      .connect(world.regulator)
      .grantLicence(
        holder.address,
        LicenceKind.FieldAgent,
        ALL_LAYERS,
        ALL_CATEGORIES,
        now,
        now + 365 * DAY,
        "bafy",
      );
  }

  /** Household 1's first member, whose wallet the rebind tests replace. */
  const amina = (world: World): Member => world.households[0].members[0];

  /** A receipt of household 1's first member at `vendor` in the main programme. */
  function aminaReceipt(world: World, amount: bigint, overrides: Partial<Receipt> = {}): Promise<Receipt> {
    return receiptFor(
      world.ledger,
      world.programmeId,
      world.households[0].householdRef,
      amina(world),
      world.vendor,
      amount,
      overrides,
    );
  }

  /** A receipt of the smart wallet's household at the world's vendor in the main programme. */
  function safeReceipt(world: World, amount: bigint): Promise<Receipt> {
    const member = { beneficiaryRef: SAFE_BENEFICIARY, wallet: world.safeOwner };
    return receiptFor(world.ledger, world.programmeId, SAFE_HOUSEHOLD, member, world.vendor, amount);
  }

  /** Household 1's used nonces and redeemed amount in the main programme's current period. */
  async function aminaHouseholdState(world: World): Promise<[bigint, bigint]> {
    const { ledger, programmeId, households, period } = world;
    const [, redeemed] = await ledger.coverageOf(programmeId, households[0].householdRef, period);
    return [await ledger.receiptNoncesUsed(programmeId, households[0].householdRef, period), redeemed];
  }

  describe("field agent independence", function () {
    /** A receipt of household 1 in the programme that requires a field agent. */
    function agentReceipt(world: World): Promise<Receipt> {
      return receiptFor(
        world.ledger,
        world.agentProgrammeId,
        world.households[0].householdRef,
        amina(world),
        world.vendor,
        20n * UNIT,
      );
    }

    async function expectRefusedCoSigner(
      world: World,
      coSigner: HardhatEthersSigner,
      approver: HardhatEthersSigner,
    ) {
      const { ledger, vendor, agentProgrammeId, households } = world;
      const receipt = await agentReceipt(world);
      const agentSignature = await signReceipt(coSigner, ledger, receipt);
      await expect(redeemSigned(ledger, vendor, approver, receipt, agentSignature))
        .to.be.revertedWithCustomError(ledger, "FieldAgentNotIndependent")
        .withArgs(coSigner.address);
      expect(
        await ledger.receiptNoncesUsed(agentProgrammeId, households[0].householdRef, world.period),
      ).to.equal(0n);
      expect(await ledger.owedTo(agentProgrammeId, vendor.address)).to.equal(0n);
    }

    it("reverts with FieldAgentNotIndependent when the vendor co-signs its own delivery with a field-agent licence", async function () {
      const world = await loadFixture(fixture);
      await licenseFieldAgent(world, world.vendor);
      await expectRefusedCoSigner(world, world.vendor, amina(world).wallet);
    });

    it("reverts with FieldAgentNotIndependent when the beneficiary's own wallet co-signs with a field-agent licence", async function () {
      const world = await loadFixture(fixture);
      await licenseFieldAgent(world, amina(world).wallet);
      await expectRefusedCoSigner(world, amina(world).wallet, amina(world).wallet);
    });

    it("reverts with FieldAgentNotIndependent when another member of the receipt's household co-signs", async function () {
      const world = await loadFixture(fixture);
      const sibling = world.households[0].members[1].wallet;
      await licenseFieldAgent(world, sibling);
      await expectRefusedCoSigner(world, sibling, amina(world).wallet);
    });

    it("reverts with FieldAgentNotIndependent when the previous wallet that approved the receipt co-signs it too", async function () {
      const world = await loadFixture(fixture);
      const oldWallet = amina(world).wallet;
      await licenseFieldAgent(world, oldWallet);
      await world.registry
        .connect(world.registrar)
        .rebindWallet(amina(world).beneficiaryRef, world.newWallet.address, LOST);
      await expectRefusedCoSigner(world, oldWallet, oldWallet);
    });

    it("accepts a licensed field agent who is a beneficiary of another household", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, agentProgrammeId, households } = world;
      const neighbour = households[1].members[0].wallet;
      await licenseFieldAgent(world, neighbour);
      const receipt = await agentReceipt(world);
      await expect(
        redeemSigned(
          ledger,
          vendor,
          amina(world).wallet,
          receipt,
          await signReceipt(neighbour, ledger, receipt),
        ),
      )
        .to.emit(ledger, "DeliveryRedeemed")
        .withArgs(
          await receiptHash(ledger, receipt),
          agentProgrammeId,
          households[0].householdRef,
          amina(world).beneficiaryRef,
          vendor.address,
          20n * UNIT,
          receipt.evidenceHash,
          neighbour.address,
        );
      expect(await ledger.owedTo(agentProgrammeId, vendor.address)).to.equal(20n * UNIT);
    });
  });

  describe("ERC-1271 contract wallets", function () {
    it("redeems a receipt the contract wallet approves with its owner's signature", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, programmeId, period, safeOwner, smartWallet } = world;
      const receipt = await safeReceipt(world, 30n * UNIT);
      const digest = await receiptHash(ledger, receipt);
      const signature = await signReceipt(safeOwner, ledger, receipt);
      expect(await smartWallet.isValidSignature(digest, signature)).to.equal("0x1626ba7e");
      await expect(ledger.connect(vendor).redeem(receipt, signature, "0x"))
        .to.emit(ledger, "DeliveryRedeemed")
        .withArgs(
          digest,
          programmeId,
          SAFE_HOUSEHOLD,
          SAFE_BENEFICIARY,
          vendor.address,
          30n * UNIT,
          receipt.evidenceHash,
          ethers.ZeroAddress,
        );
      expect(await ledger.coverageOf(programmeId, SAFE_HOUSEHOLD, period)).to.deep.equal([
        ISSUED,
        30n * UNIT,
      ]);
      expect(await ledger.receiptNoncesUsed(programmeId, SAFE_HOUSEHOLD, period)).to.equal(1n);
      expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(30n * UNIT);
    });

    it("reverts with ReceiptNonceUsed when a receipt the contract wallet approved is replayed", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, programmeId, period, safeOwner } = world;
      const receipt = await safeReceipt(world, 30n * UNIT);
      const signature = await signReceipt(safeOwner, ledger, receipt);
      await ledger.connect(vendor).redeem(receipt, signature, "0x");
      await expect(ledger.connect(vendor).redeem(receipt, signature, "0x"))
        .to.be.revertedWithCustomError(ledger, "ReceiptNonceUsed")
        .withArgs(receipt.nonce);
      expect(await ledger.coverageOf(programmeId, SAFE_HOUSEHOLD, period)).to.deep.equal([
        ISSUED,
        30n * UNIT,
      ]);
      expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(30n * UNIT);
    });

    for (const [mode, behaviour] of [
      [WalletMode.WrongMagic, "answers a wrong magic value"],
      [WalletMode.Reverts, "reverts"],
    ] as const) {
      it(`reverts with ReceiptSignatureInvalid when the contract wallet ${behaviour}`, async function () {
        const world = await loadFixture(fixture);
        const { ledger, vendor, programmeId, period, safeOwner, smartWallet } = world;
        await smartWallet.setMode(mode);
        const receipt = await safeReceipt(world, 30n * UNIT);
        await expect(redeemSigned(ledger, vendor, safeOwner, receipt))
          .to.be.revertedWithCustomError(ledger, "ReceiptSignatureInvalid")
          .withArgs(safeOwner.address);
        expect(await ledger.receiptNoncesUsed(programmeId, SAFE_HOUSEHOLD, period)).to.equal(0n);
      });
    }

    it("reverts with ReceiptSignatureInvalid when someone other than the contract wallet's owner signed", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, stranger, programmeId, period } = world;
      const receipt = await safeReceipt(world, 30n * UNIT);
      await expect(redeemSigned(ledger, vendor, stranger, receipt))
        .to.be.revertedWithCustomError(ledger, "ReceiptSignatureInvalid")
        .withArgs(stranger.address);
      await expect(ledger.connect(vendor).redeem(receipt, "0x1234", "0x"))
        .to.be.revertedWithCustomError(ledger, "ReceiptSignatureInvalid")
        .withArgs(ethers.ZeroAddress);
      expect(await ledger.receiptNoncesUsed(programmeId, SAFE_HOUSEHOLD, period)).to.equal(0n);
    });

    it("redeems a receipt approved by a contract wallet replaced as lost, within the grace", async function () {
      const world = await loadFixture(fixture);
      const { ledger, registry, registrar, vendor, programmeId, period, safeOwner, newWallet } = world;
      const receipt = await safeReceipt(world, 30n * UNIT);
      const signature = await signReceipt(safeOwner, ledger, receipt);
      await registry.connect(registrar).rebindWallet(SAFE_BENEFICIARY, newWallet.address, LOST);
      await expect(ledger.connect(vendor).redeem(receipt, signature, "0x")).to.emit(
        ledger,
        "DeliveryRedeemed",
      );
      expect(await ledger.coverageOf(programmeId, SAFE_HOUSEHOLD, period)).to.deep.equal([
        ISSUED,
        30n * UNIT,
      ]);
    });
  });

  describe("receipts signed by a replaced wallet", function () {
    /** Amina signs `receipt` with her wallet, which a registrar then replaces by the world's new wallet. */
    async function signThenRebind(
      world: World,
      receipt: Receipt,
      rebind: "rebindWallet" | "rebindWalletCompromised" = "rebindWallet",
    ): Promise<{ signature: string; reboundAt: bigint }> {
      const signature = await signReceipt(amina(world).wallet, world.ledger, receipt);
      const reason = rebind === "rebindWallet" ? LOST : STOLEN;
      await world.registry
        .connect(world.registrar)
        [rebind](amina(world).beneficiaryRef, world.newWallet.address, reason);
      return { signature, reboundAt: BigInt(await time.latest()) };
    }

    it("redeems a receipt the previous wallet signed before a lost-wallet rebind, within the grace", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, programmeId, households } = world;
      const receipt = await aminaReceipt(world, 30n * UNIT);
      const { signature } = await signThenRebind(world, receipt);
      await time.increase(DAY / 2);
      await expect(ledger.connect(vendor).redeem(receipt, signature, "0x"))
        .to.emit(ledger, "DeliveryRedeemed")
        .withArgs(
          await receiptHash(ledger, receipt),
          programmeId,
          households[0].householdRef,
          amina(world).beneficiaryRef,
          vendor.address,
          30n * UNIT,
          receipt.evidenceHash,
          ethers.ZeroAddress,
        );
      expect(await aminaHouseholdState(world)).to.deep.equal([1n, 30n * UNIT]);
      expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(30n * UNIT);
    });

    it("redeems a previous-wallet receipt whose deadline is the last second of the grace, at that second", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor } = world;
      const reboundAt = BigInt(await time.latest()) + 60n;
      const graceEndsAt = reboundAt + GRACE;
      const receipt = await aminaReceipt(world, 30n * UNIT, { deadline: graceEndsAt });
      await time.setNextBlockTimestamp(reboundAt);
      const { signature } = await signThenRebind(world, receipt);
      await time.setNextBlockTimestamp(graceEndsAt);
      await expect(ledger.connect(vendor).redeem(receipt, signature, "0x")).to.emit(
        ledger,
        "DeliveryRedeemed",
      );
      expect(await aminaHouseholdState(world)).to.deep.equal([1n, 30n * UNIT]);
    });

    it("reverts with ReceiptDeadlineBeyondGrace when a previous-wallet receipt is due after the grace", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor } = world;
      const reboundAt = BigInt(await time.latest()) + 60n;
      const graceEndsAt = reboundAt + GRACE;
      const receipt = await aminaReceipt(world, 30n * UNIT, { deadline: graceEndsAt + 1n });
      await time.setNextBlockTimestamp(reboundAt);
      const { signature } = await signThenRebind(world, receipt);
      await expect(ledger.connect(vendor).redeem(receipt, signature, "0x"))
        .to.be.revertedWithCustomError(ledger, "ReceiptDeadlineBeyondGrace")
        .withArgs(graceEndsAt + 1n, graceEndsAt);
      expect(await aminaHouseholdState(world)).to.deep.equal([0n, 0n]);
    });

    it("reverts with ReceiptExpired once the grace and the receipt's deadline have passed", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor } = world;
      const receipt = await aminaReceipt(world, 30n * UNIT);
      const { signature, reboundAt } = await signThenRebind(world, receipt);
      await time.increaseTo(reboundAt + GRACE + 1n);
      await expect(ledger.connect(vendor).redeem(receipt, signature, "0x"))
        .to.be.revertedWithCustomError(ledger, "ReceiptExpired")
        .withArgs(receipt.deadline);
      expect(await aminaHouseholdState(world)).to.deep.equal([0n, 0n]);
    });

    it("reverts with ReceiptSignatureInvalid for a previous-wallet receipt after a rebind reported as compromised", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor } = world;
      const receipt = await aminaReceipt(world, 30n * UNIT);
      const { signature } = await signThenRebind(world, receipt, "rebindWalletCompromised");
      await expect(ledger.connect(vendor).redeem(receipt, signature, "0x"))
        .to.be.revertedWithCustomError(ledger, "ReceiptSignatureInvalid")
        .withArgs(amina(world).wallet.address);
      expect(await aminaHouseholdState(world)).to.deep.equal([0n, 0n]);
    });

    it("reverts with ReceiptSignatureInvalid for a previous-wallet receipt once a registrar voids that wallet", async function () {
      const world = await loadFixture(fixture);
      const { ledger, registry, registrar, vendor } = world;
      const receipt = await aminaReceipt(world, 30n * UNIT);
      const { signature } = await signThenRebind(world, receipt);
      await registry.connect(registrar).voidPreviousWalletReceipts(amina(world).beneficiaryRef, STOLEN);
      await expect(ledger.connect(vendor).redeem(receipt, signature, "0x"))
        .to.be.revertedWithCustomError(ledger, "ReceiptSignatureInvalid")
        .withArgs(amina(world).wallet.address);
      expect(await aminaHouseholdState(world)).to.deep.equal([0n, 0n]);
    });

    for (const rebind of ["rebindWallet", "rebindWalletCompromised"] as const) {
      it(`redeems receipts of the new wallet after ${rebind}`, async function () {
        const world = await loadFixture(fixture);
        const { ledger, vendor, newWallet } = world;
        await signThenRebind(world, await aminaReceipt(world, 10n * UNIT), rebind);
        const receipt = await aminaReceipt(world, 30n * UNIT);
        await expect(redeemSigned(ledger, vendor, newWallet, receipt)).to.emit(ledger, "DeliveryRedeemed");
        expect(await aminaHouseholdState(world)).to.deep.equal([1n, 30n * UNIT]);
      });
    }

    it("reverts with ReceiptNonceUsed for the old receipt once the new wallet spent its nonce at another vendor", async function () {
      // Equivocation: the household signed two receipts with one nonce; the first redeemed wins.
      const world = await loadFixture(fixture);
      const { ledger, vendor, vendor2, programmeId, newWallet } = world;
      const oldReceipt = await aminaReceipt(world, 30n * UNIT);
      const { signature } = await signThenRebind(world, oldReceipt);
      const newReceipt = await aminaReceipt(world, 20n * UNIT, {
        vendor: vendor2.address,
        nonce: oldReceipt.nonce,
      });
      await redeemSigned(ledger, vendor2, newWallet, newReceipt);
      await expect(ledger.connect(vendor).redeem(oldReceipt, signature, "0x"))
        .to.be.revertedWithCustomError(ledger, "ReceiptNonceUsed")
        .withArgs(oldReceipt.nonce);
      expect(await aminaHouseholdState(world)).to.deep.equal([1n, 20n * UNIT]);
      expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(0n);
    });

    it("reverts with ReceiptSignatureInvalid for a receipt of a wallet replaced before the latest rebind", async function () {
      const world = await loadFixture(fixture);
      const { ledger, registry, registrar, vendor, newWallet, otherWallet } = world;
      const receipt = await aminaReceipt(world, 30n * UNIT);
      const { signature } = await signThenRebind(world, receipt);
      await registry.connect(registrar).rebindWallet(amina(world).beneficiaryRef, otherWallet.address, LOST);
      await expect(ledger.connect(vendor).redeem(receipt, signature, "0x"))
        .to.be.revertedWithCustomError(ledger, "ReceiptSignatureInvalid")
        .withArgs(amina(world).wallet.address);
      // The wallet the latest rebind replaced still signs within its grace.
      await expect(redeemSigned(ledger, vendor, newWallet, receipt)).to.emit(ledger, "DeliveryRedeemed");
    });

    it("reverts with ReceiptSignatureInvalid for a previous-wallet receipt once that wallet is bound to someone else", async function () {
      const world = await loadFixture(fixture);
      const { ledger, registry, registrar, vendor } = world;
      const receipt = await aminaReceipt(world, 30n * UNIT);
      const { signature } = await signThenRebind(world, receipt);
      await registry.connect(registrar).registerBatch([
        {
          beneficiaryRef: ref("beneficiary", "newcomer"),
          householdRef: ref("household", "newcomer"),
          wallet: amina(world).wallet.address,
        },
      ]);
      await expect(ledger.connect(vendor).redeem(receipt, signature, "0x"))
        .to.be.revertedWithCustomError(ledger, "ReceiptSignatureInvalid")
        .withArgs(amina(world).wallet.address);
      expect(await aminaHouseholdState(world)).to.deep.equal([0n, 0n]);
    });

    it("reverts with ReceiptSignatureInvalid for a previous-wallet receipt while the beneficiary is suspended", async function () {
      const world = await loadFixture(fixture);
      const { ledger, registry, registrar, vendor } = world;
      const receipt = await aminaReceipt(world, 30n * UNIT);
      const { signature } = await signThenRebind(world, receipt);
      await registry.connect(registrar).setStatus(amina(world).beneficiaryRef, BeneficiaryStatus.Suspended);
      await expect(ledger.connect(vendor).redeem(receipt, signature, "0x"))
        .to.be.revertedWithCustomError(ledger, "ReceiptSignatureInvalid")
        .withArgs(amina(world).wallet.address);
      await registry.connect(registrar).setStatus(amina(world).beneficiaryRef, BeneficiaryStatus.Active);
      await expect(ledger.connect(vendor).redeem(receipt, signature, "0x")).to.emit(
        ledger,
        "DeliveryRedeemed",
      );
    });

    it("reverts with ReceiptSignatureInvalid for a stranger's signature even while a previous wallet is in grace", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, stranger } = world;
      const receipt = await aminaReceipt(world, 30n * UNIT);
      await signThenRebind(world, receipt);
      await expect(redeemSigned(ledger, vendor, stranger, receipt))
        .to.be.revertedWithCustomError(ledger, "ReceiptSignatureInvalid")
        .withArgs(stranger.address);
      expect(await aminaHouseholdState(world)).to.deep.equal([0n, 0n]);
    });
  });
});
