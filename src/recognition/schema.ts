/**
 * Recognition (good coin): donors' opt-in to the public leaderboard, and each closed period's totals with
 * the Merkle root anchored on chain. Totals are computed from the indexer's read models (chain events).
 */
export const RECOGNITION_SQL = `
  -- A donor on the leaderboard under a pseudonym it chose; a donor with no row appears nowhere.
  CREATE TABLE recognition_optins (
    account      TEXT PRIMARY KEY,
    alias        TEXT NOT NULL UNIQUE,
    org_id       TEXT NOT NULL,
    opted_in_at  TEXT NOT NULL
  ) STRICT;

  -- A closed period (a calendar month, UTC): its totals' root and the job that anchors it.
  CREATE TABLE recognition_periods (
    period        TEXT PRIMARY KEY,
    root          TEXT NOT NULL,
    accounts      INTEGER NOT NULL,
    through_block INTEGER NOT NULL,
    job_id        INTEGER NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('queued', 'anchored', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 1,
    error_name    TEXT,
    tx_hash       TEXT,
    block_number  INTEGER,
    closed_at     TEXT NOT NULL
  ) STRICT;
  CREATE INDEX recognition_periods_by_job ON recognition_periods (job_id);

  -- Each account's good coin in a closed period, in the tree's leaf order, with its Merkle proof (JSON).
  CREATE TABLE recognition_entries (
    period     TEXT NOT NULL,
    leaf_index INTEGER NOT NULL,
    account    TEXT NOT NULL,
    good_coin  TEXT NOT NULL,
    proof      TEXT NOT NULL,
    PRIMARY KEY (period, leaf_index),
    UNIQUE (period, account)
  ) STRICT;
`;

/**
 * Hours served count in recognition (migration 25): an entry is a donor's good coin from gifts (`gift`, in token
 * base units) or a time-bank member's minutes served (`service`, its member ref as the account). Both kinds
 * are leaves of the one tree a period anchors; their domains keep one from being read as the other. Donor
 * accounts (wallets, cash donors' keyed refs) and member refs are keyed apart, so an account is one kind.
 */
export const RECOGNITION_SERVICE_SQL = `
  ALTER TABLE recognition_entries ADD COLUMN kind TEXT NOT NULL DEFAULT 'gift' CHECK (kind IN ('gift', 'service'));
`;
