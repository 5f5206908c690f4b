/**
 * Off-chain confirmations and the batches that anchor them (migration 11).
 *
 * A confirmation is pending while `batch_id` is null. Closing a batch sets `batch_id` and `leaf_index` on
 * its members, inserts the batch and queues its `anchor` chain job in one SQLite transaction, so a crash
 * leaves either no batch or a whole one with its job; the outbox sends that job once. `proof` is filled
 * when the batch's anchor is confirmed on chain. No column holds personal data: households appear by their
 * keyed reference, and each confirmation's hash mixes in a random salt.
 */
export const ANCHORING_SQL = `
  CREATE TABLE anchor_batches (
    batch_id     INTEGER PRIMARY KEY,
    root         TEXT NOT NULL UNIQUE CHECK (length(root) = 66 AND root GLOB '0x*'),
    count        INTEGER NOT NULL CHECK (count > 0),
    uri          TEXT NOT NULL,
    job_id       INTEGER NOT NULL REFERENCES chain_jobs (job_id),
    status       TEXT NOT NULL CHECK (status IN ('queued', 'anchored', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 1,
    error_name   TEXT,
    tx_hash      TEXT,
    block_number INTEGER,
    closed_at    TEXT NOT NULL,
    failed_at    TEXT,
    anchored_at  TEXT
  ) STRICT;
  CREATE INDEX anchor_batches_by_job ON anchor_batches (job_id);

  CREATE TABLE confirmations (
    seq               INTEGER PRIMARY KEY,
    confirmation_id   TEXT NOT NULL UNIQUE,
    programme_id      INTEGER NOT NULL,
    household_ref     TEXT NOT NULL CHECK (length(household_ref) = 66 AND household_ref GLOB '0x*'),
    kind              TEXT NOT NULL CHECK (kind IN ('in_kind_distribution', 'service_visit')),
    delivered_at      TEXT NOT NULL,
    evidence_hash     TEXT,
    recorded_by       TEXT NOT NULL,
    idempotency_key   TEXT,
    salt              TEXT NOT NULL,
    confirmation_hash TEXT NOT NULL UNIQUE,
    recorded_at       TEXT NOT NULL,
    batch_id          INTEGER REFERENCES anchor_batches (batch_id),
    leaf_index        INTEGER,
    proof             TEXT
  ) STRICT;
  -- Pending confirmations (batch_id NULL) and each batch's members, both in seq order, which is leaf order.
  CREATE INDEX confirmations_by_batch ON confirmations (batch_id, seq);
  -- A device that uploads again after a lost answer names its confirmation once per recorder.
  CREATE UNIQUE INDEX confirmations_idempotency ON confirmations (recorded_by, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
`;
