import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse, TypedDataDomain } from "ethers";
import { RECEIPT_TYPES, receiptDomain, type Receipt } from "../helpers/ledger";
import { DAY, Outflow } from "../helpers/system";
import type { Action } from "./actions";
import { LedgerModel, type Expected, type ExpectedSpend } from "./model";
import type { InvariantWorld } from "./world";

/** How often each kind of step ended in each outcome, over every run: proof the sequences reach each path. */
export type Outcomes = Map<string, number>;

/** Sums of the `GiftSpent` pieces logged for one gift. */
export interface Ghost {
  paid: bigint;
  refunded: bigint;
}

interface LoggedGift {
  giftId: bigint;
  programmeId: bigint;
  amount: bigint;
}

/**
 * Drives one deployed world and its model in lockstep. Every transaction is mined at the model's next
 * second (so the model knows its block time exactly); a predicted failure must revert with that custom
 * error and those arguments, a predicted success must succeed and log exactly the predicted gift pieces.
 */
export class LedgerHandler {
  /** Built only from the `GiftSpent` logs of mined transactions, never from the model. */
  readonly ghosts = new Map<bigint, Ghost>();
  private nonce = 0n;

  private constructor(
    readonly world: InvariantWorld,
    readonly model: LedgerModel,
    private readonly domain: TypedDataDomain,
    private readonly outcomes: Outcomes,
  ) {}

  /** Sets the group's cap for this run and reads the balances the model starts from. */
  static async start(world: InvariantWorld, groupCap: bigint, outcomes: Outcomes): Promise<LedgerHandler> {
    const { ledger, regulator, token, donor, donor2, vendor, vendor2, groupId } = world;
    if (groupCap !== 1n) await ledger.connect(regulator).setExclusivityGroupCap(groupId, groupCap);
    const ledgerAddress = await ledger.getAddress();
    const model = new LedgerModel(
      world.programmes,
      world.households,
      ledgerAddress,
      groupCap,
      BigInt(await time.latest()),
    );
    for (const account of [ledgerAddress, donor.address, donor2.address, vendor.address, vendor2.address]) {
      model.balances.set(account, await token.balanceOf(account));
    }
    return new LedgerHandler(world, model, await receiptDomain(ledger), outcomes);
  }

  async run(action: Action): Promise<void> {
    const expiredBefore = this.model.expired;
    switch (action.kind) {
      case "give":
        await this.give(action);
        break;
      case "issue":
        await this.issue(action);
        break;
      case "redeem":
        await this.redeem(action);
        break;
      case "warp":
        this.model.now += BigInt(action.seconds);
        await time.increaseTo(this.model.now);
        this.tally("warp", "ok");
        break;
      case "release":
        await this.release(action.programme);
        break;
      case "close":
        await this.close(action.programme, action.byRegulator);
        break;
      case "settle":
        await this.settle(action);
        break;
    }
    if (this.model.expired > expiredBefore) this.tally("period or programme end", "expired outstanding");
  }

  /** The four invariants, read from the chain at the latest block (all reads first, in parallel). */
  async checkInvariants(): Promise<void> {
    const { ledger, token } = this.world;
    const model = this.model;
    const ledgerAddress = await ledger.getAddress();
    const periods = [...new Set(model.periodsWritten).add(LedgerModel.periodAt(model.now))];
    const scopes = new Map<string, number>();
    model.programmes.forEach((_, p) => scopes.set(model.scopeOf(p), scopes.get(model.scopeOf(p)) ?? p));
    const coverageReads = periods.flatMap((period) =>
      [...scopes].flatMap(([scope, p]) =>
        model.households.map((household, h) => ({
          period,
          scope,
          p,
          h,
          householdRef: household.householdRef,
        })),
      ),
    );
    const [funds, held, balances, gifts, coverages] = await Promise.all([
      Promise.all(model.programmes.map((books) => ledger.fundsOf(books.info.id))),
      token.balanceOf(ledgerAddress),
      Promise.all([...model.balances.keys()].map((account) => token.balanceOf(account))),
      Promise.all(model.gifts.map((gift) => ledger.gift(gift.id))),
      Promise.all(
        coverageReads.map((read) =>
          ledger.coveragesInScope(model.programmes[read.p].info.id, read.householdRef, read.period),
        ),
      ),
    ]);

    // (1) and (4): per programme given == escrowed + paid + refunded and outstanding within escrow;
    // across programmes, what is escrowed is exactly what the ledger holds.
    let escrowedOnChain = 0n;
    for (const [p, books] of model.programmes.entries()) {
      const { given, paid, refunded, outstanding } = funds[p];
      const label = `programme ${books.info.id}`;
      expect(given, `${label}: given == escrowed + paid + refunded`).to.equal(
        books.escrowed + paid + refunded,
      );
      expect(
        [given, paid, refunded, outstanding],
        `${label}: given, paid, refunded, outstanding`,
      ).to.deep.equal([books.given, books.paid, books.refunded, model.liveOutstanding(p)]);
      expect(outstanding, `${label}: outstanding <= given - paid - refunded`).to.be.lte(
        given - paid - refunded,
      );
      escrowedOnChain += given - paid - refunded;
    }
    expect(escrowedOnChain, "sum of escrow == ledger's token balance").to.equal(held);
    [...model.balances].forEach(([account, balance], i) =>
      expect(balances[i], `token balance of ${account}`).to.equal(balance),
    );

    // (2): per gift amount == paid + refunded + remaining, the stored sums equal the logged ones, and the
    // logged ones are the FIFO attribution the model predicts.
    model.gifts.forEach((gift, i) => {
      const stored = gifts[i];
      const ghost = this.ghosts.get(gift.id) ?? { paid: 0n, refunded: 0n };
      const label = `gift ${gift.id}`;
      expect([stored.paid, stored.refunded], `${label}: stored vs logged paid, refunded`).to.deep.equal([
        ghost.paid,
        ghost.refunded,
      ]);
      expect(stored.amount, `${label}: amount == paid + refunded + remaining`).to.equal(
        ghost.paid + ghost.refunded + model.remainingOf(gift),
      );
      expect([ghost.paid, ghost.refunded], `${label}: logged vs modelled paid, refunded`).to.deep.equal([
        gift.paid,
        gift.refunded,
      ]);
    });
    for (const books of model.programmes) {
      const lotsRemaining = books.lots.reduce(
        (sum, id) => sum + model.remainingOf(model.gifts[Number(id) - 1]),
        0n,
      );
      expect(lotsRemaining, `programme ${books.info.id}: lots' remainders == escrowed`).to.equal(
        books.escrowed,
      );
    }

    // (3): in every period written so far and the current one, every household holds at most the
    // scope's cap of coverages, at most one per programme, and exactly the ones the model issued.
    coverageReads.forEach(({ period, scope, p, h }, i) => {
      const found = coverages[i].map((c) => ({
        programmeId: c.programmeId,
        amount: c.amount,
        redeemed: c.redeemed,
      }));
      const label = `${scope}, household ${h}, period ${period}`;
      expect(BigInt(found.length), `${label}: coverages <= cap`).to.be.lte(model.capOf(p));
      expect(new Set(found.map((c) => c.programmeId)).size, `${label}: one per programme`).to.equal(
        found.length,
      );
      expect(found, `${label}: coverages`).to.deep.equal(model.coveragesIn(p, h, period));
    });
  }

  // ---- steps ----

  private async give(a: Extract<Action, { kind: "give" }>): Promise<void> {
    const { ledger } = this.world;
    const donor = [this.world.donor, this.world.donor2][a.donor];
    const programmeId = this.model.programmes[a.programme].info.id;
    const reallocateTo = a.reallocateTo === null ? 0n : this.model.programmes[a.reallocateTo].info.id;
    const at = this.nextTimestamp();
    await this.transact(
      "give",
      this.model.expectGive(a.programme, at),
      () =>
        ledger
          .connect(donor)
          .give(programmeId, a.amount, ethers.id("earmark"), ethers.ZeroAddress, reallocateTo),
      () => {
        this.model.give(a.programme, donor.address, a.amount, a.reallocateTo);
        return [];
      },
    );
  }

  private async issue(a: Extract<Action, { kind: "issue" }>): Promise<void> {
    const books = this.model.programmes[a.programme];
    const households = a.households.map((h) => this.model.households[h]);
    const at = this.nextTimestamp();
    await this.transact(
      "issue",
      this.model.expectIssue(a.programme, a.households, a.amount, at),
      () =>
        this.world.ledger.connect(books.info.charity).issueBatch(
          books.info.id,
          households.map((h) => h.beneficiaryRef),
          households.map((h) => h.householdRef),
          a.amount,
        ),
      () => {
        this.model.issue(a.programme, a.households, a.amount, at);
        return [];
      },
    );
  }

  private async redeem(a: Extract<Action, { kind: "redeem" }>): Promise<void> {
    const at = this.nextTimestamp();
    let [p, h] = [a.programme, a.household];
    const live = this.model.redeemable(at);
    if (!a.stray && live.length > 0) [p, h] = live[a.pick % live.length];
    const coverage = this.model.coverageBy(p, h, LedgerModel.periodAt(at));
    const remaining = coverage ? coverage.amount - coverage.redeemed : 0n;
    const amount = a.overdraw || remaining === 0n ? a.amount : 1n + ((a.amount - 1n) % remaining);

    const household = this.model.households[h];
    const vendor = [this.world.vendor, this.world.vendor2][a.vendor];
    const receipt: Receipt = {
      programmeId: this.model.programmes[p].info.id,
      beneficiaryRef: household.beneficiaryRef,
      householdRef: household.householdRef,
      vendor: vendor.address,
      amount,
      evidenceHash: ethers.id(`evidence ${this.nonce}`),
      nonce: this.nonce++,
      deadline: at + BigInt(DAY),
    };
    const signature = await household.wallet.signTypedData(this.domain, RECEIPT_TYPES, receipt);
    const redemptionId = ethers.TypedDataEncoder.hash(this.domain, RECEIPT_TYPES, receipt);
    await this.transact(
      "redeem",
      this.model.expectRedeem(p, h, amount, at),
      () => this.world.ledger.connect(vendor).redeem(receipt, signature, "0x"),
      () => this.model.redeem(p, h, vendor.address, amount, redemptionId, at),
    );
  }

  private async release(p: number): Promise<void> {
    const at = this.nextTimestamp();
    const { ledger, stranger } = this.world;
    await this.transact(
      "release",
      { ok: true },
      () => ledger.connect(stranger).releaseExpired(this.model.programmes[p].info.id),
      () => {
        this.model.release(p, at);
        return [];
      },
    );
  }

  private async close(p: number, byRegulator: boolean): Promise<void> {
    const at = this.nextTimestamp();
    const info = this.model.programmes[p].info;
    const caller = byRegulator ? this.world.regulator : info.charity;
    await this.transact(
      "close",
      this.model.expectClose(p, at),
      () => this.world.ledger.connect(caller).closeProgramme(info.id),
      () => {
        this.model.close(p, at);
        return [];
      },
    );
  }

  private async settle(a: Extract<Action, { kind: "settle" }>): Promise<void> {
    const at = this.nextTimestamp();
    const gifts = this.model.gifts;
    const ended = gifts.filter((g) => at >= this.model.programmes[g.programme].endsAt);
    // A stray pick ranges over every gift id and the next, unknown one.
    const giftId =
      !a.stray && ended.length > 0
        ? ended[a.pick % ended.length].id
        : BigInt(1 + (a.pick % (gifts.length + 1)));
    const { ledger, stranger } = this.world;
    await this.transact(
      "settle",
      this.model.expectSettle(giftId, at),
      () => ledger.connect(stranger).settleUnspent(giftId),
      () => this.model.settle(giftId, at),
    );
  }

  // ---- plumbing ----

  private nextTimestamp(): bigint {
    return this.model.now + 1n;
  }

  /**
   * Mines `send` at the next second and holds it to `expected`. On success, `apply` updates the model and
   * returns the predicted `GiftSpent` pieces; the logged pieces and new gifts must match them exactly.
   */
  private async transact(
    step: string,
    expected: Expected,
    send: () => Promise<ContractTransactionResponse>,
    apply: () => ExpectedSpend[],
  ): Promise<void> {
    const { ledger } = this.world;
    const at = this.nextTimestamp();
    await time.setNextBlockTimestamp(at);
    if (!expected.ok) {
      await expect(send(), `${step} must revert with ${expected.error}`)
        .to.be.revertedWithCustomError(ledger, expected.error)
        .withArgs(...expected.args);
      this.tally(step, expected.error);
    } else {
      const receipt = await (await send()).wait();
      const giftsBefore = this.model.gifts.length;
      const predicted = apply();
      const spent: ExpectedSpend[] = [];
      const received: LoggedGift[] = [];
      const ledgerAddress = await ledger.getAddress();
      for (const log of receipt!.logs) {
        if (log.address !== ledgerAddress) continue;
        const parsed = ledger.interface.parseLog(log);
        if (parsed?.name === "GiftSpent") {
          const [giftId, programmeId, amount, kind, ref] = parsed.args;
          spent.push({ giftId, programmeId, amount, kind: Number(kind), ref });
          const ghost = this.ghosts.get(giftId) ?? { paid: 0n, refunded: 0n };
          if (Number(kind) === Outflow.Settlement) ghost.paid += amount;
          else ghost.refunded += amount;
          this.ghosts.set(giftId, ghost);
        } else if (parsed?.name === "GiftReceived") {
          const [giftId, programmeId, , , amount] = parsed.args;
          received.push({ giftId, programmeId, amount });
        }
      }
      expect(spent, `${step}: GiftSpent pieces`).to.deep.equal(predicted);
      expect(received, `${step}: GiftReceived`).to.deep.equal(
        this.model.gifts.slice(giftsBefore).map((g) => ({
          giftId: g.id,
          programmeId: this.model.programmes[g.programme].info.id,
          amount: g.amount,
        })),
      );
      this.tally(
        step,
        predicted.find((s) => s.kind !== Outflow.Settlement) ? this.outflowName(predicted) : "ok",
      );
    }
    this.model.now = at;
    expect(BigInt(await time.latest()), `${step}: mined at the pinned second`).to.equal(at);
  }

  private outflowName(spends: ExpectedSpend[]): string {
    return spends[0].kind === Outflow.Refund ? "refunded" : "reallocated";
  }

  private tally(step: string, outcome: string): void {
    const key = `${step}: ${outcome}`;
    this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1);
  }
}
