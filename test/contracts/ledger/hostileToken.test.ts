import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { HostileSettlementToken__factory } from "../../../typechain-types";
import {
  createProgramme,
  expectEscrowBalanced,
  issueTo,
  ledgerWorld,
  programmeParams,
  receiptFor,
  redeemSigned,
  passDisputeWindows,
} from "../helpers/ledger";
import { UNIT } from "../helpers/system";

/**
 * The ledger against a settlement token that misbehaves: one that keeps a fee out of `transferFrom`, and one
 * that calls back into the ledger in the middle of a transfer. Nothing may be booked that did not arrive,
 * and no money-moving function may be entered twice.
 */
describe("AidLedger: a hostile settlement token", function () {
  const GIFT = 200n * UNIT;
  const FEE = UNIT;

  /** Programme `hostileId` of `charity`, settled in the hostile token, with `vendor` allowed. */
  async function fixture() {
    const world = await ledgerWorld();
    const { ledger, charity, donor, vendor, deployer } = world;
    const hostile = await new HostileSettlementToken__factory(deployer).deploy();
    const hostileId = await createProgramme(
      ledger,
      charity,
      await programmeParams(hostile, { vendors: [vendor.address] }),
    );
    const ledgerAddress = await ledger.getAddress();
    for (const payer of [donor, charity]) {
      await hostile.mint(payer.address, 10n * GIFT);
      await hostile.connect(payer).approve(ledgerAddress, ethers.MaxUint256);
    }
    return { ...world, hostile, hostileId, ledgerAddress };
  }

  type Fixture = Awaited<ReturnType<typeof fixture>>;

  /** Gives `GIFT`, issues 50 to household 1 and redeems 30 of it at `vendor`: the vendor is owed 30. */
  async function fundedAndRedeemed(world: Fixture) {
    const { ledger, donor, charity, vendor, hostileId, households } = world;
    await ledger.connect(donor).give(hostileId, GIFT, ethers.ZeroHash, ethers.ZeroAddress, 0);
    const [h1] = households;
    await issueTo(ledger, charity, hostileId, [h1], 50n * UNIT);
    const receipt = await receiptFor(ledger, hostileId, h1.householdRef, h1.members[0], vendor, 30n * UNIT);
    await redeemSigned(ledger, vendor, h1.members[0].wallet, receipt);
    expect(await ledger.owedTo(hostileId, vendor.address)).to.equal(30n * UNIT);
  }

  describe("a fee kept out of transferFrom", function () {
    it("reverts give with TokenTransferMismatch and books nothing", async function () {
      const { ledger, hostile, donor, hostileId, ledgerAddress } = await loadFixture(fixture);
      await hostile.setFeeOnTransferFrom(FEE);
      const giftCount = await ledger.giftCount();
      await expect(ledger.connect(donor).give(hostileId, GIFT, ethers.ZeroHash, ethers.ZeroAddress, 0))
        .to.be.revertedWithCustomError(ledger, "TokenTransferMismatch")
        .withArgs(GIFT, GIFT - FEE);
      expect(await ledger.giftCount()).to.equal(giftCount);
      expect((await ledger.fundsOf(hostileId)).given).to.equal(0n);
      expect(await hostile.balanceOf(ledgerAddress)).to.equal(0n);
      expect(await hostile.balanceOf(donor.address)).to.equal(10n * GIFT);
    });

    it("reverts recordGift with TokenTransferMismatch and books nothing", async function () {
      const { ledger, hostile, charity, hostileId, ledgerAddress } = await loadFixture(fixture);
      await hostile.setFeeOnTransferFrom(FEE);
      await expect(
        ledger
          .connect(charity)
          .recordGift(hostileId, ethers.id("donor ref: cash gift 1"), GIFT, ethers.ZeroHash, 0),
      )
        .to.be.revertedWithCustomError(ledger, "TokenTransferMismatch")
        .withArgs(GIFT, GIFT - FEE);
      expect((await ledger.fundsOf(hostileId)).given).to.equal(0n);
      expect(await hostile.balanceOf(ledgerAddress)).to.equal(0n);
    });
  });

  describe("a transfer that calls back into the ledger", function () {
    it("reverts give with ReentrancyGuardReentrantCall when the token re-enters give", async function () {
      const { ledger, hostile, donor, hostileId, ledgerAddress } = await loadFixture(fixture);
      const again = ledger.interface.encodeFunctionData("give", [
        hostileId,
        GIFT,
        ethers.ZeroHash,
        ethers.ZeroAddress,
        0,
      ]);
      await hostile.setHook(ledgerAddress, again);
      await expect(
        ledger.connect(donor).give(hostileId, GIFT, ethers.ZeroHash, ethers.ZeroAddress, 0),
      ).to.be.revertedWithCustomError(ledger, "ReentrancyGuardReentrantCall");
      expect((await ledger.fundsOf(hostileId)).given).to.equal(0n);
      expect(await hostile.balanceOf(ledgerAddress)).to.equal(0n);
    });

    it("reverts recordGift with ReentrancyGuardReentrantCall when the token re-enters recordGift", async function () {
      const { ledger, hostile, charity, hostileId, ledgerAddress } = await loadFixture(fixture);
      const args = [hostileId, ethers.id("donor ref: cash gift 2"), GIFT, ethers.ZeroHash, 0] as const;
      await hostile.setHook(ledgerAddress, ledger.interface.encodeFunctionData("recordGift", [...args]));
      await expect(ledger.connect(charity).recordGift(...args)).to.be.revertedWithCustomError(
        ledger,
        "ReentrancyGuardReentrantCall",
      );
      expect((await ledger.fundsOf(hostileId)).given).to.equal(0n);
    });

    it("reverts collectSettlement with ReentrancyGuardReentrantCall when the token re-enters it, keeping the credit", async function () {
      const world = await loadFixture(fixture);
      const { ledger, hostile, vendor, hostileId, ledgerAddress } = world;
      await fundedAndRedeemed(world);
      await passDisputeWindows();
      const collect = ledger.interface.encodeFunctionData("collectSettlement", [hostileId, vendor.address]);
      await hostile.setHook(ledgerAddress, collect);
      await expect(
        ledger.connect(vendor).collectSettlement(hostileId, vendor.address),
      ).to.be.revertedWithCustomError(ledger, "ReentrancyGuardReentrantCall");
      expect(await ledger.owedTo(hostileId, vendor.address)).to.equal(30n * UNIT);
      expect((await ledger.fundsOf(hostileId)).collected).to.equal(0n);
      expect(await hostile.balanceOf(vendor.address)).to.equal(0n);

      await hostile.setHook(ethers.ZeroAddress, "0x");
      await ledger.connect(vendor).collectSettlement(hostileId, vendor.address);
      expect(await hostile.balanceOf(vendor.address)).to.equal(30n * UNIT);
      await expectEscrowBalanced(ledger);
    });

    it("reverts settleUnspent with ReentrancyGuardReentrantCall when the refund re-enters it, refunding nothing", async function () {
      const world = await loadFixture(fixture);
      const { ledger, hostile, donor, vendor, hostileId, ledgerAddress } = world;
      await fundedAndRedeemed(world);
      const giftId = await ledger.giftCount();
      await time.increaseTo((await ledger.programme(hostileId)).endsAt);
      const settle = ledger.interface.encodeFunctionData("settleUnspent", [giftId]);
      await hostile.setHook(ledgerAddress, settle);
      const donorBefore = await hostile.balanceOf(donor.address);
      await expect(ledger.settleUnspent(giftId)).to.be.revertedWithCustomError(
        ledger,
        "ReentrancyGuardReentrantCall",
      );
      expect((await ledger.gift(giftId)).refunded).to.equal(0n);
      expect(await hostile.balanceOf(donor.address)).to.equal(donorBefore);

      await hostile.setHook(ethers.ZeroAddress, "0x");
      await ledger.settleUnspent(giftId);
      expect(await hostile.balanceOf(donor.address)).to.equal(donorBefore + GIFT - 30n * UNIT);
      // The vendor's credit was not part of the refund: it is still held for the vendor.
      expect(await hostile.balanceOf(ledgerAddress)).to.equal(30n * UNIT);
      expect(await ledger.owedTo(hostileId, vendor.address)).to.equal(30n * UNIT);
      await expectEscrowBalanced(ledger);
    });
  });
});
