import type BetterSqlite3 from "better-sqlite3";
import type {
  DuplicateReviewRecord,
  ReviewResolution,
  ImportCounts,
  ImportRecord,
  ImportRepository,
  ImportRowRecord,
  ImportRowStatus,
  ImportStatus,
} from "./repositories";

interface ImportRow {
  import_id: string;
  idempotency_key: string;
  file_sha256: string | null;
  org_id: string | null;
  status: ImportStatus;
  error_code: string | null;
  rows_total: number;
  enrolled: number;
  already_enrolled: number;
  invalid: number;
  duplicate: number;
  held: number;
  households_enrolled: number;
  created_at: string;
  finished_at: string | null;
  rows_expected: number | null;
}

interface RowRow {
  import_id: string;
  row_no: number;
  status: ImportRowStatus;
  error_field: string | null;
  error_code: string | null;
  beneficiary_ref: string | null;
  household_ref: string | null;
}

interface ReviewRow {
  import_id: string;
  row_no: number;
  reason: string;
  beneficiary_ref: string;
  existing_household_ref: string | null;
  proposed_household_ref: string;
  status: "open" | "resolved";
  created_at: string;
  review_id: number;
  resolution?: ReviewResolution | null;
  resolved_by?: string | null;
  resolved_at?: string | null;
}

const toImport = (row: ImportRow): ImportRecord => ({
  importId: row.import_id,
  idempotencyKey: row.idempotency_key,
  fileSha256: row.file_sha256,
  orgId: row.org_id,
  status: row.status,
  errorCode: row.error_code,
  counts: {
    rows: row.rows_total,
    enrolled: row.enrolled,
    alreadyEnrolled: row.already_enrolled,
    invalid: row.invalid,
    duplicate: row.duplicate,
    held: row.held,
    householdsEnrolled: row.households_enrolled,
  },
  createdAt: row.created_at,
  finishedAt: row.finished_at,
  rowsExpected: row.rows_expected ?? null,
});

const toRow = (r: RowRow): ImportRowRecord => ({
  importId: r.import_id,
  rowNo: r.row_no,
  status: r.status,
  errorField: r.error_field,
  errorCode: r.error_code,
  beneficiaryRef: r.beneficiary_ref,
  householdRef: r.household_ref,
});

export function sqliteImports(db: BetterSqlite3.Database): ImportRepository {
  const create = db.prepare(
    `INSERT INTO imports (import_id, idempotency_key, file_sha256, status, created_at, org_id, rows_expected)
     VALUES (?, ?, ?, 'running', ?, ?, ?)`,
  );
  const get = db.prepare<[string], ImportRow>("SELECT * FROM imports WHERE import_id = ?");
  const byKey = db.prepare<[string], ImportRow>("SELECT * FROM imports WHERE idempotency_key = ?");
  const restart = db.prepare(
    `UPDATE imports SET status = 'running', error_code = NULL, finished_at = NULL,
       rows_expected = coalesce(?, rows_expected) WHERE import_id = ?`,
  );
  const finish = db.prepare(
    `UPDATE imports SET status = @status, file_sha256 = @fileSha256, error_code = @errorCode, finished_at = @finishedAt,
       rows_total = @rows, enrolled = @enrolled, already_enrolled = @alreadyEnrolled, invalid = @invalid,
       duplicate = @duplicate, held = @held, households_enrolled = @householdsEnrolled
     WHERE import_id = @importId`,
  );
  const rowNumbers = db.prepare<[string], { row_no: number }>(
    "SELECT row_no FROM import_rows WHERE import_id = ?",
  );
  const insertRow = db.prepare(
    `INSERT INTO import_rows (import_id, row_no, status, error_field, error_code, beneficiary_ref, household_ref)
     VALUES (@importId, @rowNo, @status, @errorField, @errorCode, @beneficiaryRef, @householdRef)`,
  );
  const insertReview = db.prepare(
    `INSERT INTO duplicate_reviews
       (import_id, row_no, reason, beneficiary_ref, existing_household_ref, proposed_household_ref, status, created_at)
     VALUES (@importId, @rowNo, @reason, @beneficiaryRef, @existingHouseholdRef, @proposedHouseholdRef, @status, @createdAt)`,
  );
  const listRows = db.prepare<[string], RowRow>(
    "SELECT * FROM import_rows WHERE import_id = ? ORDER BY row_no",
  );
  const notEnrolled = db.prepare<[string, number, number], RowRow>(
    "SELECT * FROM import_rows WHERE import_id = ? AND row_no > ? AND status <> 'enrolled' ORDER BY row_no LIMIT ?",
  );
  const listReviews = db.prepare<[string], ReviewRow>(
    "SELECT * FROM duplicate_reviews WHERE import_id = ? ORDER BY row_no",
  );
  const openReviewsOf = db.prepare<[string, number, number], ReviewRow>(
    `SELECT r.* FROM duplicate_reviews r JOIN imports i ON i.import_id = r.import_id
       WHERE i.org_id = ? AND r.status = 'open' AND r.review_id < ? ORDER BY r.review_id DESC LIMIT ?`,
  );
  const ownReview = db.prepare<[number, string], { review_id: number }>(
    `SELECT r.review_id FROM duplicate_reviews r JOIN imports i ON i.import_id = r.import_id
       WHERE r.review_id = ? AND i.org_id = ?`,
  );
  // A cursor is one of the organisation's own imports: another's is not a place in this list.
  const cursorOf = db.prepare<[string, string], { rowid: number }>(
    "SELECT rowid FROM imports WHERE import_id = ? AND org_id = ?",
  );
  const byOrg = db.prepare<[string, number, number], ImportRow>(
    "SELECT * FROM imports WHERE org_id = ? AND rowid < ? ORDER BY rowid DESC LIMIT ?",
  );
  const reviewOf = db.prepare<[string, number], ReviewRow>(
    "SELECT * FROM duplicate_reviews WHERE import_id = ? AND row_no = ?",
  );
  const resolve = db.prepare(
    `UPDATE duplicate_reviews SET status = 'resolved', resolution = ?, resolved_by = ?, resolved_at = ?
       WHERE import_id = ? AND row_no = ? AND status = 'open'`,
  );
  const toReview = (r: ReviewRow): DuplicateReviewRecord => ({
    importId: r.import_id,
    rowNo: r.row_no,
    reason: r.reason,
    beneficiaryRef: r.beneficiary_ref,
    existingHouseholdRef: r.existing_household_ref,
    proposedHouseholdRef: r.proposed_household_ref,
    status: r.status,
    createdAt: r.created_at,
  });
  const tallyStatus = db.prepare<[string], { status: ImportRowStatus; n: number }>(
    "SELECT status, count(*) AS n FROM import_rows WHERE import_id = ? GROUP BY status",
  );
  const tallyHouseholds = db.prepare<[string], { n: number }>(
    "SELECT count(DISTINCT household_ref) AS n FROM import_rows WHERE import_id = ? AND status = 'enrolled'",
  );

  const tally = (importId: string): ImportCounts => {
    const by = Object.fromEntries(tallyStatus.all(importId).map((r) => [r.status, r.n])) as Partial<
      Record<ImportRowStatus, number>
    >;
    const counts = {
      enrolled: by.enrolled ?? 0,
      alreadyEnrolled: by.already_enrolled ?? 0,
      invalid: by.invalid ?? 0,
      duplicate: by.duplicate ?? 0,
      held: by.held ?? 0,
    };
    const rows = Object.values(counts).reduce((a, b) => a + b, 0);
    return { rows, ...counts, householdsEnrolled: tallyHouseholds.get(importId)!.n };
  };

  return {
    create(r) {
      create.run(
        r.importId,
        r.idempotencyKey,
        r.fileSha256 ?? null,
        r.createdAt,
        r.orgId ?? null,
        r.rowsExpected ?? null,
      );
    },
    get(importId) {
      const row = get.get(importId);
      return row && toImport(row);
    },
    findByIdempotencyKey(idempotencyKey) {
      const row = byKey.get(idempotencyKey);
      return row && toImport(row);
    },
    restart(importId, rowsExpected) {
      restart.run(rowsExpected ?? null, importId);
    },
    listByOrg(orgId, { before, limit }) {
      let below = Number.MAX_SAFE_INTEGER;
      if (before !== undefined) {
        const cursor = cursorOf.get(before, orgId);
        if (!cursor) return undefined;
        below = cursor.rowid;
      }
      return byOrg.all(orgId, below, limit).map(toImport);
    },
    finish(importId, outcome) {
      finish.run({ importId, ...outcome, ...tally(importId) });
      return toImport(get.get(importId)!);
    },
    recordedRowNumbers: (importId) => new Set(rowNumbers.all(importId).map((r) => r.row_no)),
    insertRows(rows) {
      for (const row of rows) insertRow.run(row);
    },
    insertReviews(items) {
      for (const item of items) insertReview.run(item);
    },
    listRows: (importId) => listRows.all(importId).map(toRow),
    listRowsNotEnrolled: (importId, afterRowNo, limit) =>
      notEnrolled.all(importId, afterRowNo, limit).map(toRow),
    listReviews: (importId) => listReviews.all(importId).map(toReview),
    listOpenReviews(orgId, limit, beforeReviewId) {
      if (beforeReviewId !== undefined && !ownReview.get(beforeReviewId, orgId)) return undefined;
      return openReviewsOf
        .all(orgId, beforeReviewId ?? Number.MAX_SAFE_INTEGER, limit)
        .map((row) => ({ ...toReview(row), reviewId: row.review_id }));
    },
    getReview(importId, rowNo) {
      const row = reviewOf.get(importId, rowNo);
      return row
        ? {
            ...toReview(row),
            resolution: row.resolution ?? null,
            resolvedBy: row.resolved_by ?? null,
            resolvedAt: row.resolved_at ?? null,
          }
        : undefined;
    },
    resolveReview: (importId, rowNo, r) =>
      resolve.run(r.resolution, r.resolvedBy, r.resolvedAt, importId, rowNo).changes === 1,
    tally,
  };
}
