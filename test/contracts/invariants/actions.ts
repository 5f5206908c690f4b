import fc from "fast-check";
import { DAY, PERIOD, UNIT } from "../helpers/system";
import { HOUSEHOLD_COUNT, PROGRAMME_COUNT } from "./world";

/**
 * One step of a random sequence, as plain data so fast-check can print and shrink it. Indexes name the
 * world's programmes, households, donors and vendors; `pick` chooses among what the model holds when the
 * step runs (a live coverage, a gift), so that shrunk sequences stay meaningful.
 */
export type Action =
  | { kind: "give"; donor: number; programme: number; amount: bigint; reallocateTo: number | null }
  | { kind: "issue"; programme: number; households: number[]; amount: bigint }
  | {
      kind: "redeem";
      /**
       * Redeem one to three receipts of a live coverage chosen by `pick` (or, when `stray` or none is live,
       * programme × household); `again` prefers one the household already redeemed from this period, so
       * receipts of one household meet.
       */
      pick: number;
      stray: boolean;
      again: boolean;
      programme: number;
      household: number;
      vendor: number;
      /** Each receipt's: a partial amount of what is left, or the raw amount when `overdraw`. */
      amount: bigint;
      overdraw: boolean;
      /** Each signed with the lowest unused receipt index, or else with the unused index chosen by `slot`. */
      receipts: ReceiptIndex[];
      /** All in one `redeemBatch` (refused receipts skipped) rather than one `redeem` each. */
      batched?: boolean;
    }
  | {
      kind: "replay";
      /**
       * Submits a receipt whose nonce the household cannot use: an earlier redemption's receipt chosen by
       * `pick` as signed (`resubmit`, preferring one that is otherwise still valid), a fresh receipt under an
       * index the household used this period (`reuse`, the index chosen by `slot`), or a fresh receipt whose
       * nonce names no index of the current period (`invalid`, of the kind `invalid`) on a live coverage or
       * programme × household. With no nonce used this period, `resubmit` and `reuse` first redeem part of a
       * live coverage chosen by `pick` (under the unused index `slot` picks), if any. Without an earlier
       * redemption `resubmit` falls back to `reuse`, and `reuse` without a used index this period to an
       * earlier redemption's nonce, else to `invalid`.
       */
      pick: number;
      mode: ReplayMode;
      slot: number;
      invalid: InvalidNonce;
      programme: number;
      household: number;
      /** The raw amount: a used nonce must be refused before the entitlement is looked at. */
      amount: bigint;
    }
  | {
      kind: "collect";
      /** Collect a credit chosen by `pick` (or, when `stray` or nothing is owed, programme × vendor). */
      pick: number;
      stray: boolean;
      programme: number;
      vendor: number;
      /** To the zero address (meaning the vendor), the vendor named, a payee, or the other vendor. */
      to: Recipient;
      /** First wait until the earliest pending credit's dispute window has closed, if any is pending. */
      wait: boolean;
    }
  | {
      kind: "flag";
      /** Flag a redeemed receipt chosen by `pick`, as the household's wallet or an auditor. */
      pick: number;
      byAuditor: boolean;
      /**
       * `none` flags the receipt itself; `vendor` one forged on its nonce naming the other vendor, `evidence`
       * one forged with other evidence: the chain cannot tell them apart, so the hold is what bounds them.
       */
      forge: Forgery;
    }
  | {
      kind: "resolve";
      /** Resolve a flag chosen by `pick` (or, when `stray`, a redemption nobody flagged). */
      pick: number;
      stray: boolean;
      upheld: boolean;
      byRegulator: boolean;
    }
  | { kind: "warp"; seconds: number }
  | { kind: "release"; programme: number }
  | { kind: "close"; programme: number; byRegulator: boolean }
  | {
      kind: "settle";
      /** Settle a gift of an ended programme chosen by `pick` (or, when `stray` or none ended, any gift id). */
      pick: number;
      stray: boolean;
    };

export interface ReceiptIndex {
  lowest: boolean;
  slot: number;
}
export type ReplayMode = "resubmit" | "reuse" | "invalid";
/**
 * An index of 32 or more in the current period, a valid index of the previous or next period, or of the
 * current period plus 2^32 (which a contract truncating the nonce's period to 32 bits would accept).
 */
export type InvalidNonce = "index" | "earlier" | "later" | "wrapped";
export type Recipient = "zero" | "self" | "payee" | "peer";

/** How a flagged receipt differs from the redeemed one it names (see the `flag` action). */
export type Forgery = "none" | "vendor" | "evidence";

/** Every programme of the world takes gifts of at least 10 and issues at most 100 per household. */
const MIN_GIFT = 10n * UNIT;
const CAP_PER_PERIOD = 100n * UNIT;

const programme = fc.nat({ max: PROGRAMME_COUNT - 1 });
const household = fc.nat({ max: HOUSEHOLD_COUNT - 1 });
const households = fc.shuffledSubarray([...Array(HOUSEHOLD_COUNT).keys()], { minLength: 1 });

/** True about once in `n` draws. */
const oneIn = (n: number) => fc.nat({ max: n - 1 }).map((draw) => draw === 0);

const give = fc
  .record({
    donor: fc.nat({ max: 1 }),
    programme,
    amount: fc.bigInt({ min: MIN_GIFT, max: 40n * MIN_GIFT }),
    // A third of the gifts ask to move their remainder to another programme at the end.
    reallocateOffset: fc.oneof(
      { weight: 2, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: PROGRAMME_COUNT - 1 }) },
    ),
  })
  .map(({ donor, programme, amount, reallocateOffset }) => ({
    kind: "give" as const,
    donor,
    programme,
    amount,
    reallocateTo: reallocateOffset === null ? null : (programme + reallocateOffset) % PROGRAMME_COUNT,
  }));

const issue = fc.record({
  kind: fc.constant("issue" as const),
  programme,
  households,
  // Mostly small entitlements, so budgets cover several batches; sometimes up to the cap.
  amount: fc.oneof(
    { weight: 3, arbitrary: fc.bigInt({ min: 1n, max: CAP_PER_PERIOD / 5n }) },
    { weight: 1, arbitrary: fc.bigInt({ min: 1n, max: CAP_PER_PERIOD }) },
  ),
});

const redeem = fc
  .record({
    kind: fc.constant("redeem" as const),
    pick: fc.nat(),
    stray: oneIn(5),
    again: fc.boolean(),
    programme,
    household,
    vendor: fc.nat({ max: 1 }),
    amount: fc.bigInt({ min: 1n, max: CAP_PER_PERIOD }),
    overdraw: oneIn(4),
    receipts: fc.array(fc.record({ lowest: fc.boolean(), slot: fc.nat() }), { minLength: 1, maxLength: 3 }),
  })
  // Derived, drawing nothing, so the pinned campaign's other steps stay as they were: about half of the
  // steps with several receipts send them in one batch.
  .map((step) => ({ ...step, batched: step.receipts.length > 1 && step.receipts[0].slot % 2 === 1 }));

const replay = fc.record({
  kind: fc.constant("replay" as const),
  pick: fc.nat(),
  // An invalid nonce needs no earlier redemption and is also the others' fallback: draw it less often.
  mode: fc.oneof(
    { weight: 2, arbitrary: fc.constant<ReplayMode>("resubmit") },
    { weight: 2, arbitrary: fc.constant<ReplayMode>("reuse") },
    { weight: 1, arbitrary: fc.constant<ReplayMode>("invalid") },
  ),
  slot: fc.nat(),
  invalid: fc.constantFrom<InvalidNonce>("index", "earlier", "later", "wrapped"),
  programme,
  household,
  amount: fc.bigInt({ min: 1n, max: CAP_PER_PERIOD }),
});

const collect = fc.record({
  kind: fc.constant("collect" as const),
  pick: fc.nat(),
  stray: oneIn(4),
  programme,
  vendor: fc.nat({ max: 1 }),
  to: fc.constantFrom<Recipient>("zero", "self", "payee", "peer"),
  wait: fc.boolean(),
});

/** Within a period (an hour to ten days) or across one or two period boundaries. */
const warp = fc.record({
  kind: fc.constant("warp" as const),
  seconds: fc.oneof(
    fc.integer({ min: 3600, max: 10 * DAY }),
    fc.integer({ min: PERIOD - 5 * DAY, max: 2 * PERIOD }),
  ),
});

const flag = fc.record({
  kind: fc.constant("flag" as const),
  pick: fc.nat(),
  byAuditor: fc.boolean(),
  forge: fc.constantFrom<Forgery>("none", "none", "vendor", "evidence"),
});

const resolve = fc.record({
  kind: fc.constant("resolve" as const),
  pick: fc.nat(),
  stray: oneIn(5),
  upheld: fc.boolean(),
  byRegulator: fc.boolean(),
});

const release = fc.record({ kind: fc.constant("release" as const), programme });
const close = fc.record({ kind: fc.constant("close" as const), programme, byRegulator: fc.boolean() });
const settle = fc.record({ kind: fc.constant("settle" as const), pick: fc.nat(), stray: oneIn(3) });

export const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 5, arbitrary: give },
  { weight: 7, arbitrary: issue },
  { weight: 6, arbitrary: redeem },
  { weight: 3, arbitrary: replay },
  { weight: 3, arbitrary: collect },
  { weight: 2, arbitrary: warp },
  { weight: 1, arbitrary: release },
  { weight: 2, arbitrary: close },
  { weight: 3, arbitrary: settle },
  { weight: 1, arbitrary: flag },
  { weight: 1, arbitrary: resolve },
);

/**
 * Up to `fundingSteps` gifts, then `minSteps` to `maxSteps - fundingSteps` steps of any kind (lengths
 * spread evenly): without the funding, most issuances would meet an empty programme.
 */
export function actionSequence(
  fundingSteps: number,
  minSteps: number,
  maxSteps: number,
): fc.Arbitrary<Action[]> {
  return fc
    .tuple(
      fc.array(give, { maxLength: fundingSteps, size: "max" }),
      fc.array(action, { minLength: minSteps, maxLength: maxSteps - fundingSteps, size: "max" }),
    )
    .map(([funding, steps]) => [...funding, ...steps]);
}
