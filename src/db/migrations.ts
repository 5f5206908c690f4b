import { CHAIN_READ_CACHE_SQL } from "../chain/readCache";
import { OFFLINE_PACK_SQL, OFFLINE_SQL } from "../delivery/offline/schema";
import { CHAIN_OUTBOX_SQL } from "../chain/outbox";
import { DISBURSEMENT_SQL, REGISTRATION_RUNS_SQL } from "../disbursement/schema";
import { ROW_COUNTS_SQL } from "./rowCounts";
import { ORGANISATION_REQUESTS_SQL, ORGANISATIONS_SQL } from "../organisations/schema";
import { EARMARKS_AND_GIFT_REQUESTS_SQL, PROGRAMMES_SQL } from "../programmes/schema";
import { IDEMPOTENCY_SQL } from "./idempotency";
import { KEYS_INDEX_SQL, WALLETS_SQL } from "../wallets/schema";
import { HOUSEHOLD_ACCESS_SQL } from "../households/access/schema";
import { IMPORT_PROGRESS_SQL, REVIEW_RESOLUTION_SQL } from "../households/schema";
import { ANCHORING_SQL } from "../anchoring/schema";
import { EVIDENCE_SQL } from "../evidence/schema";
import { DELIVERY_SQL, DISPUTE_SQL } from "../delivery/schema";
import { INDEXER_SQL, INDEXER_TIMEBANK_HISTORY_SQL, INDEXER_TIMEBANK_MANDATES_SQL } from "../indexer/schema";
import { PHONE_REFS_SQL } from "../households/phones/schema";
import { USSD_SQL } from "../delivery/ussd/schema";
import { RECOGNITION_SERVICE_SQL, RECOGNITION_SQL } from "../recognition/schema";
import { MANDATES_SQL } from "../mandates/schema";
import { MEMBER_SESSIONS_SQL, TIMEBANK_SQL } from "../timebank/schema";
import { LOGIN_LINKS_SQL, WEB_SESSIONS_SQL } from "../apiKeys/sessionSchema";

/**
 * The schema, as numbered migrations kept in code so they ship with the build and run at boot.
 * Never edit a migration that has shipped: add the next number. The runner refuses a database whose
 * applied migrations no longer match these texts.
 *
 * Privacy rule for every table: no national ID, name, phone or postal code in clear. People and
 * households appear only as keyed references (0x + 64 hex); their personal data lives in `vault`,
 * encrypted with a per-household key that `vault_keys` holds wrapped by a master key.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "households_members_vault",
    sql: `
      CREATE TABLE households (
        household_ref  TEXT PRIMARY KEY CHECK (length(household_ref) = 66 AND household_ref GLOB '0x*'),
        pepper_version INTEGER NOT NULL,
        status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'shredded')),
        -- 1 when a member is military or security staff: such households never leave in exports.
        sensitive      INTEGER NOT NULL DEFAULT 0 CHECK (sensitive IN (0, 1)),
        created_at     TEXT NOT NULL
      ) STRICT;

      CREATE TABLE members (
        beneficiary_ref TEXT PRIMARY KEY CHECK (length(beneficiary_ref) = 66 AND beneficiary_ref GLOB '0x*'),
        household_ref   TEXT NOT NULL REFERENCES households (household_ref),
        pepper_version  INTEGER NOT NULL,
        role            TEXT NOT NULL CHECK (role IN ('head', 'member')),
        job_code        TEXT NOT NULL,
        created_at      TEXT NOT NULL
      ) STRICT;
      CREATE INDEX members_by_household ON members (household_ref);
      -- One head per household, enforced by the database and not only by the use-case.
      CREATE UNIQUE INDEX members_one_head ON members (household_ref) WHERE role = 'head';

      -- Split from the ciphertext so crypto-shredding is one DELETE of a small row.
      CREATE TABLE vault_keys (
        household_ref TEXT PRIMARY KEY REFERENCES households (household_ref),
        key_version   INTEGER NOT NULL, -- master key version that wrapped it
        wrapped_key   BLOB NOT NULL,    -- iv (12) || tag (16) || AES-256-GCM(data key) (32)
        created_at    TEXT NOT NULL
      ) STRICT;

      CREATE TABLE vault (
        household_ref TEXT PRIMARY KEY REFERENCES households (household_ref),
        ciphertext    BLOB NOT NULL,
        iv            BLOB NOT NULL,
        tag           BLOB NOT NULL,
        updated_at    TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: "imports",
    sql: `
      CREATE TABLE imports (
        import_id           TEXT PRIMARY KEY,
        idempotency_key     TEXT NOT NULL UNIQUE,
        file_sha256         TEXT,            -- known once the whole file has been read
        status              TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
        error_code          TEXT,
        rows_total          INTEGER NOT NULL DEFAULT 0,
        enrolled            INTEGER NOT NULL DEFAULT 0,
        already_enrolled    INTEGER NOT NULL DEFAULT 0,
        invalid             INTEGER NOT NULL DEFAULT 0,
        duplicate           INTEGER NOT NULL DEFAULT 0,
        held                INTEGER NOT NULL DEFAULT 0,
        households_enrolled INTEGER NOT NULL DEFAULT 0,
        created_at          TEXT NOT NULL,
        finished_at         TEXT
      ) STRICT;

      CREATE TABLE import_rows (
        import_id       TEXT NOT NULL REFERENCES imports (import_id),
        row_no          INTEGER NOT NULL,
        status          TEXT NOT NULL
                        CHECK (status IN ('enrolled', 'already_enrolled', 'invalid', 'duplicate', 'held')),
        error_field     TEXT,
        error_code      TEXT,
        beneficiary_ref TEXT,
        household_ref   TEXT,
        PRIMARY KEY (import_id, row_no)
      ) STRICT;

      -- People a human must look at: already enrolled elsewhere, or listed twice.
      CREATE TABLE duplicate_reviews (
        review_id              INTEGER PRIMARY KEY,
        import_id              TEXT NOT NULL REFERENCES imports (import_id),
        row_no                 INTEGER NOT NULL,
        reason                 TEXT NOT NULL,
        beneficiary_ref        TEXT NOT NULL,
        existing_household_ref TEXT,
        proposed_household_ref TEXT NOT NULL,
        status                 TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
        created_at             TEXT NOT NULL,
        UNIQUE (import_id, row_no)
      ) STRICT;
    `,
  },
  // The rooms own their tables' text; the numbered order lives here, so there is one schema history.
  { version: 3, name: "chain_outbox", sql: CHAIN_OUTBOX_SQL },
  { version: 4, name: "organisations", sql: ORGANISATIONS_SQL },
  { version: 5, name: "programmes_and_gifts", sql: PROGRAMMES_SQL },
  { version: 6, name: "disbursement", sql: DISBURSEMENT_SQL },
  { version: 7, name: "wallets", sql: WALLETS_SQL },
  {
    version: 8,
    name: "request_fingerprints_and_earmarks",
    sql: IDEMPOTENCY_SQL + EARMARKS_AND_GIFT_REQUESTS_SQL,
  },
  { version: 9, name: "household_access", sql: HOUSEHOLD_ACCESS_SQL },
  { version: 10, name: "evidence", sql: EVIDENCE_SQL },
  { version: 11, name: "confirmations_and_anchor_batches", sql: ANCHORING_SQL },
  { version: 12, name: "deliveries", sql: DELIVERY_SQL },
  { version: 13, name: "phone_refs_and_ussd_sessions", sql: PHONE_REFS_SQL + USSD_SQL },
  { version: 14, name: "chain_read_cache_and_offline_uploads", sql: CHAIN_READ_CACHE_SQL + OFFLINE_SQL },
  { version: 15, name: "indexer_gift_timeline_webhooks", sql: INDEXER_SQL },
  { version: 16, name: "offline_packs_and_nonce_reservations", sql: OFFLINE_PACK_SQL },
  {
    // Registration runs and disbursements count their rows by status on every progress poll: from an index
    // alone, instead of one table read per row (at 100,000 rows, each poll read them all).
    version: 17,
    name: "progress_indexes",
    sql: `
      CREATE INDEX chain_registrations_by_job_status ON chain_registrations (job_id, status);
      DROP INDEX chain_registrations_by_job;
      CREATE INDEX disbursement_rows_by_status ON disbursement_rows (disbursement_id, status);
    `,
  },
  { version: 18, name: "duplicate_review_resolutions", sql: REVIEW_RESOLUTION_SQL },
  { version: 19, name: "web_sessions", sql: WEB_SESSIONS_SQL },
  // 20 and 21 are reserved for work in progress elsewhere (web pages).
  { version: 22, name: "timebank", sql: TIMEBANK_SQL },
  { version: 23, name: "recognition", sql: RECOGNITION_SQL },
  { version: 24, name: "premium_mandates", sql: MANDATES_SQL },
  {
    version: 25,
    name: "indexer_timebank_mandates_and_hours_served",
    sql: INDEXER_TIMEBANK_MANDATES_SQL + RECOGNITION_SERVICE_SQL,
  },
  { version: 26, name: "dispute_answers_and_flag_resolutions", sql: DISPUTE_SQL },
  {
    version: 27,
    name: "organisation_requests_and_login_links",
    sql: ORGANISATION_REQUESTS_SQL + LOGIN_LINKS_SQL,
  },
  {
    version: 28,
    name: "registration_runs_and_import_progress",
    sql: REGISTRATION_RUNS_SQL + IMPORT_PROGRESS_SQL,
  },
  { version: 29, name: "row_counts", sql: ROW_COUNTS_SQL },
  { version: 30, name: "indexer_timebank_histories", sql: INDEXER_TIMEBANK_HISTORY_SQL },
  { version: 31, name: "member_sessions", sql: MEMBER_SESSIONS_SQL },
  { version: 32, name: "keys_operator_index", sql: KEYS_INDEX_SQL },
];
