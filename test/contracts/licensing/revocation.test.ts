import { expect } from "chai";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { ethers } from "hardhat";
import { loadFixture, setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractRunner } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { LicenceRegistry } from "../../../typechain-types";
import { deployAidSystem } from "../../../deploy/system";
import {
  ALL_CATEGORIES,
  ALL_LAYERS,
  DAY,
  FOOD,
  Layer,
  LicenceKind,
  LicenceStatus,
  TIMELOCK_DELAY,
  deployedSystem,
  type SystemFixture,
} from "../helpers/system";
import { ROLE_NAMES, shouldRefuseRoles } from "../helpers/roles";
import { revokeForGood } from "./revocation";

const REGULATOR_ROLE = ethers.id("REGULATOR_ROLE");
const REVOCATION_DELAY = 4 * DAY;
const SUSPENSION_REASON = ethers.encodeBytes32String("late-deliveries");
const REVOCATION_REASON = ethers.encodeBytes32String("fraud-confirmed");
const CID = "bafy-licence-renewed";
const NOT_REGULATOR = ROLE_NAMES.filter((role) => role !== "regulator");

/** A funded account with a key of its own, for regulators the council appoints during a test. */
async function fundedWallet(label: string) {
  const wallet = new ethers.Wallet(ethers.id(`sintech test: ${label}`), ethers.provider);
  await setBalance(wallet.address, 10n ** 20n);
  return wallet;
}

/** Schedules `calls` on the licence registry through the timelock as the council; returns the executor. */
async function scheduleOnLicences(system: SystemFixture, calls: string[], salt: string) {
  const target = await system.licences.getAddress();
  const targets = calls.map(() => target);
  const values = calls.map(() => 0);
  await system.timelock
    .connect(system.council)
    .scheduleBatch(targets, values, calls, ethers.ZeroHash, salt, TIMELOCK_DELAY);
  return () =>
    system.timelock.connect(system.council).executeBatch(targets, values, calls, ethers.ZeroHash, salt);
}

/**
 * The deployed system with a second regulator, `regulator2`, appointed the only way there is: through the
 * consortium timelock. `vendor2`'s licence is suspended so a revocation can start from either status.
 */
async function revocationFixture() {
  const system = await deployedSystem();
  const { licences, regulator, vendor2 } = system;
  await licences.connect(regulator).suspendLicence(vendor2.address, LicenceKind.Vendor, SUSPENSION_REASON);
  const regulator2 = await fundedWallet("second regulator");
  const appoint = licences.interface.encodeFunctionData("grantRole", [REGULATOR_ROLE, regulator2.address]);
  const execute = await scheduleOnLicences(system, [appoint], ethers.id("appoint regulator2"));
  await time.increase(TIMELOCK_DELAY);
  await execute();
  return { ...system, regulator2 };
}

/** The fixture with `vendor`'s licence pending revocation, proposed by `regulator`; returns its finalAt. */
async function withVendorPending() {
  const system = await loadFixture(revocationFixture);
  await system.licences
    .connect(system.regulator)
    .revokeLicence(system.vendor.address, LicenceKind.Vendor, REVOCATION_REASON);
  const { finalAt } = await system.licences.pendingRevocationOf(system.vendor.address, LicenceKind.Vendor);
  return { ...system, finalAt };
}

/** The fixture with `vendor`'s licence revoked for good: proposed by `regulator`, confirmed by `regulator2`. */
async function withVendorRevoked() {
  const system = await withVendorPending();
  await system.licences
    .connect(system.regulator2)
    .confirmRevocation(system.vendor.address, LicenceKind.Vendor);
  return system;
}

async function statusOf(licences: LicenceRegistry, holder: string, kind: number): Promise<bigint> {
  return (await licences.licenceOf(holder, kind)).status;
}

async function pendingOf(licences: LicenceRegistry, holder: string, kind: number) {
  const { proposer, finalAt, statusBefore } = await licences.pendingRevocationOf(holder, kind);
  return [proposer, finalAt, statusBefore];
}

const NONE_PENDING = [ethers.ZeroAddress, 0n, BigInt(LicenceStatus.None)];

function grant(licences: LicenceRegistry, as: ContractRunner, holder: string, kind: number, from: number) {
  return licences
    .connect(as)
    .grantLicence(holder, kind, ALL_LAYERS, ALL_CATEGORIES, from, from + 30 * DAY, CID);
}

describe("LicenceRegistry: revocation through a delay", function () {
  describe("REVOCATION_DELAY", function () {
    it("is four days, longer than the consortium timelock's delay for appointing or removing a regulator", async function () {
      const { licences, timelock } = await loadFixture(revocationFixture);
      expect(await licences.REVOCATION_DELAY()).to.equal(REVOCATION_DELAY);
      expect(await licences.REVOCATION_DELAY()).to.be.gt(await timelock.getMinDelay());
    });

    it("makes deployAidSystem refuse a timelock delay that is not shorter than REVOCATION_DELAY", async function () {
      const { deployer, council, regulator } = await loadFixture(revocationFixture);
      const error = await deployAidSystem(deployer, {
        council: [council.address],
        regulators: [regulator.address],
        timelockDelay: REVOCATION_DELAY,
        adminDelay: 3 * DAY,
      }).then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error).to.be.instanceOf(Error);
      expect((error as Error).message).to.equal(
        `timelockDelay (${REVOCATION_DELAY} s) must be shorter than the licence registry's REVOCATION_DELAY (${REVOCATION_DELAY} s)`,
      );
    });
  });

  describe("revokeLicence: proposing", function () {
    it("makes an active licence inactive at once, records the proposal and emits LicenceRevocationProposed", async function () {
      const { licences, regulator, vendor } = await loadFixture(revocationFixture);
      const before = await licences.licenceOf(vendor.address, LicenceKind.Vendor);
      const proposedAt = (await time.latest()) + 10;
      await time.setNextBlockTimestamp(proposedAt);
      await expect(
        licences.connect(regulator).revokeLicence(vendor.address, LicenceKind.Vendor, REVOCATION_REASON),
      )
        .to.emit(licences, "LicenceRevocationProposed")
        .withArgs(
          vendor.address,
          LicenceKind.Vendor,
          REVOCATION_REASON,
          regulator.address,
          proposedAt + REVOCATION_DELAY,
        );
      const after = await licences.licenceOf(vendor.address, LicenceKind.Vendor);
      expect(after.status).to.equal(LicenceStatus.RevocationPending);
      // Only the status changed: scope, window and document stay for a cancellation to restore.
      expect([
        after.layers,
        after.categories,
        after.validFrom,
        after.validUntil,
        after.metadataCid,
      ]).to.deep.equal([
        before.layers,
        before.categories,
        before.validFrom,
        before.validUntil,
        before.metadataCid,
      ]);
      expect(await pendingOf(licences, vendor.address, LicenceKind.Vendor)).to.deep.equal([
        regulator.address,
        BigInt(proposedAt + REVOCATION_DELAY),
        BigInt(LicenceStatus.Active),
      ]);
      expect(await licences.isActive(vendor.address, LicenceKind.Vendor)).to.equal(false);
      expect(await licences.isLicensed(vendor.address, LicenceKind.Vendor, Layer.Relief, FOOD)).to.equal(
        false,
      );
    });

    it("records that a suspended licence was suspended, and keeps it inactive", async function () {
      const { licences, regulator2, vendor2 } = await loadFixture(revocationFixture);
      await expect(
        licences.connect(regulator2).revokeLicence(vendor2.address, LicenceKind.Vendor, REVOCATION_REASON),
      ).to.emit(licences, "LicenceRevocationProposed");
      const [proposer, , statusBefore] = await pendingOf(licences, vendor2.address, LicenceKind.Vendor);
      expect([proposer, statusBefore]).to.deep.equal([regulator2.address, BigInt(LicenceStatus.Suspended)]);
      expect(await statusOf(licences, vendor2.address, LicenceKind.Vendor)).to.equal(
        LicenceStatus.RevocationPending,
      );
      expect(await licences.isActive(vendor2.address, LicenceKind.Vendor)).to.equal(false);
    });

    it("proposes only for the named kind of the holder", async function () {
      const { licences, regulator, charity } = await loadFixture(revocationFixture);
      await grant(licences, regulator, charity.address, LicenceKind.Auditor, await time.latest());
      await licences
        .connect(regulator)
        .revokeLicence(charity.address, LicenceKind.Auditor, REVOCATION_REASON);
      expect(await licences.isActive(charity.address, LicenceKind.Auditor)).to.equal(false);
      expect(await licences.isActive(charity.address, LicenceKind.Charity)).to.equal(true);
      expect(await pendingOf(licences, charity.address, LicenceKind.Charity)).to.deep.equal(NONE_PENDING);
    });

    it("reverts with LicenceStatusInvalid when there is no licence", async function () {
      const { licences, regulator, stranger } = await loadFixture(revocationFixture);
      await expect(
        licences.connect(regulator).revokeLicence(stranger.address, LicenceKind.Charity, REVOCATION_REASON),
      )
        .to.be.revertedWithCustomError(licences, "LicenceStatusInvalid")
        .withArgs(stranger.address, LicenceKind.Charity, LicenceStatus.None);
    });

    it("reverts with LicenceRevocationPending when proposed again, by any regulator, keeping the first delay", async function () {
      const { licences, regulator, regulator2, vendor, finalAt } = await withVendorPending();
      await time.increase(DAY);
      for (const as of [regulator, regulator2]) {
        await expect(
          licences.connect(as).revokeLicence(vendor.address, LicenceKind.Vendor, REVOCATION_REASON),
        )
          .to.be.revertedWithCustomError(licences, "LicenceRevocationPending")
          .withArgs(vendor.address, LicenceKind.Vendor, finalAt);
      }
      expect(await pendingOf(licences, vendor.address, LicenceKind.Vendor)).to.deep.equal([
        regulator.address,
        finalAt,
        BigInt(LicenceStatus.Active),
      ]);
    });
  });

  describe("while a revocation is pending", function () {
    it("reverts with LicenceRevocationPending when the licence is granted or renewed", async function () {
      const { licences, regulator, regulator2, vendor, finalAt } = await withVendorPending();
      for (const as of [regulator, regulator2]) {
        await expect(grant(licences, as, vendor.address, LicenceKind.Vendor, await time.latest()))
          .to.be.revertedWithCustomError(licences, "LicenceRevocationPending")
          .withArgs(vendor.address, LicenceKind.Vendor, finalAt);
      }
      expect(await statusOf(licences, vendor.address, LicenceKind.Vendor)).to.equal(
        LicenceStatus.RevocationPending,
      );
    });

    it("reverts with LicenceRevocationPending when the licence is suspended", async function () {
      const { licences, regulator2, vendor, finalAt } = await withVendorPending();
      await expect(
        licences.connect(regulator2).suspendLicence(vendor.address, LicenceKind.Vendor, SUSPENSION_REASON),
      )
        .to.be.revertedWithCustomError(licences, "LicenceRevocationPending")
        .withArgs(vendor.address, LicenceKind.Vendor, finalAt);
    });

    it("reverts with LicenceRevocationPending when a suspended licence pending revocation is reinstated", async function () {
      const { licences, regulator, regulator2, vendor2 } = await loadFixture(revocationFixture);
      await licences.connect(regulator).revokeLicence(vendor2.address, LicenceKind.Vendor, REVOCATION_REASON);
      const { finalAt } = await licences.pendingRevocationOf(vendor2.address, LicenceKind.Vendor);
      await expect(licences.connect(regulator2).reinstateLicence(vendor2.address, LicenceKind.Vendor))
        .to.be.revertedWithCustomError(licences, "LicenceRevocationPending")
        .withArgs(vendor2.address, LicenceKind.Vendor, finalAt);
      expect(await licences.isActive(vendor2.address, LicenceKind.Vendor)).to.equal(false);
    });

    it("stays inactive through the whole delay even if nobody acts", async function () {
      const { licences, vendor, finalAt } = await withVendorPending();
      await time.increaseTo(finalAt + BigInt(30 * DAY));
      expect(await statusOf(licences, vendor.address, LicenceKind.Vendor)).to.equal(
        LicenceStatus.RevocationPending,
      );
      expect(await licences.isActive(vendor.address, LicenceKind.Vendor)).to.equal(false);
    });
  });

  describe("cancelRevocation", function () {
    it("restores an active licence, clears the proposal and emits LicenceRevocationCancelled", async function () {
      const { licences, regulator2, vendor } = await withVendorPending();
      await expect(licences.connect(regulator2).cancelRevocation(vendor.address, LicenceKind.Vendor))
        .to.emit(licences, "LicenceRevocationCancelled")
        .withArgs(vendor.address, LicenceKind.Vendor, LicenceStatus.Active, regulator2.address);
      expect(await statusOf(licences, vendor.address, LicenceKind.Vendor)).to.equal(LicenceStatus.Active);
      expect(await pendingOf(licences, vendor.address, LicenceKind.Vendor)).to.deep.equal(NONE_PENDING);
      expect(await licences.isLicensed(vendor.address, LicenceKind.Vendor, Layer.Relief, FOOD)).to.equal(
        true,
      );
    });

    it("restores a suspended licence to Suspended, which only reinstatement lifts", async function () {
      const { licences, regulator, regulator2, vendor2 } = await loadFixture(revocationFixture);
      await licences.connect(regulator).revokeLicence(vendor2.address, LicenceKind.Vendor, REVOCATION_REASON);
      await expect(licences.connect(regulator2).cancelRevocation(vendor2.address, LicenceKind.Vendor))
        .to.emit(licences, "LicenceRevocationCancelled")
        .withArgs(vendor2.address, LicenceKind.Vendor, LicenceStatus.Suspended, regulator2.address);
      expect(await statusOf(licences, vendor2.address, LicenceKind.Vendor)).to.equal(LicenceStatus.Suspended);
      expect(await licences.isActive(vendor2.address, LicenceKind.Vendor)).to.equal(false);
      await licences.connect(regulator).reinstateLicence(vendor2.address, LicenceKind.Vendor);
      expect(await licences.isActive(vendor2.address, LicenceKind.Vendor)).to.equal(true);
    });

    it("lets the proposer withdraw its own proposal", async function () {
      const { licences, regulator, vendor } = await withVendorPending();
      await expect(licences.connect(regulator).cancelRevocation(vendor.address, LicenceKind.Vendor))
        .to.emit(licences, "LicenceRevocationCancelled")
        .withArgs(vendor.address, LicenceKind.Vendor, LicenceStatus.Active, regulator.address);
      expect(await licences.isActive(vendor.address, LicenceKind.Vendor)).to.equal(true);
    });

    it("cancels even after the delay, as long as nobody finalised", async function () {
      const { licences, regulator2, vendor, finalAt } = await withVendorPending();
      await time.increaseTo(finalAt + 1n);
      await licences.connect(regulator2).cancelRevocation(vendor.address, LicenceKind.Vendor);
      expect(await statusOf(licences, vendor.address, LicenceKind.Vendor)).to.equal(LicenceStatus.Active);
      await expect(licences.finaliseRevocation(vendor.address, LicenceKind.Vendor))
        .to.be.revertedWithCustomError(licences, "LicenceStatusInvalid")
        .withArgs(vendor.address, LicenceKind.Vendor, LicenceStatus.Active);
    });

    it("leaves nothing behind: a later proposal runs a delay of its own", async function () {
      const {
        licences,
        regulator,
        regulator2,
        vendor,
        stranger,
        finalAt: firstFinalAt,
      } = await withVendorPending();
      await licences.connect(regulator2).cancelRevocation(vendor.address, LicenceKind.Vendor);
      await time.increase(DAY);
      await licences.connect(regulator).revokeLicence(vendor.address, LicenceKind.Vendor, REVOCATION_REASON);
      const { finalAt } = await licences.pendingRevocationOf(vendor.address, LicenceKind.Vendor);
      expect(finalAt).to.be.gt(firstFinalAt);
      await time.increaseTo(firstFinalAt);
      await expect(licences.connect(stranger).finaliseRevocation(vendor.address, LicenceKind.Vendor))
        .to.be.revertedWithCustomError(licences, "LicenceRevocationDelayNotOver")
        .withArgs(vendor.address, LicenceKind.Vendor, finalAt);
    });

    it("reverts with LicenceStatusInvalid when no revocation is pending", async function () {
      const { licences, regulator, vendor, vendor2, stranger } = await loadFixture(revocationFixture);
      for (const [holder, status] of [
        [vendor.address, LicenceStatus.Active],
        [vendor2.address, LicenceStatus.Suspended],
        [stranger.address, LicenceStatus.None],
      ] as const) {
        await expect(licences.connect(regulator).cancelRevocation(holder, LicenceKind.Vendor))
          .to.be.revertedWithCustomError(licences, "LicenceStatusInvalid")
          .withArgs(holder, LicenceKind.Vendor, status);
      }
    });
  });

  describe("confirmRevocation", function () {
    it("lets a second regulator make the revocation final before the delay and emits LicenceRevocationFinalised", async function () {
      const { licences, regulator, regulator2, vendor, finalAt } = await withVendorPending();
      await expect(licences.connect(regulator2).confirmRevocation(vendor.address, LicenceKind.Vendor))
        .to.emit(licences, "LicenceRevocationFinalised")
        .withArgs(vendor.address, LicenceKind.Vendor, regulator.address, regulator2.address);
      expect(await time.latest()).to.be.lt(finalAt);
      expect(await statusOf(licences, vendor.address, LicenceKind.Vendor)).to.equal(LicenceStatus.Revoked);
      expect(await pendingOf(licences, vendor.address, LicenceKind.Vendor)).to.deep.equal(NONE_PENDING);
      expect(await licences.isActive(vendor.address, LicenceKind.Vendor)).to.equal(false);
    });

    it("reverts with LicenceRevocationConfirmerIsProposer when the proposer confirms, before or after the delay", async function () {
      const { licences, regulator, vendor, finalAt } = await withVendorPending();
      for (const at of [undefined, finalAt + 1n]) {
        if (at !== undefined) await time.increaseTo(at);
        await expect(licences.connect(regulator).confirmRevocation(vendor.address, LicenceKind.Vendor))
          .to.be.revertedWithCustomError(licences, "LicenceRevocationConfirmerIsProposer")
          .withArgs(vendor.address, LicenceKind.Vendor, regulator.address);
        expect(await statusOf(licences, vendor.address, LicenceKind.Vendor)).to.equal(
          LicenceStatus.RevocationPending,
        );
      }
    });

    it("reverts with LicenceStatusInvalid when no revocation is pending", async function () {
      const { licences, regulator2, vendor, stranger } = await loadFixture(revocationFixture);
      await expect(licences.connect(regulator2).confirmRevocation(vendor.address, LicenceKind.Vendor))
        .to.be.revertedWithCustomError(licences, "LicenceStatusInvalid")
        .withArgs(vendor.address, LicenceKind.Vendor, LicenceStatus.Active);
      await expect(licences.connect(regulator2).confirmRevocation(stranger.address, LicenceKind.Vendor))
        .to.be.revertedWithCustomError(licences, "LicenceStatusInvalid")
        .withArgs(stranger.address, LicenceKind.Vendor, LicenceStatus.None);
    });
  });

  describe("finaliseRevocation", function () {
    it("reverts with LicenceRevocationDelayNotOver one second before finalAt, and lets anyone finalise at finalAt", async function () {
      const { licences, regulator, vendor, stranger, finalAt } = await withVendorPending();
      await time.setNextBlockTimestamp(finalAt - 1n);
      await expect(licences.connect(stranger).finaliseRevocation(vendor.address, LicenceKind.Vendor))
        .to.be.revertedWithCustomError(licences, "LicenceRevocationDelayNotOver")
        .withArgs(vendor.address, LicenceKind.Vendor, finalAt);
      expect(await statusOf(licences, vendor.address, LicenceKind.Vendor)).to.equal(
        LicenceStatus.RevocationPending,
      );
      await time.setNextBlockTimestamp(finalAt);
      await expect(licences.connect(stranger).finaliseRevocation(vendor.address, LicenceKind.Vendor))
        .to.emit(licences, "LicenceRevocationFinalised")
        .withArgs(vendor.address, LicenceKind.Vendor, regulator.address, stranger.address);
      expect(await statusOf(licences, vendor.address, LicenceKind.Vendor)).to.equal(LicenceStatus.Revoked);
      expect(await pendingOf(licences, vendor.address, LicenceKind.Vendor)).to.deep.equal(NONE_PENDING);
    });

    it("lets the proposer itself finalise once the delay is over", async function () {
      const { licences, regulator, vendor, finalAt } = await withVendorPending();
      await time.increaseTo(finalAt);
      await expect(licences.connect(regulator).finaliseRevocation(vendor.address, LicenceKind.Vendor))
        .to.emit(licences, "LicenceRevocationFinalised")
        .withArgs(vendor.address, LicenceKind.Vendor, regulator.address, regulator.address);
    });

    it("finalises a suspended licence's revocation too", async function () {
      const { licences, regulator, vendor2 } = await loadFixture(revocationFixture);
      await revokeForGood(licences, regulator, vendor2.address, LicenceKind.Vendor, REVOCATION_REASON);
      expect(await statusOf(licences, vendor2.address, LicenceKind.Vendor)).to.equal(LicenceStatus.Revoked);
    });

    it("reverts with LicenceStatusInvalid when no revocation is pending", async function () {
      const { licences, vendor, stranger } = await loadFixture(revocationFixture);
      await expect(licences.connect(stranger).finaliseRevocation(vendor.address, LicenceKind.Vendor))
        .to.be.revertedWithCustomError(licences, "LicenceStatusInvalid")
        .withArgs(vendor.address, LicenceKind.Vendor, LicenceStatus.Active);
    });
  });

  describe("a finalised revocation is final", function () {
    it("reverts with LicenceRevoked when granted again, and the record stays unchanged", async function () {
      const { licences, regulator, regulator2, vendor } = await withVendorRevoked();
      const before = [...(await licences.licenceOf(vendor.address, LicenceKind.Vendor))];
      for (const as of [regulator, regulator2]) {
        await expect(grant(licences, as, vendor.address, LicenceKind.Vendor, await time.latest()))
          .to.be.revertedWithCustomError(licences, "LicenceRevoked")
          .withArgs(vendor.address, LicenceKind.Vendor);
      }
      expect([...(await licences.licenceOf(vendor.address, LicenceKind.Vendor))]).to.deep.equal(before);
      expect(await licences.isActive(vendor.address, LicenceKind.Vendor)).to.equal(false);
    });

    it("reverts with LicenceRevoked when a revocation finalised after the delay is granted again", async function () {
      const { licences, regulator, vendor, stranger } = await loadFixture(revocationFixture);
      await revokeForGood(
        licences,
        regulator,
        vendor.address,
        LicenceKind.Vendor,
        REVOCATION_REASON,
        stranger,
      );
      await expect(grant(licences, regulator, vendor.address, LicenceKind.Vendor, await time.latest()))
        .to.be.revertedWithCustomError(licences, "LicenceRevoked")
        .withArgs(vendor.address, LicenceKind.Vendor);
    });

    for (const [action, call] of [
      [
        "revoked again",
        (l: LicenceRegistry, a: string) => l.revokeLicence(a, LicenceKind.Vendor, REVOCATION_REASON),
      ],
      [
        "suspended",
        (l: LicenceRegistry, a: string) => l.suspendLicence(a, LicenceKind.Vendor, SUSPENSION_REASON),
      ],
      ["reinstated", (l: LicenceRegistry, a: string) => l.reinstateLicence(a, LicenceKind.Vendor)],
      ["cancelled", (l: LicenceRegistry, a: string) => l.cancelRevocation(a, LicenceKind.Vendor)],
      ["confirmed", (l: LicenceRegistry, a: string) => l.confirmRevocation(a, LicenceKind.Vendor)],
      ["finalised again", (l: LicenceRegistry, a: string) => l.finaliseRevocation(a, LicenceKind.Vendor)],
    ] as const) {
      it(`reverts with LicenceRevoked when ${action}`, async function () {
        const { licences, regulator2, vendor } = await withVendorRevoked();
        await expect(call(licences.connect(regulator2), vendor.address))
          .to.be.revertedWithCustomError(licences, "LicenceRevoked")
          .withArgs(vendor.address, LicenceKind.Vendor);
        expect(await statusOf(licences, vendor.address, LicenceKind.Vendor)).to.equal(LicenceStatus.Revoked);
      });
    }
  });

  describe("one regulator against every charity", function () {
    it("cannot end any licence for good: a second regulator cancels each revocation and the charities are renewed", async function () {
      const { licences, regulator, regulator2, charity, charity2, stranger } =
        await loadFixture(revocationFixture);
      const charities = [charity.address, charity2.address];

      // 1. The rogue regulator proposes to revoke every charity: each stops being active at once.
      for (const holder of charities) {
        await expect(
          licences.connect(regulator).revokeLicence(holder, LicenceKind.Charity, REVOCATION_REASON),
        )
          .to.emit(licences, "LicenceRevocationProposed")
          .withArgs(holder, LicenceKind.Charity, REVOCATION_REASON, regulator.address, anyValue);
        expect(await pendingOf(licences, holder, LicenceKind.Charity)).to.deep.equal([
          regulator.address,
          BigInt((await time.latest()) + REVOCATION_DELAY),
          BigInt(LicenceStatus.Active),
        ]);
        expect(await licences.isActive(holder, LicenceKind.Charity)).to.equal(false);
      }
      // 2. It cannot make them final alone: confirming its own proposals is refused.
      for (const holder of charities) {
        await expect(licences.connect(regulator).confirmRevocation(holder, LicenceKind.Charity))
          .to.be.revertedWithCustomError(licences, "LicenceRevocationConfirmerIsProposer")
          .withArgs(holder, LicenceKind.Charity, regulator.address);
      }
      // 3. A second regulator cancels every one; each charity is active again.
      for (const holder of charities) {
        await expect(licences.connect(regulator2).cancelRevocation(holder, LicenceKind.Charity))
          .to.emit(licences, "LicenceRevocationCancelled")
          .withArgs(holder, LicenceKind.Charity, LicenceStatus.Active, regulator2.address);
        expect(await licences.isActive(holder, LicenceKind.Charity)).to.equal(true);
      }
      // 4. Nothing became final: after the delay there is nothing to finalise.
      await time.increase(REVOCATION_DELAY + 1);
      for (const holder of charities) {
        await expect(licences.connect(stranger).finaliseRevocation(holder, LicenceKind.Charity))
          .to.be.revertedWithCustomError(licences, "LicenceStatusInvalid")
          .withArgs(holder, LicenceKind.Charity, LicenceStatus.Active);
        expect(await statusOf(licences, holder, LicenceKind.Charity)).to.equal(LicenceStatus.Active);
      }
      // 5. The charities' licences can be renewed, which a revoked licence never could.
      const now = await time.latest();
      for (const holder of charities) {
        await expect(grant(licences, regulator2, holder, LicenceKind.Charity, now))
          .to.emit(licences, "LicenceGranted")
          .withArgs(
            holder,
            LicenceKind.Charity,
            ALL_LAYERS,
            ALL_CATEGORIES,
            now,
            now + 30 * DAY,
            CID,
            regulator2.address,
          );
        expect(await licences.isLicensed(holder, LicenceKind.Charity, Layer.Relief, FOOD)).to.equal(true);
      }
    });

    it("cannot beat the council when it is the only regulator: a regulator appointed through the timelock cancels in time", async function () {
      const system = await loadFixture(deployedSystem);
      const { licences, regulator: captured, charity, charity2, stranger } = system;
      const charities = [charity.address, charity2.address];
      for (const holder of charities) {
        await licences.connect(captured).revokeLicence(holder, LicenceKind.Charity, REVOCATION_REASON);
      }
      const { finalAt } = await licences.pendingRevocationOf(charity.address, LicenceKind.Charity);

      // The council takes a day to react, then appoints a new regulator and removes the captured one.
      await time.increase(DAY);
      const replacement = await fundedWallet("replacement regulator");
      const execute = await scheduleOnLicences(
        system,
        [
          licences.interface.encodeFunctionData("grantRole", [REGULATOR_ROLE, replacement.address]),
          licences.interface.encodeFunctionData("revokeRole", [REGULATOR_ROLE, captured.address]),
        ],
        ethers.id("replace captured regulator"),
      );
      await time.increase(TIMELOCK_DELAY);
      await execute();
      expect(await licences.isRegulator(captured.address)).to.equal(false);

      // The revocations are still pending and cannot be finalised yet: the replacement cancels them.
      expect(await time.latest()).to.be.lt(finalAt);
      for (const holder of charities) {
        const pending = await licences.pendingRevocationOf(holder, LicenceKind.Charity);
        await expect(licences.connect(stranger).finaliseRevocation(holder, LicenceKind.Charity))
          .to.be.revertedWithCustomError(licences, "LicenceRevocationDelayNotOver")
          .withArgs(holder, LicenceKind.Charity, pending.finalAt);
        await licences.connect(replacement).cancelRevocation(holder, LicenceKind.Charity);
        expect(await licences.isActive(holder, LicenceKind.Charity)).to.equal(true);
      }
      await time.increaseTo(finalAt);
      await expect(licences.connect(stranger).finaliseRevocation(charity.address, LicenceKind.Charity))
        .to.be.revertedWithCustomError(licences, "LicenceStatusInvalid")
        .withArgs(charity.address, LicenceKind.Charity, LicenceStatus.Active);
    });
  });

  describe("access control", function () {
    async function matrix() {
      const system = await withVendorPending();
      return { system, actors: system, contract: system.licences };
    }
    const refusedAsNotRegulator = (caller: { address: string }) => [caller.address, REGULATOR_ROLE];
    /** Every role but the regulator is refused `call` with AccessControlUnauthorizedAccount. */
    function refusedToNonRegulators(
      title: string,
      call: (
        system: Awaited<ReturnType<typeof matrix>>["system"],
        as: HardhatEthersSigner,
      ) => Promise<unknown>,
    ) {
      shouldRefuseRoles(
        title,
        NOT_REGULATOR,
        async () => {
          const { system, actors, contract } = await matrix();
          return { actors, contract, call: (as) => call(system, as) };
        },
        "AccessControlUnauthorizedAccount",
        refusedAsNotRegulator,
      );
    }

    refusedToNonRegulators("revokeLicence", (system, as) =>
      system.licences
        .connect(as)
        .revokeLicence(system.charity.address, LicenceKind.Charity, REVOCATION_REASON),
    );

    refusedToNonRegulators("cancelRevocation", (system, as) =>
      system.licences.connect(as).cancelRevocation(system.vendor.address, LicenceKind.Vendor),
    );

    refusedToNonRegulators("confirmRevocation", (system, as) =>
      system.licences.connect(as).confirmRevocation(system.vendor.address, LicenceKind.Vendor),
    );

    shouldRefuseRoles(
      "finaliseRevocation before the delay",
      ROLE_NAMES,
      async () => {
        const { system, actors, contract } = await matrix();
        return {
          actors,
          contract,
          call: (as) =>
            system.licences.connect(as).finaliseRevocation(system.vendor.address, LicenceKind.Vendor),
        };
      },
      "LicenceRevocationDelayNotOver",
    );

    for (const role of ROLE_NAMES) {
      it(`finaliseRevocation: lets ${role} finalise once the delay is over`, async function () {
        const system = await withVendorPending();
        const caller = system[role];
        await time.increaseTo(system.finalAt);
        await expect(
          system.licences.connect(caller).finaliseRevocation(system.vendor.address, LicenceKind.Vendor),
        )
          .to.emit(system.licences, "LicenceRevocationFinalised")
          .withArgs(system.vendor.address, LicenceKind.Vendor, system.regulator.address, caller.address);
      });
    }

    it("refuses a regulator removed through the timelock: it can no longer cancel or confirm", async function () {
      const system = await withVendorPending();
      const { licences, regulator2, vendor } = system;
      const execute = await scheduleOnLicences(
        system,
        [licences.interface.encodeFunctionData("revokeRole", [REGULATOR_ROLE, regulator2.address])],
        ethers.id("remove regulator2"),
      );
      await time.increase(TIMELOCK_DELAY);
      await execute();
      for (const call of [
        () => licences.connect(regulator2).cancelRevocation(vendor.address, LicenceKind.Vendor),
        () => licences.connect(regulator2).confirmRevocation(vendor.address, LicenceKind.Vendor),
      ]) {
        await expect(call())
          .to.be.revertedWithCustomError(licences, "AccessControlUnauthorizedAccount")
          .withArgs(regulator2.address, REGULATOR_ROLE);
      }
    });
  });
});
