import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  ALL_CATEGORIES,
  ALL_LAYERS,
  DAY,
  FOOD,
  Layer,
  LicenceKind,
  TIMELOCK_DELAY,
  deployedSystem,
  type SystemFixture,
} from "../helpers/system";
import { ROLE_NAMES, shouldRefuseRoles } from "../helpers/roles";

const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;
const REGULATOR_ROLE = ethers.id("REGULATOR_ROLE");
const PROPOSER_ROLE = ethers.id("PROPOSER_ROLE");
const EXECUTOR_ROLE = ethers.id("EXECUTOR_ROLE");
const CANCELLER_ROLE = ethers.id("CANCELLER_ROLE");
const ADMIN_DELAY = 3 * DAY;
const SALT = ethers.id("appoint-2026-01");
/** `TimelockController._encodeStateBitmap(OperationState.Ready)`: bit 2 set. */
const READY_STATE = ethers.zeroPadValue(ethers.toBeHex(1 << 2), 32);

/** The deployed system: the timelock (council as sole proposer, executor, canceller) administers licences. */
async function governanceFixture(): Promise<SystemFixture> {
  return deployedSystem();
}

/** Schedules one call on the licence registry through the timelock as the council. */
async function scheduleOnLicences(system: SystemFixture, data: string, salt = SALT) {
  const target = await system.licences.getAddress();
  await system.timelock
    .connect(system.council)
    .schedule(target, 0, data, ethers.ZeroHash, salt, TIMELOCK_DELAY);
  const id = await system.timelock.hashOperation(target, 0, data, ethers.ZeroHash, salt);
  const readyAt = Number(await system.timelock.getTimestamp(id));
  const execute = (as: HardhatEthersSigner = system.council) =>
    system.timelock.connect(as).execute(target, 0, data, ethers.ZeroHash, salt);
  return { target, id, readyAt, execute };
}

function appointRegulator(system: SystemFixture, account: string): string {
  return system.licences.interface.encodeFunctionData("grantRole", [REGULATOR_ROLE, account]);
}

describe("ConsortiumTimelock", function () {
  describe("deployment", function () {
    it("requires TIMELOCK_DELAY as the minimum delay", async function () {
      const { timelock } = await loadFixture(governanceFixture);
      expect(await timelock.getMinDelay()).to.equal(TIMELOCK_DELAY);
    });

    it("makes the council proposer, executor and canceller, and nobody else", async function () {
      const { timelock, council, deployer, regulator, stranger } = await loadFixture(governanceFixture);
      for (const role of [PROPOSER_ROLE, EXECUTOR_ROLE, CANCELLER_ROLE]) {
        expect(await timelock.hasRole(role, council.address)).to.equal(true);
        for (const other of [deployer, regulator, stranger]) {
          expect(await timelock.hasRole(role, other.address)).to.equal(false);
        }
        // Execution is not open to anyone: the zero address holds no executor role.
        expect(await timelock.hasRole(role, ethers.ZeroAddress)).to.equal(false);
      }
    });

    it("administers itself: only the timelock holds its DEFAULT_ADMIN_ROLE", async function () {
      const { timelock, council, deployer } = await loadFixture(governanceFixture);
      expect(await timelock.hasRole(DEFAULT_ADMIN_ROLE, await timelock.getAddress())).to.equal(true);
      expect(await timelock.hasRole(DEFAULT_ADMIN_ROLE, deployer.address)).to.equal(false);
      expect(await timelock.hasRole(DEFAULT_ADMIN_ROLE, council.address)).to.equal(false);
    });
  });

  describe("appointing a regulator", function () {
    it("reverts with AccessControlUnauthorizedAccount when the council or the deployer grants REGULATOR_ROLE directly", async function () {
      const { licences, council, deployer, stranger } = await loadFixture(governanceFixture);
      for (const caller of [council, deployer]) {
        await expect(licences.connect(caller).grantRole(REGULATOR_ROLE, stranger.address))
          .to.be.revertedWithCustomError(licences, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, DEFAULT_ADMIN_ROLE);
      }
      expect(await licences.isRegulator(stranger.address)).to.equal(false);
    });

    shouldRefuseRoles(
      "grantRole(REGULATOR_ROLE) called directly",
      ROLE_NAMES,
      async () => {
        const system = await loadFixture(governanceFixture);
        return {
          actors: system,
          contract: system.licences,
          call: (as) => system.licences.connect(as).grantRole(REGULATOR_ROLE, as.address),
        };
      },
      "AccessControlUnauthorizedAccount",
      (caller) => [caller.address, DEFAULT_ADMIN_ROLE],
    );

    it("schedules the appointment for TIMELOCK_DELAY later and emits CallScheduled and CallSalt", async function () {
      const system = await loadFixture(governanceFixture);
      const { timelock, licences, council, stranger } = system;
      const target = await licences.getAddress();
      const data = appointRegulator(system, stranger.address);
      const id = await timelock.hashOperation(target, 0, data, ethers.ZeroHash, SALT);
      const scheduledAt = (await time.latest()) + 7;
      await time.setNextBlockTimestamp(scheduledAt);
      await expect(timelock.connect(council).schedule(target, 0, data, ethers.ZeroHash, SALT, TIMELOCK_DELAY))
        .to.emit(timelock, "CallScheduled")
        .withArgs(id, 0, target, 0, data, ethers.ZeroHash, TIMELOCK_DELAY)
        .and.to.emit(timelock, "CallSalt")
        .withArgs(id, SALT);
      expect(await timelock.getTimestamp(id)).to.equal(scheduledAt + TIMELOCK_DELAY);
      expect(await timelock.isOperationPending(id)).to.equal(true);
      expect(await timelock.isOperationReady(id)).to.equal(false);
      expect(await licences.isRegulator(stranger.address)).to.equal(false);
    });

    it("reverts with TimelockUnexpectedOperationState when executed right after scheduling", async function () {
      const system = await loadFixture(governanceFixture);
      const { id, execute } = await scheduleOnLicences(
        system,
        appointRegulator(system, system.stranger.address),
      );
      await expect(execute())
        .to.be.revertedWithCustomError(system.timelock, "TimelockUnexpectedOperationState")
        .withArgs(id, READY_STATE);
      expect(await system.licences.isRegulator(system.stranger.address)).to.equal(false);
    });

    it("reverts with TimelockUnexpectedOperationState when executed one second before TIMELOCK_DELAY has passed", async function () {
      const system = await loadFixture(governanceFixture);
      const { id, readyAt, execute } = await scheduleOnLicences(
        system,
        appointRegulator(system, system.stranger.address),
      );
      await time.setNextBlockTimestamp(readyAt - 1);
      await expect(execute())
        .to.be.revertedWithCustomError(system.timelock, "TimelockUnexpectedOperationState")
        .withArgs(id, READY_STATE);
      expect(await system.licences.isRegulator(system.stranger.address)).to.equal(false);
    });

    it("appoints the regulator once TIMELOCK_DELAY has passed, and the new regulator can license", async function () {
      const system = await loadFixture(governanceFixture);
      const { timelock, licences, stranger: newRegulator, donor } = system;
      const data = appointRegulator(system, newRegulator.address);
      const { id, target, readyAt, execute } = await scheduleOnLicences(system, data);
      await time.setNextBlockTimestamp(readyAt);
      await expect(execute())
        .to.emit(licences, "RoleGranted")
        .withArgs(REGULATOR_ROLE, newRegulator.address, await timelock.getAddress())
        .and.to.emit(timelock, "CallExecuted")
        .withArgs(id, 0, target, 0, data);
      expect(await timelock.isOperationDone(id)).to.equal(true);
      expect(await licences.isRegulator(newRegulator.address)).to.equal(true);

      const now = await time.latest();
      await expect(
        licences
          .connect(newRegulator)
          .grantLicence(
            donor.address,
            LicenceKind.Charity,
            ALL_LAYERS,
            ALL_CATEGORIES,
            now,
            now + DAY,
            "bafy-new",
          ),
      )
        .to.emit(licences, "LicenceGranted")
        .withArgs(
          donor.address,
          LicenceKind.Charity,
          ALL_LAYERS,
          ALL_CATEGORIES,
          now,
          now + DAY,
          "bafy-new",
          newRegulator.address,
        );
      expect(await licences.isLicensed(donor.address, LicenceKind.Charity, Layer.Relief, FOOD)).to.equal(
        true,
      );
    });

    it("reverts with TimelockUnexpectedOperationState when an executed appointment is executed again", async function () {
      const system = await loadFixture(governanceFixture);
      const { id, readyAt, execute } = await scheduleOnLicences(
        system,
        appointRegulator(system, system.stranger.address),
      );
      await time.increaseTo(readyAt);
      await execute();
      await expect(execute())
        .to.be.revertedWithCustomError(system.timelock, "TimelockUnexpectedOperationState")
        .withArgs(id, READY_STATE);
    });

    it("reverts with TimelockInsufficientDelay when scheduled with less than TIMELOCK_DELAY", async function () {
      const system = await loadFixture(governanceFixture);
      const { timelock, licences, council, stranger } = system;
      const data = appointRegulator(system, stranger.address);
      await expect(
        timelock
          .connect(council)
          .schedule(await licences.getAddress(), 0, data, ethers.ZeroHash, SALT, TIMELOCK_DELAY - 1),
      )
        .to.be.revertedWithCustomError(timelock, "TimelockInsufficientDelay")
        .withArgs(TIMELOCK_DELAY - 1, TIMELOCK_DELAY);
    });

    shouldRefuseRoles(
      "schedule",
      ROLE_NAMES,
      async () => {
        const system = await loadFixture(governanceFixture);
        const target = await system.licences.getAddress();
        return {
          actors: system,
          contract: system.timelock,
          call: (as) =>
            system.timelock
              .connect(as)
              .schedule(
                target,
                0,
                appointRegulator(system, as.address),
                ethers.ZeroHash,
                SALT,
                TIMELOCK_DELAY,
              ),
        };
      },
      "AccessControlUnauthorizedAccount",
      (caller) => [caller.address, PROPOSER_ROLE],
    );

    it("reverts with AccessControlUnauthorizedAccount when the deployer schedules", async function () {
      const system = await loadFixture(governanceFixture);
      const { timelock, licences, deployer } = system;
      await expect(
        timelock
          .connect(deployer)
          .schedule(
            await licences.getAddress(),
            0,
            appointRegulator(system, deployer.address),
            ethers.ZeroHash,
            SALT,
            TIMELOCK_DELAY,
          ),
      )
        .to.be.revertedWithCustomError(timelock, "AccessControlUnauthorizedAccount")
        .withArgs(deployer.address, PROPOSER_ROLE);
    });

    shouldRefuseRoles(
      "execute of a ready appointment",
      ROLE_NAMES,
      async () => {
        const system = await loadFixture(governanceFixture);
        const { readyAt, execute } = await scheduleOnLicences(
          system,
          appointRegulator(system, system.stranger.address),
        );
        await time.increaseTo(readyAt);
        return { actors: system, contract: system.timelock, call: (as) => execute(as) };
      },
      "AccessControlUnauthorizedAccount",
      (caller) => [caller.address, EXECUTOR_ROLE],
    );

    it("lets the council cancel a pending appointment, which then never executes", async function () {
      const system = await loadFixture(governanceFixture);
      const { timelock, licences, council, stranger } = system;
      const { id, readyAt, execute } = await scheduleOnLicences(
        system,
        appointRegulator(system, stranger.address),
      );
      await expect(timelock.connect(council).cancel(id)).to.emit(timelock, "Cancelled").withArgs(id);
      expect(await timelock.getTimestamp(id)).to.equal(0);
      await time.increaseTo(readyAt);
      await expect(execute())
        .to.be.revertedWithCustomError(timelock, "TimelockUnexpectedOperationState")
        .withArgs(id, READY_STATE);
      expect(await licences.isRegulator(stranger.address)).to.equal(false);
    });

    it("reverts with AccessControlUnauthorizedAccount when a regulator cancels a pending appointment", async function () {
      const system = await loadFixture(governanceFixture);
      const { timelock, regulator, stranger } = system;
      const { id } = await scheduleOnLicences(system, appointRegulator(system, stranger.address));
      await expect(timelock.connect(regulator).cancel(id))
        .to.be.revertedWithCustomError(timelock, "AccessControlUnauthorizedAccount")
        .withArgs(regulator.address, CANCELLER_ROLE);
      expect(await timelock.isOperationPending(id)).to.equal(true);
    });

    it("removes a regulator through the timelock, after which the regulator can no longer license", async function () {
      const system = await loadFixture(governanceFixture);
      const { timelock, licences, regulator, stranger } = system;
      const data = licences.interface.encodeFunctionData("revokeRole", [REGULATOR_ROLE, regulator.address]);
      const { readyAt, execute } = await scheduleOnLicences(system, data);
      await time.increaseTo(readyAt);
      await expect(execute())
        .to.emit(licences, "RoleRevoked")
        .withArgs(REGULATOR_ROLE, regulator.address, await timelock.getAddress());
      expect(await licences.isRegulator(regulator.address)).to.equal(false);
      const now = await time.latest();
      await expect(
        licences
          .connect(regulator)
          .grantLicence(
            stranger.address,
            LicenceKind.Vendor,
            ALL_LAYERS,
            ALL_CATEGORIES,
            now,
            now + DAY,
            "bafy",
          ),
      )
        .to.be.revertedWithCustomError(licences, "AccessControlUnauthorizedAccount")
        .withArgs(regulator.address, REGULATOR_ROLE);
    });

    it("reverts with TimelockUnauthorizedCaller when a council member changes the delay directly", async function () {
      const { timelock, council } = await loadFixture(governanceFixture);
      await expect(timelock.connect(council).updateDelay(0))
        .to.be.revertedWithCustomError(timelock, "TimelockUnauthorizedCaller")
        .withArgs(council.address);
      expect(await timelock.getMinDelay()).to.equal(TIMELOCK_DELAY);
    });

    it("changes its own delay only through a delayed operation on itself", async function () {
      const { timelock, council } = await loadFixture(governanceFixture);
      const self = await timelock.getAddress();
      const data = timelock.interface.encodeFunctionData("updateDelay", [4 * DAY]);
      await timelock.connect(council).schedule(self, 0, data, ethers.ZeroHash, SALT, TIMELOCK_DELAY);
      await time.increase(TIMELOCK_DELAY);
      await expect(timelock.connect(council).execute(self, 0, data, ethers.ZeroHash, SALT))
        .to.emit(timelock, "MinDelayChange")
        .withArgs(TIMELOCK_DELAY, 4 * DAY);
      expect(await timelock.getMinDelay()).to.equal(4 * DAY);
    });
  });

  describe("default admin transfer of the licence registry", function () {
    it("reverts with AccessControlUnauthorizedAccount when anyone but the timelock begins a transfer", async function () {
      const { licences, council, regulator, deployer, stranger } = await loadFixture(governanceFixture);
      for (const caller of [council, regulator, deployer, stranger]) {
        await expect(licences.connect(caller).beginDefaultAdminTransfer(caller.address))
          .to.be.revertedWithCustomError(licences, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, DEFAULT_ADMIN_ROLE);
      }
      const [pending, schedule] = await licences.pendingDefaultAdmin();
      expect([pending, schedule]).to.deep.equal([ethers.ZeroAddress, 0n]);
    });

    it("begins a transfer through the timelock that the new admin can accept only after the admin delay", async function () {
      const system = await loadFixture(governanceFixture);
      const { licences, timelock, stranger: newAdmin } = system;
      const data = licences.interface.encodeFunctionData("beginDefaultAdminTransfer", [newAdmin.address]);
      const { readyAt, execute } = await scheduleOnLicences(system, data);
      await time.setNextBlockTimestamp(readyAt);
      const acceptSchedule = readyAt + ADMIN_DELAY;
      await expect(execute())
        .to.emit(licences, "DefaultAdminTransferScheduled")
        .withArgs(newAdmin.address, acceptSchedule);
      const [pending, schedule] = await licences.pendingDefaultAdmin();
      expect([pending, schedule]).to.deep.equal([newAdmin.address, BigInt(acceptSchedule)]);

      await expect(licences.connect(newAdmin).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(licences, "AccessControlEnforcedDefaultAdminDelay")
        .withArgs(acceptSchedule);
      // The schedule must have strictly passed.
      await time.setNextBlockTimestamp(acceptSchedule);
      await expect(licences.connect(newAdmin).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(licences, "AccessControlEnforcedDefaultAdminDelay")
        .withArgs(acceptSchedule);
      expect(await licences.defaultAdmin()).to.equal(await timelock.getAddress());

      await expect(licences.connect(newAdmin).acceptDefaultAdminTransfer())
        .to.emit(licences, "RoleRevoked")
        .withArgs(DEFAULT_ADMIN_ROLE, await timelock.getAddress(), newAdmin.address)
        .and.to.emit(licences, "RoleGranted")
        .withArgs(DEFAULT_ADMIN_ROLE, newAdmin.address, newAdmin.address);
      expect(await licences.defaultAdmin()).to.equal(newAdmin.address);
      expect(await licences.hasRole(DEFAULT_ADMIN_ROLE, await timelock.getAddress())).to.equal(false);
    });

    it("reverts with AccessControlInvalidDefaultAdmin when someone other than the pending admin accepts", async function () {
      const system = await loadFixture(governanceFixture);
      const { licences, stranger: newAdmin, council } = system;
      const data = licences.interface.encodeFunctionData("beginDefaultAdminTransfer", [newAdmin.address]);
      const { readyAt, execute } = await scheduleOnLicences(system, data);
      await time.increaseTo(readyAt);
      await execute();
      await time.increase(ADMIN_DELAY + 1);
      await expect(licences.connect(council).acceptDefaultAdminTransfer())
        .to.be.revertedWithCustomError(licences, "AccessControlInvalidDefaultAdmin")
        .withArgs(council.address);
    });

    it("leaves the old timelock unable to appoint regulators once the transfer is accepted", async function () {
      const system = await loadFixture(governanceFixture);
      const { licences, timelock, stranger: newAdmin, donor } = system;
      const begin = licences.interface.encodeFunctionData("beginDefaultAdminTransfer", [newAdmin.address]);
      const transfer = await scheduleOnLicences(system, begin);
      await time.increaseTo(transfer.readyAt);
      await transfer.execute();
      await time.increase(ADMIN_DELAY + 1);
      await licences.connect(newAdmin).acceptDefaultAdminTransfer();

      const appointment = await scheduleOnLicences(
        system,
        appointRegulator(system, donor.address),
        ethers.id("too-late"),
      );
      await time.increaseTo(appointment.readyAt);
      await expect(appointment.execute())
        .to.be.revertedWithCustomError(licences, "AccessControlUnauthorizedAccount")
        .withArgs(await timelock.getAddress(), DEFAULT_ADMIN_ROLE);
      expect(await licences.isRegulator(donor.address)).to.equal(false);
    });

    it("reverts with AccessControlEnforcedDefaultAdminRules when the timelock grants DEFAULT_ADMIN_ROLE directly", async function () {
      const system = await loadFixture(governanceFixture);
      const { licences, timelock, stranger } = system;
      const data = licences.interface.encodeFunctionData("grantRole", [DEFAULT_ADMIN_ROLE, stranger.address]);
      const { readyAt, execute } = await scheduleOnLicences(system, data);
      await time.increaseTo(readyAt);
      await expect(execute()).to.be.revertedWithCustomError(
        licences,
        "AccessControlEnforcedDefaultAdminRules",
      );
      expect(await licences.defaultAdmin()).to.equal(await timelock.getAddress());
      expect(await licences.hasRole(DEFAULT_ADMIN_ROLE, stranger.address)).to.equal(false);
    });
  });
});
