import { expect } from "chai";
import { deepStrictEqual } from "node:assert";
import { AppError } from "../../../src/errors";
import { createHouseholdContext, type HouseholdContext } from "../../../src/households";
import type { PepperRing } from "../../../src/identity";
import { openTempStore, type TempStore } from "../db/tempStore";
import { testMasterKeys, testPeppers } from "../identity/testKeys";

export interface HouseholdFixture extends TempStore {
  ctx: HouseholdContext;
}

/** A household context over a real SQLite file in a temp directory, with test peppers and keys. */
export function openHouseholdFixture(peppers: PepperRing = testPeppers()): HouseholdFixture {
  const temp = openTempStore();
  let tick = 0;
  // A clock that moves, so created_at orders rows the way they were written.
  const now = () => new Date(Date.UTC(2026, 0, 1) + tick++ * 1000);
  return {
    ...temp,
    ctx: createHouseholdContext({ store: temp.store, peppers, masterKeys: testMasterKeys(), now }),
  };
}

/**
 * Deep equality for large results (thousands of rows): node's assert is ~100x faster than chai's
 * deep equal once hardhat-chai-matchers has wrapped it, and reports the same diff.
 */
export function expectSameDeep<T>(actual: T, expected: T): void {
  deepStrictEqual(actual, expected);
}

/** Awaits `promise`, expecting it to reject with an `AppError`, and returns the error. */
export async function rejectionOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(AppError);
    return error as AppError;
  }
  expect.fail("expected a rejection");
}
