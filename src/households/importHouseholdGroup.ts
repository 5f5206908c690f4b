import type { DuplicateReviewRecord, ImportRowRecord } from "../db";
import { ValidationError } from "../errors";
import { beneficiaryRef, checkNationalId, type Ref } from "../identity";
import type { HouseholdContext } from "./context";
import {
  conflictingHouseholdColumn,
  householdFromRecord,
  memberFromRecord,
  parseBoolean,
  type CsvRecord,
} from "./csvFormat";
import { householdShapeProblems, withSize, type HouseholdDraft, type MemberDraft } from "./draft";
import { registerHousehold } from "./registerHousehold";

export interface CsvRow {
  /** 1-based data row number; the header is not counted. */
  rowNo: number;
  record: CsvRecord;
}

type RowError = { field: string; code: string };

/** Runs `fn`, turning a `ValidationError` into the row error it describes. */
function attempt<T>(fn: () => T): { value: T } | { error: RowError } {
  try {
    return { value: fn() };
  } catch (error) {
    if (error instanceof ValidationError) return { error: { field: error.field!, code: error.code! } };
    throw error;
  }
}

/** Everything wrong with the household's rows, by row index; a draft when nothing is. */
function validateGroup(rows: readonly CsvRow[]): { errors: Map<number, RowError>; draft?: HouseholdDraft } {
  const errors = new Map<number, RowError>();
  const fail = (index: number, error: RowError) => errors.has(index) || errors.set(index, error);

  const members: (MemberDraft | undefined)[] = rows.map((row, index) => {
    const parsed = attempt(() => memberFromRecord(row.record));
    if ("error" in parsed) fail(index, parsed.error);
    return "value" in parsed ? parsed.value : undefined;
  });
  const heads = rows.map((row) => {
    const parsed = attempt(() => parseBoolean(row.record.is_head, "is_head"));
    return { isHead: "value" in parsed && parsed.value === true };
  });
  for (const problem of householdShapeProblems(heads)) {
    fail(problem.index, {
      field: problem.code === "too_many_members" ? "household_key" : "is_head",
      code: problem.code,
    });
  }
  const headIndex = heads.findIndex((h) => h.isHead);
  if (errors.size > 0 || headIndex < 0) return { errors };

  const head = rows[headIndex]!.record;
  const household = attempt(() => {
    const { postalCode, attributes } = householdFromRecord(head);
    return { postalCode, attributes: withSize(attributes, rows.length, "household_size") };
  });
  if ("error" in household) fail(headIndex, household.error);
  rows.forEach((row, index) => {
    const column = index === headIndex ? undefined : conflictingHouseholdColumn(head, row.record);
    if (column) fail(index, { field: column, code: "conflicts_with_head" });
  });
  if (errors.size > 0 || !("value" in household)) return { errors };
  return { errors, draft: { members: members as MemberDraft[], ...household.value } };
}

/**
 * Validates and writes one household's rows, with their per-row results and review items, in a single
 * transaction: a failure anywhere (bad data, a duplicate, a crash) leaves none of it written.
 */
export function importHouseholdGroup(
  ctx: HouseholdContext,
  importId: string,
  rows: readonly CsvRow[],
  enrolledBy: string | null = null,
): ImportRowRecord[] {
  return ctx.store.transaction(() => {
    const results = recordGroup(ctx, importId, rows, enrolledBy);
    ctx.store.imports.insertRows(results.rows);
    ctx.store.imports.insertReviews(results.reviews);
    return results.rows;
  });
}

/**
 * Writes several households with one commit instead of one each: every household keeps its own savepoint
 * inside a shared transaction, so none is ever half-written. When one fails, the whole transaction rolls
 * back, the households before it are written again (one transaction) and the error is rethrown, so the
 * import stops exactly where one transaction per household would have stopped.
 */
export function importHouseholdGroups(
  ctx: HouseholdContext,
  importId: string,
  groups: readonly (readonly CsvRow[])[],
  enrolledBy: string | null = null,
): ImportRowRecord[][] {
  let written = 0;
  try {
    return ctx.store.transaction(() =>
      groups.map((rows) => {
        const results = importHouseholdGroup(ctx, importId, rows, enrolledBy);
        written++;
        return results;
      }),
    );
  } catch (error) {
    const before = groups.slice(0, written);
    try {
      if (before.length > 0)
        ctx.store.transaction(() =>
          before.forEach((rows) => importHouseholdGroup(ctx, importId, rows, enrolledBy)),
        );
    } catch {
      // Not written now: a resumed import writes them, as it would any household after the failure.
    }
    throw error;
  }
}

function recordGroup(
  ctx: HouseholdContext,
  importId: string,
  rows: readonly CsvRow[],
  enrolledBy: string | null,
): { rows: ImportRowRecord[]; reviews: DuplicateReviewRecord[] } {
  const row = (
    index: number,
    status: ImportRowRecord["status"],
    extra: Partial<ImportRowRecord> = {},
  ): ImportRowRecord => ({
    importId,
    rowNo: rows[index]!.rowNo,
    status,
    errorField: null,
    errorCode: null,
    beneficiaryRef: null,
    householdRef: null,
    ...extra,
  });

  const { errors, draft } = validateGroup(rows);
  if (!draft) {
    // The whole household waits for a corrected file; valid rows keep their ref so they can be traced.
    const refOf = (index: number): Ref | null => {
      const id = checkNationalId(rows[index]!.record.national_id);
      return id.ok ? beneficiaryRef(ctx.peppers, id.value) : null;
    };
    return {
      rows: rows.map((_, index) => {
        const error = errors.get(index);
        return error
          ? row(index, "invalid", {
              errorField: error.field,
              errorCode: error.code,
              beneficiaryRef: refOf(index),
            })
          : row(index, "held", { errorCode: "household_rejected", beneficiaryRef: refOf(index) });
      }),
      reviews: [],
    };
  }

  const registration = registerHousehold(ctx, draft, enrolledBy);
  const { householdRef } = registration;
  const refs = { householdRef };
  if (registration.outcome !== "conflict") {
    return {
      rows: rows.map((_, index) =>
        row(index, registration.outcome, { ...refs, beneficiaryRef: registration.beneficiaryRefs[index]! }),
      ),
      reviews: [],
    };
  }
  const conflicts = new Map(registration.conflicts.map((c) => [c.index, c]));
  const createdAt = ctx.now().toISOString();
  return {
    rows: rows.map((_, index) => {
      const conflict = conflicts.get(index);
      // No householdRef here: the household was not written; the review item names the one proposed.
      const beneficiary = { beneficiaryRef: registration.beneficiaryRefs[index]! };
      return conflict
        ? row(index, "duplicate", { ...beneficiary, errorField: "national_id", errorCode: conflict.code })
        : row(index, "held", { ...beneficiary, errorCode: "household_held_for_review" });
    }),
    reviews: registration.conflicts.map((conflict) => ({
      importId,
      rowNo: rows[conflict.index]!.rowNo,
      reason: conflict.code,
      beneficiaryRef: conflict.beneficiaryRef,
      existingHouseholdRef: conflict.existingHouseholdRef,
      proposedHouseholdRef: householdRef,
      status: "open" as const,
      createdAt,
    })),
  };
}
