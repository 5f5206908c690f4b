import { ethers } from "ethers";
import { Outflow, PERIOD } from "../helpers/system";
import type { HouseholdInfo, ProgrammeInfo } from "./world";

/**
 * A plain-TypeScript model of the ledger's money and coverage, written from the interfaces' NatSpec (only
 * the order in which errors are checked follows the contracts): it predicts each call's outcome (success,
 * or the custom error and its arguments) and, on success, the state and the exact `GiftSpent` pieces.
 */

/** What the model expects of one transaction. */
export type Expected = { ok: true } | { ok: false; error: string; args: unknown[] };

/** One `GiftSpent` the model expects, in log order. */
export interface ExpectedSpend {
  giftId: bigint;
  programmeId: bigint;
  amount: bigint;
  kind: number;
  ref: string;
}

export interface CoverageEntry {
  programmeId: bigint;
  amount: bigint;
  redeemed: bigint;
}

export interface ProgrammeBooks {
  info: ProgrammeInfo;
  endsAt: bigint;
  given: bigint;
  paid: bigint;
  refunded: bigint;
  /** Tracked on its own, never derived from given/paid/refunded: what the books must reconcile to. */
  escrowed: bigint;
  /** The stored commitment, live only while `bookPeriod` is the current period and the programme runs. */
  outstanding: bigint;
  bookPeriod: bigint;
  lots: bigint[];
  lotCursor: number;
}

export interface GiftBooks {
  id: bigint;
  programme: number;
  donor: string;
  refundTo: string;
  amount: bigint;
  paid: bigint;
  refunded: bigint;
  /** Index of the programme to reallocate to at the end, or null to refund. */
  reallocateTo: number | null;
}

const PERIOD_SECONDS = BigInt(PERIOD);

const ok: Expected = { ok: true };
const fail = (error: string, ...args: unknown[]): Expected => ({ ok: false, error, args });

export class LedgerModel {
  readonly programmes: ProgrammeBooks[];
  readonly gifts: GiftBooks[] = [];
  /** Token balances of the ledger, the donors and the vendors. */
  readonly balances = new Map<string, bigint>();
  /** Coverage records by `scope|householdRef|period`, in the order they were written. */
  readonly coverage = new Map<string, CoverageEntry[]>();
  /** Every period an issuance wrote to, so the overlap rule is re-read in each of them. */
  readonly periodsWritten = new Set<bigint>();
  /** Sum of outstanding entitlements that expired unredeemed. */
  expired = 0n;

  constructor(
    programmes: readonly ProgrammeInfo[],
    readonly households: readonly HouseholdInfo[],
    /** The ledger's address: its token balance is kept beside the donors' and vendors'. */
    readonly ledgerAddress: string,
    public groupCap: bigint,
    /** Timestamp of the latest block: what every view call sees. */
    public now: bigint,
  ) {
    this.programmes = programmes.map((info) => ({
      info,
      endsAt: info.endsAt,
      given: 0n,
      paid: 0n,
      refunded: 0n,
      escrowed: 0n,
      outstanding: 0n,
      bookPeriod: LedgerModel.periodAt(now),
      lots: [],
      lotCursor: 0,
    }));
  }

  // ---- reads ----

  static periodAt(timestamp: bigint): bigint {
    return timestamp / PERIOD_SECONDS;
  }

  /** `fundsOf(...).outstanding` at `timestamp`: expired once the period turned or the programme ended. */
  liveOutstanding(p: number, timestamp = this.now): bigint {
    const books = this.programmes[p];
    const expired = timestamp >= books.endsAt || books.bookPeriod !== LedgerModel.periodAt(timestamp);
    return expired ? 0n : books.outstanding;
  }

  remainingOf(gift: GiftBooks): bigint {
    return gift.amount - gift.paid - gift.refunded;
  }

  scopeOf(p: number): string {
    const info = this.programmes[p].info;
    return info.groupId === 0n ? `programme-${info.id}` : `group-${info.groupId}`;
  }

  capOf(p: number): bigint {
    return this.programmes[p].info.groupId === 0n ? 1n : this.groupCap;
  }

  coveragesIn(p: number, household: number, period: bigint): CoverageEntry[] {
    return this.coverage.get(this.coverageKey(p, household, period)) ?? [];
  }

  /** The household's coverage by programme `p` in `period`, if any. */
  coverageBy(p: number, household: number, period: bigint): CoverageEntry | undefined {
    const id = this.programmes[p].info.id;
    return this.coveragesIn(p, household, period).find((c) => c.programmeId === id);
  }

  /** Live coverages with something left to redeem at `timestamp`, as (programme, household) pairs. */
  redeemable(timestamp: bigint): [number, number][] {
    const period = LedgerModel.periodAt(timestamp);
    const found: [number, number][] = [];
    this.programmes.forEach((books, p) => {
      if (timestamp >= books.endsAt) return;
      this.households.forEach((_, h) => {
        const c = this.coverageBy(p, h, period);
        if (c && c.amount > c.redeemed) found.push([p, h]);
      });
    });
    return found;
  }

  // ---- predictions: the custom error a call at `timestamp` must revert with, in the contracts' check order ----

  expectGive(p: number, timestamp: bigint): Expected {
    return this.ended(p, timestamp) ?? ok;
  }

  expectIssue(p: number, households: readonly number[], amount: bigint, timestamp: bigint): Expected {
    const ended = this.ended(p, timestamp);
    if (ended) return ended;
    const books = this.programmes[p];
    const available = books.given - books.refunded - books.paid - this.liveOutstanding(p, timestamp);
    const needed = amount * BigInt(households.length);
    if (needed > available) return fail("BudgetInsufficient", available, needed);
    const period = LedgerModel.periodAt(timestamp);
    for (const h of households) {
      const held = this.coveragesIn(p, h, period);
      if (this.coverageBy(p, h, period) || BigInt(held.length) >= this.capOf(p)) {
        return fail("HouseholdAlreadyCovered", books.info.groupId, this.households[h].householdRef, period);
      }
    }
    return ok;
  }

  expectRedeem(p: number, household: number, amount: bigint, timestamp: bigint): Expected {
    const ended = this.ended(p, timestamp);
    if (ended) return ended;
    const coverage = this.coverageBy(p, household, LedgerModel.periodAt(timestamp));
    const remaining = coverage ? coverage.amount - coverage.redeemed : 0n;
    return remaining < amount ? fail("EntitlementInsufficient", remaining, amount) : ok;
  }

  expectClose(p: number, timestamp: bigint): Expected {
    return this.ended(p, timestamp) ?? ok;
  }

  expectSettle(giftId: bigint, timestamp: bigint): Expected {
    const gift = this.gifts[Number(giftId) - 1];
    if (!gift) return fail("GiftUnknown", giftId);
    const books = this.programmes[gift.programme];
    if (timestamp < books.endsAt) return fail("ProgrammeStillRunning", books.info.id, books.endsAt);
    if (this.remainingOf(gift) === 0n) return fail("GiftFullySettled", giftId);
    return ok;
  }

  // ---- effects of a successful call at `timestamp` ----

  give(p: number, donor: string, amount: bigint, reallocateTo: number | null): GiftBooks {
    this.move(donor, this.ledgerAddress, amount);
    return this.book(p, donor, donor, amount, reallocateTo);
  }

  issue(p: number, households: readonly number[], amount: bigint, timestamp: bigint): void {
    this.roll(p, timestamp);
    const period = LedgerModel.periodAt(timestamp);
    this.programmes[p].outstanding += amount * BigInt(households.length);
    for (const h of households) {
      const key = this.coverageKey(p, h, period);
      const held = this.coverage.get(key) ?? [];
      held.push({ programmeId: this.programmes[p].info.id, amount, redeemed: 0n });
      this.coverage.set(key, held);
    }
    this.periodsWritten.add(period);
  }

  /** Pays `vendor` and returns the FIFO pieces: oldest lot first, a lot left once it is fully paid. */
  redeem(
    p: number,
    household: number,
    vendor: string,
    amount: bigint,
    redemptionId: string,
    timestamp: bigint,
  ): ExpectedSpend[] {
    this.roll(p, timestamp);
    const books = this.programmes[p];
    this.coverageBy(p, household, LedgerModel.periodAt(timestamp))!.redeemed += amount;
    books.outstanding -= amount;
    books.paid += amount;
    books.escrowed -= amount;
    this.move(this.ledgerAddress, vendor, amount);
    const spends: ExpectedSpend[] = [];
    let left = amount;
    while (left > 0n) {
      const gift = this.gifts[Number(books.lots[books.lotCursor]) - 1];
      const free = gift.amount - gift.paid;
      const take = free < left ? free : left;
      gift.paid += take;
      left -= take;
      spends.push({
        giftId: gift.id,
        programmeId: books.info.id,
        amount: take,
        kind: Outflow.Settlement,
        ref: redemptionId,
      });
      if (take === free) books.lotCursor++;
    }
    return spends;
  }

  close(p: number, timestamp: bigint): void {
    this.programmes[p].endsAt = timestamp;
    this.roll(p, timestamp);
  }

  release(p: number, timestamp: bigint): void {
    this.roll(p, timestamp);
  }

  /** Refunds the gift's remainder, or moves it into the donor's chosen programme if that one can take it. */
  settle(giftId: bigint, timestamp: bigint): ExpectedSpend[] {
    const gift = this.gifts[Number(giftId) - 1];
    const books = this.programmes[gift.programme];
    this.roll(gift.programme, timestamp);
    const amount = this.remainingOf(gift);
    gift.refunded += amount;
    books.refunded += amount;
    books.escrowed -= amount;
    const target = gift.reallocateTo;
    if (
      target !== null &&
      timestamp < this.programmes[target].endsAt &&
      amount >= this.programmes[target].info.minGift
    ) {
      const moved = this.book(target, gift.donor, gift.refundTo, amount, null);
      return [this.spend(gift, amount, Outflow.Reallocation, ethers.toBeHex(moved.id, 32))];
    }
    this.move(this.ledgerAddress, gift.refundTo, amount);
    return [this.spend(gift, amount, Outflow.Refund, ethers.zeroPadValue(gift.refundTo, 32))];
  }

  // ---- internals ----

  private ended(p: number, timestamp: bigint): Expected | undefined {
    const books = this.programmes[p];
    return timestamp >= books.endsAt ? fail("ProgrammeHasEnded", books.info.id, books.endsAt) : undefined;
  }

  private roll(p: number, timestamp: bigint): void {
    const books = this.programmes[p];
    const period = LedgerModel.periodAt(timestamp);
    if (books.bookPeriod !== period || timestamp >= books.endsAt) {
      this.expired += books.outstanding;
      books.outstanding = 0n;
      books.bookPeriod = period;
    }
  }

  private book(p: number, donor: string, refundTo: string, amount: bigint, reallocateTo: number | null) {
    const books = this.programmes[p];
    const gift: GiftBooks = {
      id: BigInt(this.gifts.length + 1),
      programme: p,
      donor,
      refundTo,
      amount,
      paid: 0n,
      refunded: 0n,
      reallocateTo,
    };
    this.gifts.push(gift);
    books.lots.push(gift.id);
    books.given += amount;
    books.escrowed += amount;
    return gift;
  }

  private spend(gift: GiftBooks, amount: bigint, kind: number, ref: string): ExpectedSpend {
    return { giftId: gift.id, programmeId: this.programmes[gift.programme].info.id, amount, kind, ref };
  }

  private move(from: string, to: string, amount: bigint): void {
    this.balances.set(from, (this.balances.get(from) ?? 0n) - amount);
    this.balances.set(to, (this.balances.get(to) ?? 0n) + amount);
  }

  private coverageKey(p: number, household: number, period: bigint): string {
    return `${this.scopeOf(p)}|${this.households[household].householdRef}|${period}`;
  }
}
