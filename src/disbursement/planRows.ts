import { cachedStatement } from "../db/statements";
import { coveredProgrammeIds } from "./coverageReads";
import type { DisbursementDeps, RowStatus } from "./types";

/** A row on its way to the chain: what the file said, resolved to references. */
export interface PlannedRow {
  rowNo: number;
  householdRef: string | null;
  beneficiaryRef: string | null;
  amount: bigint | null;
  status: RowStatus;
  field: string | null;
  code: string | null;
}

export function refused(rowNo: number, status: RowStatus, field: string | null, code: string): PlannedRow {
  return { rowNo, householdRef: null, beneficiaryRef: null, amount: null, status, field, code };
}

/**
 * Resolves a household to its on-chain recipient (the head, registered) and marks repeats. Rows that are
 * still `queued` afterwards go to the overlap pre-check.
 */
export function resolveRecipient(
  deps: DisbursementDeps,
  row: PlannedRow,
  householdRef: string,
  seen: Set<string>,
): PlannedRow {
  // The repeat names no household: a household appears once per disbursement (disbursement_rows_once),
  // on the row that counts; the earlier row of the file says which one.
  if (seen.has(householdRef)) return { ...row, status: "duplicate_in_file", code: "duplicate_in_file" };
  seen.add(householdRef);
  const head = cachedStatement(
    deps.db,
    `SELECT m.beneficiary_ref AS ref, r.status FROM members m
       LEFT JOIN chain_registrations r ON r.beneficiary_ref = m.beneficiary_ref
       WHERE m.household_ref = ? AND m.role = 'head'`,
  ).get(householdRef) as { ref: string; status: string | null } | undefined;
  if (!head || head.status !== "registered") {
    return { ...row, householdRef, status: "not_registered", code: "not_registered" };
  }
  return { ...row, householdRef, beneficiaryRef: head.ref };
}

/**
 * Asks the chain, before sending anything, which households are already covered in the programme's
 * exclusivity scope this period, so refusals come back per row instead of failing a whole batch.
 */
export async function markAlreadyCovered(
  deps: DisbursementDeps,
  programmeId: number,
  period: number,
  rows: PlannedRow[],
): Promise<void> {
  const programme = await deps.system.ledger.programme(programmeId);
  const groupId = Number(programme.groupId);
  const cap = groupId === 0 ? 1 : Number((await deps.system.ledger.exclusivityGroup(groupId)).maxCoverages);
  const queued = rows.filter((row) => row.status === "queued");
  // A slice at a time: a million households' answers held at once were an array each on the heap.
  for (let start = 0; start < queued.length; start += COVERAGE_SLICE) {
    const slice = queued.slice(start, start + COVERAGE_SLICE);
    const held = await coveredProgrammeIds(
      deps.system.ledger,
      programmeId,
      period,
      slice.map((row) => row.householdRef!),
    );
    slice.forEach((row, index) => {
      const ids = held[index]!;
      if (ids.length >= cap || ids.some((id) => Number(id) === programmeId)) {
        row.status = "already_covered";
        row.code = "HouseholdAlreadyCovered";
      }
    });
  }
}

/** Households whose coverage is read and marked together (the reads go out 500 at a time within it). */
const COVERAGE_SLICE = 10_000;

/**
 * The queued rows grouped by amount, each group in file order, in one pass: each row is appended in
 * place (copying a group for every row, as before, was quadratic in the rows of one amount).
 */
export function groupQueuedByAmount(rows: readonly PlannedRow[]): Map<bigint, PlannedRow[]> {
  const byAmount = new Map<bigint, PlannedRow[]>();
  for (const row of rows) {
    if (row.status !== "queued") continue;
    let group = byAmount.get(row.amount!);
    if (!group) byAmount.set(row.amount!, (group = []));
    group.push(row);
  }
  return byAmount;
}
