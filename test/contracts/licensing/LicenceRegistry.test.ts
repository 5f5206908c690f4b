import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { LicenceRegistry } from "../../../typechain-types";
import {
  ALL_CATEGORIES,
  ALL_LAYERS,
  DAY,
  FOOD,
  Layer,
  LicenceKind,
  LicenceStatus,
  deployedSystem,
} from "../helpers/system";
import { ROLE_NAMES, shouldRefuseRoles } from "../helpers/roles";
import { revokeForGood } from "./revocation";

const REGULATOR_ROLE = ethers.id("REGULATOR_ROLE");
const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;
const SUSPENSION_REASON = ethers.encodeBytes32String("late-deliveries");
const REVOCATION_REASON = ethers.encodeBytes32String("fraud-confirmed");
const CID = "bafy-vendor-licence";
/** Support layer only. */
const SUPPORT_ONLY = 1 << Layer.Support;
/** Categories 3, 200 and 255 only. */
const SOME_CATEGORIES = (1n << 3n) | (1n << 200n) | (1n << 255n);

const NOT_REGULATOR = ROLE_NAMES.filter((role) => role !== "regulator");

/** The deployed system, plus `vendor2`'s licence suspended so reinstatement has a target. */
async function licensingFixture() {
  const system = await deployedSystem();
  await system.licences
    .connect(system.regulator)
    .suspendLicence(system.vendor2.address, LicenceKind.Vendor, SUSPENSION_REASON);
  return system;
}

interface ExpectedLicence {
  layers: number;
  categories: bigint;
  validFrom: number;
  validUntil: number;
  status: number;
  metadataCid: string;
}

async function expectLicence(
  licences: LicenceRegistry,
  holder: HardhatEthersSigner | string,
  kind: number,
  expected: ExpectedLicence,
): Promise<void> {
  const address = typeof holder === "string" ? holder : holder.address;
  const licence = await licences.licenceOf(address, kind);
  expect({
    layers: licence.layers,
    categories: licence.categories,
    validFrom: licence.validFrom,
    validUntil: licence.validUntil,
    status: licence.status,
    metadataCid: licence.metadataCid,
  }).to.deep.equal({
    layers: BigInt(expected.layers),
    categories: expected.categories,
    validFrom: BigInt(expected.validFrom),
    validUntil: BigInt(expected.validUntil),
    status: BigInt(expected.status),
    metadataCid: expected.metadataCid,
  });
}

describe("LicenceRegistry", function () {
  describe("deployment", function () {
    it("makes the timelock the default admin with the configured transfer delay", async function () {
      const { licences, timelock } = await loadFixture(licensingFixture);
      expect(await licences.defaultAdmin()).to.equal(await timelock.getAddress());
      expect(await licences.defaultAdminDelay()).to.equal(3 * DAY);
      expect(await licences.hasRole(DEFAULT_ADMIN_ROLE, await timelock.getAddress())).to.equal(true);
    });

    it("appoints the constructor's regulators under REGULATOR_ROLE, administered by the default admin", async function () {
      const { licences, regulator, council, deployer, stranger } = await loadFixture(licensingFixture);
      expect(await licences.REGULATOR_ROLE()).to.equal(REGULATOR_ROLE);
      expect(await licences.getRoleAdmin(REGULATOR_ROLE)).to.equal(DEFAULT_ADMIN_ROLE);
      expect(await licences.isRegulator(regulator.address)).to.equal(true);
      expect(await licences.hasRole(REGULATOR_ROLE, regulator.address)).to.equal(true);
      for (const other of [council, deployer, stranger]) {
        expect(await licences.isRegulator(other.address)).to.equal(false);
      }
    });

    it("returns a zeroed licence for a holder never licensed", async function () {
      const { licences, stranger } = await loadFixture(licensingFixture);
      await expectLicence(licences, stranger, LicenceKind.Charity, {
        layers: 0,
        categories: 0n,
        validFrom: 0,
        validUntil: 0,
        status: LicenceStatus.None,
        metadataCid: "",
      });
      expect(await licences.isActive(stranger.address, LicenceKind.Charity)).to.equal(false);
      expect(await licences.isLicensed(stranger.address, LicenceKind.Charity, Layer.Relief, FOOD)).to.equal(
        false,
      );
    });
  });

  describe("grantLicence", function () {
    it("records every field of the licence and emits LicenceGranted", async function () {
      const { licences, regulator, stranger } = await loadFixture(licensingFixture);
      const now = await time.latest();
      const [from, until] = [now + 10, now + 30 * DAY];
      await expect(
        licences
          .connect(regulator)
          .grantLicence(
            stranger.address,
            LicenceKind.Vendor,
            SUPPORT_ONLY,
            SOME_CATEGORIES,
            from,
            until,
            CID,
          ),
      )
        .to.emit(licences, "LicenceGranted")
        .withArgs(
          stranger.address,
          LicenceKind.Vendor,
          SUPPORT_ONLY,
          SOME_CATEGORIES,
          from,
          until,
          CID,
          regulator.address,
        );
      await expectLicence(licences, stranger, LicenceKind.Vendor, {
        layers: SUPPORT_ONLY,
        categories: SOME_CATEGORIES,
        validFrom: from,
        validUntil: until,
        status: LicenceStatus.Active,
        metadataCid: CID,
      });
    });

    it("licenses only the layer bits and category bits of the masks", async function () {
      const { licences, regulator, stranger } = await loadFixture(licensingFixture);
      const now = await time.latest();
      await licences
        .connect(regulator)
        .grantLicence(
          stranger.address,
          LicenceKind.Vendor,
          SUPPORT_ONLY,
          SOME_CATEGORIES,
          now,
          now + DAY,
          CID,
        );
      expect(await licences.isActive(stranger.address, LicenceKind.Vendor)).to.equal(true);
      for (const layer of [Layer.Relief, Layer.Support, Layer.Insurance]) {
        for (const category of [0, 1, 2, 3, 4, 199, 200, 201, 254, 255]) {
          const expected = layer === Layer.Support && [3, 200, 255].includes(category);
          expect(
            await licences.isLicensed(stranger.address, LicenceKind.Vendor, layer, category),
            `layer ${layer}, category ${category}`,
          ).to.equal(expected);
        }
      }
    });

    it("accepts the full layer mask 0b111 and covers every layer and the last category", async function () {
      const { licences, charity } = await loadFixture(licensingFixture);
      const licence = await licences.licenceOf(charity.address, LicenceKind.Charity);
      expect(licence.layers).to.equal(ALL_LAYERS);
      for (const layer of [Layer.Relief, Layer.Support, Layer.Insurance]) {
        expect(await licences.isLicensed(charity.address, LicenceKind.Charity, layer, 0)).to.equal(true);
        expect(await licences.isLicensed(charity.address, LicenceKind.Charity, layer, 255)).to.equal(true);
      }
    });

    it("licenses one kind without licensing the holder for any other kind", async function () {
      const { licences, vendor } = await loadFixture(licensingFixture);
      expect(await licences.isActive(vendor.address, LicenceKind.Vendor)).to.equal(true);
      for (const kind of [
        LicenceKind.None,
        LicenceKind.Charity,
        LicenceKind.FieldAgent,
        LicenceKind.Auditor,
        LicenceKind.Registrar,
      ]) {
        expect(await licences.isActive(vendor.address, kind), `kind ${kind}`).to.equal(false);
        expect(await licences.isLicensed(vendor.address, kind, Layer.Relief, FOOD), `kind ${kind}`).to.equal(
          false,
        );
      }
    });

    it("is inactive before validFrom, active from validFrom through validUntil, and inactive after", async function () {
      const { licences, regulator, stranger } = await loadFixture(licensingFixture);
      const now = await time.latest();
      const [from, until] = [now + 100, now + 1000];
      await licences
        .connect(regulator)
        .grantLicence(stranger.address, LicenceKind.FieldAgent, ALL_LAYERS, ALL_CATEGORIES, from, until, CID);
      const state = async () => [
        await licences.isActive(stranger.address, LicenceKind.FieldAgent),
        await licences.isLicensed(stranger.address, LicenceKind.FieldAgent, Layer.Relief, FOOD),
      ];

      expect(await state()).to.deep.equal([false, false]);
      await time.increaseTo(from - 1);
      expect(await state()).to.deep.equal([false, false]);
      await time.increaseTo(from);
      expect(await state()).to.deep.equal([true, true]);
      await time.increaseTo(until);
      expect(await state()).to.deep.equal([true, true]);
      await time.increaseTo(until + 1);
      expect(await state()).to.deep.equal([false, false]);
      // Expiry is a matter of time, not of status: the record still says Active.
      expect((await licences.licenceOf(stranger.address, LicenceKind.FieldAgent)).status).to.equal(
        LicenceStatus.Active,
      );
    });

    it("renews an existing licence, replacing its scope, window and document", async function () {
      const { licences, regulator, vendor } = await loadFixture(licensingFixture);
      const now = await time.latest();
      const [from, until] = [now + 5, now + 90 * DAY];
      await expect(
        licences
          .connect(regulator)
          .grantLicence(
            vendor.address,
            LicenceKind.Vendor,
            SUPPORT_ONLY,
            1n << 7n,
            from,
            until,
            "bafy-renewed",
          ),
      )
        .to.emit(licences, "LicenceGranted")
        .withArgs(
          vendor.address,
          LicenceKind.Vendor,
          SUPPORT_ONLY,
          1n << 7n,
          from,
          until,
          "bafy-renewed",
          regulator.address,
        );
      await expectLicence(licences, vendor, LicenceKind.Vendor, {
        layers: SUPPORT_ONLY,
        categories: 1n << 7n,
        validFrom: from,
        validUntil: until,
        status: LicenceStatus.Active,
        metadataCid: "bafy-renewed",
      });
      await time.increaseTo(from);
      expect(await licences.isLicensed(vendor.address, LicenceKind.Vendor, Layer.Relief, 7)).to.equal(false);
      expect(await licences.isLicensed(vendor.address, LicenceKind.Vendor, Layer.Support, 7)).to.equal(true);
      expect(await licences.isLicensed(vendor.address, LicenceKind.Vendor, Layer.Support, FOOD)).to.equal(
        false,
      );
    });

    it("renews an expired licence so that it is active again", async function () {
      const { licences, regulator, stranger } = await loadFixture(licensingFixture);
      const now = await time.latest();
      await licences
        .connect(regulator)
        .grantLicence(stranger.address, LicenceKind.Charity, ALL_LAYERS, ALL_CATEGORIES, now, now + 10, CID);
      await time.increaseTo(now + 11);
      expect(await licences.isActive(stranger.address, LicenceKind.Charity)).to.equal(false);
      const later = await time.latest();
      await licences
        .connect(regulator)
        .grantLicence(
          stranger.address,
          LicenceKind.Charity,
          ALL_LAYERS,
          ALL_CATEGORIES,
          later,
          later + DAY,
          CID,
        );
      expect(await licences.isActive(stranger.address, LicenceKind.Charity)).to.equal(true);
    });

    it("keeps a suspended licence suspended when it is renewed: only reinstatement lifts a suspension", async function () {
      const { licences, regulator, vendor2 } = await loadFixture(licensingFixture);
      expect((await licences.licenceOf(vendor2.address, LicenceKind.Vendor)).status).to.equal(
        LicenceStatus.Suspended,
      );
      const now = await time.latest();
      await expect(
        licences
          .connect(regulator)
          .grantLicence(vendor2.address, LicenceKind.Vendor, ALL_LAYERS, ALL_CATEGORIES, now, now + DAY, CID),
      ).not.to.emit(licences, "LicenceReinstated");
      const renewed = await licences.licenceOf(vendor2.address, LicenceKind.Vendor);
      expect(renewed.status).to.equal(LicenceStatus.Suspended);
      expect(renewed.validUntil).to.equal(now + DAY);
      expect(await licences.isActive(vendor2.address, LicenceKind.Vendor)).to.equal(false);
      await licences.connect(regulator).reinstateLicence(vendor2.address, LicenceKind.Vendor);
      expect(await licences.isActive(vendor2.address, LicenceKind.Vendor)).to.equal(true);
    });

    it("accepts a window that started in the past and ends one second after the grant", async function () {
      const { licences, regulator, stranger } = await loadFixture(licensingFixture);
      const now = await time.latest();
      const grantedAt = now + 50;
      await time.setNextBlockTimestamp(grantedAt);
      await licences
        .connect(regulator)
        .grantLicence(stranger.address, LicenceKind.Auditor, 1, 1, now - 1000, grantedAt + 1, CID);
      expect(await licences.isActive(stranger.address, LicenceKind.Auditor)).to.equal(true);
      await time.increaseTo(grantedAt + 2);
      expect(await licences.isActive(stranger.address, LicenceKind.Auditor)).to.equal(false);
    });

    it("reverts with LicenceHolderZero when the holder is the zero address", async function () {
      const { licences, regulator } = await loadFixture(licensingFixture);
      const now = await time.latest();
      await expect(
        licences
          .connect(regulator)
          .grantLicence(
            ethers.ZeroAddress,
            LicenceKind.Vendor,
            ALL_LAYERS,
            ALL_CATEGORIES,
            now,
            now + DAY,
            CID,
          ),
      )
        .to.be.revertedWithCustomError(licences, "LicenceHolderZero")
        .withArgs();
    });

    it("reverts with LicenceKindInvalid when the kind is None", async function () {
      const { licences, regulator, stranger } = await loadFixture(licensingFixture);
      const now = await time.latest();
      await expect(
        licences
          .connect(regulator)
          .grantLicence(stranger.address, LicenceKind.None, ALL_LAYERS, ALL_CATEGORIES, now, now + DAY, CID),
      )
        .to.be.revertedWithCustomError(licences, "LicenceKindInvalid")
        .withArgs();
    });

    for (const [title, layers, categories] of [
      ["the layer mask is zero", 0, ALL_CATEGORIES],
      ["the layer mask has a bit above the three layers", 0b1000, ALL_CATEGORIES],
      ["the layer mask is 0xff", 0xff, ALL_CATEGORIES],
      ["the category mask is zero", ALL_LAYERS, 0n],
    ] as const) {
      it(`reverts with LicenceScopeEmpty when ${title}`, async function () {
        const { licences, regulator, stranger } = await loadFixture(licensingFixture);
        const now = await time.latest();
        await expect(
          licences
            .connect(regulator)
            .grantLicence(stranger.address, LicenceKind.Vendor, layers, categories, now, now + DAY, CID),
        )
          .to.be.revertedWithCustomError(licences, "LicenceScopeEmpty")
          .withArgs();
        expect((await licences.licenceOf(stranger.address, LicenceKind.Vendor)).status).to.equal(
          LicenceStatus.None,
        );
      });
    }

    it("reverts with LicenceWindowInvalid when validFrom equals validUntil", async function () {
      const { licences, regulator, stranger } = await loadFixture(licensingFixture);
      const at = (await time.latest()) + DAY;
      await expect(
        licences
          .connect(regulator)
          .grantLicence(stranger.address, LicenceKind.Vendor, ALL_LAYERS, ALL_CATEGORIES, at, at, CID),
      )
        .to.be.revertedWithCustomError(licences, "LicenceWindowInvalid")
        .withArgs(at, at);
    });

    it("reverts with LicenceWindowInvalid when validFrom is after validUntil", async function () {
      const { licences, regulator, stranger } = await loadFixture(licensingFixture);
      const now = await time.latest();
      await expect(
        licences
          .connect(regulator)
          .grantLicence(
            stranger.address,
            LicenceKind.Vendor,
            ALL_LAYERS,
            ALL_CATEGORIES,
            now + DAY,
            now + 10,
            CID,
          ),
      )
        .to.be.revertedWithCustomError(licences, "LicenceWindowInvalid")
        .withArgs(now + DAY, now + 10);
    });

    it("reverts with LicenceWindowInvalid when validUntil is the current block's timestamp", async function () {
      const { licences, regulator, stranger } = await loadFixture(licensingFixture);
      const grantedAt = (await time.latest()) + 100;
      await time.setNextBlockTimestamp(grantedAt);
      await expect(
        licences
          .connect(regulator)
          .grantLicence(stranger.address, LicenceKind.Vendor, ALL_LAYERS, ALL_CATEGORIES, 0, grantedAt, CID),
      )
        .to.be.revertedWithCustomError(licences, "LicenceWindowInvalid")
        .withArgs(0, grantedAt);
    });

    it("reverts with LicenceWindowInvalid when validUntil is already over", async function () {
      const { licences, regulator, stranger } = await loadFixture(licensingFixture);
      const now = await time.latest();
      await expect(
        licences
          .connect(regulator)
          .grantLicence(
            stranger.address,
            LicenceKind.Vendor,
            ALL_LAYERS,
            ALL_CATEGORIES,
            now - DAY,
            now - 1,
            CID,
          ),
      )
        .to.be.revertedWithCustomError(licences, "LicenceWindowInvalid")
        .withArgs(now - DAY, now - 1);
    });

    it("reverts with LicenceRevoked when the licence was revoked", async function () {
      const { licences, regulator, vendor } = await loadFixture(licensingFixture);
      await revokeForGood(licences, regulator, vendor.address, LicenceKind.Vendor, REVOCATION_REASON);
      const now = await time.latest();
      await expect(
        licences
          .connect(regulator)
          .grantLicence(vendor.address, LicenceKind.Vendor, ALL_LAYERS, ALL_CATEGORIES, now, now + DAY, CID),
      )
        .to.be.revertedWithCustomError(licences, "LicenceRevoked")
        .withArgs(vendor.address, LicenceKind.Vendor);
    });
  });

  describe("suspendLicence", function () {
    it("suspends an active licence, keeps its other fields and emits LicenceSuspended with the reason", async function () {
      const { licences, regulator, vendor } = await loadFixture(licensingFixture);
      const before = await licences.licenceOf(vendor.address, LicenceKind.Vendor);
      await expect(
        licences.connect(regulator).suspendLicence(vendor.address, LicenceKind.Vendor, SUSPENSION_REASON),
      )
        .to.emit(licences, "LicenceSuspended")
        .withArgs(vendor.address, LicenceKind.Vendor, SUSPENSION_REASON, regulator.address);
      await expectLicence(licences, vendor, LicenceKind.Vendor, {
        layers: Number(before.layers),
        categories: before.categories,
        validFrom: Number(before.validFrom),
        validUntil: Number(before.validUntil),
        status: LicenceStatus.Suspended,
        metadataCid: before.metadataCid,
      });
      expect(await licences.isActive(vendor.address, LicenceKind.Vendor)).to.equal(false);
      expect(await licences.isLicensed(vendor.address, LicenceKind.Vendor, Layer.Relief, FOOD)).to.equal(
        false,
      );
    });

    it("suspends only the named kind of the holder", async function () {
      const { licences, regulator, charity } = await loadFixture(licensingFixture);
      const now = await time.latest();
      await licences
        .connect(regulator)
        .grantLicence(charity.address, LicenceKind.Vendor, ALL_LAYERS, ALL_CATEGORIES, now, now + DAY, CID);
      await licences
        .connect(regulator)
        .suspendLicence(charity.address, LicenceKind.Vendor, SUSPENSION_REASON);
      expect(await licences.isActive(charity.address, LicenceKind.Vendor)).to.equal(false);
      expect(await licences.isActive(charity.address, LicenceKind.Charity)).to.equal(true);
    });

    it("suspends a licence whose window has passed, since status and validity are separate", async function () {
      const { licences, regulator, vendor } = await loadFixture(licensingFixture);
      const { validUntil } = await licences.licenceOf(vendor.address, LicenceKind.Vendor);
      await time.increaseTo(validUntil + 1n);
      await licences.connect(regulator).suspendLicence(vendor.address, LicenceKind.Vendor, SUSPENSION_REASON);
      expect((await licences.licenceOf(vendor.address, LicenceKind.Vendor)).status).to.equal(
        LicenceStatus.Suspended,
      );
    });

    it("reverts with LicenceStatusInvalid when the licence is already suspended", async function () {
      const { licences, regulator, vendor2 } = await loadFixture(licensingFixture);
      await expect(
        licences.connect(regulator).suspendLicence(vendor2.address, LicenceKind.Vendor, SUSPENSION_REASON),
      )
        .to.be.revertedWithCustomError(licences, "LicenceStatusInvalid")
        .withArgs(vendor2.address, LicenceKind.Vendor, LicenceStatus.Suspended);
    });

    it("reverts with LicenceStatusInvalid when there is no licence", async function () {
      const { licences, regulator, stranger } = await loadFixture(licensingFixture);
      await expect(
        licences.connect(regulator).suspendLicence(stranger.address, LicenceKind.Vendor, SUSPENSION_REASON),
      )
        .to.be.revertedWithCustomError(licences, "LicenceStatusInvalid")
        .withArgs(stranger.address, LicenceKind.Vendor, LicenceStatus.None);
    });

    it("reverts with LicenceRevoked when the licence was revoked", async function () {
      const { licences, regulator, vendor } = await loadFixture(licensingFixture);
      await revokeForGood(licences, regulator, vendor.address, LicenceKind.Vendor, REVOCATION_REASON);
      await expect(
        licences.connect(regulator).suspendLicence(vendor.address, LicenceKind.Vendor, SUSPENSION_REASON),
      )
        .to.be.revertedWithCustomError(licences, "LicenceRevoked")
        .withArgs(vendor.address, LicenceKind.Vendor);
    });
  });

  describe("reinstateLicence", function () {
    it("reinstates a suspended licence and emits LicenceReinstated", async function () {
      const { licences, regulator, vendor2 } = await loadFixture(licensingFixture);
      expect(await licences.isActive(vendor2.address, LicenceKind.Vendor)).to.equal(false);
      await expect(licences.connect(regulator).reinstateLicence(vendor2.address, LicenceKind.Vendor))
        .to.emit(licences, "LicenceReinstated")
        .withArgs(vendor2.address, LicenceKind.Vendor, regulator.address);
      expect((await licences.licenceOf(vendor2.address, LicenceKind.Vendor)).status).to.equal(
        LicenceStatus.Active,
      );
      expect(await licences.isActive(vendor2.address, LicenceKind.Vendor)).to.equal(true);
      expect(await licences.isLicensed(vendor2.address, LicenceKind.Vendor, Layer.Insurance, FOOD)).to.equal(
        true,
      );
    });

    it("reinstates a licence that stays inactive when its window has passed meanwhile", async function () {
      const { licences, regulator, vendor2 } = await loadFixture(licensingFixture);
      const { validUntil } = await licences.licenceOf(vendor2.address, LicenceKind.Vendor);
      await time.increaseTo(validUntil + 1n);
      await licences.connect(regulator).reinstateLicence(vendor2.address, LicenceKind.Vendor);
      expect((await licences.licenceOf(vendor2.address, LicenceKind.Vendor)).status).to.equal(
        LicenceStatus.Active,
      );
      expect(await licences.isActive(vendor2.address, LicenceKind.Vendor)).to.equal(false);
    });

    it("runs the suspension lifecycle twice: suspend, reinstate, suspend, reinstate", async function () {
      const { licences, regulator, vendor } = await loadFixture(licensingFixture);
      for (let round = 0; round < 2; round++) {
        await licences
          .connect(regulator)
          .suspendLicence(vendor.address, LicenceKind.Vendor, SUSPENSION_REASON);
        expect(await licences.isActive(vendor.address, LicenceKind.Vendor)).to.equal(false);
        await licences.connect(regulator).reinstateLicence(vendor.address, LicenceKind.Vendor);
        expect(await licences.isActive(vendor.address, LicenceKind.Vendor)).to.equal(true);
      }
    });

    it("reverts with LicenceStatusInvalid when the licence is active", async function () {
      const { licences, regulator, vendor } = await loadFixture(licensingFixture);
      await expect(licences.connect(regulator).reinstateLicence(vendor.address, LicenceKind.Vendor))
        .to.be.revertedWithCustomError(licences, "LicenceStatusInvalid")
        .withArgs(vendor.address, LicenceKind.Vendor, LicenceStatus.Active);
    });

    it("reverts with LicenceStatusInvalid when there is no licence", async function () {
      const { licences, regulator, stranger } = await loadFixture(licensingFixture);
      await expect(licences.connect(regulator).reinstateLicence(stranger.address, LicenceKind.Registrar))
        .to.be.revertedWithCustomError(licences, "LicenceStatusInvalid")
        .withArgs(stranger.address, LicenceKind.Registrar, LicenceStatus.None);
    });

    it("reverts with LicenceRevoked when the suspended licence was then revoked", async function () {
      const { licences, regulator, vendor2 } = await loadFixture(licensingFixture);
      await revokeForGood(licences, regulator, vendor2.address, LicenceKind.Vendor, REVOCATION_REASON);
      await expect(licences.connect(regulator).reinstateLicence(vendor2.address, LicenceKind.Vendor))
        .to.be.revertedWithCustomError(licences, "LicenceRevoked")
        .withArgs(vendor2.address, LicenceKind.Vendor);
    });
  });

  describe("access control", function () {
    async function matrix() {
      const system = await loadFixture(licensingFixture);
      return { system, actors: system, contract: system.licences };
    }
    const refusedAsNotRegulator = (caller: HardhatEthersSigner) => [caller.address, REGULATOR_ROLE];

    shouldRefuseRoles(
      "grantLicence",
      NOT_REGULATOR,
      async () => {
        const { system, actors, contract } = await matrix();
        const now = await time.latest();
        return {
          actors,
          contract,
          call: (as) =>
            system.licences
              .connect(as)
              .grantLicence(as.address, LicenceKind.Charity, ALL_LAYERS, ALL_CATEGORIES, now, now + DAY, CID),
        };
      },
      "AccessControlUnauthorizedAccount",
      refusedAsNotRegulator,
    );

    shouldRefuseRoles(
      "suspendLicence",
      NOT_REGULATOR,
      async () => {
        const { system, actors, contract } = await matrix();
        return {
          actors,
          contract,
          call: (as) =>
            system.licences
              .connect(as)
              .suspendLicence(system.vendor.address, LicenceKind.Vendor, SUSPENSION_REASON),
        };
      },
      "AccessControlUnauthorizedAccount",
      refusedAsNotRegulator,
    );

    shouldRefuseRoles(
      "reinstateLicence",
      NOT_REGULATOR,
      async () => {
        const { system, actors, contract } = await matrix();
        return {
          actors,
          contract,
          call: (as) =>
            system.licences.connect(as).reinstateLicence(system.vendor2.address, LicenceKind.Vendor),
        };
      },
      "AccessControlUnauthorizedAccount",
      refusedAsNotRegulator,
    );

    shouldRefuseRoles(
      "grantRole(REGULATOR_ROLE)",
      ROLE_NAMES,
      async () => {
        const { system, actors, contract } = await matrix();
        return {
          actors,
          contract,
          call: (as) => system.licences.connect(as).grantRole(REGULATOR_ROLE, system.stranger.address),
        };
      },
      "AccessControlUnauthorizedAccount",
      (caller) => [caller.address, DEFAULT_ADMIN_ROLE],
    );

    shouldRefuseRoles(
      "revokeRole(REGULATOR_ROLE)",
      ROLE_NAMES,
      async () => {
        const { system, actors, contract } = await matrix();
        return {
          actors,
          contract,
          call: (as) => system.licences.connect(as).revokeRole(REGULATOR_ROLE, system.regulator.address),
        };
      },
      "AccessControlUnauthorizedAccount",
      (caller) => [caller.address, DEFAULT_ADMIN_ROLE],
    );

    it("reverts with AccessControlUnauthorizedAccount when the deployer or a council member licenses directly", async function () {
      const { licences, deployer, council, stranger } = await loadFixture(licensingFixture);
      const now = await time.latest();
      for (const caller of [deployer, council]) {
        await expect(
          licences
            .connect(caller)
            .grantLicence(
              stranger.address,
              LicenceKind.Charity,
              ALL_LAYERS,
              ALL_CATEGORIES,
              now,
              now + DAY,
              CID,
            ),
        )
          .to.be.revertedWithCustomError(licences, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, REGULATOR_ROLE);
      }
    });

    it("reverts with AccessControlUnauthorizedAccount when a regulator who renounced the role licenses", async function () {
      const { licences, regulator, stranger } = await loadFixture(licensingFixture);
      await expect(licences.connect(regulator).renounceRole(REGULATOR_ROLE, regulator.address))
        .to.emit(licences, "RoleRevoked")
        .withArgs(REGULATOR_ROLE, regulator.address, regulator.address);
      expect(await licences.isRegulator(regulator.address)).to.equal(false);
      const now = await time.latest();
      await expect(
        licences
          .connect(regulator)
          .grantLicence(
            stranger.address,
            LicenceKind.Charity,
            ALL_LAYERS,
            ALL_CATEGORIES,
            now,
            now + DAY,
            CID,
          ),
      )
        .to.be.revertedWithCustomError(licences, "AccessControlUnauthorizedAccount")
        .withArgs(regulator.address, REGULATOR_ROLE);
    });
  });
});
