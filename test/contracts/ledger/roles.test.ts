import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { MerkleTree } from "../helpers/merkle";
import { ROLE_NAMES, shouldRefuseRoles, type RoleName } from "../helpers/roles";
import {
  entitlementLeaf,
  groupParams,
  issueTo,
  ledgerWorld,
  programmeParams,
  receiptFor,
  receiptHash,
  redeemSigned,
  signReceipt,
  passDisputeWindows,
} from "../helpers/ledger";
import { FOOD, Layer, LicenceKind, PERIOD, UNIT } from "../helpers/system";

describe("AidLedger: who may call what", function () {
  async function fixture() {
    const world = await ledgerWorld();
    const { ledger, charity, vendor, programmeId, households } = world;
    const [h1, h2] = households;
    await issueTo(ledger, charity, programmeId, [h1], 100n * UNIT);
    // A redemption, flagged by the beneficiary, for the dispute functions.
    const redeemed = await receiptFor(
      ledger,
      programmeId,
      h1.householdRef,
      h1.members[0],
      vendor,
      10n * UNIT,
    );
    await redeemSigned(ledger, vendor, h1.members[0].wallet, redeemed);
    await ledger.connect(h1.members[0].wallet).flagRedemption(redeemed, "bafy-reason");
    // A redemption nobody flagged yet, for the flagging checks.
    const unflagged = await receiptFor(
      ledger,
      programmeId,
      h1.householdRef,
      h1.members[0],
      vendor,
      10n * UNIT,
    );
    await redeemSigned(ledger, vendor, h1.members[0].wallet, unflagged);
    // A fresh, validly signed receipt for the redeem checks.
    const pending = await receiptFor(ledger, programmeId, h1.householdRef, h1.members[0], vendor, 10n * UNIT);
    const pendingSignature = await signReceipt(h1.members[0].wallet, ledger, pending);
    // A round with household 2's leaf, for the claim checks.
    const leaf = {
      beneficiaryRef: h2.members[0].beneficiaryRef,
      householdRef: h2.householdRef,
      amount: 20n * UNIT,
    };
    const tree = new MerkleTree([entitlementLeaf(leaf.beneficiaryRef, leaf.householdRef, leaf.amount)]);
    await ledger.connect(charity).publishRound(programmeId, tree.root, 20n * UNIT, 1, "");
    return {
      ...world,
      redeemed,
      unflagged,
      redemptionId: await receiptHash(ledger, redeemed),
      pending,
      pendingSignature,
      leaf,
      roundId: 1n,
      params: await programmeParams(world.token),
    };
  }

  type Fixture = Awaited<ReturnType<typeof fixture>>;

  const except = (...allowed: RoleName[]) => ROLE_NAMES.filter((role) => !allowed.includes(role));

  // `shouldRefuseRoles` reads the fixture through this after its setup ran, to name the expected arguments.
  let world: Fixture;

  function refuse(
    title: string,
    refused: readonly RoleName[],
    call: (fixture: Fixture, as: HardhatEthersSigner) => Promise<unknown>,
    errorName: string,
    args: (fixture: Fixture, caller: HardhatEthersSigner) => unknown[],
  ) {
    shouldRefuseRoles(
      title,
      refused,
      async () => {
        world = await loadFixture(fixture);
        return { actors: world, contract: world.ledger, call: (as) => call(world, as) };
      },
      errorName,
      (caller) => args(world, caller),
    );
  }

  describe("regulator only", function () {
    refuse(
      "createExclusivityGroup",
      except("regulator"),
      async (w, as) => w.ledger.connect(as).createExclusivityGroup(await groupParams(w.token)),
      "RegulatorOnly",
      (_, caller) => [caller.address],
    );
    refuse(
      "setExclusivityGroupAdmission",
      except("regulator"),
      (w, as) => w.ledger.connect(as).setExclusivityGroupAdmission(w.groupId, [w.stranger.address], true),
      "RegulatorOnly",
      (_, caller) => [caller.address],
    );
    refuse(
      "setExclusivityGroupCap",
      except("regulator"),
      (w, as) => w.ledger.connect(as).setExclusivityGroupCap(w.groupId, 2),
      "RegulatorOnly",
      (_, caller) => [caller.address],
    );
  });

  describe("licensed charities", function () {
    refuse(
      "createProgramme",
      except("charity", "charity2"),
      (w, as) => w.ledger.connect(as).createProgramme(w.params),
      "CharityUnlicensed",
      (_, caller) => [caller.address, Layer.Relief, FOOD],
    );
  });

  describe("the programme's charity or the regulator", function () {
    refuse(
      "setProgrammePaused",
      except("charity", "regulator"),
      (w, as) => w.ledger.connect(as).setProgrammePaused(w.programmeId, true),
      "ProgrammeCharityOrRegulatorOnly",
      (w, caller) => [w.programmeId, caller.address],
    );
    refuse(
      "closeProgramme",
      except("charity", "regulator"),
      (w, as) => w.ledger.connect(as).closeProgramme(w.programmeId),
      "ProgrammeCharityOrRegulatorOnly",
      (w, caller) => [w.programmeId, caller.address],
    );
  });

  describe("the programme's charity only", function () {
    refuse(
      "setVendorsAllowed",
      except("charity"),
      (w, as) => w.ledger.connect(as).setVendorsAllowed(w.programmeId, [w.vendor2.address], true),
      "ProgrammeCharityOnly",
      (w, caller) => [w.programmeId, caller.address],
    );
    refuse(
      "recordGift",
      except("charity"),
      (w, as) =>
        w.ledger.connect(as).recordGift(w.programmeId, ethers.id("cash"), 10n * UNIT, ethers.ZeroHash, 0),
      "ProgrammeCharityOnly",
      (w, caller) => [w.programmeId, caller.address],
    );
    refuse(
      "issueBatch",
      except("charity"),
      (w, as) => issueTo(w.ledger, as, w.programmeId, w.households.slice(1, 2), 10n * UNIT),
      "ProgrammeCharityOnly",
      (w, caller) => [w.programmeId, caller.address],
    );
    refuse(
      "publishRound",
      except("charity"),
      (w, as) => w.ledger.connect(as).publishRound(w.programmeId, ethers.id("root"), UNIT, 1, ""),
      "ProgrammeCharityOnly",
      (w, caller) => [w.programmeId, caller.address],
    );
  });

  describe("the receipt's vendor", function () {
    refuse(
      "redeem",
      except("vendor"),
      (w, as) => w.ledger.connect(as).redeem(w.pending, w.pendingSignature, "0x"),
      "VendorMismatch",
      (w, caller) => [caller.address, w.vendor.address],
    );
  });

  describe("a vendor with a credit in the programme", function () {
    refuse(
      "collectSettlement",
      except("vendor"),
      (w, as) => w.ledger.connect(as).collectSettlement(w.programmeId, as.address),
      "SettlementNothingOwed",
      (w, caller) => [w.programmeId, caller.address],
    );
  });

  describe("the beneficiary's wallet or a registrar", function () {
    refuse(
      "claim",
      except("registrar"),
      (w, as) =>
        w.ledger.connect(as).claim(w.roundId, w.leaf.beneficiaryRef, w.leaf.householdRef, w.leaf.amount, []),
      "ClaimCallerInvalid",
      (_, caller) => [caller.address],
    );
  });

  describe("the beneficiary's wallet or an auditor", function () {
    refuse(
      "flagRedemption",
      except("auditor"),
      (w, as) => w.ledger.connect(as).flagRedemption(w.unflagged, "bafy-reason"),
      "FlagUnauthorized",
      (_, caller) => [caller.address],
    );
  });

  describe("an auditor or the regulator", function () {
    refuse(
      "resolveFlag",
      except("auditor", "regulator"),
      (w, as) => w.ledger.connect(as).resolveFlag(w.redemptionId, true, "bafy-report"),
      "ResolverUnauthorized",
      (_, caller) => [caller.address],
    );
  });

  describe("the allowed roles themselves", function () {
    it("lets the vendor collect its two redemptions' credit once their window closed, less the flagged one's", async function () {
      const { ledger, token, vendor, programmeId } = await loadFixture(fixture);
      await passDisputeWindows();
      const before = await token.balanceOf(vendor.address);
      // The flag holds the flagged redemption's 10 until it is resolved.
      await expect(ledger.connect(vendor).collectSettlement(programmeId, vendor.address))
        .to.emit(ledger, "SettlementCollected")
        .withArgs(programmeId, vendor.address, vendor.address, 10n * UNIT);
      expect(await token.balanceOf(vendor.address)).to.equal(before + 10n * UNIT);
      expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(10n * UNIT);
    });

    it("lets the registrar claim on a beneficiary's behalf", async function () {
      const { ledger, registrar, roundId, leaf } = await loadFixture(fixture);
      await expect(
        ledger.connect(registrar).claim(roundId, leaf.beneficiaryRef, leaf.householdRef, leaf.amount, []),
      ).to.emit(ledger, "RoundClaimed");
    });

    it("lets an auditor flag and the regulator resolve", async function () {
      const { ledger, auditor, regulator, unflagged, redemptionId } = await loadFixture(fixture);
      await expect(ledger.connect(auditor).flagRedemption(unflagged, "bafy-reason")).to.emit(
        ledger,
        "RedemptionFlagged",
      );
      await expect(ledger.connect(regulator).resolveFlag(redemptionId, false, "bafy-report")).to.emit(
        ledger,
        "RedemptionFlagResolved",
      );
    });

    it("lets the vendor redeem the pending receipt", async function () {
      const { ledger, vendor, pending, pendingSignature } = await loadFixture(fixture);
      await expect(ledger.connect(vendor).redeem(pending, pendingSignature, "0x")).to.emit(
        ledger,
        "DeliveryRedeemed",
      );
    });
  });

  describe("vendors", function () {
    it("reverts with VendorUnauthorized for a licensed vendor the programme does not allow", async function () {
      const { ledger, vendor2, programmeId, households } = await loadFixture(fixture);
      const [h1] = households;
      const receipt = await receiptFor(
        ledger,
        programmeId,
        h1.householdRef,
        h1.members[0],
        vendor2,
        10n * UNIT,
      );
      await expect(redeemSigned(ledger, vendor2, h1.members[0].wallet, receipt))
        .to.be.revertedWithCustomError(ledger, "VendorUnauthorized")
        .withArgs(programmeId, vendor2.address);
    });

    it("reverts with VendorUnauthorized for a vendor disallowed after its first redemption", async function () {
      const { ledger, charity, vendor, programmeId, pending, pendingSignature } = await loadFixture(fixture);
      await ledger.connect(charity).setVendorsAllowed(programmeId, [vendor.address], false);
      await expect(ledger.connect(vendor).redeem(pending, pendingSignature, "0x"))
        .to.be.revertedWithCustomError(ledger, "VendorUnauthorized")
        .withArgs(programmeId, vendor.address);
    });

    it("reverts with VendorUnauthorized for an allowed vendor whose licence is suspended", async function () {
      const { ledger, licences, regulator, vendor, programmeId, pending, pendingSignature } =
        await loadFixture(fixture);
      await licences
        .connect(regulator)
        .suspendLicence(vendor.address, LicenceKind.Vendor, ethers.id("finding"));
      await expect(ledger.connect(vendor).redeem(pending, pendingSignature, "0x"))
        .to.be.revertedWithCustomError(ledger, "VendorUnauthorized")
        .withArgs(programmeId, vendor.address);
      await licences.connect(regulator).reinstateLicence(vendor.address, LicenceKind.Vendor);
      await expect(ledger.connect(vendor).redeem(pending, pendingSignature, "0x")).to.emit(
        ledger,
        "DeliveryRedeemed",
      );
    });

    it("reverts with VendorUnauthorized for an allowed vendor licensed only for another category", async function () {
      const { ledger, licences, regulator, charity, stranger, programmeId, households } =
        await loadFixture(fixture);
      const now = await time.latest();
      await licences
        .connect(regulator)
        .grantLicence(
          stranger.address,
          LicenceKind.Vendor,
          0b001,
          1n << 9n,
          now,
          now + PERIOD,
          "bafy-vendor",
        );
      await ledger.connect(charity).setVendorsAllowed(programmeId, [stranger.address], true);
      const [h1] = households;
      const receipt = await receiptFor(
        ledger,
        programmeId,
        h1.householdRef,
        h1.members[0],
        stranger,
        10n * UNIT,
      );
      await expect(redeemSigned(ledger, stranger, h1.members[0].wallet, receipt))
        .to.be.revertedWithCustomError(ledger, "VendorUnauthorized")
        .withArgs(programmeId, stranger.address);
    });
  });

  describe("a charity that lost its licence", function () {
    for (const [how, act] of [
      ["suspended", "suspendLicence"],
      ["revoked", "revokeLicence"],
    ] as const) {
      it(`refuses every charity action once the licence is ${how}, with CharityUnlicensed`, async function () {
        const { ledger, licences, regulator, charity, programmeId, households, params } =
          await loadFixture(fixture);
        await licences.connect(regulator)[act](charity.address, LicenceKind.Charity, ethers.id("finding"));
        const calls = [
          () => ledger.connect(charity).createProgramme(params),
          () =>
            ledger
              .connect(charity)
              .setVendorsAllowed(programmeId, [ethers.Wallet.createRandom().address], true),
          () =>
            ledger
              .connect(charity)
              .recordGift(programmeId, ethers.id("cash"), 10n * UNIT, ethers.ZeroHash, 0),
          () => issueTo(ledger, charity, programmeId, households.slice(1, 2), 10n * UNIT),
          () => ledger.connect(charity).publishRound(programmeId, ethers.id("root"), UNIT, 1, ""),
        ];
        for (const call of calls) {
          await expect(call())
            .to.be.revertedWithCustomError(ledger, "CharityUnlicensed")
            .withArgs(charity.address, Layer.Relief, FOOD);
        }
      });
    }

    it("refuses a charity whose licence has expired", async function () {
      const { ledger, licences, token, charity } = await loadFixture(fixture);
      const { validUntil } = await licences.licenceOf(charity.address, LicenceKind.Charity);
      await time.increaseTo(validUntil + 1n);
      await expect(ledger.connect(charity).createProgramme(await programmeParams(token)))
        .to.be.revertedWithCustomError(ledger, "CharityUnlicensed")
        .withArgs(charity.address, Layer.Relief, FOOD);
    });

    it("changes nothing of its programmes: pause, unpause, close and vendors are refused with CharityUnlicensed", async function () {
      const { ledger, licences, regulator, charity, vendor2, programmeId } = await loadFixture(fixture);
      await ledger.connect(charity).setProgrammePaused(programmeId, true);
      await licences
        .connect(regulator)
        .suspendLicence(charity.address, LicenceKind.Charity, ethers.id("finding"));
      for (const call of [
        () => ledger.connect(charity).setProgrammePaused(programmeId, false),
        () => ledger.connect(charity).closeProgramme(programmeId),
        () => ledger.connect(charity).setVendorsAllowed(programmeId, [vendor2.address], true),
      ]) {
        await expect(call())
          .to.be.revertedWithCustomError(ledger, "CharityUnlicensed")
          .withArgs(charity.address, Layer.Relief, FOOD);
      }
      expect((await ledger.programme(programmeId)).paused).to.equal(true);
      // The regulator winds it down instead.
      await expect(ledger.connect(regulator).closeProgramme(programmeId)).to.emit(ledger, "ProgrammeClosed");
    });
  });

  describe("a registrar that lost its licence", function () {
    it("refuses a suspended registrar's claim with ClaimCallerInvalid", async function () {
      const { ledger, licences, regulator, registrar, roundId, leaf } = await loadFixture(fixture);
      await licences
        .connect(regulator)
        .suspendLicence(registrar.address, LicenceKind.Registrar, ethers.ZeroHash);
      await expect(
        ledger.connect(registrar).claim(roundId, leaf.beneficiaryRef, leaf.householdRef, leaf.amount, []),
      )
        .to.be.revertedWithCustomError(ledger, "ClaimCallerInvalid")
        .withArgs(registrar.address);
    });
  });
});
