import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  DISPUTE_WINDOW,
  createProgramme,
  creditWindowClosesAt,
  expectEscrowBalanced,
  issueTo,
  ledgerWorld,
  programmeParams,
  receiptFor,
  redeemSigned,
  passDisputeWindows,
} from "../helpers/ledger";
import { DAY, LicenceKind, PERIOD, UNIT } from "../helpers/system";

describe("AidLedger: vendors collect their settlements", function () {
  const ISSUED = 100n * UNIT;
  const SECOND_GIFT = 500n * UNIT;

  /**
   * Programme 1 (from ledgerWorld, 1,000 given) with `vendor` and `vendor2` allowed and households 1-3
   * covered for 100 each; programme 2, run by `charity2` without a group, with both vendors allowed, 500
   * given by `donor2` and household 1 covered for 100. Nothing redeemed yet.
   */
  async function fixture() {
    const world = await ledgerWorld();
    const { ledger, token, charity, charity2, vendor, vendor2, donor2, programmeId, households } = world;
    await ledger.connect(charity).setVendorsAllowed(programmeId, [vendor2.address], true);
    await issueTo(ledger, charity, programmeId, households, ISSUED);
    const otherProgrammeId = await createProgramme(
      ledger,
      charity2,
      await programmeParams(token, { vendors: [vendor.address, vendor2.address] }),
    );
    await ledger.connect(donor2).give(otherProgrammeId, SECOND_GIFT, ethers.ZeroHash, ethers.ZeroAddress, 0);
    await issueTo(ledger, charity2, otherProgrammeId, [households[0]], ISSUED);
    return { ...world, otherProgrammeId, ledgerAddress: await ledger.getAddress() };
  }

  type Fixture = Awaited<ReturnType<typeof fixture>>;

  /** Redeems `amount` of household `index`'s entitlement in `programmeId` at `vendor`, at its current nonce. */
  async function redeemAt(
    world: Fixture,
    programmeId: bigint,
    index: number,
    vendor: HardhatEthersSigner,
    amount: bigint,
  ) {
    const household = world.households[index];
    const member = household.members[0];
    const receipt = await receiptFor(
      world.ledger,
      programmeId,
      household.householdRef,
      member,
      vendor,
      amount,
    );
    return redeemSigned(world.ledger, vendor, member.wallet, receipt);
  }

  /**
   * The money identity of pull payments: the ledger holds, in the settlement token, the sum over programmes
   * of `given - refunded - collected` (expectEscrowBalanced); and in each programme what was paid but not
   * collected is exactly what the two vendors are owed.
   */
  async function expectLedgerHoldsUncollected(world: Fixture): Promise<void> {
    const { ledger, vendor, vendor2 } = world;
    await expectEscrowBalanced(ledger);
    for (let id = 1n; id <= (await ledger.programmeCount()); id++) {
      const funds = await ledger.fundsOf(id);
      const owed = (await ledger.owedTo(id, vendor.address)) + (await ledger.owedTo(id, vendor2.address));
      expect(funds.paid - funds.collected, `programme ${id}: paid - collected`).to.equal(owed);
    }
  }

  describe("collecting", function () {
    it("pays the caller its whole credit when `to` is zero, zeroing owedTo and counting it as collected", async function () {
      const world = await loadFixture(fixture);
      const { ledger, token, vendor, programmeId, ledgerAddress, giftAmount } = world;
      await redeemAt(world, programmeId, 0, vendor, 40n * UNIT);
      expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(40n * UNIT);
      await passDisputeWindows();
      expect(
        await ledger.connect(vendor).collectSettlement.staticCall(programmeId, ethers.ZeroAddress),
      ).to.equal(40n * UNIT);

      const tx = await ledger.connect(vendor).collectSettlement(programmeId, ethers.ZeroAddress);
      await expect(tx)
        .to.emit(ledger, "SettlementCollected")
        .withArgs(programmeId, vendor.address, vendor.address, 40n * UNIT);
      await expect(tx)
        .to.emit(token, "Transfer")
        .withArgs(ledgerAddress, vendor.address, 40n * UNIT);
      await expect(tx).to.changeTokenBalances(
        token,
        [ledgerAddress, vendor.address],
        [-40n * UNIT, 40n * UNIT],
      );

      expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(0n);
      // given, paid, refunded, outstanding, available, collected, owed, held: the period has turned since.
      expect(await ledger.fundsOf(programmeId)).to.deep.equal([
        giftAmount,
        40n * UNIT,
        0n,
        0n,
        giftAmount - 40n * UNIT,
        40n * UNIT,
        0n,
        0n,
      ]);
      await expectLedgerHoldsUncollected(world);
    });

    it("pays another address when `to` is given, crediting the vendor nothing", async function () {
      const world = await loadFixture(fixture);
      const { ledger, token, vendor, stranger, programmeId, ledgerAddress } = world;
      await redeemAt(world, programmeId, 0, vendor, 40n * UNIT);
      await passDisputeWindows();
      const tx = await ledger.connect(vendor).collectSettlement(programmeId, stranger.address);
      await expect(tx)
        .to.emit(ledger, "SettlementCollected")
        .withArgs(programmeId, vendor.address, stranger.address, 40n * UNIT);
      await expect(tx).to.changeTokenBalances(
        token,
        [ledgerAddress, vendor.address, stranger.address],
        [-40n * UNIT, 0n, 40n * UNIT],
      );
      expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(0n);
      expect((await ledger.fundsOf(programmeId)).collected).to.equal(40n * UNIT);
      await expectLedgerHoldsUncollected(world);
    });

    it("accumulates the credit across redemptions and pays it in one transfer", async function () {
      const world = await loadFixture(fixture);
      const { ledger, token, vendor, programmeId, ledgerAddress } = world;
      await redeemAt(world, programmeId, 0, vendor, 30n * UNIT);
      await redeemAt(world, programmeId, 1, vendor, 20n * UNIT);
      await redeemAt(world, programmeId, 0, vendor, 10n * UNIT);
      expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(60n * UNIT);
      expect(await token.balanceOf(vendor.address)).to.equal(0n);
      await expectLedgerHoldsUncollected(world);

      await passDisputeWindows();
      const tx = await ledger.connect(vendor).collectSettlement(programmeId, ethers.ZeroAddress);
      await expect(tx)
        .to.emit(ledger, "SettlementCollected")
        .withArgs(programmeId, vendor.address, vendor.address, 60n * UNIT);
      await expect(tx).to.changeTokenBalances(
        token,
        [ledgerAddress, vendor.address],
        [-60n * UNIT, 60n * UNIT],
      );
      expect((await tx.wait())!.logs.filter((log) => log.address === ledgerAddress).length).to.equal(1);

      // Credit earned after a collection starts from zero and adds to what was collected.
      await issueTo(ledger, world.charity, programmeId, [world.households[2]], ISSUED);
      await redeemAt(world, programmeId, 2, vendor, 15n * UNIT);
      expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(15n * UNIT);
      await passDisputeWindows();
      await expect(ledger.connect(vendor).collectSettlement(programmeId, ethers.ZeroAddress))
        .to.emit(ledger, "SettlementCollected")
        .withArgs(programmeId, vendor.address, vendor.address, 15n * UNIT);
      const funds = await ledger.fundsOf(programmeId);
      expect([funds.paid, funds.collected]).to.deep.equal([75n * UNIT, 75n * UNIT]);
      expect(await token.balanceOf(vendor.address)).to.equal(75n * UNIT);
      await expectLedgerHoldsUncollected(world);
    });

    it("keeps credits per programme and per vendor", async function () {
      const world = await loadFixture(fixture);
      const { ledger, token, vendor, vendor2, programmeId, otherProgrammeId } = world;
      await redeemAt(world, programmeId, 0, vendor, 30n * UNIT);
      await redeemAt(world, programmeId, 1, vendor2, 20n * UNIT);
      await redeemAt(world, otherProgrammeId, 0, vendor, 45n * UNIT);
      const owedGrid = async () => [
        await ledger.owedTo(programmeId, vendor.address),
        await ledger.owedTo(programmeId, vendor2.address),
        await ledger.owedTo(otherProgrammeId, vendor.address),
        await ledger.owedTo(otherProgrammeId, vendor2.address),
      ];
      expect(await owedGrid()).to.deep.equal([30n * UNIT, 20n * UNIT, 45n * UNIT, 0n]);
      await expectLedgerHoldsUncollected(world);
      await passDisputeWindows();

      await ledger.connect(vendor).collectSettlement(programmeId, ethers.ZeroAddress);
      expect(await owedGrid()).to.deep.equal([0n, 20n * UNIT, 45n * UNIT, 0n]);
      expect(await token.balanceOf(vendor.address)).to.equal(30n * UNIT);
      expect((await ledger.fundsOf(programmeId)).collected).to.equal(30n * UNIT);
      expect((await ledger.fundsOf(otherProgrammeId)).collected).to.equal(0n);
      await expectLedgerHoldsUncollected(world);

      await expect(ledger.connect(vendor2).collectSettlement(programmeId, ethers.ZeroAddress))
        .to.emit(ledger, "SettlementCollected")
        .withArgs(programmeId, vendor2.address, vendor2.address, 20n * UNIT);
      await expect(ledger.connect(vendor).collectSettlement(otherProgrammeId, ethers.ZeroAddress))
        .to.emit(ledger, "SettlementCollected")
        .withArgs(otherProgrammeId, vendor.address, vendor.address, 45n * UNIT);
      expect(await owedGrid()).to.deep.equal([0n, 0n, 0n, 0n]);
      expect(await token.balanceOf(vendor.address)).to.equal(75n * UNIT);
      expect(await token.balanceOf(vendor2.address)).to.equal(20n * UNIT);
      expect((await ledger.fundsOf(programmeId)).collected).to.equal(50n * UNIT);
      expect((await ledger.fundsOf(otherProgrammeId)).collected).to.equal(45n * UNIT);
      await expectLedgerHoldsUncollected(world);
    });
  });

  describe("the dispute window", function () {
    it("refuses with SettlementNotReleased until the window of the redemption's period closes, then pays", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, programmeId } = world;
      await redeemAt(world, programmeId, 0, vendor, 40n * UNIT);
      const closesAt = creditWindowClosesAt(await time.latest());
      // A 30-day period settles alone: its credit is released 14 days after the period ends.
      expect(closesAt).to.equal((Number(world.period) + 1) * PERIOD + DISPUTE_WINDOW);
      const credit = await ledger.creditOf(programmeId, vendor.address);
      expect([
        credit.collectable,
        credit.pendingLatest,
        credit.latestWindowClosesAt,
        credit.held,
      ]).to.deep.equal([0n, 40n * UNIT, BigInt(closesAt), 0n]);
      await expect(ledger.connect(vendor).collectSettlement(programmeId, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(ledger, "SettlementNotReleased")
        .withArgs(programmeId, vendor.address, closesAt);
      // Still refused at the window's last second, when the redemption may still be flagged.
      await time.setNextBlockTimestamp(closesAt);
      await expect(ledger.connect(vendor).collectSettlement(programmeId, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(ledger, "SettlementNotReleased")
        .withArgs(programmeId, vendor.address, closesAt);
      expect((await ledger.creditOf(programmeId, vendor.address)).collectable).to.equal(0n);
      // The next second the credit is collectable.
      await expect(ledger.connect(vendor).collectSettlement(programmeId, ethers.ZeroAddress))
        .to.emit(ledger, "SettlementCollected")
        .withArgs(programmeId, vendor.address, vendor.address, 40n * UNIT);
      await expectLedgerHoldsUncollected(world);
    });

    it("keeps an earlier period's credit pending beside the latest one and releases each in turn", async function () {
      const world = await loadFixture(fixture);
      const { ledger, charity, vendor, programmeId, households } = world;
      await redeemAt(world, programmeId, 0, vendor, 40n * UNIT);
      const firstClosesAt = creditWindowClosesAt(await time.latest());
      // The vendor's first redemption of the next period rolls its account: the 40 stays pending.
      await time.increaseTo((Number(world.period) + 1) * PERIOD + DAY);
      await issueTo(ledger, charity, programmeId, [households[1]], ISSUED);
      await redeemAt(world, programmeId, 1, vendor, 25n * UNIT);
      const secondClosesAt = creditWindowClosesAt(await time.latest());
      let credit = await ledger.creditOf(programmeId, vendor.address);
      expect([
        credit.collectable,
        credit.pendingEarlier,
        credit.earlierWindowClosesAt,
        credit.pendingLatest,
        credit.latestWindowClosesAt,
      ]).to.deep.equal([0n, 40n * UNIT, BigInt(firstClosesAt), 25n * UNIT, BigInt(secondClosesAt)]);
      await expect(ledger.connect(vendor).collectSettlement(programmeId, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(ledger, "SettlementNotReleased")
        .withArgs(programmeId, vendor.address, firstClosesAt);

      await time.increaseTo(firstClosesAt + 1);
      await expect(ledger.connect(vendor).collectSettlement(programmeId, ethers.ZeroAddress))
        .to.emit(ledger, "SettlementCollected")
        .withArgs(programmeId, vendor.address, vendor.address, 40n * UNIT);
      credit = await ledger.creditOf(programmeId, vendor.address);
      expect([credit.collectable, credit.pendingEarlier, credit.pendingLatest]).to.deep.equal([
        0n,
        0n,
        25n * UNIT,
      ]);
      await expect(ledger.connect(vendor).collectSettlement(programmeId, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(ledger, "SettlementNotReleased")
        .withArgs(programmeId, vendor.address, secondClosesAt);
      await time.increaseTo(secondClosesAt + 1);
      await expect(ledger.connect(vendor).collectSettlement(programmeId, ethers.ZeroAddress))
        .to.emit(ledger, "SettlementCollected")
        .withArgs(programmeId, vendor.address, vendor.address, 25n * UNIT);
      await expectLedgerHoldsUncollected(world);
    });

    it("settles short periods in groups at least a window long, so a vendor redeeming daily is still paid", async function () {
      const world = await loadFixture(fixture);
      const { ledger, token, charity, donor, vendor, households } = world;
      const params = await programmeParams(token, {
        periodLength: DAY,
        endsAt: (await time.latest()) + 90 * DAY,
        vendors: [vendor.address],
      });
      const daily = await createProgramme(ledger, charity, params);
      await ledger.connect(donor).give(daily, 500n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0);
      // One redemption a day for 30 days: with 14 one-day periods per group, each group's credit is released
      // 14 days after that group ends although the vendor never stops redeeming. Where the groups fall depends
      // on the day the test starts, so the expectation adds up each redemption whose window has closed.
      const closesAt: bigint[] = [];
      for (let day = 0; day < 30; day++) {
        await issueTo(ledger, charity, daily, [households[0]], 10n * UNIT);
        await redeemAt(world, daily, 0, vendor, 10n * UNIT);
        closesAt.push(BigInt(creditWindowClosesAt(await time.latest(), DAY)));
        await time.increase(DAY);
      }
      const now = BigInt(await time.latest());
      const released = BigInt(closesAt.filter((at) => at < now).length) * 10n * UNIT;
      // At least the first group (up to 14 days, ending at the latest on day 14) was released by day 30.
      expect(released).to.be.greaterThan(0n);
      expect(released).to.be.lessThan(300n * UNIT);
      const credit = await ledger.creditOf(daily, vendor.address);
      expect(credit.collectable).to.equal(released);
      expect(credit.collectable + credit.pendingEarlier + credit.pendingLatest).to.equal(300n * UNIT);
      await expect(ledger.connect(vendor).collectSettlement(daily, ethers.ZeroAddress))
        .to.emit(ledger, "SettlementCollected")
        .withArgs(daily, vendor.address, vendor.address, released);
    });
  });

  describe("money past 96 bits", function () {
    it("books, pays and collects lifetime totals past 2^96 from gifts, caps and receipts each below it", async function () {
      const world = await loadFixture(fixture);
      const { ledger, token, charity, donor, vendor, ledgerAddress } = world;
      // The largest item a lot, a cap or a coverage holds; a capped payment still touches few lots.
      const MAX = (1n << 96n) - 1n;
      const params = await programmeParams(token, {
        capPerPeriod: MAX,
        minGift: 1n << 91n,
        vendors: [vendor.address],
      });
      const wide = await createProgramme(ledger, charity, params);
      await token.mint(donor.address, 3n * MAX + (1n << 96n));
      await expect(ledger.connect(donor).give(wide, 1n << 96n, ethers.ZeroHash, ethers.ZeroAddress, 0))
        .to.be.revertedWithCustomError(ledger, "GiftTooLarge")
        .withArgs(1n << 96n);
      for (let i = 0; i < 3; i++) {
        await ledger.connect(donor).give(wide, MAX, ethers.ZeroHash, ethers.ZeroAddress, 0);
      }
      // Outstanding past 2^96: the 96-bit book refused this issuance.
      await issueTo(ledger, charity, wide, world.households.slice(0, 2), MAX);
      expect((await ledger.fundsOf(wide)).outstanding).to.equal(2n * MAX);
      await redeemAt(world, wide, 0, vendor, MAX);
      // The second redemption takes `paid`, and the vendor's credit, past 2^96.
      await redeemAt(world, wide, 1, vendor, MAX);
      expect(await ledger.fundsOf(wide)).to.deep.equal([3n * MAX, 2n * MAX, 0n, 0n, MAX, 0n, 2n * MAX, 0n]);
      expect(await ledger.owedTo(wide, vendor.address)).to.equal(2n * MAX);
      await passDisputeWindows();
      await expect(ledger.connect(vendor).collectSettlement(wide, ethers.ZeroAddress)).to.changeTokenBalances(
        token,
        [ledgerAddress, vendor.address],
        [-2n * MAX, 2n * MAX],
      );
      expect((await ledger.fundsOf(wide)).collected).to.equal(2n * MAX);
      await expectLedgerHoldsUncollected(world);
    });
  });

  describe("nothing owed", function () {
    it("reverts with SettlementNothingOwed for a vendor that redeemed nothing, in any programme", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, vendor2, stranger, programmeId, otherProgrammeId } = world;
      await redeemAt(world, programmeId, 0, vendor, 40n * UNIT);
      for (const [id, caller] of [
        [programmeId, vendor2],
        [programmeId, stranger],
        // Owed in programme 1 is not owed in programme 2.
        [otherProgrammeId, vendor],
        // An unknown programme owes nobody anything.
        [99n, vendor],
      ] as const) {
        await expect(ledger.connect(caller).collectSettlement(id, ethers.ZeroAddress))
          .to.be.revertedWithCustomError(ledger, "SettlementNothingOwed")
          .withArgs(id, caller.address);
      }
      expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(40n * UNIT);
      expect((await ledger.fundsOf(programmeId)).collected).to.equal(0n);
      await expectLedgerHoldsUncollected(world);
    });

    it("reverts with SettlementNothingOwed on a second collection, moving nothing", async function () {
      const world = await loadFixture(fixture);
      const { ledger, token, vendor, stranger, programmeId, ledgerAddress } = world;
      await redeemAt(world, programmeId, 0, vendor, 40n * UNIT);
      await passDisputeWindows();
      await ledger.connect(vendor).collectSettlement(programmeId, ethers.ZeroAddress);
      const [held, vendorBalance] = [
        await token.balanceOf(ledgerAddress),
        await token.balanceOf(vendor.address),
      ];
      for (const to of [ethers.ZeroAddress, stranger.address]) {
        await expect(ledger.connect(vendor).collectSettlement(programmeId, to))
          .to.be.revertedWithCustomError(ledger, "SettlementNothingOwed")
          .withArgs(programmeId, vendor.address);
      }
      expect(await token.balanceOf(ledgerAddress)).to.equal(held);
      expect(await token.balanceOf(vendor.address)).to.equal(vendorBalance);
      expect(await token.balanceOf(stranger.address)).to.equal(0n);
      expect((await ledger.fundsOf(programmeId)).collected).to.equal(40n * UNIT);
    });
  });

  describe("the recipient", function () {
    it("reverts with SettlementRecipientInvalid for the ledger itself, keeping the credit", async function () {
      const world = await loadFixture(fixture);
      const { ledger, token, vendor, programmeId, ledgerAddress } = world;
      await redeemAt(world, programmeId, 0, vendor, 40n * UNIT);
      await passDisputeWindows();
      const held = await token.balanceOf(ledgerAddress);
      await expect(ledger.connect(vendor).collectSettlement(programmeId, ledgerAddress))
        .to.be.revertedWithCustomError(ledger, "SettlementRecipientInvalid")
        .withArgs(ledgerAddress);
      expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(40n * UNIT);
      expect((await ledger.fundsOf(programmeId)).collected).to.equal(0n);
      expect(await token.balanceOf(ledgerAddress)).to.equal(held);
      await expectLedgerHoldsUncollected(world);
    });
  });

  describe("earned money stays collectable", function () {
    /** Asserts that `vendor` collects exactly its 40-unit credit from programme 1 and the books follow. */
    async function expectCollects(world: Fixture) {
      const { ledger, token, vendor, programmeId, ledgerAddress } = world;
      expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(40n * UNIT);
      await passDisputeWindows();
      const tx = await ledger.connect(vendor).collectSettlement(programmeId, ethers.ZeroAddress);
      await expect(tx)
        .to.emit(ledger, "SettlementCollected")
        .withArgs(programmeId, vendor.address, vendor.address, 40n * UNIT);
      await expect(tx).to.changeTokenBalances(
        token,
        [ledgerAddress, vendor.address],
        [-40n * UNIT, 40n * UNIT],
      );
      expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(0n);
      expect((await ledger.fundsOf(programmeId)).collected).to.equal(40n * UNIT);
      await expectLedgerHoldsUncollected(world);
    }

    it("after the programme is paused, while redemption is refused", async function () {
      const world = await loadFixture(fixture);
      const { ledger, charity, vendor, programmeId } = world;
      await redeemAt(world, programmeId, 0, vendor, 40n * UNIT);
      await ledger.connect(charity).setProgrammePaused(programmeId, true);
      await expect(redeemAt(world, programmeId, 1, vendor, 10n * UNIT))
        .to.be.revertedWithCustomError(ledger, "ProgrammeIsPaused")
        .withArgs(programmeId);
      await expectCollects(world);
    });

    it("after the programme is closed and its unspent gift refunded", async function () {
      const world = await loadFixture(fixture);
      const {
        ledger,
        token,
        charity,
        vendor,
        donor,
        stranger,
        programmeId,
        giftId,
        giftAmount,
        ledgerAddress,
      } = world;
      await redeemAt(world, programmeId, 0, vendor, 40n * UNIT);
      await ledger.connect(charity).closeProgramme(programmeId);
      // The refund returns only what was not paid: the vendor's uncollected credit stays in the ledger.
      await expect(ledger.connect(stranger).settleUnspent(giftId)).to.changeTokenBalances(
        token,
        [ledgerAddress, donor.address],
        [-(giftAmount - 40n * UNIT), giftAmount - 40n * UNIT],
      );
      const funds = await ledger.fundsOf(programmeId);
      expect([funds.given, funds.paid, funds.refunded, funds.collected]).to.deep.equal([
        giftAmount,
        40n * UNIT,
        giftAmount - 40n * UNIT,
        0n,
      ]);
      expect(await token.balanceOf(ledgerAddress)).to.equal(SECOND_GIFT + 40n * UNIT);
      await expectLedgerHoldsUncollected(world);
      await expectCollects(world);
      // Programme 1's money is all out: the ledger holds programme 2's gift only.
      expect(await token.balanceOf(ledgerAddress)).to.equal(SECOND_GIFT);
    });

    it("after the programme has run to its end", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, programmeId } = world;
      await redeemAt(world, programmeId, 0, vendor, 40n * UNIT);
      const { endsAt } = await ledger.programme(programmeId);
      await time.increaseTo(endsAt);
      await expect(redeemAt(world, programmeId, 1, vendor, 10n * UNIT))
        .to.be.revertedWithCustomError(ledger, "ProgrammeHasEnded")
        .withArgs(programmeId, endsAt);
      await expectCollects(world);
    });

    it("after the vendor is disallowed in the programme", async function () {
      const world = await loadFixture(fixture);
      const { ledger, charity, vendor, programmeId } = world;
      await redeemAt(world, programmeId, 0, vendor, 40n * UNIT);
      await ledger.connect(charity).setVendorsAllowed(programmeId, [vendor.address], false);
      expect(await ledger.isVendorAllowed(programmeId, vendor.address)).to.equal(false);
      await expect(redeemAt(world, programmeId, 1, vendor, 10n * UNIT))
        .to.be.revertedWithCustomError(ledger, "VendorUnauthorized")
        .withArgs(programmeId, vendor.address);
      await expectCollects(world);
      // Re-allowing the vendor leaves it with nothing owed: the credit was paid once.
      await ledger.connect(charity).setVendorsAllowed(programmeId, [vendor.address], true);
      expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(0n);
    });

    it("keeps a disallowed vendor's credit through re-allowance", async function () {
      const world = await loadFixture(fixture);
      const { ledger, charity, vendor, programmeId } = world;
      await redeemAt(world, programmeId, 0, vendor, 40n * UNIT);
      await ledger.connect(charity).setVendorsAllowed(programmeId, [vendor.address], false);
      await ledger.connect(charity).setVendorsAllowed(programmeId, [vendor.address], true);
      expect(await ledger.isVendorAllowed(programmeId, vendor.address)).to.equal(true);
      await expectCollects(world);
    });

    for (const change of ["suspended", "revoked"] as const) {
      it(`after the vendor's licence is ${change}`, async function () {
        const world = await loadFixture(fixture);
        const { ledger, licences, regulator, vendor, programmeId } = world;
        await redeemAt(world, programmeId, 0, vendor, 40n * UNIT);
        const asRegulator = licences.connect(regulator);
        const reason = ethers.id("misconduct");
        if (change === "suspended")
          await asRegulator.suspendLicence(vendor.address, LicenceKind.Vendor, reason);
        else await asRegulator.revokeLicence(vendor.address, LicenceKind.Vendor, reason);
        expect(await licences.isActive(vendor.address, LicenceKind.Vendor)).to.equal(false);
        await expect(redeemAt(world, programmeId, 1, vendor, 10n * UNIT))
          .to.be.revertedWithCustomError(ledger, "VendorUnauthorized")
          .withArgs(programmeId, vendor.address);
        await expectCollects(world);
      });
    }
  });

  it("keeps the ledger's balance equal to the sum of given - refunded - collected through a mixed history", async function () {
    const world = await loadFixture(fixture);
    const {
      ledger,
      token,
      charity,
      vendor,
      vendor2,
      donor,
      stranger,
      programmeId,
      otherProgrammeId,
      giftId,
    } = world;
    const { ledgerAddress, giftAmount } = world;
    await expectLedgerHoldsUncollected(world);
    expect(await token.balanceOf(ledgerAddress)).to.equal(giftAmount + SECOND_GIFT);

    await redeemAt(world, programmeId, 0, vendor, 25n * UNIT);
    await redeemAt(world, programmeId, 1, vendor2, 35n * UNIT);
    await redeemAt(world, otherProgrammeId, 0, vendor2, 55n * UNIT);
    await expectLedgerHoldsUncollected(world);
    expect(await token.balanceOf(ledgerAddress)).to.equal(giftAmount + SECOND_GIFT);

    await passDisputeWindows();
    await ledger.connect(vendor2).collectSettlement(otherProgrammeId, stranger.address);
    await expectLedgerHoldsUncollected(world);
    await ledger.connect(donor).give(programmeId, 20n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0);
    await issueTo(ledger, charity, programmeId, [world.households[0]], ISSUED);
    await redeemAt(world, programmeId, 0, vendor, 5n * UNIT);
    await expectLedgerHoldsUncollected(world);

    await ledger.connect(charity).closeProgramme(programmeId);
    await ledger.connect(stranger).settleUnspent(giftId);
    await ledger.connect(stranger).settleUnspent(giftId + 2n);
    await expectLedgerHoldsUncollected(world);
    // Programme 1 holds exactly its vendors' uncollected credit: 30 for vendor, 35 for vendor2.
    const funds = await ledger.fundsOf(programmeId);
    expect(funds.given - funds.refunded - funds.collected).to.equal(65n * UNIT);

    await passDisputeWindows();
    await ledger.connect(vendor).collectSettlement(programmeId, ethers.ZeroAddress);
    await ledger.connect(vendor2).collectSettlement(programmeId, ethers.ZeroAddress);
    await expectLedgerHoldsUncollected(world);
    expect(await token.balanceOf(ledgerAddress)).to.equal(SECOND_GIFT - 55n * UNIT);
    expect(await token.balanceOf(vendor.address)).to.equal(30n * UNIT);
    expect(await token.balanceOf(vendor2.address)).to.equal(35n * UNIT);
    expect(await token.balanceOf(stranger.address)).to.equal(55n * UNIT);
  });
});
