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
      /** Redeem a live coverage chosen by `pick` (or, when `stray` or none is live, programme × household). */
      pick: number;
      stray: boolean;
      programme: number;
      household: number;
      vendor: number;
      /** A partial amount of what is left, or the raw amount when `overdraw`. */
      amount: bigint;
      overdraw: boolean;
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

const redeem = fc.record({
  kind: fc.constant("redeem" as const),
  pick: fc.nat(),
  stray: oneIn(5),
  programme,
  household,
  vendor: fc.nat({ max: 1 }),
  amount: fc.bigInt({ min: 1n, max: CAP_PER_PERIOD }),
  overdraw: oneIn(4),
});

/** Within a period (an hour to ten days) or across one or two period boundaries. */
const warp = fc.record({
  kind: fc.constant("warp" as const),
  seconds: fc.oneof(
    fc.integer({ min: 3600, max: 10 * DAY }),
    fc.integer({ min: PERIOD - 5 * DAY, max: 2 * PERIOD }),
  ),
});

const release = fc.record({ kind: fc.constant("release" as const), programme });
const close = fc.record({ kind: fc.constant("close" as const), programme, byRegulator: fc.boolean() });
const settle = fc.record({ kind: fc.constant("settle" as const), pick: fc.nat(), stray: oneIn(3) });

export const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 5, arbitrary: give },
  { weight: 7, arbitrary: issue },
  { weight: 6, arbitrary: redeem },
  { weight: 2, arbitrary: warp },
  { weight: 1, arbitrary: release },
  { weight: 2, arbitrary: close },
  { weight: 3, arbitrary: settle },
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
