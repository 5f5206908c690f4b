import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { LicenceKind } from "../helpers/system";
import {
  CARE,
  LIMIT,
  MemberStatus,
  logPending,
  memberRef,
  serviceFor,
  signConfirmation,
  timeBankFixture,
} from "./fixture";

describe("TimeBank", function () {
  describe("membership", function () {
    it("admits a member with its reference, wallet and credit limit", async function () {
      const { timeBank, coordinator, members, stranger } = await loadFixture(timeBankFixture);
      await expect(timeBank.connect(coordinator).admitMember(memberRef("new"), stranger.address, 120))
        .to.emit(timeBank, "MemberAdmitted")
        .withArgs(stranger.address, memberRef("new"), 120, coordinator.address);
      const account = await timeBank.accountOf(stranger.address);
      expect(account.status).to.equal(MemberStatus.Active);
      expect(account.creditLimit).to.equal(120);
      expect(account.balance).to.equal(0);
      expect(await timeBank.walletOf(memberRef("new"))).to.equal(stranger.address);
      expect(await timeBank.memberRefOf(stranger.address)).to.equal(memberRef("new"));
      expect((await timeBank.accountOf(members[0].address)).creditLimit).to.equal(LIMIT);
    });

    it("reverts with MemberInvalid for a zero reference or wallet", async function () {
      const { timeBank, coordinator, stranger } = await loadFixture(timeBankFixture);
      await expect(timeBank.connect(coordinator).admitMember(ethers.ZeroHash, stranger.address, 1))
        .to.be.revertedWithCustomError(timeBank, "MemberInvalid")
        .withArgs(ethers.ZeroHash, stranger.address);
      await expect(timeBank.connect(coordinator).admitMember(memberRef("x"), ethers.ZeroAddress, 1))
        .to.be.revertedWithCustomError(timeBank, "MemberInvalid")
        .withArgs(memberRef("x"), ethers.ZeroAddress);
    });

    it("never binds a reference or a wallet twice, not even after removal", async function () {
      const { timeBank, coordinator, members, stranger } = await loadFixture(timeBankFixture);
      await expect(timeBank.connect(coordinator).admitMember(memberRef(0), stranger.address, 1))
        .to.be.revertedWithCustomError(timeBank, "MemberRefTaken")
        .withArgs(memberRef(0));
      await timeBank.connect(coordinator).removeMember(members[1].address);
      await expect(timeBank.connect(coordinator).admitMember(memberRef("other"), members[1].address, 1))
        .to.be.revertedWithCustomError(timeBank, "MemberWalletTaken")
        .withArgs(members[1].address);
    });

    it("sets the credit limit of an active or suspended member, and of no one else", async function () {
      const { timeBank, coordinator, members, stranger } = await loadFixture(timeBankFixture);
      await expect(timeBank.connect(coordinator).setCreditLimit(members[0].address, 30))
        .to.emit(timeBank, "CreditLimitSet")
        .withArgs(members[0].address, 30, coordinator.address);
      await timeBank.connect(coordinator).suspendMember(members[1].address);
      await timeBank.connect(coordinator).setCreditLimit(members[1].address, 0);
      expect((await timeBank.accountOf(members[1].address)).creditLimit).to.equal(0);
      await expect(timeBank.connect(coordinator).setCreditLimit(stranger.address, 30))
        .to.be.revertedWithCustomError(timeBank, "MemberStatusInvalid")
        .withArgs(stranger.address, MemberStatus.None);
      await timeBank.connect(coordinator).removeMember(members[2].address);
      await expect(timeBank.connect(coordinator).setCreditLimit(members[2].address, 30))
        .to.be.revertedWithCustomError(timeBank, "MemberStatusInvalid")
        .withArgs(members[2].address, MemberStatus.Removed);
    });

    it("suspends, reinstates and removes, each only from the statuses it names", async function () {
      const { timeBank, coordinator, members, stranger } = await loadFixture(timeBankFixture);
      const [a, b] = members;
      await expect(timeBank.connect(coordinator).suspendMember(a.address))
        .to.emit(timeBank, "MemberStatusChanged")
        .withArgs(a.address, MemberStatus.Suspended, coordinator.address);
      await expect(timeBank.connect(coordinator).suspendMember(a.address))
        .to.be.revertedWithCustomError(timeBank, "MemberStatusInvalid")
        .withArgs(a.address, MemberStatus.Suspended);
      await expect(timeBank.connect(coordinator).reinstateMember(a.address))
        .to.emit(timeBank, "MemberStatusChanged")
        .withArgs(a.address, MemberStatus.Active, coordinator.address);
      await expect(timeBank.connect(coordinator).reinstateMember(a.address))
        .to.be.revertedWithCustomError(timeBank, "MemberStatusInvalid")
        .withArgs(a.address, MemberStatus.Active);
      await timeBank.connect(coordinator).suspendMember(b.address);
      await expect(timeBank.connect(coordinator).removeMember(b.address))
        .to.emit(timeBank, "MemberStatusChanged")
        .withArgs(b.address, MemberStatus.Removed, coordinator.address);
      await timeBank.connect(coordinator).removeMember(a.address);
      for (const action of ["suspendMember", "reinstateMember", "removeMember"] as const) {
        await expect(timeBank.connect(coordinator)[action](a.address))
          .to.be.revertedWithCustomError(timeBank, "MemberStatusInvalid")
          .withArgs(a.address, MemberStatus.Removed);
      }
      await expect(timeBank.connect(coordinator).removeMember(stranger.address))
        .to.be.revertedWithCustomError(timeBank, "MemberStatusInvalid")
        .withArgs(stranger.address, MemberStatus.None);
    });
  });

  describe("rebinding a lost wallet", function () {
    it("moves the whole account to the new wallet and leaves the old one removed and empty", async function () {
      const { timeBank, coordinator, members, stranger } = await loadFixture(timeBankFixture);
      const [giver, recipient, lost] = members;
      await timeBank.connect(recipient).confirmService(await logPending(timeBank, lost, recipient, 50));
      const service = await serviceFor(timeBank, lost, 20);
      await timeBank
        .connect(giver)
        .recordService(service, await signConfirmation(timeBank, lost, giver.address, service));
      const before = await timeBank.accountOf(lost.address);
      await expect(timeBank.connect(coordinator).rebindWallet(lost.address, stranger.address))
        .to.emit(timeBank, "MemberWalletRebound")
        .withArgs(memberRef(2), lost.address, stranger.address, coordinator.address);
      expect(await timeBank.accountOf(stranger.address)).to.deep.equal(before);
      const old = await timeBank.accountOf(lost.address);
      expect([old.balance, old.creditLimit, old.nonce, old.logs, old.status]).to.deep.equal([
        0n,
        0n,
        0n,
        0n,
        BigInt(MemberStatus.Removed),
      ]);
      expect(await timeBank.walletOf(memberRef(2))).to.equal(stranger.address);
      expect(await timeBank.memberRefOf(stranger.address)).to.equal(memberRef(2));
      expect(await timeBank.memberRefOf(lost.address)).to.equal(ethers.ZeroHash);
      // The old key's confirmations are refused; the new wallet signs with the account's nonce.
      const stale = await serviceFor(timeBank, lost, 10, { nonce: before.nonce });
      await expect(
        timeBank
          .connect(giver)
          .recordService(stale, await signConfirmation(timeBank, lost, giver.address, stale)),
      )
        .to.be.revertedWithCustomError(timeBank, "MemberStatusInvalid")
        .withArgs(lost.address, MemberStatus.Removed);
      const fresh = await serviceFor(timeBank, stranger, 10);
      expect(fresh.nonce).to.equal(before.nonce);
      await timeBank
        .connect(giver)
        .recordService(fresh, await signConfirmation(timeBank, stranger, giver.address, fresh));
      expect((await timeBank.accountOf(stranger.address)).balance).to.equal(before.balance - 10n);
    });

    it("refuses a zero, bound or removed new wallet, and a member that is not active or suspended", async function () {
      const { timeBank, coordinator, members, stranger } = await loadFixture(timeBankFixture);
      await expect(timeBank.connect(coordinator).rebindWallet(members[0].address, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(timeBank, "MemberInvalid")
        .withArgs(memberRef(0), ethers.ZeroAddress);
      await expect(timeBank.connect(coordinator).rebindWallet(members[0].address, members[1].address))
        .to.be.revertedWithCustomError(timeBank, "MemberWalletTaken")
        .withArgs(members[1].address);
      await timeBank.connect(coordinator).suspendMember(members[0].address);
      await timeBank.connect(coordinator).rebindWallet(members[0].address, stranger.address);
      expect((await timeBank.accountOf(stranger.address)).status).to.equal(MemberStatus.Suspended);
      await expect(timeBank.connect(coordinator).rebindWallet(members[2].address, members[0].address))
        .to.be.revertedWithCustomError(timeBank, "MemberWalletTaken")
        .withArgs(members[0].address);
      for (const wallet of [members[0].address, ethers.Wallet.createRandom().address]) {
        const status = wallet === members[0].address ? MemberStatus.Removed : MemberStatus.None;
        await expect(timeBank.connect(coordinator).rebindWallet(wallet, ethers.Wallet.createRandom().address))
          .to.be.revertedWithCustomError(timeBank, "MemberStatusInvalid")
          .withArgs(wallet, status);
      }
    });
  });

  describe("a signed service (log and confirmation in one transaction)", function () {
    it("moves the minutes from the recipient to the giver and emits both events", async function () {
      const { timeBank, members } = await loadFixture(timeBankFixture);
      const [giver, recipient] = members;
      const evidenceHash = ethers.id("evidence");
      const service = await serviceFor(timeBank, recipient, 90, { evidenceHash });
      const signature = await signConfirmation(timeBank, recipient, giver.address, service);
      const serviceId = await timeBank.confirmationDigest(giver.address, service);
      await expect(timeBank.connect(giver).recordService(service, signature))
        .to.emit(timeBank, "ServiceLogged")
        .withArgs(serviceId, giver.address, recipient.address, 90, CARE, evidenceHash)
        .and.to.emit(timeBank, "ServiceConfirmed")
        .withArgs(serviceId, giver.address, recipient.address, 90, recipient.address);
      expect((await timeBank.accountOf(giver.address)).balance).to.equal(90);
      const after = await timeBank.accountOf(recipient.address);
      expect(after.balance).to.equal(-90);
      expect(after.nonce).to.equal(1);
    });

    it("lets the recipient go below zero down to its limit and no further", async function () {
      const { timeBank, members } = await loadFixture(timeBankFixture);
      const [giver, recipient] = members;
      const exact = await serviceFor(timeBank, recipient, LIMIT);
      await timeBank
        .connect(giver)
        .recordService(exact, await signConfirmation(timeBank, recipient, giver.address, exact));
      const more = await serviceFor(timeBank, recipient, 1);
      await expect(
        timeBank
          .connect(giver)
          .recordService(more, await signConfirmation(timeBank, recipient, giver.address, more)),
      )
        .to.be.revertedWithCustomError(timeBank, "CreditLimitExceeded")
        .withArgs(recipient.address, -LIMIT - 1, LIMIT);
    });

    it("reverts with SelfService when the giver is its own recipient", async function () {
      const { timeBank, members } = await loadFixture(timeBankFixture);
      const service = await serviceFor(timeBank, members[0], 10);
      const signature = await signConfirmation(timeBank, members[0], members[0].address, service);
      await expect(timeBank.connect(members[0]).recordService(service, signature))
        .to.be.revertedWithCustomError(timeBank, "SelfService")
        .withArgs(members[0].address);
    });

    it("reverts with MinutesZero for an empty service", async function () {
      const { timeBank, members } = await loadFixture(timeBankFixture);
      const service = await serviceFor(timeBank, members[1], 0);
      const signature = await signConfirmation(timeBank, members[1], members[0].address, service);
      await expect(
        timeBank.connect(members[0]).recordService(service, signature),
      ).to.be.revertedWithCustomError(timeBank, "MinutesZero");
    });

    it("refuses a giver or a recipient who is not an active member", async function () {
      const { timeBank, coordinator, members, stranger } = await loadFixture(timeBankFixture);
      const [giver, recipient] = members;
      const toStranger = await serviceFor(timeBank, stranger, 10);
      await expect(
        timeBank
          .connect(giver)
          .recordService(toStranger, await signConfirmation(timeBank, stranger, giver.address, toStranger)),
      )
        .to.be.revertedWithCustomError(timeBank, "MemberStatusInvalid")
        .withArgs(stranger.address, MemberStatus.None);
      await timeBank.connect(coordinator).suspendMember(giver.address);
      const service = await serviceFor(timeBank, recipient, 10);
      await expect(
        timeBank
          .connect(giver)
          .recordService(service, await signConfirmation(timeBank, recipient, giver.address, service)),
      )
        .to.be.revertedWithCustomError(timeBank, "MemberStatusInvalid")
        .withArgs(giver.address, MemberStatus.Suspended);
    });

    it("accepts a contract wallet's ERC-1271 approval and refuses its refusal", async function () {
      const { timeBank, coordinator, members, stranger } = await loadFixture(timeBankFixture);
      const wallet = await (await ethers.getContractFactory("TestSmartWallet")).deploy(stranger.address);
      const walletAddress = await wallet.getAddress();
      await timeBank.connect(coordinator).admitMember(memberRef("contract"), walletAddress, LIMIT);
      const account = await timeBank.accountOf(walletAddress);
      const service = {
        recipient: walletAddress,
        duration: 30,
        category: CARE,
        evidenceHash: ethers.ZeroHash,
        nonce: account.nonce,
        deadline: (await ethers.provider.getBlock("latest"))!.timestamp + 3600,
      };
      const digest = await timeBank.confirmationDigest(members[0].address, service);
      const signature = ethers.Signature.from(
        new ethers.SigningKey(ethers.id("not the owner")).sign(digest),
      ).serialized;
      await expect(
        timeBank.connect(members[0]).recordService(service, signature),
      ).to.be.revertedWithCustomError(timeBank, "ConfirmationSignatureInvalid");
      const ownerSignature = await signConfirmation(timeBank, stranger, members[0].address, service);
      await expect(timeBank.connect(members[0]).recordService(service, ownerSignature))
        .to.emit(timeBank, "ServiceConfirmed")
        .withArgs(digest, members[0].address, walletAddress, 30, walletAddress);
    });
  });

  describe("a logged service", function () {
    it("is pending until its recipient confirms it from its wallet", async function () {
      const { timeBank, members } = await loadFixture(timeBankFixture);
      const [giver, recipient] = members;
      const evidenceHash = ethers.id("photo");
      const serviceId = ethers.keccak256(
        ethers.AbiCoder.defaultAbiCoder().encode(["address", "uint32"], [giver.address, 0]),
      );
      await expect(timeBank.connect(giver).logService(recipient.address, 45, CARE, evidenceHash))
        .to.emit(timeBank, "ServiceLogged")
        .withArgs(serviceId, giver.address, recipient.address, 45, CARE, evidenceHash);
      const pending = await timeBank.pendingService(serviceId);
      expect([pending.giver, pending.duration, pending.category, pending.recipient]).to.deep.equal([
        giver.address,
        45n,
        BigInt(CARE),
        recipient.address,
      ]);
      expect((await timeBank.accountOf(giver.address)).balance).to.equal(0);
      await expect(timeBank.connect(recipient).confirmService(serviceId))
        .to.emit(timeBank, "ServiceConfirmed")
        .withArgs(serviceId, giver.address, recipient.address, 45, recipient.address);
      expect((await timeBank.accountOf(giver.address)).balance).to.equal(45);
      expect((await timeBank.accountOf(recipient.address)).balance).to.equal(-45);
      expect((await timeBank.pendingService(serviceId)).giver).to.equal(ethers.ZeroAddress);
    });

    it("reverts with ServiceUnknown when confirmed twice or never logged", async function () {
      const { timeBank, members } = await loadFixture(timeBankFixture);
      const serviceId = await logPending(timeBank, members[0], members[1], 10);
      await timeBank.connect(members[1]).confirmService(serviceId);
      await expect(timeBank.connect(members[1]).confirmService(serviceId))
        .to.be.revertedWithCustomError(timeBank, "ServiceUnknown")
        .withArgs(serviceId);
      await expect(timeBank.connect(members[1]).confirmService(ethers.id("never")))
        .to.be.revertedWithCustomError(timeBank, "ServiceUnknown")
        .withArgs(ethers.id("never"));
    });

    it("reverts with ServiceConfirmerInvalid when the giver or another member confirms it", async function () {
      const { timeBank, members } = await loadFixture(timeBankFixture);
      const serviceId = await logPending(timeBank, members[0], members[1], 10);
      for (const caller of [members[0], members[2]]) {
        await expect(timeBank.connect(caller).confirmService(serviceId))
          .to.be.revertedWithCustomError(timeBank, "ServiceConfirmerInvalid")
          .withArgs(serviceId, caller.address);
      }
    });

    it("cannot be confirmed once its giver or recipient was suspended, nor above the limit", async function () {
      const { timeBank, coordinator, members } = await loadFixture(timeBankFixture);
      const [giver, recipient, other] = members;
      const serviceId = await logPending(timeBank, giver, recipient, 10);
      await timeBank.connect(coordinator).suspendMember(giver.address);
      await expect(timeBank.connect(recipient).confirmService(serviceId))
        .to.be.revertedWithCustomError(timeBank, "MemberStatusInvalid")
        .withArgs(giver.address, MemberStatus.Suspended);
      const second = await logPending(timeBank, other, recipient, 10);
      await timeBank.connect(coordinator).suspendMember(recipient.address);
      await expect(timeBank.connect(coordinator).confirmByCoordinator([second]))
        .to.be.revertedWithCustomError(timeBank, "MemberStatusInvalid")
        .withArgs(recipient.address, MemberStatus.Suspended);
      await timeBank.connect(coordinator).reinstateMember(recipient.address);
      await timeBank.connect(coordinator).setCreditLimit(recipient.address, 5);
      await expect(timeBank.connect(recipient).confirmService(second))
        .to.be.revertedWithCustomError(timeBank, "CreditLimitExceeded")
        .withArgs(recipient.address, -10, 5);
    });

    it("refuses a log with no minutes, to oneself or to a non-member", async function () {
      const { timeBank, members, stranger } = await loadFixture(timeBankFixture);
      await expect(
        timeBank.connect(members[0]).logService(members[1].address, 0, CARE, ethers.ZeroHash),
      ).to.be.revertedWithCustomError(timeBank, "MinutesZero");
      await expect(timeBank.connect(members[0]).logService(members[0].address, 5, CARE, ethers.ZeroHash))
        .to.be.revertedWithCustomError(timeBank, "SelfService")
        .withArgs(members[0].address);
      await expect(timeBank.connect(members[0]).logService(stranger.address, 5, CARE, ethers.ZeroHash))
        .to.be.revertedWithCustomError(timeBank, "MemberStatusInvalid")
        .withArgs(stranger.address, MemberStatus.None);
      await expect(timeBank.connect(stranger).logService(members[0].address, 5, CARE, ethers.ZeroHash))
        .to.be.revertedWithCustomError(timeBank, "MemberStatusInvalid")
        .withArgs(stranger.address, MemberStatus.None);
    });
  });

  describe("coordinators", function () {
    it("confirm a batch for recipients who cannot, each recipient paying", async function () {
      const { timeBank, coordinator, members } = await loadFixture(timeBankFixture);
      const [a, b, c] = members;
      const first = await logPending(timeBank, a, b, 20);
      const second = await logPending(timeBank, c, b, 30);
      await expect(timeBank.connect(coordinator).confirmByCoordinator([first, second]))
        .to.emit(timeBank, "ServiceConfirmed")
        .withArgs(first, a.address, b.address, 20, coordinator.address)
        .and.to.emit(timeBank, "ServiceConfirmed")
        .withArgs(second, c.address, b.address, 30, coordinator.address);
      expect((await timeBank.accountOf(b.address)).balance).to.equal(-50);
      await expect(timeBank.connect(coordinator).confirmByCoordinator([first]))
        .to.be.revertedWithCustomError(timeBank, "ServiceUnknown")
        .withArgs(first);
    });

    it("reverts with CoordinatorNotIndependent for a service the coordinator gave, writing nothing", async function () {
      const { timeBank, coordinator, coordinator2, members } = await loadFixture(timeBankFixture);
      await timeBank.connect(coordinator2).admitMember(memberRef("coordinator"), coordinator.address, 0);
      const other = await logPending(timeBank, members[0], members[1], 10);
      const own = await logPending(timeBank, coordinator, members[1], 10);
      await expect(timeBank.connect(coordinator).confirmByCoordinator([other, own]))
        .to.be.revertedWithCustomError(timeBank, "CoordinatorNotIndependent")
        .withArgs(own, coordinator.address);
      expect((await timeBank.pendingService(other)).giver).to.equal(members[0].address);
      await timeBank.connect(coordinator2).confirmByCoordinator([own]);
      expect((await timeBank.accountOf(coordinator.address)).balance).to.equal(10);
    });

    it("have the pool pay for a beneficiary who cannot, only from donated minutes", async function () {
      const { timeBank, coordinator, members } = await loadFixture(timeBankFixture);
      const [a, b, beneficiary] = members;
      await timeBank.connect(coordinator).setCreditLimit(beneficiary.address, 0);
      const earned = await logPending(timeBank, a, b, 60);
      await timeBank.connect(b).confirmService(earned);
      const served = await logPending(timeBank, b, beneficiary, 40);
      await expect(timeBank.connect(coordinator).payFromPool([served]))
        .to.be.revertedWithCustomError(timeBank, "PoolInsufficient")
        .withArgs(0, 40);
      await timeBank.connect(a).donate(ethers.ZeroAddress, 50);
      await expect(timeBank.connect(coordinator).payFromPool([served]))
        .to.emit(timeBank, "ServiceConfirmed")
        .withArgs(served, b.address, ethers.ZeroAddress, 40, coordinator.address);
      expect(await timeBank.poolBalance()).to.equal(10);
      expect((await timeBank.accountOf(beneficiary.address)).balance).to.equal(0);
      expect((await timeBank.accountOf(b.address)).balance).to.equal(-20);
    });

    it("lose their power with their licence", async function () {
      const { timeBank, coordinator, regulator, licences, members } = await loadFixture(timeBankFixture);
      const serviceId = await logPending(timeBank, members[0], members[1], 10);
      await licences
        .connect(regulator)
        .suspendLicence(coordinator.address, LicenceKind.Coordinator, ethers.ZeroHash);
      await expect(timeBank.connect(coordinator).confirmByCoordinator([serviceId]))
        .to.be.revertedWithCustomError(timeBank, "CoordinatorUnauthorized")
        .withArgs(coordinator.address);
    });
  });

  describe("donations", function () {
    it("move earned credit to another member or to the pool", async function () {
      const { timeBank, members } = await loadFixture(timeBankFixture);
      const [a, b, c] = members;
      await timeBank.connect(b).confirmService(await logPending(timeBank, a, b, 100));
      await expect(timeBank.connect(a).donate(c.address, 30))
        .to.emit(timeBank, "CreditDonated")
        .withArgs(a.address, c.address, 30);
      await expect(timeBank.connect(a).donate(ethers.ZeroAddress, 70))
        .to.emit(timeBank, "CreditDonated")
        .withArgs(a.address, ethers.ZeroAddress, 70);
      expect((await timeBank.accountOf(a.address)).balance).to.equal(0);
      expect((await timeBank.accountOf(c.address)).balance).to.equal(30);
      expect(await timeBank.poolBalance()).to.equal(70);
    });

    it("reverts with DonationExceedsCredit when the donor would go below zero: the limit is not donatable", async function () {
      const { timeBank, members } = await loadFixture(timeBankFixture);
      await timeBank
        .connect(members[1])
        .confirmService(await logPending(timeBank, members[0], members[1], 10));
      await expect(timeBank.connect(members[0]).donate(members[2].address, 11))
        .to.be.revertedWithCustomError(timeBank, "DonationExceedsCredit")
        .withArgs(members[0].address, 10, 11);
      await expect(timeBank.connect(members[1]).donate(ethers.ZeroAddress, 1))
        .to.be.revertedWithCustomError(timeBank, "DonationExceedsCredit")
        .withArgs(members[1].address, -10, 1);
    });

    it("refuses zero minutes, oneself, a non-member donor or beneficiary", async function () {
      const { timeBank, coordinator, members, stranger } = await loadFixture(timeBankFixture);
      await timeBank
        .connect(members[1])
        .confirmService(await logPending(timeBank, members[0], members[1], 10));
      await expect(timeBank.connect(members[0]).donate(members[2].address, 0)).to.be.revertedWithCustomError(
        timeBank,
        "MinutesZero",
      );
      await expect(timeBank.connect(members[0]).donate(members[0].address, 5))
        .to.be.revertedWithCustomError(timeBank, "SelfService")
        .withArgs(members[0].address);
      await expect(timeBank.connect(members[0]).donate(stranger.address, 5))
        .to.be.revertedWithCustomError(timeBank, "MemberStatusInvalid")
        .withArgs(stranger.address, MemberStatus.None);
      await expect(timeBank.connect(stranger).donate(members[0].address, 5))
        .to.be.revertedWithCustomError(timeBank, "MemberStatusInvalid")
        .withArgs(stranger.address, MemberStatus.None);
      await timeBank.connect(coordinator).suspendMember(members[0].address);
      await expect(timeBank.connect(members[0]).donate(ethers.ZeroAddress, 5))
        .to.be.revertedWithCustomError(timeBank, "MemberStatusInvalid")
        .withArgs(members[0].address, MemberStatus.Suspended);
    });
  });
});
