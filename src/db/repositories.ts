/**
 * What the use-cases need from storage, as interfaces: SQLite implements them today, PostgreSQL will
 * later. Refs are 0x-prefixed 32-byte hex strings; no record type has a field for raw personal data.
 *
 * The methods are synchronous because better-sqlite3 is, and `Store.transaction` relies on that to
 * make a household all-or-nothing. A PostgreSQL store will need async versions of these interfaces
 * and a transaction that passes a connection-bound set of repositories to its callback.
 */

export type HouseholdStatus = "active" | "shredded";

export interface HouseholdRecord {
  householdRef: string;
  pepperVersion: number;
  status: HouseholdStatus;
  /** A member is military or security staff: excluded from every export. */
  sensitive: boolean;
  createdAt: string;
  /** The organisation that enrolled it; null for households enrolled before this was recorded. */
  enrolledBy?: string | null;
}

export interface HouseholdRepository {
  insert(record: HouseholdRecord): void;
  get(householdRef: string): HouseholdRecord | undefined;
  /** The first of `householdRefs` that exists: used with one ref per pepper version during rotation. */
  findFirst(householdRefs: readonly string[]): HouseholdRecord | undefined;
  setStatus(householdRef: string, status: HouseholdStatus): void;
  /** Active, non-sensitive households, oldest first. */
  listExportable(): HouseholdRecord[];
  count(): number;
}

export type MemberRole = "head" | "member";

export interface MemberRecord {
  beneficiaryRef: string;
  householdRef: string;
  pepperVersion: number;
  role: MemberRole;
  jobCode: string;
  createdAt: string;
}

export interface MemberRepository {
  insert(record: MemberRecord): void;
  /** Members whose ref is any of `beneficiaryRefs`. */
  findByRefs(beneficiaryRefs: readonly string[]): MemberRecord[];
  listByHousehold(householdRef: string): MemberRecord[];
  count(): number;
}

/** One member's phone number as the keyed index holds it: never the number itself. */
export interface PhoneRefRecord {
  /** HMAC-SHA256(pepper_v, "phone:" + normalised number). */
  phoneRef: string;
  pepperVersion: number;
  householdRef: string;
  beneficiaryRef: string;
}

export interface PhoneRefRepository {
  /** Idempotent: the same member and number twice is one row. */
  insert(record: PhoneRefRecord): void;
  /** Rows of active households whose phone ref is any of `phoneRefs` (one per pepper version). */
  findByRefs(phoneRefs: readonly string[]): PhoneRefRecord[];
  /** Forgets a household's numbers (crypto-shredding), and drops it from the backlog. */
  deleteHousehold(householdRef: string): void;
  /** Households enrolled before the index existed, whose numbers are still to be indexed. */
  backlog(limit: number): string[];
  backlogDone(householdRef: string): void;
}

export interface WrappedKeyRecord {
  householdRef: string;
  /** Version of the master key that wrapped it. */
  keyVersion: number;
  wrappedKey: Buffer;
  createdAt: string;
}

export interface VaultKeyRepository {
  /** Inserts or replaces (re-wrapping under a new master key replaces). */
  put(record: WrappedKeyRecord): void;
  get(householdRef: string): WrappedKeyRecord | undefined;
  /** Crypto-shredding: true when a key was deleted. */
  delete(householdRef: string): boolean;
}

export interface SealedRecord {
  householdRef: string;
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
  updatedAt: string;
}

export interface VaultRecordRepository {
  put(record: SealedRecord): void;
  get(householdRef: string): SealedRecord | undefined;
}

export type ImportStatus = "running" | "completed" | "failed";
export type ImportRowStatus = "enrolled" | "already_enrolled" | "invalid" | "duplicate" | "held";

export interface ImportCounts {
  rows: number;
  enrolled: number;
  alreadyEnrolled: number;
  invalid: number;
  duplicate: number;
  held: number;
  householdsEnrolled: number;
}

export interface ImportRecord {
  importId: string;
  idempotencyKey: string;
  fileSha256: string | null;
  status: ImportStatus;
  errorCode: string | null;
  counts: ImportCounts;
  createdAt: string;
  finishedAt: string | null;
  /** The organisation that ran it; null for imports run before this was recorded. */
  orgId: string | null;
  /** The data rows of its file, counted before anything was written; null for imports made before. */
  rowsExpected: number | null;
}

export interface ImportRowRecord {
  importId: string;
  rowNo: number;
  status: ImportRowStatus;
  errorField: string | null;
  errorCode: string | null;
  beneficiaryRef: string | null;
  householdRef: string | null;
}

export interface DuplicateReviewRecord {
  importId: string;
  rowNo: number;
  /** Why it needs a human: `enrolled_elsewhere`, `repeated_in_household`, `household_already_enrolled`. */
  reason: string;
  beneficiaryRef: string;
  existingHouseholdRef: string | null;
  proposedHouseholdRef: string;
  status: "open" | "resolved";
  createdAt: string;
}

/** What an officer decided about a review: merge into the existing household, or reject the row. */
export type ReviewResolution = "merge" | "reject";

export interface ResolvedReviewRecord extends DuplicateReviewRecord {
  resolution: ReviewResolution | null;
  /** The organisation that decided. */
  resolvedBy: string | null;
  resolvedAt: string | null;
}

export interface ImportRepository {
  /** `fileSha256` binds the key to its file from the start; the check before writing computed it. */
  create(record: {
    importId: string;
    idempotencyKey: string;
    fileSha256?: string;
    createdAt: string;
    /** The organisation running the import. */
    orgId?: string | null;
    /** The data rows of the file. */
    rowsExpected?: number | null;
  }): void;
  get(importId: string): ImportRecord | undefined;
  findByIdempotencyKey(idempotencyKey: string): ImportRecord | undefined;
  /** Marks an interrupted import as running again before it is resumed (its file's rows counted again). */
  restart(importId: string, rowsExpected?: number | null): void;
  /**
   * The imports `orgId` ran, newest first, `limit` of them, older than the import `before` (one of its own;
   * undefined when `before` is not: the caller answers that as unknown).
   */
  listByOrg(orgId: string, options: { before?: string; limit: number }): ImportRecord[] | undefined;
  finish(
    importId: string,
    outcome: {
      status: Exclude<ImportStatus, "running">;
      fileSha256: string | null;
      errorCode: string | null;
      finishedAt: string;
    },
  ): ImportRecord;
  /** Row numbers already recorded, so a resumed import skips the households it committed. */
  recordedRowNumbers(importId: string): Set<number>;
  insertRows(rows: readonly ImportRowRecord[]): void;
  insertReviews(items: readonly DuplicateReviewRecord[]): void;
  listRows(importId: string): ImportRowRecord[];
  /** The rows not enrolled (refused, held, already enrolled), in file order after row `afterRowNo`. */
  listRowsNotEnrolled(importId: string, afterRowNo: number, limit: number): ImportRowRecord[];
  listReviews(importId: string): DuplicateReviewRecord[];
  /**
   * The open reviews of the imports `orgId` ran, newest first, older than review `beforeReviewId` if given
   * (one of its own imports' reviews, open or resolved; undefined when it is not).
   */
  listOpenReviews(
    orgId: string,
    limit: number,
    beforeReviewId?: number,
  ): (DuplicateReviewRecord & { reviewId: number })[] | undefined;
  /** One review with its resolution, if any. */
  getReview(importId: string, rowNo: number): ResolvedReviewRecord | undefined;
  /** Closes an open review; false when it was not open (resolved meanwhile, or unknown). */
  resolveReview(
    importId: string,
    rowNo: number,
    resolution: { resolution: ReviewResolution; resolvedBy: string; resolvedAt: string },
  ): boolean;
  /** Counts computed from the recorded rows. */
  tally(importId: string): ImportCounts;
}

/** Every repository over one database, and the transaction that spans them. */
export interface Store {
  readonly households: HouseholdRepository;
  readonly members: MemberRepository;
  readonly vaultKeys: VaultKeyRepository;
  readonly vaultRecords: VaultRecordRepository;
  readonly phoneRefs: PhoneRefRepository;
  readonly imports: ImportRepository;
  /** Runs `fn` atomically; nested calls become savepoints. Throwing rolls everything back. */
  transaction<T>(fn: () => T): T;
  close(): void;
}
