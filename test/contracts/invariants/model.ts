import { ethers } from "ethers";
import { receiptNonceOf } from "../helpers/ledger";
import { Outflow, PERIOD } from "../helpers/system";
import type { HouseholdInfo, ProgrammeInfo } from "./world";

/**
 * A plain-TypeScript model of the ledger's money and coverage, written from the interfaces' NatSpec (only
 * the order in which errors are checked follows the contracts): it predicts each call's outcome (success,
 * or the custom error and its arguments) and, on success, the state and the exact `GiftSpent` pieces.
 */

/**
 * A household has `RECEIPT_NONCES_PER_PERIOD` receipt nonces per programme and period, `period << 8 | index`,
 * one bit each of its coverage there; a redemption uses one up, in any order.
 */
export const RECEIPT_NONCES_PER_PERIOD = 32n;
const NONCE_PERIOD_SHIFT = 8n;
const NONCE_INDEX_MASK = 0xffn;

/** The period and index a nonce names, as the contract splits it (the index is its low byte). */
export function splitNonce(nonce: bigint): { period: bigint; index: bigint } {
  return { period: nonce >> NONCE_PERIOD_SHIFT, index: nonce & NONCE_INDEX_MASK };
}

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

/** One `SettlementCollected` the model expects: `to` is the vendor itself when it named no recipient. */
export interface ExpectedCollection {
  programmeId: bigint;
  vendor: string;
  to: string;
  amount: bigint;
}

/** One `GiftSettlementReversed` the model expects, in log order (an upheld flag's return to the lots). */
export interface ExpectedReversal {
  giftId: bigint;
  programmeId: bigint;
  amount: bigint;
  ref: string;
}

/** A flag as the model keeps it: where its hold came from, and how much. */
export interface DisputeBooks {
  status: DisputeStatus;
  p: number;
  vendor: string;
  group: bigint;
  held: bigint;
  householdPeriod: string;
}

export enum DisputeStatus {
  None,
  Flagged,
  Upheld,
  Dismissed,
}

/** `IRedemptionDesk.DISPUTE_WINDOW`. */
export const DISPUTE_WINDOW = 14n * 24n * 3600n;

export interface CoverageEntry {
  programmeId: bigint;
  amount: bigint;
  redeemed: bigint;
}

export interface ProgrammeBooks {
  info: ProgrammeInfo;
  endsAt: bigint;
  given: bigint;
  /** Everything redeemed, less what upheld flags took back: what vendors collected plus what they are owed. */
  paid: bigint;
  refunded: bigint;
  /** What vendors took out of the ledger with `collectSettlement`. */
  collected: bigint;
  /**
   * Credited by redemptions (and dismissed flags) and not yet collected nor held, by vendor address and
   * settlement group: a group's credit is collectable once its window has closed.
   */
  credit: Map<string, Map<bigint, bigint>>;
  /** What open flags hold of each vendor's credit. */
  held: Map<string, bigint>;
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
  /** Every collection, in order. */
  readonly collections: ExpectedCollection[] = [];
  /** Token balances of the ledger, the donors, the vendors and the payees vendors may collect to. */
  readonly balances = new Map<string, bigint>();
  /** Coverage records by `scope|householdRef|period`, in the order they were written. */
  readonly coverage = new Map<string, CoverageEntry[]>();
  /**
   * Used receipt nonce bits by `programmeId|householdRef|period`, absent while 0. They live in the household's
   * coverage record of the programme, so only a covered household ever has one set.
   */
  readonly usedNonces = new Map<string, bigint>();
  /** Every period an issuance wrote to, so the overlap rule is re-read in each of them. */
  readonly periodsWritten = new Set<bigint>();
  /** Sum of outstanding entitlements that expired unredeemed. */
  expired = 0n;
  /** Every flag, by redemption id. */
  readonly disputes = new Map<string, DisputeBooks>();
  /** Per programme, household and period: what flags hold or took back of its redemptions. */
  readonly disputed = new Map<string, bigint>();

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
      collected: 0n,
      credit: new Map(),
      held: new Map(),
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

  /** `receiptNoncesUsed`: the bitmap of the household's used receipt nonces in programme `p` and `period`. */
  noncesUsed(p: number, household: number, period: bigint): bigint {
    return this.usedNonces.get(this.nonceKey(p, household, period)) ?? 0n;
  }

  /** The receipt indices of the household in programme `p` and `period` that are still unused, lowest first. */
  unusedIndices(p: number, household: number, period: bigint): bigint[] {
    const used = this.noncesUsed(p, household, period);
    const unused: bigint[] = [];
    for (let index = 0n; index < RECEIPT_NONCES_PER_PERIOD; index++) {
      if (((used >> index) & 1n) === 0n) unused.push(index);
    }
    return unused;
  }

  /**
   * `receiptNonce` at `timestamp`: the household's lowest unused nonce of the period in programme `p`, or
   * null when all are used (the view reverts with `ReceiptNoncesExhausted`).
   */
  receiptNonce(p: number, household: number, timestamp: bigint): bigint | null {
    const period = LedgerModel.periodAt(timestamp);
    const [lowest] = this.unusedIndices(p, household, period);
    return lowest === undefined ? null : receiptNonceOf(period, lowest);
  }

  /** Periods settle in groups at least `DISPUTE_WINDOW` long. */
  static periodsPerGroup(): bigint {
    return (DISPUTE_WINDOW + PERIOD_SECONDS - 1n) / PERIOD_SECONDS;
  }

  static groupOf(period: bigint): bigint {
    return period / LedgerModel.periodsPerGroup();
  }

  /** The last second of the dispute window of every redemption of settlement group `group`. */
  static windowClosesAt(group: bigint): bigint {
    return (group + 1n) * LedgerModel.periodsPerGroup() * PERIOD_SECONDS + DISPUTE_WINDOW;
  }

  owedTo(p: number, vendor: string): bigint {
    let owed = this.heldOf(p, vendor);
    for (const amount of this.creditOf(p, vendor).values()) owed += amount;
    return owed;
  }

  heldOf(p: number, vendor: string): bigint {
    return this.programmes[p].held.get(vendor) ?? 0n;
  }

  creditOf(p: number, vendor: string): Map<bigint, bigint> {
    const books = this.programmes[p];
    const credit = books.credit.get(vendor) ?? new Map<bigint, bigint>();
    books.credit.set(vendor, credit);
    return credit;
  }

  /** What `collectSettlement` pays at `timestamp`: credit of groups whose window has closed. */
  collectableOf(p: number, vendor: string, timestamp = this.now): bigint {
    let sum = 0n;
    for (const [group, amount] of this.creditOf(p, vendor)) {
      if (timestamp > LedgerModel.windowClosesAt(group)) sum += amount;
    }
    return sum;
  }

  /** Credit still inside its window at `timestamp`, by group, earliest first. */
  pendingOf(p: number, vendor: string, timestamp = this.now): [bigint, bigint][] {
    return [...this.creditOf(p, vendor)]
      .filter(([group, amount]) => amount > 0n && timestamp <= LedgerModel.windowClosesAt(group))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Total held by open flags in programme `p`. */
  heldIn(p: number): bigint {
    let sum = 0n;
    for (const amount of this.programmes[p].held.values()) sum += amount;
    return sum;
  }

  /** (programme, vendor) pairs with something to collect at `timestamp`, among `vendors`. */
  collectable(vendors: readonly string[], timestamp = this.now): [number, string][] {
    return this.programmes.flatMap((_, p) =>
      vendors.filter((v) => this.collectableOf(p, v, timestamp) > 0n).map((v): [number, string] => [p, v]),
    );
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
      const taken = this.coveragesIn(p, h, period).filter((c) => !this.isFreeAgain(c, timestamp));
      if (this.coverageBy(p, h, period) || BigInt(taken.length) >= this.capOf(p)) {
        return fail("HouseholdAlreadyCovered", books.info.groupId, this.households[h].householdRef, period);
      }
    }
    return ok;
  }

  /**
   * The overlap guard's release (IEntitlementLedger's NatSpec, README's overlap guard): a place held by a
   * programme that has ended (closed, or past its end) with nothing redeemed from it is free again, as no
   * receipt of it can ever be redeemed or disputed. It still counts while its programme runs or once any
   * of it was redeemed, whatever flags later hold or take back.
   */
  private isFreeAgain(c: CoverageEntry, timestamp: bigint): boolean {
    const owner = this.programmes.find((books) => books.info.id === c.programmeId)!;
    return c.redeemed === 0n && timestamp >= owner.endsAt;
  }

  /**
   * A receipt signed by the household's wallet and submitted by its (allowed, licensed) vendor, with a
   * nonzero amount: of the contract's checks, in its order, only these can fail: ReceiptExpired, the running
   * checks, then (after the period rolls) ReceiptNonceInvalid, ReceiptNonceUsed and EntitlementInsufficient.
   */
  expectRedeem(
    p: number,
    household: number,
    amount: bigint,
    nonce: bigint,
    deadline: bigint,
    timestamp: bigint,
  ): Expected {
    if (timestamp > deadline) return fail("ReceiptExpired", deadline);
    const ended = this.ended(p, timestamp);
    if (ended) return ended;
    const period = LedgerModel.periodAt(timestamp);
    const named = splitNonce(nonce);
    if (named.period !== period || named.index >= RECEIPT_NONCES_PER_PERIOD) {
      return fail("ReceiptNonceInvalid", nonce);
    }
    if (((this.noncesUsed(p, household, period) >> named.index) & 1n) !== 0n) {
      return fail("ReceiptNonceUsed", nonce);
    }
    const coverage = this.coverageBy(p, household, period);
    const remaining = coverage ? coverage.amount - coverage.redeemed : 0n;
    return remaining < amount ? fail("EntitlementInsufficient", remaining, amount) : ok;
  }

  /**
   * Collecting works whatever the programme's state: it fails only when nothing is collectable, naming when
   * the earliest pending credit will be, or that nothing is pending either.
   */
  expectCollect(p: number, vendor: string, timestamp: bigint): Expected {
    if (this.collectableOf(p, vendor, timestamp) > 0n) return ok;
    const id = this.programmes[p].info.id;
    const [earliest] = this.pendingOf(p, vendor, timestamp);
    return earliest
      ? fail("SettlementNotReleased", id, vendor, LedgerModel.windowClosesAt(earliest[0]))
      : fail("SettlementNothingOwed", id, vendor);
  }

  /**
   * A flag of `receipt` (a redeemed one, or one forged on a redeemed nonce: the household used the nonce and
   * redeemed at least its amount) by the household's wallet or an auditor: only the window and the status
   * can fail, in that order.
   */
  expectFlag(p: number, redemptionId: string, nonce: bigint, deadline: bigint, timestamp: bigint): Expected {
    const closesAt = this.flagWindowClosesAt(nonce, deadline);
    if (timestamp > closesAt) return fail("DisputeWindowClosed", redemptionId, closesAt);
    const status = this.disputes.get(redemptionId)?.status ?? DisputeStatus.None;
    return status === DisputeStatus.None ? ok : fail("DisputeStatusInvalid", redemptionId, status);
  }

  flagWindowClosesAt(nonce: bigint, deadline: bigint): bigint {
    const periodEnd = (splitNonce(nonce).period + 1n) * PERIOD_SECONDS;
    return (deadline < periodEnd ? deadline : periodEnd) + DISPUTE_WINDOW;
  }

  expectResolve(redemptionId: string): Expected {
    const status = this.disputes.get(redemptionId)?.status ?? DisputeStatus.None;
    return status === DisputeStatus.Flagged ? ok : fail("DisputeStatusInvalid", redemptionId, status);
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

  /** Returns the covers whose places the new ones took, with their households, in batch order. */
  issue(
    p: number,
    households: readonly number[],
    amount: bigint,
    timestamp: bigint,
  ): { household: number; cover: CoverageEntry }[] {
    this.roll(p, timestamp);
    const taken: { household: number; cover: CoverageEntry }[] = [];
    const period = LedgerModel.periodAt(timestamp);
    this.programmes[p].outstanding += amount * BigInt(households.length);
    for (const h of households) {
      const key = this.coverageKey(p, h, period);
      const held = this.coverage.get(key) ?? [];
      const cover = { programmeId: this.programmes[p].info.id, amount, redeemed: 0n };
      // The new cover takes the first place that is free again (its old, unredeemable balance is burned)
      // or else the next one: the chain keeps the records in place order.
      const freed = held.findIndex((c) => this.isFreeAgain(c, timestamp));
      if (freed >= 0) {
        taken.push({ household: h, cover: held[freed] });
        held[freed] = cover;
      } else held.push(cover);
      this.coverage.set(key, held);
    }
    this.periodsWritten.add(period);
    return taken;
  }

  /**
   * Uses the receipt's nonce, credits `vendor` (no token moves) and returns the FIFO pieces: oldest lot first,
   * a lot left once it is fully paid.
   */
  redeem(
    p: number,
    household: number,
    vendor: string,
    amount: bigint,
    nonce: bigint,
    redemptionId: string,
    timestamp: bigint,
  ): ExpectedSpend[] {
    this.roll(p, timestamp);
    const books = this.programmes[p];
    const period = LedgerModel.periodAt(timestamp);
    this.coverageBy(p, household, period)!.redeemed += amount;
    const key = this.nonceKey(p, household, period);
    this.usedNonces.set(key, this.noncesUsed(p, household, period) | (1n << splitNonce(nonce).index));
    books.outstanding -= amount;
    books.paid += amount;
    books.escrowed -= amount;
    const credit = this.creditOf(p, vendor);
    const group = LedgerModel.groupOf(period);
    credit.set(group, (credit.get(group) ?? 0n) + amount);
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

  /** Pays the vendor's collectable credit in programme `p` to `to` (the vendor itself when `to` is zero). */
  collect(p: number, vendor: string, to: string, timestamp: bigint): ExpectedCollection {
    const books = this.programmes[p];
    const amount = this.collectableOf(p, vendor, timestamp);
    const recipient = to === ethers.ZeroAddress ? vendor : to;
    const credit = this.creditOf(p, vendor);
    for (const group of credit.keys()) {
      if (timestamp > LedgerModel.windowClosesAt(group)) credit.delete(group);
    }
    books.collected += amount;
    this.move(this.ledgerAddress, recipient, amount);
    const collection = { programmeId: books.info.id, vendor, to: recipient, amount };
    this.collections.push(collection);
    return collection;
  }

  /**
   * Flags a redemption and holds what the interface says: at most the receipt's amount, the named vendor's
   * pending credit of the receipt's group, and the household-period's redeemed amount less what its flags
   * hold or took back. Returns the hold.
   */
  flag(
    p: number,
    household: number,
    vendor: string,
    amount: bigint,
    nonce: bigint,
    redemptionId: string,
  ): bigint {
    const { period } = splitNonce(nonce);
    const householdPeriod = this.nonceKey(p, household, period);
    const redeemed = this.coverageBy(p, household, period)!.redeemed;
    const disputed = this.disputed.get(householdPeriod) ?? 0n;
    const group = LedgerModel.groupOf(period);
    const credit = this.creditOf(p, vendor);
    const pending = credit.get(group) ?? 0n;
    let held = amount < pending ? amount : pending;
    if (held > redeemed - disputed) held = redeemed - disputed;
    this.disputes.set(redemptionId, {
      status: DisputeStatus.Flagged,
      p,
      vendor,
      group,
      held,
      householdPeriod,
    });
    if (held > 0n) {
      credit.set(group, pending - held);
      this.programmes[p].held.set(vendor, this.heldOf(p, vendor) + held);
      this.disputed.set(householdPeriod, disputed + held);
    }
    return held;
  }

  /**
   * Upheld: the hold returns to the programme (paid falls, escrow grows) and to its lots, most recently spent
   * first. Dismissed: it returns to the vendor's credit of its group. Returns the lots' reversals.
   */
  resolve(redemptionId: string, upheld: boolean): ExpectedReversal[] {
    const dispute = this.disputes.get(redemptionId)!;
    dispute.status = upheld ? DisputeStatus.Upheld : DisputeStatus.Dismissed;
    const { p, vendor, group, held } = dispute;
    if (held === 0n) return [];
    const books = this.programmes[p];
    books.held.set(vendor, this.heldOf(p, vendor) - held);
    if (!upheld) {
      const credit = this.creditOf(p, vendor);
      credit.set(group, (credit.get(group) ?? 0n) + held);
      this.disputed.set(dispute.householdPeriod, this.disputed.get(dispute.householdPeriod)! - held);
      return [];
    }
    books.paid -= held;
    books.escrowed += held;
    const reversals: ExpectedReversal[] = [];
    let left = held;
    for (let i = books.lots.length - 1; left > 0n; i--) {
      const gift = this.gifts[Number(books.lots[i]) - 1];
      if (gift.paid === 0n) continue;
      const back = gift.paid < left ? gift.paid : left;
      gift.paid -= back;
      left -= back;
      reversals.push({ giftId: gift.id, programmeId: books.info.id, amount: back, ref: redemptionId });
    }
    // FIFO resumes at the oldest lot with money left.
    books.lotCursor = books.lots.findIndex((id) => {
      const gift = this.gifts[Number(id) - 1];
      return gift.paid < gift.amount;
    });
    return reversals;
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

  private nonceKey(p: number, household: number, period: bigint): string {
    return `${this.programmes[p].info.id}|${this.households[household].householdRef}|${period}`;
  }

  private coverageKey(p: number, household: number, period: bigint): string {
    return `${this.scopeOf(p)}|${this.households[household].householdRef}|${period}`;
  }
}
