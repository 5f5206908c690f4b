import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  createProgramme,
  expectEscrowBalanced,
  firstMemberReceipt,
  giftSpentLogs,
  issueTo,
  ledgerWorld,
  programmeParams,
  redeemSigned,
} from "../helpers/ledger";
import { DAY, FOOD, Layer, LicenceKind, LicenceStatus, Outflow, PERIOD, UNIT } from "../helpers/system";
import { revokeForGood } from "../licensing/revocation";

describe("AidLedger: winding down a programme whose charity's licence is revoked", function () {
  const ISSUED = 100n * UNIT;
  const REDEEMED = 40n * UNIT;
  const REALLOCATED_GIFT = 200n * UNIT;
  const REASON = ethers.encodeBytes32String("charity-fraud");

  /**
   * Programme 1 (ledgerWorld) run by `charity`: gift 1 (1,000 from `donor`, refunded to the donor), gift 2
   * (200 from `donor2`, to be reallocated to programme 2, which `charity2` runs for twelve periods),
   * households 1-3 issued 100 each, and household 1 has redeemed 40 at `vendor`.
   */
  async function fixture() {
    const world = await ledgerWorld();
    const { ledger, token, charity, charity2, donor2, vendor, programmeId, households } = world;
    const now = await time.latest();
    const targetId = await createProgramme(
      ledger,
      charity2,
      await programmeParams(token, { startsAt: now, endsAt: now + 12 * PERIOD }),
    );
    await ledger
      .connect(donor2)
      .give(programmeId, REALLOCATED_GIFT, ethers.ZeroHash, ethers.ZeroAddress, targetId);
    await issueTo(ledger, charity, programmeId, households, ISSUED);
    const receipt = await firstMemberReceipt(world, REDEEMED);
    await redeemSigned(ledger, vendor, households[0].members[0].wallet, receipt);
    return { ...world, targetId, refundedGiftId: 1n, reallocatedGiftId: 2n };
  }

  it("closes the programme by the regulator, pays the vendor what it is owed and settles each gift as its donor chose", async function () {
    const world = await loadFixture(fixture);
    const { ledger, licences, token, regulator, charity, vendor, donor, donor2, stranger, households } =
      world;
    const { programmeId, targetId, refundedGiftId, reallocatedGiftId, giftAmount } = world;
    const ledgerAddress = await ledger.getAddress();
    const given = giftAmount + REALLOCATED_GIFT;

    // 1. The regulator revokes the charity's licence: proposed, then final after the delay.
    await revokeForGood(licences, regulator, charity.address, LicenceKind.Charity, REASON, stranger);
    expect((await licences.licenceOf(charity.address, LicenceKind.Charity)).status).to.equal(
      LicenceStatus.Revoked,
    );

    // 2. The revoked charity can no longer issue.
    await expect(issueTo(ledger, charity, programmeId, households.slice(1, 2), ISSUED))
      .to.be.revertedWithCustomError(ledger, "CharityUnlicensed")
      .withArgs(charity.address, Layer.Relief, FOOD);

    // 3. The regulator closes the programme: unredeemed entitlements expire back to the budget.
    const closedAt = (await time.latest()) + 10;
    await time.setNextBlockTimestamp(closedAt);
    await expect(ledger.connect(regulator).closeProgramme(programmeId))
      .to.emit(ledger, "ProgrammeClosed")
      .withArgs(programmeId, closedAt, regulator.address);
    expect((await ledger.programme(programmeId)).endsAt).to.equal(closedAt);
    // given, paid, refunded, outstanding, available, collected, owed, held.
    expect(await ledger.fundsOf(programmeId)).to.deep.equal([
      given,
      REDEEMED,
      0n,
      0n,
      given - REDEEMED,
      0n,
      REDEEMED,
      0n,
    ]);

    // 4. Well past the end, one period and any dispute window, the vendor collects what it is owed.
    await time.increaseTo(closedAt + PERIOD + 15 * DAY + DAY);
    expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(REDEEMED);
    const collect = await ledger.connect(vendor).collectSettlement(programmeId, ethers.ZeroAddress);
    await expect(collect)
      .to.emit(ledger, "SettlementCollected")
      .withArgs(programmeId, vendor.address, vendor.address, REDEEMED);
    await expect(collect).to.changeTokenBalances(token, [ledgerAddress, vendor], [-REDEEMED, REDEEMED]);
    expect(await ledger.owedTo(programmeId, vendor.address)).to.equal(0n);

    // 5. Gift 1 paid the redemption (first in, first out); the rest goes back to its donor.
    const refund = await ledger.connect(stranger).settleUnspent(refundedGiftId);
    const refunded = giftAmount - REDEEMED;
    expect(await giftSpentLogs(ledger, refund)).to.deep.equal([
      {
        giftId: refundedGiftId,
        programmeId,
        amount: refunded,
        kind: BigInt(Outflow.Refund),
        ref: ethers.zeroPadValue(donor.address, 32).toLowerCase(),
      },
    ]);
    await expect(refund).to.changeTokenBalances(token, [ledgerAddress, donor], [-refunded, refunded]);

    // 6. Gift 2 moves, whole, to the programme its donor named, as a new gift keeping the donor.
    const newGiftId = (await ledger.giftCount()) + 1n;
    const reallocation = await ledger.connect(stranger).settleUnspent(reallocatedGiftId);
    expect(await giftSpentLogs(ledger, reallocation)).to.deep.equal([
      {
        giftId: reallocatedGiftId,
        programmeId,
        amount: REALLOCATED_GIFT,
        kind: BigInt(Outflow.Reallocation),
        ref: ethers.toBeHex(newGiftId, 32),
      },
    ]);
    await expect(reallocation).to.changeTokenBalances(token, [ledgerAddress, donor2], [0n, 0n]);
    const moved = await ledger.gift(newGiftId);
    expect([moved.programmeId, moved.donor, moved.amount, moved.refundTo]).to.deep.equal([
      targetId,
      donor2.address,
      REALLOCATED_GIFT,
      donor2.address,
    ]);

    // 7. Nothing of the closed programme is left in escrow; the ledger holds only the reallocated gift.
    expect(await ledger.fundsOf(programmeId)).to.deep.equal([
      given,
      REDEEMED,
      given - REDEEMED,
      0n,
      0n,
      REDEEMED,
      0n,
      0n,
    ]);
    expect((await ledger.fundsOf(targetId)).given).to.equal(REALLOCATED_GIFT);
    expect(await token.balanceOf(ledgerAddress)).to.equal(REALLOCATED_GIFT);
    await expectEscrowBalanced(ledger);
    for (const giftId of [refundedGiftId, reallocatedGiftId]) {
      await expect(ledger.settleUnspent(giftId))
        .to.be.revertedWithCustomError(ledger, "GiftFullySettled")
        .withArgs(giftId);
    }
  });

  it("keeps the gifts in escrow until the regulator closes the programme, and refuses issuance from the proposal on", async function () {
    const world = await loadFixture(fixture);
    const { ledger, licences, regulator, charity, stranger, households, programmeId, refundedGiftId } = world;
    await licences.connect(regulator).revokeLicence(charity.address, LicenceKind.Charity, REASON);
    // The licence stops being active at the proposal, before the revocation is final.
    await expect(issueTo(ledger, charity, programmeId, households.slice(1, 2), ISSUED))
      .to.be.revertedWithCustomError(ledger, "CharityUnlicensed")
      .withArgs(charity.address, Layer.Relief, FOOD);
    await time.increaseTo((await licences.pendingRevocationOf(charity.address, LicenceKind.Charity)).finalAt);
    await licences.connect(stranger).finaliseRevocation(charity.address, LicenceKind.Charity);
    const { endsAt } = await ledger.programme(programmeId);
    await expect(ledger.connect(stranger).settleUnspent(refundedGiftId))
      .to.be.revertedWithCustomError(ledger, "ProgrammeStillRunning")
      .withArgs(programmeId, endsAt);
    await ledger.connect(regulator).closeProgramme(programmeId);
    await time.increase(PERIOD + 16 * DAY);
    await expect(ledger.connect(stranger).settleUnspent(refundedGiftId)).to.emit(ledger, "GiftSpent");
  });
});
