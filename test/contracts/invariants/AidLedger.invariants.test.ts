import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { expectBalancesMatchEvents } from "../helpers/erc1155Oracle";
import { entitlementIdOf, householdAccountOf } from "../helpers/ledger";
import { DAY, PERIOD, UNIT } from "../helpers/system";
import { actionSequence, type Action, type ReplayMode } from "./actions";
import { LedgerHandler, type Outcomes } from "./handler";
import { LedgerModel } from "./model";
import { invariantWorld } from "./world";

// Pinned so a failure replays exactly; INVARIANT_RUNS / INVARIANT_SEED explore further (titles show the values).
const PINNED_SEED = 20261128;
const PINNED_RUNS = 120;
const SEED = Number(process.env.INVARIANT_SEED ?? PINNED_SEED);
const RUNS = Number(process.env.INVARIANT_RUNS ?? PINNED_RUNS);
/** The pinned campaign must reach every required outcome; an exploring one only reports what it missed. */
const PINNED = SEED === PINNED_SEED && RUNS === PINNED_RUNS;
const FUNDING_STEPS = 4;
const MIN_STEPS = 4;
const MAX_STEPS = 20;

/** Outcomes every campaign must reach at least once, or the generators have stopped testing something. */
const REQUIRED_OUTCOMES = [
  "give: ok",
  "give: ProgrammeHasEnded",
  "issue: ok",
  "issue: BudgetInsufficient",
  "issue: HouseholdAlreadyCovered",
  "issue: ProgrammeHasEnded",
  "redeem: ok",
  "redeem: EntitlementInsufficient",
  "redeem: ok out of order",
  "redeem (batch): ok",
  "redeem (batch): EntitlementInsufficient",
  "replay (resubmit): ReceiptNonceUsed",
  "replay (reuse): ReceiptNonceUsed",
  "replay (invalid): ReceiptNonceInvalid",
  "collect: ok",
  "collect: SettlementNothingOwed",
  "collect: waited for the window",
  "flag: held",
  "flag (forged): ok",
  "close: ok",
  "close: ProgrammeHasEnded",
  "settle: refunded",
  "settle: reallocated",
  "settle: ProgrammeStillRunning",
  "settle: GiftFullySettled",
  "settle: GiftUnknown",
  "warp: ok",
  "release: ok",
  "period or programme end: expired outstanding",
];

/** A replay of `mode` on the first live coverage or earlier redemption. */
function replay(mode: ReplayMode, slot = 0, amount = 1n): Action[] {
  return [{ kind: "replay", pick: 0, mode, slot, invalid: "index", programme: 0, household: 0, amount }];
}

/**
 * After every step, besides the handler's money and coverage invariants: the ERC-1155 event oracle. Every
 * balance rebuilt from TransferSingle/TransferBatch equals `balanceOf`, for every account the events name and
 * for every member's wallet (which must hold nothing), at every id the events name.
 */
async function runSequence(groupCap: bigint, actions: readonly Action[], outcomes: Outcomes) {
  const world = await loadFixture(invariantWorld);
  const wallets = world.households.map((h) => h.wallet.address);
  const handler = await LedgerHandler.start(world, groupCap, outcomes);
  await handler.checkInvariants();
  await expectBalancesMatchEvents(world.ledger, wallets);
  for (const action of actions) {
    await handler.run(action);
    await handler.checkInvariants();
    await expectBalancesMatchEvents(world.ledger, wallets);
  }
  return handler;
}

describe("AidLedger invariants", function () {
  it(`keeps ERC-1155 balances equal to their events, money in == escrowed + paid + refunded, paid == collected + owed, tokens held == given - refunded - collected, gift lineage, the overlap rule, receipt nonces and outstanding <= escrow over ${RUNS} random sequences of ${MIN_STEPS}-${MAX_STEPS} steps (seed ${SEED})`, async function () {
    this.timeout(900_000);
    const outcomes: Outcomes = new Map();
    let steps = 0;
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(1n, 2n),
        actionSequence(FUNDING_STEPS, MIN_STEPS, MAX_STEPS),
        async (groupCap, actions) => {
          steps += actions.length;
          await runSequence(groupCap, actions, outcomes);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const tally = [...outcomes].sort().map(([outcome, n]) => `${outcome} ×${n}`);
    console.log(`      ${RUNS} runs, ${steps} steps, ${seconds} s; outcomes: ${tally.join(", ")}`);
    const missed = REQUIRED_OUTCOMES.filter((outcome) => !outcomes.has(outcome)).join(", ");
    if (PINNED) expect(missed, "outcomes never reached").to.equal("");
    else if (missed) console.log(`      not reached by this exploring campaign: ${missed}`);
  });

  describe("the checks can fail", function () {
    // A short sequence that gives, issues, redeems (out of order), replays, collects and refunds; each test
    // then corrupts one record.
    const SCRIPT: Action[] = [
      { kind: "give", donor: 0, programme: 0, amount: 30n * UNIT, reallocateTo: null },
      { kind: "give", donor: 1, programme: 0, amount: 50n * UNIT, reallocateTo: 3 },
      { kind: "issue", programme: 0, households: [0, 1], amount: 40n * UNIT },
      {
        kind: "redeem",
        pick: 0,
        again: false,
        stray: false,
        programme: 0,
        household: 0,
        vendor: 0,
        amount: 35n * UNIT,
        overdraw: true,
        // Index 5 while 0 to 4 are unused.
        receipts: [{ lowest: false, slot: 5 }],
      },
      ...replay("resubmit"),
      // Index 0 after 5, then a fresh receipt under 5 for more than is left, then index 32.
      {
        kind: "redeem",
        pick: 0,
        again: false,
        stray: false,
        programme: 0,
        household: 0,
        vendor: 1,
        amount: 3n * UNIT,
        overdraw: false,
        receipts: [{ lowest: true, slot: 0 }],
      },
      ...replay("reuse", 1, 50n * UNIT),
      ...replay("invalid"),
      // The household flags the 35 (held from the first vendor's credit); the second vendor's 3 is pending.
      { kind: "flag", pick: 0, byAuditor: false, forge: "none" },
      { kind: "collect", pick: 0, stray: true, programme: 0, vendor: 1, to: "zero", wait: false },
      // A receipt forged on the 3's nonce naming the first vendor, whose credit is all held: it holds nothing.
      { kind: "flag", pick: 1, byAuditor: true, forge: "vendor" },
      { kind: "resolve", pick: 0, stray: false, upheld: true, byRegulator: false },
      { kind: "resolve", pick: 0, stray: false, upheld: false, byRegulator: true },
      { kind: "resolve", pick: 0, stray: true, upheld: false, byRegulator: false },
      // Past the window: the 3 is collectable, the upheld 35 went back to the programme.
      { kind: "warp", seconds: PERIOD + 15 * DAY },
      { kind: "collect", pick: 0, stray: false, programme: 0, vendor: 0, to: "payee", wait: false },
      { kind: "collect", pick: 0, stray: true, programme: 0, vendor: 0, to: "zero", wait: false },
      { kind: "issue", programme: 0, households: [1], amount: 10n * UNIT },
      {
        kind: "redeem",
        pick: 0,
        again: false,
        stray: true,
        programme: 0,
        household: 1,
        vendor: 1,
        amount: 10n * UNIT,
        overdraw: true,
        receipts: [{ lowest: true, slot: 0 }],
      },
      { kind: "close", programme: 0, byRegulator: false },
      // The second vendor collects after the end and the window, to the first vendor's address.
      { kind: "warp", seconds: PERIOD + 15 * DAY },
      { kind: "collect", pick: 0, stray: false, programme: 0, vendor: 0, to: "peer", wait: false },
      { kind: "settle", pick: 1, stray: true },
    ];

    it("replays the scripted sequence cleanly", async function () {
      const outcomes: Outcomes = new Map();
      await runSequence(1n, SCRIPT, outcomes);
      expect([...outcomes.keys()]).to.have.members([
        "give: ok",
        "issue: ok",
        "redeem: ok",
        "redeem: ok out of order",
        "replay (resubmit): ReceiptNonceUsed",
        "replay (reuse): ReceiptNonceUsed",
        "replay (invalid): ReceiptNonceInvalid",
        "collect: ok",
        "collect: SettlementNothingOwed",
        "collect: SettlementNotReleased",
        "collect: ok after the programme's end",
        "flag: ok",
        "flag: held",
        "flag (forged): ok",
        "uphold: ok",
        "uphold: moved a hold",
        "dismiss: ok",
        "dismiss: DisputeStatusInvalid",
        "warp: ok",
        "close: ok",
        "settle: reallocated",
        "period or programme end: expired outstanding",
      ]);
    });

    it("replays the longer campaign's counterexample: a closed programme's unredeemed cover gives its place", async function () {
      // Shrunk by the recognition property test (actionSequence(4, 8, 30), cap 1). Household 0 is covered by
      // programme 1, which is then closed with nothing redeemed; programme 0's later issue to it must take
      // that place (burning the closed cover), not revert with HouseholdAlreadyCovered.
      const counterexample: Action[] = [
        { kind: "give", donor: 0, programme: 0, amount: 10n * UNIT, reallocateTo: null },
        { kind: "give", donor: 0, programme: 1, amount: 10n * UNIT, reallocateTo: null },
        { kind: "issue", programme: 1, households: [0], amount: 1n },
        { kind: "close", programme: 1, byRegulator: false },
        { kind: "issue", programme: 0, households: [5], amount: 1n },
        { kind: "settle", pick: 0, stray: true },
        {
          kind: "redeem",
          pick: 0,
          stray: true,
          again: false,
          programme: 0,
          household: 0,
          vendor: 0,
          amount: 1n,
          overdraw: true,
          receipts: [{ lowest: false, slot: 0 }],
          batched: false,
        },
        { kind: "issue", programme: 0, households: [0, 1], amount: 1n },
        { kind: "flag", pick: 0, byAuditor: false, forge: "none" },
        { kind: "issue", programme: 0, households: [1], amount: 1n },
        { kind: "issue", programme: 0, households: [1], amount: 1n },
        ...replay("reuse"),
      ];
      // Up to the issue that diverged: programme 0 takes household 0's one place from closed programme 1.
      const outcomes: Outcomes = new Map();
      const handler = await runSequence(1n, counterexample.slice(0, 8), outcomes);
      const { ledger, households, programmes } = handler.world;
      const [open, closed] = programmes;
      const account = householdAccountOf(households[0].householdRef);
      const period = LedgerModel.periodAt(handler.model.now);
      expect(await ledger.coveragesInScope(open.id, households[0].householdRef, period)).to.deep.equal([
        [open.id, 1n, 0n],
      ]);
      expect(await ledger.balanceOf(account, entitlementIdOf(closed.id, period))).to.equal(0n);
      expect(await ledger.balanceOf(account, entitlementIdOf(open.id, period))).to.equal(1n);
      expect(outcomes.get("issue: ok")).to.equal(3);
      expect(outcomes.get("issue: took a place free again")).to.equal(1);
      // The rest of it: household 1 is covered once by programme 0, and household 0 redeems from its cover.
      for (const action of counterexample.slice(8)) {
        await handler.run(action);
        await handler.checkInvariants();
        await expectBalancesMatchEvents(
          ledger,
          households.map((h) => h.wallet.address),
        );
      }
      expect(outcomes.get("issue: HouseholdAlreadyCovered")).to.equal(2);
      expect(handler.model.coveragesIn(0, 0, period)).to.deep.equal([
        { programmeId: open.id, amount: 1n, redeemed: 1n },
      ]);
    });

    it("rejects an ERC-1155 balance that differs from its events", async function () {
      const world = await loadFixture(invariantWorld);
      const handler = await LedgerHandler.start(world, 1n, new Map());
      await handler.run({ kind: "give", donor: 0, programme: 0, amount: 30n * UNIT, reallocateTo: null });
      await handler.run({ kind: "issue", programme: 0, households: [0], amount: 10n * UNIT });
      await expectBalancesMatchEvents(world.ledger);
      // Raise the household's coverage record by one unit behind the ledger's back: no event says so.
      const programme = world.programmes[0];
      const period = await world.ledger.currentPeriod(programme.id);
      const slot = ethers.keccak256(
        ethers.AbiCoder.defaultAbiCoder().encode(
          ["bytes32", "uint256", "address", "uint256", "uint256"],
          [
            ethers.id("sintech.ledger.coverage"),
            programme.groupId,
            householdAccountOf(world.households[0].householdRef),
            period,
            0,
          ],
        ),
      );
      const record = BigInt(await ethers.provider.getStorage(await world.ledger.getAddress(), slot));
      expect(record).to.not.equal(0n);
      await ethers.provider.send("hardhat_setStorageAt", [
        await world.ledger.getAddress(),
        slot,
        ethers.toBeHex(record + (1n << 64n), 32),
      ]);
      await expect(expectBalancesMatchEvents(world.ledger)).to.be.rejectedWith("against the events");
    });

    it("rejects escrow that does not reconcile with given - paid - refunded", async function () {
      const handler = await runSequence(1n, SCRIPT, new Map());
      handler.model.programmes[0].escrowed += 1n;
      await expect(handler.checkInvariants()).to.be.rejectedWith("given == escrowed + paid + refunded");
    });

    it("rejects a ghost sum that differs from the gift's stored paid amount", async function () {
      const handler = await runSequence(1n, SCRIPT, new Map());
      handler.ghosts.get(1n)!.paid -= 1n;
      await expect(handler.checkInvariants()).to.be.rejectedWith("stored vs logged paid, refunded");
    });

    it("rejects a coverage the chain does not hold", async function () {
      const handler = await runSequence(1n, SCRIPT, new Map());
      const period = [...handler.model.periodsWritten][0];
      handler.model.coveragesIn(0, 0, period)[0].redeemed += 1n;
      await expect(handler.checkInvariants()).to.be.rejectedWith("coverages");
    });

    it("rejects a logged collection that differs from what vendors are owed", async function () {
      const handler = await runSequence(1n, SCRIPT, new Map());
      const programmeId = handler.model.programmes[0].info.id;
      handler.collectedLogged.set(programmeId, handler.collectedLogged.get(programmeId)! - 1n);
      await expect(handler.checkInvariants()).to.be.rejectedWith("paid == collected + owed");
    });

    it("rejects held money that differs from the holds logged and not resolved", async function () {
      const handler = await runSequence(1n, SCRIPT.slice(0, 10), new Map());
      const programmeId = handler.model.programmes[0].info.id;
      expect(handler.heldLogged.get(programmeId)).to.equal(35n * UNIT);
      handler.heldLogged.set(programmeId, 0n);
      await expect(handler.checkInvariants()).to.be.rejectedWith("held == logged holds not yet resolved");
    });

    it("rejects a vendor credit released before its window closed", async function () {
      const handler = await runSequence(1n, SCRIPT.slice(0, 10), new Map());
      // The model books the second vendor's 3 in a group long closed: it would be collectable at once.
      const credit = handler.model.creditOf(0, handler.world.vendor2.address);
      const [[group, amount]] = [...credit];
      credit.set(0n, amount);
      credit.delete(group);
      await expect(handler.checkInvariants()).to.be.rejectedWith("collectable, pending, held");
    });

    it("rejects a recipient balance that differs from what was collected to it", async function () {
      const handler = await runSequence(1n, SCRIPT, new Map());
      handler.receivedLogged.set(handler.world.payee, 0n);
      await expect(handler.checkInvariants()).to.be.rejectedWith("collected to it");
    });

    it("rejects receipt nonce bits the chain does not hold", async function () {
      const handler = await runSequence(1n, SCRIPT.slice(0, 4), new Map());
      // The chain holds index 5 used; the model also believes index 0 used.
      const [key] = handler.model.usedNonces.keys();
      handler.model.usedNonces.set(key, handler.model.usedNonces.get(key)! | 1n);
      await expect(handler.checkInvariants()).to.be.rejectedWith(
        /household 0: receipt nonces used in period \d+: expected 32 to equal 33/,
      );
    });

    it("rejects a redemption signed against a bitmap the chain does not hold", async function () {
      const handler = await runSequence(1n, SCRIPT.slice(0, 4), new Map());
      // The model forgets index 5, so it would sign with a used nonce and predict a success.
      handler.model.usedNonces.clear();
      await expect(
        handler.run({
          kind: "redeem",
          pick: 0,
          again: false,
          stray: true,
          programme: 0,
          household: 0,
          vendor: 1,
          amount: 1n,
          overdraw: false,
          receipts: [{ lowest: false, slot: 5 }],
        }),
      ).to.be.rejectedWith("household 0: receipt nonces used");
    });

    it("uses all 32 receipt nonces of a household out of order, then finds them exhausted", async function () {
      const outcomes: Outcomes = new Map();
      const handler = await runSequence(
        2n,
        [
          { kind: "give", donor: 0, programme: 0, amount: 200n * UNIT, reallocateTo: null },
          { kind: "issue", programme: 0, households: [0], amount: 100n * UNIT },
        ],
        outcomes,
      );
      const redeem = (i: number): Action => ({
        kind: "redeem",
        pick: 0,
        again: false,
        stray: false,
        programme: 0,
        household: 0,
        vendor: i % 2,
        amount: UNIT,
        overdraw: true,
        receipts: [{ lowest: i % 4 === 0, slot: 7 * i + 3 }],
      });
      for (let i = 0; i < 32; i++) await handler.run(redeem(i));
      // The bitmap is full and `receiptNonce` reverts with ReceiptNoncesExhausted; no index is left to use.
      await handler.checkInvariants();
      const period = LedgerModel.periodAt(handler.model.now);
      expect(handler.model.noncesUsed(0, 0, period)).to.equal(0xffffffffn);
      expect(handler.model.receiptNonce(0, 0, handler.model.now)).to.equal(null);
      await handler.run(redeem(32));
      await handler.run(replay("invalid", 0)[0]);
      await handler.checkInvariants();
      expect(outcomes.get("redeem: ok")).to.equal(32);
      expect([...outcomes.keys()]).to.include.members([
        "redeem: ok out of order",
        "redeem: ReceiptNonceUsed",
        "replay (invalid): ReceiptNonceInvalid",
      ]);
    });

    it("rejects a mispredicted outcome", async function () {
      const handler = await runSequence(1n, SCRIPT.slice(0, 2), new Map());
      // The model loses track of most of the 80 given, so it predicts BudgetInsufficient where the chain issues.
      handler.model.programmes[0].given -= 79n * UNIT;
      await expect(
        handler.run({ kind: "issue", programme: 0, households: [2, 3], amount: 2n * UNIT }),
      ).to.be.rejectedWith("reverted with custom error 'BudgetInsufficient', but it didn't revert");
    });
  });
});
