import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ROLE_NAMES, shouldRefuseRoles } from "../helpers/roles";
import { LicenceKind } from "../helpers/system";
import type { TimeBank } from "../../../typechain-types";
import { CARE, MemberStatus, logPending, memberRef, timeBankFixture } from "./fixture";

/** Every privileged call of the time bank, as the given caller, on the fixture's members. */
function coordinatorCalls(
  timeBank: TimeBank,
  members: HardhatEthersSigner[],
  serviceId: string,
): Record<string, (as: HardhatEthersSigner) => Promise<unknown>> {
  return {
    admitMember: (as) =>
      timeBank.connect(as).admitMember(memberRef("role"), ethers.Wallet.createRandom().address, 1),
    setCreditLimit: (as) => timeBank.connect(as).setCreditLimit(members[0].address, 1),
    suspendMember: (as) => timeBank.connect(as).suspendMember(members[0].address),
    reinstateMember: (as) => timeBank.connect(as).reinstateMember(members[0].address),
    removeMember: (as) => timeBank.connect(as).removeMember(members[0].address),
    rebindWallet: (as) =>
      timeBank.connect(as).rebindWallet(members[0].address, ethers.Wallet.createRandom().address),
    confirmByCoordinator: (as) => timeBank.connect(as).confirmByCoordinator([serviceId]),
    payFromPool: (as) => timeBank.connect(as).payFromPool([serviceId]),
  };
}

async function withPendingService() {
  const fixture = await loadFixture(timeBankFixture);
  const serviceId = await logPending(fixture.timeBank, fixture.members[0], fixture.members[1], 10);
  return { ...fixture, serviceId, calls: coordinatorCalls(fixture.timeBank, fixture.members, serviceId) };
}

describe("TimeBank roles", function () {
  for (const name of Object.keys(coordinatorCalls({} as TimeBank, [], ethers.ZeroHash))) {
    describe(name, function () {
      shouldRefuseRoles(
        name,
        ROLE_NAMES,
        async () => {
          const { timeBank, calls, ...actors } = await withPendingService();
          return { actors, contract: timeBank, call: calls[name]! };
        },
        "CoordinatorUnauthorized",
        (caller) => [caller.address],
      );

      it(`${name}: reverts with CoordinatorUnauthorized when called by a member`, async function () {
        const { timeBank, members, calls } = await withPendingService();
        await expect(calls[name]!(members[2]))
          .to.be.revertedWithCustomError(timeBank, "CoordinatorUnauthorized")
          .withArgs(members[2].address);
      });

      it(`${name}: reverts with CoordinatorUnauthorized when the coordinator's licence is suspended, revoked or expired`, async function () {
        const { timeBank, licences, regulator, coordinator, coordinator2, calls } =
          await withPendingService();
        await licences
          .connect(regulator)
          .suspendLicence(coordinator.address, LicenceKind.Coordinator, ethers.ZeroHash);
        await licences
          .connect(regulator)
          .revokeLicence(coordinator2.address, LicenceKind.Coordinator, ethers.ZeroHash);
        for (const caller of [coordinator, coordinator2]) {
          await expect(calls[name]!(caller))
            .to.be.revertedWithCustomError(timeBank, "CoordinatorUnauthorized")
            .withArgs(caller.address);
        }
        await licences.connect(regulator).reinstateLicence(coordinator.address, LicenceKind.Coordinator);
        const { validUntil } = await licences.licenceOf(coordinator.address, LicenceKind.Coordinator);
        await time.increaseTo(validUntil + 1n);
        await expect(calls[name]!(coordinator))
          .to.be.revertedWithCustomError(timeBank, "CoordinatorUnauthorized")
          .withArgs(coordinator.address);
      });

      it(`${name}: a licence of another kind is not a coordinator's`, async function () {
        const { timeBank, licences, regulator, stranger, calls } = await withPendingService();
        const now = await time.latest();
        for (const kind of [LicenceKind.Charity, LicenceKind.Vendor, LicenceKind.Registrar]) {
          await licences.connect(regulator).grantLicence(stranger.address, kind, 7, 1, now, now + 86_400, "");
        }
        await expect(calls[name]!(stranger))
          .to.be.revertedWithCustomError(timeBank, "CoordinatorUnauthorized")
          .withArgs(stranger.address);
      });
    });
  }

  describe("member actions", function () {
    shouldRefuseRoles(
      "logService",
      ROLE_NAMES,
      async () => {
        const { timeBank, members, ...actors } = await loadFixture(timeBankFixture);
        return {
          actors,
          contract: timeBank,
          call: (as) => timeBank.connect(as).logService(members[0].address, 10, CARE, ethers.ZeroHash),
        };
      },
      "MemberStatusInvalid",
      (caller) => [caller.address, MemberStatus.None],
    );

    shouldRefuseRoles(
      "donate",
      ROLE_NAMES,
      async () => {
        const { timeBank, members, ...actors } = await loadFixture(timeBankFixture);
        return {
          actors,
          contract: timeBank,
          call: (as) => timeBank.connect(as).donate(members[0].address, 1),
        };
      },
      "MemberStatusInvalid",
      (caller) => [caller.address, MemberStatus.None],
    );

    // The pending service's id, known once the fixture ran; the fixture is the same for every caller.
    let pendingId = ethers.ZeroHash;
    shouldRefuseRoles(
      "confirmService",
      ROLE_NAMES,
      async () => {
        const { timeBank, serviceId, calls: _calls, ...actors } = await withPendingService();
        pendingId = serviceId;
        return { actors, contract: timeBank, call: (as) => timeBank.connect(as).confirmService(serviceId) };
      },
      "ServiceConfirmerInvalid",
      (caller) => [pendingId, caller.address],
    );
  });
});
