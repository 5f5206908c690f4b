import { expect } from "chai";
import { ethers, network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type {
  BaseContract,
  ContractTransactionResponse,
  Interface,
  LogDescription,
  TypedDataDomain,
} from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  RECEIPT_TYPES,
  entitlementIdOf,
  householdAccountOf,
  receiptDomain,
  receiptNonceOf,
  type Receipt,
} from "../helpers/ledger";
import { DAY, Outflow } from "../helpers/system";
import type { Action } from "./actions";
import {
  LedgerModel,
  RECEIPT_NONCES_PER_PERIOD,
  splitNonce,
  type Expected,
  type ExpectedCollection,
  type ExpectedReversal,
  type ExpectedSpend,
} from "./model";
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

/** The arguments and decoded result of a typechain view method. */
type ViewArgs<M> = M extends { staticCall(...args: infer A): Promise<unknown> } ? A : never;
type ViewResult<M> = M extends { staticCall(...args: infer _A): Promise<infer R> } ? R : never;

/**
 * Calls the view `fn` of `contract` (at `address`) with a bare `eth_call` and decodes it as the typechain
 * method would. The ethers contract runner costs about twice the call itself, and the checks read a few
 * hundred views after every step.
 */
async function view<C extends BaseContract, F extends keyof C & string>(
  contract: C,
  address: string,
  fn: F,
  ...args: ViewArgs<C[F]>
): Promise<ViewResult<C[F]>> {
  const abi = contract.interface as Interface;
  const data = abi.encodeFunctionData(fn, args);
  const raw = (await network.provider.request({
    method: "eth_call",
    params: [{ to: address, data }, "latest"],
  })) as string;
  const result = abi.decodeFunctionResult(fn, raw);
  return (result.length === 1 ? result[0] : result) as ViewResult<C[F]>;
}

/** How the receipt nonce checks name a household of a programme. */
function nonceLabel(programmeId: bigint, h: number): string {
  return `programme ${programmeId}, household ${h}`;
}

/** A receipt that was redeemed, kept to be replayed. */
interface RedeemedReceipt {
  p: number;
  h: number;
  vendor: HardhatEthersSigner;
  receipt: Receipt;
  signature: string;
}

/**
 * Drives one deployed world and its model in lockstep. Every transaction is mined at the model's next
 * second (so the model knows its block time exactly); a predicted failure must revert with that custom
 * error and those arguments, a predicted success must succeed and log exactly the predicted gift pieces.
 */
export class LedgerHandler {
  /** Built only from the `GiftSpent` logs of mined transactions, never from the model. */
  readonly ghosts = new Map<bigint, Ghost>();
  /** Sums of the `SettlementCollected` amounts logged, by programme id and by recipient. */
  readonly collectedLogged = new Map<bigint, bigint>();
  readonly receivedLogged = new Map<string, bigint>();
  /** Every receipt redeemed so far, for replays. */
  readonly redeemed: RedeemedReceipt[] = [];
  /** Every receipt flagged so far (redeemed or forged), by redemption id, for resolutions. */
  readonly flagged: string[] = [];
  /** What `SettlementHeld` logged, less what resolutions released or reversed: by programme id. */
  readonly heldLogged = new Map<bigint, bigint>();
  /**
   * The lineage as it ran: every `GiftSpent` piece and `GiftSettlementReversed` the chain logged, each checked
   * equal to the model's prediction when it was mined, with its block's time (for recognition's property test).
   */
  readonly lineage: {
    spends: (ExpectedSpend & { at: bigint })[];
    reversals: (ExpectedReversal & { at: bigint })[];
  } = { spends: [], reversals: [] };
  private evidence = 0n;

  private constructor(
    readonly world: InvariantWorld,
    readonly model: LedgerModel,
    private readonly domain: TypedDataDomain,
    private readonly outcomes: Outcomes,
    /** Token balances of the vendors and the payee before the run: they only grow by collections. */
    private readonly recipientsAtStart: ReadonlyMap<string, bigint>,
    private readonly tokenAddress: string,
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
    const recipients = [vendor.address, vendor2.address, world.payee];
    for (const account of [ledgerAddress, donor.address, donor2.address, ...recipients]) {
      model.balances.set(account, await token.balanceOf(account));
    }
    const recipientsAtStart = new Map(recipients.map((account) => [account, model.balances.get(account)!]));
    expect(await ledger.RECEIPT_NONCES_PER_PERIOD(), "receipt nonces per period").to.equal(
      RECEIPT_NONCES_PER_PERIOD,
    );
    return new LedgerHandler(
      world,
      model,
      await receiptDomain(ledger),
      outcomes,
      recipientsAtStart,
      await token.getAddress(),
    );
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
      case "replay":
        await this.replay(action);
        break;
      case "collect":
        await this.collect(action);
        break;
      case "flag":
        await this.flag(action);
        break;
      case "resolve":
        await this.resolve(action);
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

  /** The invariants, read from the chain at the latest block (all reads first, in parallel). */
  async checkInvariants(): Promise<void> {
    const { ledger, token } = this.world;
    const model = this.model;
    const ledgerAddress = model.ledgerAddress;
    const tokenAddress = this.tokenAddress;
    const vendors = this.vendors().map((v) => v.address);
    const accounts = [...model.balances.keys()];
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
    // Receipt nonce bitmaps of every coverage the model holds, in every period written so far; this period's
    // lowest unused nonce (or its exhaustion) and bitmap of every household covered in it, and of one
    // uncovered household per programme.
    const period = LedgerModel.periodAt(model.now);
    const nonceReads = model.programmes.flatMap((_, p) => {
      const covered = model.households.map((_, h) => h).filter((h) => model.coverageBy(p, h, period));
      const uncovered = model.households.findIndex((_, h) => !model.coverageBy(p, h, period));
      return [...covered, ...(uncovered < 0 ? [] : [uncovered])].map((h) => ({ p, h }));
    });
    const bitmapReads = [
      ...[...model.periodsWritten]
        .filter((written) => written !== period)
        .flatMap((written) =>
          model.programmes.flatMap((_, p) =>
            model.households
              .map((_, h) => ({ p, h, period: written }))
              .filter(({ h }) => model.coverageBy(p, h, written)),
          ),
        ),
      ...nonceReads.map(({ p, h }) => ({ p, h, period })),
    ];
    const [funds, held, balances, gifts, coverages, owed, bitmaps, nonces, credits] = await Promise.all([
      Promise.all(model.programmes.map((books) => view(ledger, ledgerAddress, "fundsOf", books.info.id))),
      view(token, tokenAddress, "balanceOf", ledgerAddress),
      Promise.all(accounts.map((account) => view(token, tokenAddress, "balanceOf", account))),
      Promise.all(model.gifts.map((gift) => view(ledger, ledgerAddress, "gift", gift.id))),
      Promise.all(
        coverageReads.map((read) =>
          view(
            ledger,
            ledgerAddress,
            "coveragesInScope",
            model.programmes[read.p].info.id,
            read.householdRef,
            read.period,
          ),
        ),
      ),
      Promise.all(
        model.programmes.map((books) =>
          Promise.all(vendors.map((v) => view(ledger, ledgerAddress, "owedTo", books.info.id, v))),
        ),
      ),
      Promise.all(
        bitmapReads.map((read) =>
          view(
            ledger,
            ledgerAddress,
            "receiptNoncesUsed",
            model.programmes[read.p].info.id,
            model.households[read.h].householdRef,
            read.period,
          ),
        ),
      ),
      Promise.all(
        nonceReads.map(({ p, h }) => {
          const id = model.programmes[p].info.id;
          const householdRef = model.households[h].householdRef;
          if (model.receiptNonce(p, h, model.now) !== null) {
            return view(ledger, ledgerAddress, "receiptNonce", id, householdRef);
          }
          // All 32 used: the view must say so rather than return a nonce.
          return expect(ledger.receiptNonce(id, householdRef), `${nonceLabel(id, h)}: receipt nonce`)
            .to.be.revertedWithCustomError(ledger, "ReceiptNoncesExhausted")
            .withArgs(id, householdRef, period)
            .then(() => null);
        }),
      ),
      Promise.all(
        model.programmes.map((books) =>
          Promise.all(vendors.map((v) => view(ledger, ledgerAddress, "creditOf", books.info.id, v))),
        ),
      ),
    ]);
    const balanceOf = new Map(accounts.map((account, i) => [account, balances[i]]));

    // (1) and (4): per programme given == escrowed + paid + refunded, paid == collected + what vendors are
    // owed, and outstanding within escrow; across programmes, the ledger holds exactly what is escrowed or
    // owed, given - refunded - collected.
    let heldOnChain = 0n;
    let collectedOnChain = 0n;
    for (const [p, books] of model.programmes.entries()) {
      const { given, paid, refunded, outstanding, collected } = funds[p];
      const { available, owed: owedTotal, held: heldTotal } = funds[p];
      const label = `programme ${books.info.id}`;
      expect(given, `${label}: given == escrowed + paid + refunded`).to.equal(
        books.escrowed + paid + refunded,
      );
      expect(
        [given, paid, refunded, outstanding, collected],
        `${label}: given, paid, refunded, outstanding, collected`,
      ).to.deep.equal([books.given, books.paid, books.refunded, model.liveOutstanding(p), books.collected]);
      const logged = this.collectedLogged.get(books.info.id) ?? 0n;
      const owedOnChain = owed[p].reduce((sum, amount) => sum + amount, 0n);
      expect(paid, `${label}: paid == collected + owed`).to.equal(logged + owedOnChain);
      expect(collected, `${label}: stored vs logged collected`).to.equal(logged);
      expect(owed[p], `${label}: owed to each vendor`).to.deep.equal(vendors.map((v) => model.owedTo(p, v)));
      expect(owedTotal, `${label}: owed == paid - collected`).to.equal(paid - collected);
      expect(available, `${label}: available == given - paid - refunded - outstanding`).to.equal(
        given - paid - refunded - outstanding,
      );
      // (6) Disputes: what flags hold is part of what vendors are owed, equals the holds logged and not yet
      // resolved, and splits over the vendors as the model's holds do; each vendor's credit is collectable
      // exactly when its group's window has closed.
      const heldByVendor = credits[p].map((c) => c.held);
      expect(heldTotal, `${label}: held == logged holds not yet resolved`).to.equal(
        this.heldLogged.get(books.info.id) ?? 0n,
      );
      expect(heldTotal, `${label}: held == sum of vendors' held`).to.equal(
        heldByVendor.reduce((sum, amount) => sum + amount, 0n),
      );
      expect(heldTotal, `${label}: held <= owed`).to.be.lte(owedTotal);
      vendors.forEach((v, i) => {
        const c = credits[p][i];
        const pending = model.pendingOf(p, v);
        expect(
          [c.collectable, c.pendingEarlier + c.pendingLatest, c.held],
          `${label}: credit of ${v}: collectable, pending, held`,
        ).to.deep.equal([
          model.collectableOf(p, v),
          pending.reduce((sum, [, amount]) => sum + amount, 0n),
          model.heldOf(p, v),
        ]);
        expect(
          c.collectable + c.pendingEarlier + c.pendingLatest + c.held,
          `${label}: credit sums to owedTo`,
        ).to.equal(owed[p][i]);
      });
      expect(model.heldIn(p), `${label}: modelled held`).to.equal(heldTotal);
      expect(outstanding, `${label}: outstanding <= given - paid - refunded`).to.be.lte(
        given - paid - refunded,
      );
      heldOnChain += given - refunded - collected;
      collectedOnChain += collected;
    }
    expect(held, "ledger's token balance == sum of given - refunded - collected").to.equal(heldOnChain);
    accounts.forEach((account) =>
      expect(balanceOf.get(account), `token balance of ${account}`).to.equal(model.balances.get(account)),
    );
    // Vendors and the payee gain tokens only by collections: each holds what was collected to it.
    let receivedOnChain = 0n;
    for (const [account, atStart] of this.recipientsAtStart) {
      const received = balanceOf.get(account)! - atStart;
      expect(received, `token balance of ${account} - at start == collected to it`).to.equal(
        this.receivedLogged.get(account) ?? 0n,
      );
      receivedOnChain += received;
    }
    expect(receivedOnChain, "collected to vendors and payee == sum of collected").to.equal(collectedOnChain);

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

    // (5): a household's used receipt nonces in a programme and period are the bits of the receipts it
    // redeemed there (none without a coverage), and its receipt nonce is the lowest unused one of the period.
    bitmapReads.forEach(({ p, h, period: read }, i) =>
      expect(
        BigInt(bitmaps[i]),
        `${nonceLabel(model.programmes[p].info.id, h)}: receipt nonces used in period ${read}`,
      ).to.equal(model.noncesUsed(p, h, read)),
    );
    nonceReads.forEach(({ p, h }, i) =>
      expect(nonces[i], `${nonceLabel(model.programmes[p].info.id, h)}: receipt nonce`).to.equal(
        model.receiptNonce(p, h, model.now),
      ),
    );
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
    const period = LedgerModel.periodAt(at);
    let taken: ReturnType<LedgerModel["issue"]> = [];
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
        taken = this.model.issue(a.programme, a.households, a.amount, at);
        return [];
      },
      (logs) => {
        // A place that was free again: the ended programme's unredeemable balance is burned, in batch order.
        const burns = logs
          .filter((l) => l.name === "TransferSingle" && l.args[2] === ethers.ZeroAddress)
          .map((l) => [l.args[1], l.args[3], l.args[4]]);
        expect(burns, "issue: burns of the places taken").to.deep.equal(
          taken.map(({ household, cover }) => [
            householdAccountOf(this.model.households[household].householdRef),
            entitlementIdOf(cover.programmeId, period),
            cover.amount,
          ]),
        );
        if (taken.length > 0) this.tally("issue", "took a place free again");
      },
    );
  }

  private async redeem(a: Extract<Action, { kind: "redeem" }>): Promise<void> {
    const at = this.nextTimestamp();
    const period = LedgerModel.periodAt(at);
    const redeemedFrom = this.model
      .redeemable(at)
      .filter(([p, h]) => this.model.noncesUsed(p, h, period) !== 0n);
    const [p, h] =
      a.again && !a.stray && redeemedFrom.length > 0
        ? redeemedFrom[a.pick % redeemedFrom.length]
        : this.coverageFor(a.pick, a.stray, a.programme, a.household, at);
    const vendor = this.vendors()[a.vendor];
    if (a.batched) return this.redeemBatched(a, p, h, vendor);
    for (const { lowest, slot } of a.receipts) {
      const next = this.nextTimestamp();
      const amount = a.overdraw ? a.amount : this.partialAmount(p, h, a.amount, next);
      const nonce = await this.chooseNonce(p, h, next, lowest, slot);
      const receipt = this.receipt(p, h, vendor, amount, nonce, next + BigInt(DAY));
      await this.submit("redeem", p, h, vendor, receipt, await this.sign(h, receipt));
    }
  }

  /**
   * The `redeem` step's receipts in one `redeemBatch`, mined at one second: each is predicted by the model in
   * turn, after the ones before it, and applied to it if accepted. The chain must log exactly the predicted
   * GiftSpent pieces and one RedemptionRefused per refused receipt, carrying the error the model names.
   */
  private async redeemBatched(
    a: Extract<Action, { kind: "redeem" }>,
    p: number,
    h: number,
    vendor: HardhatEthersSigner,
  ): Promise<void> {
    const { ledger } = this.world;
    const at = this.nextTimestamp();
    await this.expectNoncesUsed(p, h, LedgerModel.periodAt(at));
    const items = [];
    const outcomes: Expected[] = [];
    const predicted: ExpectedSpend[] = [];
    for (const { lowest, slot } of a.receipts) {
      const amount = a.overdraw ? a.amount : this.partialAmount(p, h, a.amount, at);
      const unused = this.model.unusedIndices(p, h, LedgerModel.periodAt(at));
      const index =
        unused.length === 0
          ? BigInt(slot) % RECEIPT_NONCES_PER_PERIOD
          : unused[lowest ? 0 : slot % unused.length];
      const receipt = this.receipt(
        p,
        h,
        vendor,
        amount,
        receiptNonceOf(LedgerModel.periodAt(at), index),
        at + BigInt(DAY),
      );
      const signature = await this.sign(h, receipt);
      const expected = this.model.expectRedeem(p, h, amount, receipt.nonce, receipt.deadline, at);
      if (expected.ok) {
        const redemptionId = ethers.TypedDataEncoder.hash(this.domain, RECEIPT_TYPES, receipt);
        predicted.push(...this.model.redeem(p, h, vendor.address, amount, receipt.nonce, redemptionId, at));
        this.redeemed.push({ p, h, vendor, receipt, signature });
      }
      items.push({ receipt, beneficiarySignature: signature, fieldAgentSignature: "0x" });
      outcomes.push(expected);
    }
    await time.setNextBlockTimestamp(at);
    const mined = await (await ledger.connect(vendor).redeemBatch(items)).wait();
    const spent: ExpectedSpend[] = [];
    const refused: string[] = [];
    for (const log of mined!.logs) {
      const parsed = ledger.interface.parseLog(log);
      if (parsed?.name === "GiftSpent") {
        const [giftId, programmeId, amount, kind, ref] = parsed.args;
        spent.push({ giftId, programmeId, amount, kind: Number(kind), ref });
        const ghost = this.ghosts.get(giftId) ?? { paid: 0n, refunded: 0n };
        ghost.paid += amount;
        this.ghosts.set(giftId, ghost);
      } else if (parsed?.name === "RedemptionRefused") {
        refused.push(`${parsed.args.index}: ${parsed.args.detail}`);
      }
    }
    expect(spent, "redeem (batch): GiftSpent pieces").to.deep.equal(predicted);
    this.lineage.spends.push(...spent.map((piece) => ({ ...piece, at })));
    expect(refused, "redeem (batch): refusals").to.deep.equal(
      outcomes.flatMap((expected, i) =>
        expected.ok ? [] : [`${i}: ${ledger.interface.encodeErrorResult(expected.error, expected.args)}`],
      ),
    );
    for (const expected of outcomes) this.tally("redeem (batch)", expected.ok ? "ok" : expected.error);
    this.model.now = at;
    expect(BigInt(await time.latest()), "redeem (batch): mined at the pinned second").to.equal(at);
  }

  /**
   * A receipt whose nonce the household cannot use: it must fail, whatever else about it is right. With
   * nothing to replay in the current period, `resubmit` and `reuse` first redeem a receipt from a live
   * coverage, if any, so that they replay a nonce of this period rather than only of earlier ones.
   */
  private async replay(a: Extract<Action, { kind: "replay" }>): Promise<void> {
    if (a.mode !== "invalid" && this.usedThisPeriod(this.nextTimestamp()).length === 0) {
      await this.redeemToReplay(a);
    }
    const at = this.nextTimestamp();
    const period = LedgerModel.periodAt(at);
    if (a.mode === "resubmit" && this.redeemed.length > 0) {
      // Preferably a receipt that would pass every check but its nonce's.
      const valid = this.redeemed.filter((r) => this.validButForNonce(r, at));
      const pool = valid.length > 0 ? valid : this.redeemed;
      const earlier = pool[a.pick % pool.length];
      const { p, h, vendor, receipt, signature } = earlier;
      await this.expectNoncesUsed(p, h, splitNonce(receipt.nonce).period);
      await this.submit("replay (resubmit)", p, h, vendor, receipt, signature);
      return;
    }
    if (a.mode !== "invalid") {
      // A fresh receipt, of any amount, under an index the household used this period in a running programme,
      // or else under an earlier redemption's nonce.
      const used = this.usedThisPeriod(at);
      let target: [number, number, bigint] | undefined;
      if (used.length > 0) {
        const [p, h] = used[a.pick % used.length];
        const bitmap = this.model.noncesUsed(p, h, period);
        const usedIndices = this.allIndices().filter((i) => ((bitmap >> i) & 1n) !== 0n);
        target = [p, h, receiptNonceOf(period, usedIndices[a.slot % usedIndices.length])];
      } else if (this.redeemed.length > 0) {
        const earlier = this.redeemed[a.pick % this.redeemed.length];
        target = [earlier.p, earlier.h, earlier.receipt.nonce];
      }
      if (target) {
        const [p, h, nonce] = target;
        await this.expectNoncesUsed(p, h, splitNonce(nonce).period);
        const vendor = this.vendors()[a.slot % 2];
        const receipt = this.receipt(p, h, vendor, a.amount, nonce, at + BigInt(DAY));
        await this.submit("replay (reuse)", p, h, vendor, receipt, await this.sign(h, receipt));
        return;
      }
    }
    const [p, h] = this.coverageFor(a.pick, false, a.programme, a.household, at);
    const index = BigInt(a.slot) % RECEIPT_NONCES_PER_PERIOD;
    const nonce = {
      index: receiptNonceOf(
        period,
        RECEIPT_NONCES_PER_PERIOD + (BigInt(a.slot) % (256n - RECEIPT_NONCES_PER_PERIOD)),
      ),
      earlier: receiptNonceOf(period - 1n, index),
      later: receiptNonceOf(period + 1n, index),
      wrapped: receiptNonceOf(period + (1n << 32n), index),
    }[a.invalid];
    const vendor = this.vendors()[a.slot % 2];
    const amount = this.partialAmount(p, h, a.amount, at);
    const receipt = this.receipt(p, h, vendor, amount, nonce, at + BigInt(DAY));
    await this.submit("replay (invalid)", p, h, vendor, receipt, await this.sign(h, receipt));
  }

  private async collect(a: Extract<Action, { kind: "collect" }>): Promise<void> {
    const vendors = this.vendors();
    if (a.wait) {
      const closes = this.model.programmes.flatMap((_, p) =>
        vendors.flatMap((v) =>
          this.model.pendingOf(p, v.address).map(([g]) => LedgerModel.windowClosesAt(g)),
        ),
      );
      const target = closes.length > 0 ? closes.reduce((x, y) => (x < y ? x : y)) : 0n;
      if (target > this.model.now) {
        // The next step is mined at the second after the window's last.
        this.model.now = target;
        await time.increaseTo(target);
        this.tally("collect", "waited for the window");
      }
    }
    const at = this.nextTimestamp();
    let [p, vendor] = [a.programme, vendors[a.vendor]];
    const credits = this.model.collectable(
      vendors.map((v) => v.address),
      at,
    );
    if (!a.stray && credits.length > 0) {
      const [creditP, creditVendor] = credits[a.pick % credits.length];
      [p, vendor] = [creditP, vendors.find((v) => v.address === creditVendor)!];
    }
    const peer = vendors.find((v) => v !== vendor)!;
    const to = {
      zero: ethers.ZeroAddress,
      self: vendor.address,
      payee: this.world.payee,
      peer: peer.address,
    }[a.to];
    const books = this.model.programmes[p];
    const expected = this.model.expectCollect(p, vendor.address, at);
    // Collecting does not depend on the programme running: count the collections after its end.
    if (expected.ok && at >= books.endsAt) this.tally("collect", "ok after the programme's end");
    await this.transact(
      "collect",
      expected,
      () => this.world.ledger.connect(vendor).collectSettlement(books.info.id, to),
      () => {
        this.model.collect(p, vendor.address, to, at);
        return [];
      },
    );
  }

  /**
   * Flags a redeemed receipt, or one forged on its nonce (another vendor, other evidence), as the household's
   * wallet or an auditor; the hold it logs must be the model's.
   */
  private async flag(a: Extract<Action, { kind: "flag" }>): Promise<void> {
    if (this.redeemed.length === 0) return;
    const at = this.nextTimestamp();
    const original = this.redeemed[a.pick % this.redeemed.length];
    const { p, h } = original;
    const vendors = this.vendors();
    const vendor = a.forge === "vendor" ? vendors.find((v) => v !== original.vendor)! : original.vendor;
    const receipt: Receipt = {
      ...original.receipt,
      vendor: vendor.address,
      evidenceHash:
        a.forge === "evidence" ? ethers.id(`forged ${this.evidence++}`) : original.receipt.evidenceHash,
    };
    const redemptionId = ethers.TypedDataEncoder.hash(this.domain, RECEIPT_TYPES, receipt);
    // The household's wallet, impersonated so that a refused flag is mined like every other step.
    const caller = a.byAuditor
      ? this.world.auditor
      : await this.impersonate(this.model.households[h].wallet.address);
    const step = a.forge === "none" ? "flag" : "flag (forged)";
    let held = 0n;
    await this.transact(
      step,
      this.model.expectFlag(p, redemptionId, receipt.nonce, receipt.deadline, at),
      () => this.world.ledger.connect(caller).flagRedemption(receipt, "bafy-reason"),
      () => {
        held = this.model.flag(p, h, vendor.address, receipt.amount, receipt.nonce, redemptionId);
        this.flagged.push(redemptionId);
        return [];
      },
      (logs) => {
        const holds = logs.filter((l) => l.name === "SettlementHeld").map((l) => [l.args[0], l.args[3]]);
        expect(holds, `${step}: SettlementHeld`).to.deep.equal(held > 0n ? [[redemptionId, held]] : []);
        if (held > 0n) this.addHeld(this.model.programmes[p].info.id, held);
        if (held > 0n) this.tally(step, "held");
      },
    );
  }

  /** Upholds or dismisses a flag; an upheld hold must come back to the lots as the model predicts. */
  private async resolve(a: Extract<Action, { kind: "resolve" }>): Promise<void> {
    const open = this.flagged.filter((id) => this.model.disputes.get(id)!.status === 1);
    const pool = a.stray || open.length === 0 ? this.flagged : open;
    const redemptionId =
      pool.length > 0 && !a.stray ? pool[a.pick % pool.length] : ethers.id(`no redemption ${a.pick}`);
    const caller = a.byRegulator ? this.world.regulator : this.world.auditor;
    let reversals: ExpectedReversal[] = [];
    const dispute = this.model.disputes.get(redemptionId);
    const step = a.upheld ? "uphold" : "dismiss";
    await this.transact(
      step,
      this.model.expectResolve(redemptionId),
      () => this.world.ledger.connect(caller).resolveFlag(redemptionId, a.upheld, "bafy-report"),
      () => {
        reversals = this.model.resolve(redemptionId, a.upheld);
        return [];
      },
      (logs) => {
        const logged = logs
          .filter((l) => l.name === "GiftSettlementReversed")
          .map((l) => ({ giftId: l.args[0], programmeId: l.args[1], amount: l.args[2], ref: l.args[3] }));
        expect(logged, `${step}: GiftSettlementReversed`).to.deep.equal(reversals);
        for (const r of logged) {
          const ghost = this.ghosts.get(r.giftId)!;
          ghost.paid -= r.amount;
        }
        if (dispute && dispute.held > 0n) {
          this.addHeld(this.model.programmes[dispute.p].info.id, -dispute.held);
          this.tally(step, "moved a hold");
        }
      },
    );
  }

  private addHeld(programmeId: bigint, amount: bigint): void {
    this.heldLogged.set(programmeId, (this.heldLogged.get(programmeId) ?? 0n) + amount);
  }

  /** A household wallet as a node-signed account with ether for gas (household wallets hold none). */
  private async impersonate(address: string): Promise<HardhatEthersSigner> {
    await network.provider.request({
      method: "hardhat_setBalance",
      params: [address, ethers.toQuantity(ethers.parseEther("1"))],
    });
    return ethers.getImpersonatedSigner(address);
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

  private vendors(): HardhatEthersSigner[] {
    return [this.world.vendor, this.world.vendor2];
  }

  /** A live coverage chosen by `pick` or, when `stray` or none is live, programme × household. */
  private coverageFor(pick: number, stray: boolean, p: number, h: number, at: bigint): [number, number] {
    const live = this.model.redeemable(at);
    return !stray && live.length > 0 ? live[pick % live.length] : [p, h];
  }

  /** A partial amount (1 to what is left) of the household's coverage, or `amount` if nothing is left. */
  private partialAmount(p: number, h: number, amount: bigint, at: bigint): bigint {
    const coverage = this.model.coverageBy(p, h, LedgerModel.periodAt(at));
    const remaining = coverage ? coverage.amount - coverage.redeemed : 0n;
    return remaining === 0n ? amount : 1n + ((amount - 1n) % remaining);
  }

  /**
   * The nonce a receipt of the household at `at` carries: its lowest unused index of the period, or the unused
   * index `slot` picks (any order is valid), or a used one if all are used. First the chain's bitmap of that
   * period must agree with the model (views see the latest block; `at` may be in the next period).
   */
  private async chooseNonce(
    p: number,
    h: number,
    at: bigint,
    lowest: boolean,
    slot: number,
  ): Promise<bigint> {
    const period = LedgerModel.periodAt(at);
    await this.expectNoncesUsed(p, h, period);
    const unused = this.model.unusedIndices(p, h, period);
    if (unused.length === 0) return receiptNonceOf(period, BigInt(slot) % RECEIPT_NONCES_PER_PERIOD);
    return receiptNonceOf(period, lowest ? unused[0] : unused[slot % unused.length]);
  }

  /** The chain's `receiptNoncesUsed` of the household in programme `p` and `period` is the model's. */
  private async expectNoncesUsed(p: number, h: number, period: bigint): Promise<void> {
    const { id } = this.model.programmes[p].info;
    const householdRef = this.model.households[h].householdRef;
    const onChain = await view(
      this.world.ledger,
      this.model.ledgerAddress,
      "receiptNoncesUsed",
      id,
      householdRef,
      period,
    );
    expect(BigInt(onChain), `${nonceLabel(id, h)}: receipt nonces used in period ${period}`).to.equal(
      this.model.noncesUsed(p, h, period),
    );
  }

  /** Households with a used receipt nonce this period in a programme still running at `at`. */
  private usedThisPeriod(at: bigint): [number, number][] {
    const period = LedgerModel.periodAt(at);
    return this.model.programmes.flatMap((books, p) =>
      at >= books.endsAt
        ? []
        : this.model.households
            .map((_, h): [number, number] => [p, h])
            .filter(([, h]) => this.model.noncesUsed(p, h, period) !== 0n),
    );
  }

  /** Redeems part of a live coverage chosen by the replay's `pick`, under the unused index its `slot` picks. */
  private async redeemToReplay(a: Extract<Action, { kind: "replay" }>): Promise<void> {
    const at = this.nextTimestamp();
    const live = this.model.redeemable(at);
    if (live.length === 0) return;
    const [p, h] = live[a.pick % live.length];
    const vendor = this.vendors()[a.pick % 2];
    const nonce = await this.chooseNonce(p, h, at, false, a.slot);
    const receipt = this.receipt(
      p,
      h,
      vendor,
      this.partialAmount(p, h, a.amount, at),
      nonce,
      at + BigInt(DAY),
    );
    await this.submit("redeem", p, h, vendor, receipt, await this.sign(h, receipt));
  }

  /** Whether a redeemed receipt would pass every check but its nonce's if resubmitted at `at`. */
  private validButForNonce(r: RedeemedReceipt, at: bigint): boolean {
    return (
      at <= r.receipt.deadline &&
      at < this.model.programmes[r.p].endsAt &&
      splitNonce(r.receipt.nonce).period === LedgerModel.periodAt(at)
    );
  }

  private allIndices(): bigint[] {
    return Array.from({ length: Number(RECEIPT_NONCES_PER_PERIOD) }, (_, i) => BigInt(i));
  }

  private receipt(
    p: number,
    h: number,
    vendor: HardhatEthersSigner,
    amount: bigint,
    nonce: bigint,
    deadline: bigint,
  ): Receipt {
    const household = this.model.households[h];
    return {
      programmeId: this.model.programmes[p].info.id,
      beneficiaryRef: household.beneficiaryRef,
      householdRef: household.householdRef,
      vendor: vendor.address,
      amount,
      evidenceHash: ethers.id(`evidence ${this.evidence++}`),
      nonce,
      deadline,
    };
  }

  private sign(h: number, receipt: Receipt): Promise<string> {
    return this.model.households[h].wallet.signTypedData(this.domain, RECEIPT_TYPES, receipt);
  }

  /**
   * The vendor submits the household's signed receipt; a replayed nonce must never be accepted. A redemption
   * under an index below one the household already used this period is counted as out of order.
   */
  private async submit(
    step: string,
    p: number,
    h: number,
    vendor: HardhatEthersSigner,
    receipt: Receipt,
    signature: string,
  ): Promise<void> {
    const at = this.nextTimestamp();
    const expected = this.model.expectRedeem(p, h, receipt.amount, receipt.nonce, receipt.deadline, at);
    if (step !== "redeem") expect(expected.ok, `${step}: the model accepts the nonce`).to.equal(false);
    const redemptionId = ethers.TypedDataEncoder.hash(this.domain, RECEIPT_TYPES, receipt);
    await this.transact(
      step,
      expected,
      () => this.world.ledger.connect(vendor).redeem(receipt, signature, "0x"),
      () => {
        const { index } = splitNonce(receipt.nonce);
        if (this.model.noncesUsed(p, h, LedgerModel.periodAt(at)) >> (index + 1n) !== 0n) {
          this.tally(step, "ok out of order");
        }
        this.redeemed.push({ p, h, vendor, receipt, signature });
        return this.model.redeem(p, h, vendor.address, receipt.amount, receipt.nonce, redemptionId, at);
      },
    );
  }

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
    checkLogs: (logs: LogDescription[]) => void = () => {},
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
      const collectionsBefore = this.model.collections.length;
      const predicted = apply();
      const spent: ExpectedSpend[] = [];
      const received: LoggedGift[] = [];
      const collected: ExpectedCollection[] = [];
      const ledgerAddress = await ledger.getAddress();
      const parsedLogs: LogDescription[] = [];
      for (const log of receipt!.logs) {
        if (log.address !== ledgerAddress) continue;
        const parsed = ledger.interface.parseLog(log);
        if (parsed) parsedLogs.push(parsed);
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
        } else if (parsed?.name === "SettlementCollected") {
          const [programmeId, vendor, to, amount] = parsed.args;
          collected.push({ programmeId, vendor, to, amount });
          this.collectedLogged.set(programmeId, (this.collectedLogged.get(programmeId) ?? 0n) + amount);
          this.receivedLogged.set(to, (this.receivedLogged.get(to) ?? 0n) + amount);
        }
      }
      expect(spent, `${step}: GiftSpent pieces`).to.deep.equal(predicted);
      checkLogs(parsedLogs);
      this.lineage.spends.push(...spent.map((piece) => ({ ...piece, at })));
      for (const l of parsedLogs)
        if (l.name === "GiftSettlementReversed")
          this.lineage.reversals.push({
            giftId: l.args[0],
            programmeId: l.args[1],
            amount: l.args[2],
            ref: l.args[3],
            at,
          });
      expect(collected, `${step}: SettlementCollected`).to.deep.equal(
        this.model.collections.slice(collectionsBefore),
      );
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
