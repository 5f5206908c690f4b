import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  createProgramme,
  entitlementIdOf,
  entitlementOf,
  householdAccountOf,
  issueTo,
  ledgerWorld,
  programmeParams,
  receiptFor,
  redeemSigned,
} from "../helpers/ledger";
import { expectBalancesMatchEvents } from "../helpers/erc1155Oracle";
import { BeneficiaryStatus, PERIOD, UNIT } from "../helpers/system";

describe("AidLedger: the ERC-1155 face of entitlements", function () {
  async function fixture() {
    const world = await ledgerWorld();
    const { ledger, token, charity2, donor2, households, programmeId, charity } = world;
    const [h1, h2] = households;
    await issueTo(ledger, charity, programmeId, [h1, h2], 100n * UNIT);
    // A second id, group-less, run by another charity with another metadata CID.
    const secondId = await createProgramme(
      ledger,
      charity2,
      await programmeParams(token, { metadataCid: "bafy-second-programme" }),
    );
    await ledger.connect(donor2).give(secondId, 100n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0);
    await issueTo(ledger, charity2, secondId, [h1], 70n * UNIT);
    const id = entitlementIdOf(programmeId, world.period);
    const secondEntitlement = entitlementIdOf(secondId, world.period);
    const memberWallets = households.flatMap((h) => h.members.map((m) => m.wallet.address));
    return { ...world, secondId, id, secondEntitlement, memberWallets };
  }

  describe("supportsInterface", function () {
    for (const [name, id] of [
      ["IERC1155", "0xd9b67a26"],
      ["IERC1155MetadataURI", "0x0e89341c"],
      ["IERC165", "0x01ffc9a7"],
    ] as const) {
      it(`reports ${name} (${id})`, async function () {
        const { ledger } = await loadFixture(fixture);
        expect(await ledger.supportsInterface(id)).to.equal(true);
      });
    }

    for (const [name, id] of [
      ["the invalid id 0xffffffff", "0xffffffff"],
      ["IERC20", "0x36372b07"],
      ["IERC1155Receiver", "0x4e2312e0"],
      ["zero", "0x00000000"],
    ] as const) {
      it(`does not report ${name}`, async function () {
        const { ledger } = await loadFixture(fixture);
        expect(await ledger.supportsInterface(id)).to.equal(false);
      });
    }
  });

  describe("uri", function () {
    it("points each id at its programme's metadata on IPFS, whatever the period", async function () {
      const { ledger, id, secondEntitlement, programmeId } = await loadFixture(fixture);
      expect(await ledger.uri(id)).to.equal("ipfs://bafy-programme");
      expect(await ledger.uri(entitlementIdOf(programmeId, 7))).to.equal("ipfs://bafy-programme");
      expect(await ledger.uri(secondEntitlement)).to.equal("ipfs://bafy-second-programme");
    });

    it("reverts with ProgrammeUnknown for an id without a programme", async function () {
      const { ledger } = await loadFixture(fixture);
      await expect(ledger.uri(0)).to.be.revertedWithCustomError(ledger, "ProgrammeUnknown").withArgs(0);
    });
  });

  describe("transfers and approvals", function () {
    it("reverts safeTransferFrom with EntitlementNotTransferable, even from a member", async function () {
      const { ledger, programmeId, households, id } = await loadFixture(fixture);
      const [h1, h2] = households;
      const holder = h1.members[0].wallet;
      await expect(
        ledger
          .connect(holder)
          .safeTransferFrom(
            householdAccountOf(h1.householdRef),
            h2.members[0].wallet.address,
            id,
            10n * UNIT,
            "0x",
          ),
      ).to.be.revertedWithCustomError(ledger, "EntitlementNotTransferable");
      expect(await entitlementOf(ledger, h1.householdRef, programmeId)).to.equal(100n * UNIT);
    });

    it("reverts safeBatchTransferFrom with EntitlementNotTransferable", async function () {
      const { ledger, programmeId, secondId, households } = await loadFixture(fixture);
      const [h1] = households;
      const holder = h1.members[0].wallet;
      await expect(
        ledger
          .connect(holder)
          .safeBatchTransferFrom(
            holder.address,
            h1.members[1].wallet.address,
            [programmeId, secondId],
            [1n, 1n],
            "0x",
          ),
      ).to.be.revertedWithCustomError(ledger, "EntitlementNotTransferable");
    });

    it("reverts setApprovalForAll with EntitlementNotTransferable and reports no operator as approved", async function () {
      const { ledger, vendor, households } = await loadFixture(fixture);
      const holder = households[0].members[0].wallet;
      await expect(
        ledger.connect(holder).setApprovalForAll(vendor.address, true),
      ).to.be.revertedWithCustomError(ledger, "EntitlementNotTransferable");
      await expect(
        ledger.connect(holder).setApprovalForAll(vendor.address, false),
      ).to.be.revertedWithCustomError(ledger, "EntitlementNotTransferable");
      expect(await ledger.isApprovedForAll(holder.address, vendor.address)).to.equal(false);
    });
  });

  describe("balances", function () {
    it("answers balanceOfBatch pairwise: household accounts hold, members' wallets hold nothing", async function () {
      const { ledger, id, secondEntitlement, households, stranger } = await loadFixture(fixture);
      const [h1, h2, h3] = households;
      const accounts = [
        householdAccountOf(h1.householdRef),
        h1.members[0].wallet.address,
        h1.members[1].wallet.address,
        householdAccountOf(h2.householdRef),
        householdAccountOf(h3.householdRef),
        stranger.address,
        householdAccountOf(h1.householdRef),
        householdAccountOf(h2.householdRef),
      ];
      const ids = [id, id, id, id, id, id, secondEntitlement, secondEntitlement];
      expect(await ledger.balanceOfBatch(accounts, ids)).to.deep.equal([
        100n * UNIT,
        0n,
        0n,
        100n * UNIT,
        0n,
        0n,
        70n * UNIT,
        0n,
      ]);
      expect(await ledger.balanceOfBatch([], [])).to.deep.equal([]);
    });

    it("reverts balanceOfBatch with IssuanceBatchInvalid when the arrays differ in length", async function () {
      const { ledger, id, households } = await loadFixture(fixture);
      const account = householdAccountOf(households[0].householdRef);
      await expect(ledger.balanceOfBatch([account, account], [id]))
        .to.be.revertedWithCustomError(ledger, "IssuanceBatchInvalid")
        .withArgs(2, 1);
    });

    it("reads zero for an unknown programme, another period, a stranger and the zero address", async function () {
      const { ledger, id, programmeId, period, stranger, households } = await loadFixture(fixture);
      const account = householdAccountOf(households[0].householdRef);
      expect(await ledger.balanceOf(account, entitlementIdOf(99, period))).to.equal(0);
      expect(await ledger.balanceOf(account, entitlementIdOf(programmeId, period + 1n))).to.equal(0);
      expect(await ledger.balanceOf(account, programmeId)).to.equal(0);
      expect(await ledger.balanceOf(stranger.address, id)).to.equal(0);
      expect(await ledger.balanceOf(ethers.ZeroAddress, id)).to.equal(0);
    });

    it("exposes the household account and the id as views that agree with the registry", async function () {
      const { ledger, registry, programmeId, households } = await loadFixture(fixture);
      const ref = households[0].householdRef;
      expect(await ledger.householdAccount(ref)).to.equal(householdAccountOf(ref));
      expect(await registry.householdAccount(ref)).to.equal(householdAccountOf(ref));
      expect(await ledger.entitlementId(programmeId, 5)).to.equal((programmeId << 32n) | 5n);
    });

    it("keeps a period's balance when the period turns: the old id is no longer redeemable, no event needed", async function () {
      const { ledger, vendor, programmeId, households, id, period, memberWallets } =
        await loadFixture(fixture);
      const [h1] = households;
      const receipt = await receiptFor(
        ledger,
        programmeId,
        h1.householdRef,
        h1.members[0],
        vendor,
        10n * UNIT,
        { deadline: BigInt((await time.latest()) + 2 * PERIOD) },
      );
      await time.increase(PERIOD);
      expect(await ledger.balanceOf(householdAccountOf(h1.householdRef), id)).to.equal(100n * UNIT);
      expect(await entitlementOf(ledger, h1.householdRef, programmeId)).to.equal(0);
      await expect(redeemSigned(ledger, vendor, h1.members[0].wallet, receipt))
        .to.be.revertedWithCustomError(ledger, "ReceiptNonceInvalid")
        .withArgs(receipt.nonce);
      expect(await entitlementOf(ledger, h1.householdRef, programmeId, period)).to.equal(100n * UNIT);
      await expectBalancesMatchEvents(ledger, memberWallets);
    });

    it("keeps the balance on the household's account through a rebind and a member's suspension", async function () {
      const { ledger, registry, registrar, programmeId, households, spareWallets, memberWallets } =
        await loadFixture(fixture);
      const member = households[0].members[0];
      const [newWallet] = spareWallets;
      await registry
        .connect(registrar)
        .rebindWallet(member.beneficiaryRef, newWallet.address, ethers.id("lost"));
      await registry
        .connect(registrar)
        .setStatus(households[0].members[1].beneficiaryRef, BeneficiaryStatus.Suspended);
      expect(await entitlementOf(ledger, households[0].householdRef, programmeId)).to.equal(100n * UNIT);
      await expectBalancesMatchEvents(ledger, [...memberWallets, newWallet.address]);
    });
  });

  describe("TransferSingle", function () {
    it("burns redemptions from the household's account, so events rebuild every balance", async function () {
      const { ledger, vendor, programmeId, households, id, memberWallets } = await loadFixture(fixture);
      const [h1] = households;
      for (const [member, amount] of [
        [h1.members[0], 30n * UNIT],
        [h1.members[1], 20n * UNIT],
      ] as const) {
        await expect(
          redeemSigned(
            ledger,
            vendor,
            member.wallet,
            await receiptFor(ledger, programmeId, h1.householdRef, member, vendor, amount),
          ),
        )
          .to.emit(ledger, "TransferSingle")
          .withArgs(vendor.address, householdAccountOf(h1.householdRef), ethers.ZeroAddress, id, amount);
      }
      expect(await entitlementOf(ledger, h1.householdRef, programmeId)).to.equal(50n * UNIT);
      expect(await expectBalancesMatchEvents(ledger, memberWallets)).to.be.greaterThan(0);
    });
  });
});
