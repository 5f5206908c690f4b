import type { Database } from "better-sqlite3";
import { NotFoundError } from "../../errors";
import { cachedStatement } from "../../db/statements";

/** Who reads: the caller resolved from its API key. */
export interface Reader {
  keyId: string;
  orgId: string;
  role: string;
}

/** What was read, as recorded in the access log. */
export type AccessAction =
  | "household.summary"
  | "household.eligibility"
  | "wallet.binding"
  | "wallet.challenge"
  | "wallet.proof"
  | "import.report"
  | "import.review_resolution"
  | "evidence.content"
  | "evidence.key"
  | "delivery.lookup"
  | "delivery.offline_pack"
  | "delivery.read"
  | "delivery.receipts"
  | "delivery.dispute_answer"
  | "mandate.read";

export interface AccessLogEntry {
  entryId: number;
  at: string;
  keyId: string;
  orgId: string;
  role: string;
  action: AccessAction;
  subject: string;
  grounds: string;
  purpose: string | null;
  requestId: string | null;
}

export interface RecordAccessParams {
  reader: Reader;
  action: AccessAction;
  /** The household reference (or import id, or evidence id) read. */
  subject: string;
  /** Why the read was allowed (see `householdGrounds`). */
  grounds: string;
  /** The caller's stated purpose (`X-Access-Purpose`), if any. */
  purpose?: string | null;
  requestId?: string | null;
  now?: () => Date;
}

/**
 * The rights on the household file, by role:
 * - `registrar`: every household (it runs the registry: enrols, registers on chain, rebinds, sets PINs);
 * - `auditor`: reads every household, every read logged;
 * - `charity`: the households it enrolled (`enrolled`), or that a disbursement of one of its programmes
 *   issued to (`covered:<programmeId>`) or listed in any other status (`considered:<programmeId>`);
 * - every other role: none (refused with 403 by the route before this is asked).
 * Returns why `reader` may read the household, or null when it may not.
 */
export function householdGrounds(db: Database, reader: Reader, householdRef: string): string | null {
  if (reader.role === "registrar" || reader.role === "auditor") return reader.role;
  if (reader.role !== "charity") return null;
  const enrolledBy = cachedStatement(
    db,
    "SELECT enrolled_by FROM households WHERE household_ref = ?",
    "pluck",
  ).get(householdRef) as string | null | undefined;
  if (enrolledBy === reader.orgId) return "enrolled";
  const row = cachedStatement(
    db,
    `SELECT d.programme_id AS programmeId, max(r.status = 'issued') AS issued
       FROM disbursement_rows r JOIN disbursements d ON d.disbursement_id = r.disbursement_id
       WHERE r.household_ref = ? AND d.org_id = ?
       GROUP BY d.programme_id ORDER BY issued DESC, d.programme_id LIMIT 1`,
  ).get(householdRef, reader.orgId) as { programmeId: number; issued: number } | undefined;
  if (!row) return null;
  return `${row.issued ? "covered" : "considered"}:${row.programmeId}`;
}

/**
 * Lets `reader` read a household's data and records the read, or refuses with 404 exactly as for an
 * unknown household (so a charity cannot learn which references exist). Returns the grounds.
 */
export function authoriseHouseholdRead(
  db: Database,
  params: Omit<RecordAccessParams, "grounds">,
  field = "householdRef",
): string {
  const exists = cachedStatement(db, "SELECT 1 FROM households WHERE household_ref = ?", "pluck").get(
    params.subject,
  );
  const grounds = exists === undefined ? null : householdGrounds(db, params.reader, params.subject);
  if (grounds === null) throw new NotFoundError(field, "No household has this reference.");
  recordAccess(db, { ...params, grounds });
  return grounds;
}

/** The household a beneficiary belongs to, or undefined for an unknown beneficiary. */
export function householdOfBeneficiary(db: Database, beneficiaryRef: string): string | undefined {
  return cachedStatement(db, "SELECT household_ref FROM members WHERE beneficiary_ref = ?", "pluck").get(
    beneficiaryRef,
  ) as string | undefined;
}

/**
 * Lets `reader` act on a beneficiary's data (its household's rights apply) and, unless `record` is false
 * (an action that reads nothing back), records it; an unknown beneficiary and one the reader may not see
 * are the same 404 naming `field`.
 */
export function authoriseBeneficiaryRead(
  db: Database,
  params: Omit<RecordAccessParams, "grounds" | "subject"> & { beneficiaryRef: string },
  options: { field?: string; record?: boolean } = {},
): string {
  const { field = "beneficiaryRef", record = true } = options;
  const householdRef = householdOfBeneficiary(db, params.beneficiaryRef);
  const grounds = householdRef === undefined ? null : householdGrounds(db, params.reader, householdRef);
  if (grounds === null) throw new NotFoundError(field, "No beneficiary has this reference.");
  if (record) {
    const { beneficiaryRef: _beneficiary, ...entry } = params;
    recordAccess(db, { ...entry, subject: householdRef!, grounds });
  }
  return grounds;
}

/** Appends one entry to the access log. */
export function recordAccess(db: Database, params: RecordAccessParams): void {
  const now = params.now ?? (() => new Date());
  cachedStatement(
    db,
    `INSERT INTO access_log (at, key_id, org_id, role, action, subject, grounds, purpose, request_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    now().toISOString(),
    params.reader.keyId,
    params.reader.orgId,
    params.reader.role,
    params.action,
    params.subject,
    params.grounds,
    params.purpose ?? null,
    params.requestId ?? null,
  );
}

export interface ListAccessLogParams {
  subject?: string;
  orgId?: string;
  /** Entries after this id (the last `entryId` of the previous page). */
  after?: number;
  limit: number;
}

/** The access log, oldest first, filtered by subject and/or reading organisation. */
export function listAccessLog(db: Database, params: ListAccessLogParams): AccessLogEntry[] {
  return cachedStatement(
    db,
    `SELECT entry_id AS entryId, at, key_id AS keyId, org_id AS orgId, role, action, subject, grounds,
            purpose, request_id AS requestId
       FROM access_log
       WHERE entry_id > ? AND (? IS NULL OR subject = ?) AND (? IS NULL OR org_id = ?)
       ORDER BY entry_id LIMIT ?`,
  ).all(
    params.after ?? 0,
    params.subject ?? null,
    params.subject ?? null,
    params.orgId ?? null,
    params.orgId ?? null,
    params.limit,
  ) as AccessLogEntry[];
}

/**
 * Lets `reader` read an import's report: the organisation that ran it, the registrar and auditors. An
 * import run before organisations were recorded is the registrar's and auditors' only. Records the read.
 */
export function authoriseImportRead(db: Database, params: Omit<RecordAccessParams, "grounds">): void {
  const owner = cachedStatement(db, "SELECT org_id FROM imports WHERE import_id = ?", "pluck").get(
    params.subject,
  ) as string | null | undefined;
  let grounds: string | null = null;
  if (owner !== undefined) {
    if (params.reader.role === "registrar" || params.reader.role === "auditor") grounds = params.reader.role;
    else if (owner !== null && owner === params.reader.orgId) grounds = "imported";
  }
  if (grounds === null) throw new NotFoundError("importId", "No import has this id.");
  recordAccess(db, { ...params, grounds });
}
