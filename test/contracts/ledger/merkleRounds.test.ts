import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { MerkleTree } from "../helpers/merkle";
import {
  createProgramme,
  entitlementIdOf,
  entitlementLeaf,
  entitlementOf,
  householdAccountOf,
  issueTo,
  ledgerWorld,
  programmeParams,
  receiptFor,
  redeemSigned,
} from "../helpers/ledger";
import { BeneficiaryStatus, PERIOD, UNIT, ref } from "../helpers/system";

describe("AidLedger: Merkle rounds and claims", function () {
  const ROUND_URI = "ipfs://bafy-round-1";

  async function fixture() {
    const world = await ledgerWorld();
    const { ledger, token, charity, charity2, donor2, households, programmeId, groupId } = world;
    const [h1, h2, h3] = households;
    const entries = [
      { beneficiaryRef: h1.members[0].beneficiaryRef, householdRef: h1.householdRef, amount: 50n * UNIT },
      { beneficiaryRef: h2.members[0].beneficiaryRef, householdRef: h2.householdRef, amount: 70n * UNIT },
      { beneficiaryRef: h3.members[0].beneficiaryRef, householdRef: h3.householdRef, amount: 30n * UNIT },
      // Leaves the contract must refuse even with a valid proof.
      { beneficiaryRef: ref("beneficiary", "unregistered"), householdRef: ref("household", 9), amount: UNIT },
      { beneficiaryRef: h1.members[1].beneficiaryRef, householdRef: h1.householdRef, amount: 150n * UNIT },
      { beneficiaryRef: h1.members[1].beneficiaryRef, householdRef: h1.householdRef, amount: 0n },
    ];
    const tree = new MerkleTree(
      entries.map((e) => entitlementLeaf(e.beneficiaryRef, e.householdRef, e.amount)),
    );
    const total = 150n * UNIT;
    await ledger.connect(charity).publishRound(programmeId, tree.root, total, 3, ROUND_URI);
    // Another charity's programme in the same exclusivity group.
    const charity2Id = await createProgramme(ledger, charity2, await programmeParams(token, { groupId }));
    await ledger.connect(donor2).give(charity2Id, 500n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0);
    return { ...world, entries, tree, total, roundId: 1n, charity2Id };
  }

  type Fixture = Awaited<ReturnType<typeof fixture>>;

  /** Claims entry `index` of round 1 as `caller` with its own proof. */
  function claimEntry(world: Fixture, index: number, caller = world.households[0].members[0].wallet) {
    const entry = world.entries[index];
    return world.ledger
      .connect(caller)
      .claim(world.roundId, entry.beneficiaryRef, entry.householdRef, entry.amount, world.tree.proof(index));
  }

  describe("publishRound", function () {
    it("records the round, reserves its total and emits RoundPublished", async function () {
      const { ledger, charity, programmeId, period, tree, total, giftAmount } = await loadFixture(fixture);
      expect(await ledger.round(1)).to.deep.equal([tree.root, programmeId, period, total, 0n]);
      expect(await ledger.fundsOf(programmeId)).to.deep.equal([
        giftAmount,
        0n,
        0n,
        total,
        giftAmount - total,
        0n,
        0n,
        0n,
      ]);

      const root = ethers.id("another root");
      await expect(
        ledger.connect(charity).publishRound(programmeId, root, 200n * UNIT, 1000, "ipfs://bafy-2"),
      )
        .to.emit(ledger, "RoundPublished")
        .withArgs(2, programmeId, period, root, 200n * UNIT, 1000, "ipfs://bafy-2");
      expect(await ledger.round(2)).to.deep.equal([root, programmeId, period, 200n * UNIT, 0n]);
      expect((await ledger.fundsOf(programmeId)).outstanding).to.equal(total + 200n * UNIT);
    });

    it("costs the same whatever the number of households in the round", async function () {
      const { ledger, charity, programmeId } = await loadFixture(fixture);
      const publish = async (count: number) => {
        const tx = await ledger
          .connect(charity)
          .publishRound(programmeId, ethers.id(`root ${count}`), UNIT, count, "");
        return (await tx.wait())!.gasUsed;
      };
      const small = await publish(1);
      const huge = await publish(4_000_000_000);
      // Only the calldata bytes of `count` differ; any per-household work would cost thousands.
      expect(huge > small ? huge - small : small - huge).to.be.lessThan(200n);
    });

    for (const [label, root, total, count] of [
      ["a zero root", ethers.ZeroHash, UNIT, 1],
      ["a zero total", ethers.id("root"), 0n, 1],
      ["a zero count", ethers.id("root"), UNIT, 0],
    ] as const) {
      it(`reverts with RoundInvalid for ${label}`, async function () {
        const { ledger, charity, programmeId } = await loadFixture(fixture);
        await expect(
          ledger.connect(charity).publishRound(programmeId, root, total, count, ""),
        ).to.be.revertedWithCustomError(ledger, "RoundInvalid");
      });
    }

    it("reverts with BudgetInsufficient when the total exceeds the free budget", async function () {
      const { ledger, charity, programmeId, giftAmount, total } = await loadFixture(fixture);
      const available = giftAmount - total;
      await expect(
        ledger.connect(charity).publishRound(programmeId, ethers.id("root"), available + 1n, 1, ""),
      )
        .to.be.revertedWithCustomError(ledger, "BudgetInsufficient")
        .withArgs(available, available + 1n);
    });

    it("reverts with ProgrammeIsPaused while the programme is paused", async function () {
      const { ledger, charity, programmeId } = await loadFixture(fixture);
      await ledger.connect(charity).setProgrammePaused(programmeId, true);
      await expect(ledger.connect(charity).publishRound(programmeId, ethers.id("root"), UNIT, 1, ""))
        .to.be.revertedWithCustomError(ledger, "ProgrammeIsPaused")
        .withArgs(programmeId);
    });

    it("reverts with RoundUnknown when reading a round that does not exist", async function () {
      const { ledger } = await loadFixture(fixture);
      await expect(ledger.round(99)).to.be.revertedWithCustomError(ledger, "RoundUnknown").withArgs(99);
    });
  });

  describe("claim", function () {
    it("lets the beneficiary's wallet claim, minting to the household's account and covering it", async function () {
      const world = await loadFixture(fixture);
      const { ledger, programmeId, households, period, tree, total, giftAmount } = world;
      const [h1] = households;
      const wallet = h1.members[0].wallet;
      const tx = claimEntry(world, 0, wallet);
      await expect(tx)
        .to.emit(ledger, "RoundClaimed")
        .withArgs(1, h1.householdRef, h1.members[0].beneficiaryRef, 50n * UNIT);
      await expect(tx)
        .to.emit(ledger, "TransferSingle")
        .withArgs(
          wallet.address,
          ethers.ZeroAddress,
          householdAccountOf(h1.householdRef),
          entitlementIdOf(programmeId, period),
          50n * UNIT,
        );
      expect(await ledger.round(1)).to.deep.equal([tree.root, programmeId, period, total, 50n * UNIT]);
      expect(await ledger.coverageOf(programmeId, h1.householdRef, period)).to.deep.equal([50n * UNIT, 0n]);
      expect(await entitlementOf(ledger, h1.householdRef, programmeId)).to.equal(50n * UNIT);
      // The round's total was reserved at publication; a claim does not reserve again.
      expect(await ledger.fundsOf(programmeId)).to.deep.equal([
        giftAmount,
        0n,
        0n,
        total,
        giftAmount - total,
        0n,
        0n,
        0n,
      ]);
    });

    it("lets a registrar claim on the beneficiary's behalf, minting to the household's account", async function () {
      const world = await loadFixture(fixture);
      const { ledger, registrar, programmeId, households, period } = world;
      const h2 = households[1];
      await expect(claimEntry(world, 1, registrar))
        .to.emit(ledger, "TransferSingle")
        .withArgs(
          registrar.address,
          ethers.ZeroAddress,
          householdAccountOf(h2.householdRef),
          entitlementIdOf(programmeId, period),
          70n * UNIT,
        );
      expect(await entitlementOf(ledger, h2.householdRef, programmeId)).to.equal(70n * UNIT);
    });

    it("accepts a one-leaf round with an empty proof", async function () {
      const { ledger, charity, programmeId, households, period } = await loadFixture(fixture);
      const [, , h3] = households;
      const member = h3.members[0];
      const root = entitlementLeaf(member.beneficiaryRef, h3.householdRef, 10n * UNIT);
      await ledger.connect(charity).publishRound(programmeId, root, 10n * UNIT, 1, "");
      await ledger.connect(member.wallet).claim(2, member.beneficiaryRef, h3.householdRef, 10n * UNIT, []);
      expect(await ledger.coverageOf(programmeId, h3.householdRef, period)).to.deep.equal([10n * UNIT, 0n]);
    });

    for (const caller of ["stranger", "charity", "the household's other member"] as const) {
      it(`reverts with ClaimCallerInvalid when ${caller} claims`, async function () {
        const world = await loadFixture(fixture);
        const signer =
          caller === "the household's other member" ? world.households[0].members[1].wallet : world[caller];
        await expect(claimEntry(world, 0, signer))
          .to.be.revertedWithCustomError(world.ledger, "ClaimCallerInvalid")
          .withArgs(signer.address);
      });
    }

    it("reverts with ClaimProofInvalid for another leaf's proof, a changed amount or a changed household", async function () {
      const world = await loadFixture(fixture);
      const { ledger, entries, tree, roundId, households, registrar } = world;
      const entry = entries[0];
      const wallet = households[0].members[0].wallet;
      await expect(
        ledger
          .connect(wallet)
          .claim(roundId, entry.beneficiaryRef, entry.householdRef, entry.amount, tree.proof(1)),
      )
        .to.be.revertedWithCustomError(ledger, "ClaimProofInvalid")
        .withArgs(roundId, entry.beneficiaryRef);
      await expect(
        ledger
          .connect(wallet)
          .claim(roundId, entry.beneficiaryRef, entry.householdRef, entry.amount + 1n, tree.proof(0)),
      )
        .to.be.revertedWithCustomError(ledger, "ClaimProofInvalid")
        .withArgs(roundId, entry.beneficiaryRef);
      // Household 1's proof presented for household 2's beneficiary.
      const h2 = households[1];
      await expect(
        ledger
          .connect(registrar)
          .claim(roundId, h2.members[0].beneficiaryRef, h2.householdRef, entry.amount, tree.proof(0)),
      )
        .to.be.revertedWithCustomError(ledger, "ClaimProofInvalid")
        .withArgs(roundId, h2.members[0].beneficiaryRef);
    });

    it("reverts with HouseholdAlreadyCovered when the same leaf is claimed twice", async function () {
      const world = await loadFixture(fixture);
      const { ledger, roundId, groupId, households, period } = world;
      await claimEntry(world, 0);
      await expect(claimEntry(world, 0))
        .to.be.revertedWithCustomError(ledger, "HouseholdAlreadyCovered")
        .withArgs(groupId, households[0].householdRef, period);
      expect((await ledger.round(roundId)).claimed).to.equal(50n * UNIT);
    });

    it("reverts with HouseholdAlreadyCovered when another charity covers the household in the group", async function () {
      const world = await loadFixture(fixture);
      const { ledger, charity2, charity2Id, households, groupId, period } = world;
      await issueTo(ledger, charity2, charity2Id, households.slice(0, 1), 10n * UNIT);
      await expect(claimEntry(world, 0))
        .to.be.revertedWithCustomError(ledger, "HouseholdAlreadyCovered")
        .withArgs(groupId, households[0].householdRef, period);
    });

    it("reverts with RoundOverclaimed when claims would exceed the published total", async function () {
      const { ledger, charity, programmeId, tree, entries, registrar } = await loadFixture(fixture);
      await ledger.connect(charity).publishRound(programmeId, tree.root, 100n * UNIT, 3, "");
      const claimFrom2 = (index: number) => {
        const e = entries[index];
        return ledger
          .connect(registrar)
          .claim(2, e.beneficiaryRef, e.householdRef, e.amount, tree.proof(index));
      };
      await claimFrom2(0); // 50 of 100
      await expect(claimFrom2(1)) // 50 + 70 > 100
        .to.be.revertedWithCustomError(ledger, "RoundOverclaimed")
        .withArgs(2, 100n * UNIT);
      await claimFrom2(2); // 50 + 30 still fits
      expect((await ledger.round(2)).claimed).to.equal(80n * UNIT);
    });

    for (const [label, index, amount] of [
      ["above the cap per period", 4, 150n * UNIT],
      ["of zero", 5, 0n],
    ] as const) {
      it(`reverts with IssuanceAmountInvalid for a leaf ${label}`, async function () {
        const world = await loadFixture(fixture);
        await expect(claimEntry(world, index, world.registrar))
          .to.be.revertedWithCustomError(world.ledger, "IssuanceAmountInvalid")
          .withArgs(amount, 100n * UNIT);
      });
    }

    it("reverts with EntitlementBelowGroupMinimum for a leaf below the group's minimum entitlement, claiming nothing", async function () {
      const { ledger, charity, programmeId, households, period } = await loadFixture(fixture);
      const [, , h3] = households;
      const member = h3.members[0];
      // The group's minimum is one unit (createGroup's default); the leaf is one wei short of it.
      const amount = UNIT - 1n;
      const root = entitlementLeaf(member.beneficiaryRef, h3.householdRef, amount);
      await ledger.connect(charity).publishRound(programmeId, root, amount, 1, "");
      await expect(ledger.connect(member.wallet).claim(2, member.beneficiaryRef, h3.householdRef, amount, []))
        .to.be.revertedWithCustomError(ledger, "EntitlementBelowGroupMinimum")
        .withArgs(amount, UNIT);
      expect((await ledger.round(2)).claimed).to.equal(0n);
      expect(await ledger.coverageOf(programmeId, h3.householdRef, period)).to.deep.equal([0n, 0n]);
    });

    it("reverts with BeneficiaryIneligible for an unregistered or suspended beneficiary", async function () {
      const world = await loadFixture(fixture);
      const { ledger, registry, registrar, entries } = world;
      await expect(claimEntry(world, 3, registrar))
        .to.be.revertedWithCustomError(ledger, "BeneficiaryIneligible")
        .withArgs(entries[3].beneficiaryRef);
      await registry.connect(registrar).setStatus(entries[1].beneficiaryRef, BeneficiaryStatus.Suspended);
      await expect(claimEntry(world, 1, registrar))
        .to.be.revertedWithCustomError(ledger, "BeneficiaryIneligible")
        .withArgs(entries[1].beneficiaryRef);
    });

    it("reverts with RoundUnknown for a round that does not exist", async function () {
      const world = await loadFixture(fixture);
      const e = world.entries[0];
      await expect(
        world.ledger
          .connect(world.registrar)
          .claim(7, e.beneficiaryRef, e.householdRef, e.amount, world.tree.proof(0)),
      )
        .to.be.revertedWithCustomError(world.ledger, "RoundUnknown")
        .withArgs(7);
    });

    it("reverts with RoundExpired once the round's period is over", async function () {
      const world = await loadFixture(fixture);
      await time.increase(PERIOD);
      await expect(claimEntry(world, 0))
        .to.be.revertedWithCustomError(world.ledger, "RoundExpired")
        .withArgs(world.roundId, world.period);
    });

    it("reverts with ProgrammeIsPaused or ProgrammeHasEnded when the programme is not running", async function () {
      const world = await loadFixture(fixture);
      const { ledger, charity, programmeId } = world;
      await ledger.connect(charity).setProgrammePaused(programmeId, true);
      await expect(claimEntry(world, 0))
        .to.be.revertedWithCustomError(ledger, "ProgrammeIsPaused")
        .withArgs(programmeId);
      await ledger.connect(charity).setProgrammePaused(programmeId, false);
      const closedAt = (await (await ledger.connect(charity).closeProgramme(programmeId)).getBlock())!
        .timestamp;
      await expect(claimEntry(world, 0))
        .to.be.revertedWithCustomError(ledger, "ProgrammeHasEnded")
        .withArgs(programmeId, closedAt);
    });
  });

  describe("after claiming", function () {
    it("redeems a claimed entitlement and expires the unclaimed rest of the round at the period's end", async function () {
      const world = await loadFixture(fixture);
      const { ledger, vendor, programmeId, households, period, total, giftAmount } = world;
      const [h1] = households;
      await claimEntry(world, 0);
      await redeemSigned(
        ledger,
        vendor,
        h1.members[0].wallet,
        await receiptFor(ledger, programmeId, h1.householdRef, h1.members[0], vendor, 20n * UNIT),
      );
      expect(await ledger.fundsOf(programmeId)).to.deep.equal([
        giftAmount,
        20n * UNIT,
        0n,
        total - 20n * UNIT,
        giftAmount - total,
        0n,
        20n * UNIT,
        0n,
      ]);
      await time.increase(PERIOD);
      await expect(ledger.releaseExpired(programmeId))
        .to.emit(ledger, "EntitlementsExpired")
        .withArgs(programmeId, period, total - 20n * UNIT);
      expect(await ledger.fundsOf(programmeId)).to.deep.equal([
        giftAmount,
        20n * UNIT,
        0n,
        0n,
        giftAmount - 20n * UNIT,
        0n,
        20n * UNIT,
        0n,
      ]);
    });
  });
});
