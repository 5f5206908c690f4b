/**
 * The indexer's read models, the donors' receipt codes and the webhook queue (migration 15).
 *
 * Every row the indexer writes names the block it came from, so a reorganisation rewinds by deleting what
 * lies above the fork point. Events are keyed by (tx_hash, log_index): reading a block again inserts
 * nothing. No column holds personal data: households appear only as the keyed references the chain
 * itself carries, a receipt code's secret only as a keyed hash, and a webhook's signing secret not at all
 * (it is derived from the pepper when needed).
 */
export const INDEXER_SQL = `
  CREATE TABLE indexer_checkpoint (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    block_number INTEGER NOT NULL,
    block_hash   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
  ) STRICT;

  -- Hashes of the blocks read (those with events, and each range's last block), to find a fork point.
  CREATE TABLE indexer_blocks (
    block_number INTEGER PRIMARY KEY,
    block_hash   TEXT NOT NULL,
    timestamp    INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE indexer_reorgs (
    reorg_id         INTEGER PRIMARY KEY,
    detected_at      TEXT NOT NULL,
    checkpoint_block INTEGER NOT NULL,
    fork_block       INTEGER NOT NULL,
    depth            INTEGER NOT NULL,
    confirmations    INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE chain_events (
    tx_hash      TEXT NOT NULL,
    log_index    INTEGER NOT NULL,
    block_number INTEGER NOT NULL,
    contract     TEXT NOT NULL,
    name         TEXT NOT NULL,
    args_json    TEXT NOT NULL,
    PRIMARY KEY (tx_hash, log_index)
  ) STRICT;
  CREATE INDEX chain_events_by_block ON chain_events (block_number);
  CREATE INDEX chain_events_by_name ON chain_events (name);

  CREATE TABLE idx_gifts (
    gift_id       INTEGER PRIMARY KEY,
    programme_id  INTEGER NOT NULL,
    donor         TEXT NOT NULL,
    donor_ref     TEXT,
    amount        TEXT NOT NULL,
    reallocate_to INTEGER NOT NULL,
    tx_hash       TEXT NOT NULL,
    block_number  INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX idx_gifts_by_block ON idx_gifts (block_number);

  -- Money leaving a gift's lot (settlement, refund, reallocation) or coming back to it (reversal).
  CREATE TABLE idx_gift_flows (
    tx_hash      TEXT NOT NULL,
    log_index    INTEGER NOT NULL,
    gift_id      INTEGER NOT NULL,
    programme_id INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('settlement', 'refund', 'reallocation', 'reversal')),
    amount       TEXT NOT NULL,
    ref          TEXT NOT NULL,
    block_number INTEGER NOT NULL,
    PRIMARY KEY (tx_hash, log_index)
  ) STRICT;
  CREATE INDEX idx_gift_flows_by_gift ON idx_gift_flows (gift_id);
  CREATE INDEX idx_gift_flows_by_block ON idx_gift_flows (block_number);

  CREATE TABLE idx_redemptions (
    redemption_id TEXT PRIMARY KEY,
    programme_id  INTEGER NOT NULL,
    household_ref TEXT NOT NULL,
    vendor        TEXT NOT NULL,
    amount        TEXT NOT NULL,
    tx_hash       TEXT NOT NULL,
    block_number  INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX idx_redemptions_by_block ON idx_redemptions (block_number);

  -- Entitlements minted (ERC-1155 TransferSingle from zero), per programme.
  CREATE TABLE idx_issuance (
    tx_hash      TEXT NOT NULL,
    log_index    INTEGER NOT NULL,
    programme_id INTEGER NOT NULL,
    account      TEXT NOT NULL,
    amount       TEXT NOT NULL,
    block_number INTEGER NOT NULL,
    PRIMARY KEY (tx_hash, log_index)
  ) STRICT;
  CREATE INDEX idx_issuance_by_programme ON idx_issuance (programme_id);
  CREATE INDEX idx_issuance_by_block ON idx_issuance (block_number);

  -- What a donor is told about its gift (SSE and webhooks); event_id is stable for a (tx, log) pair.
  CREATE TABLE gift_events (
    seq          INTEGER PRIMARY KEY,
    event_id     TEXT NOT NULL UNIQUE,
    gift_id      INTEGER NOT NULL,
    type         TEXT NOT NULL,
    payload_json TEXT NOT NULL,
    block_number INTEGER NOT NULL,
    created_at   TEXT NOT NULL
  ) STRICT;
  CREATE INDEX gift_events_by_gift ON gift_events (gift_id, seq);

  -- A cash donor's receipt code: the code is random (not personal data), its secret kept as a keyed hash.
  CREATE TABLE gift_receipt_codes (
    code           TEXT PRIMARY KEY,
    gift_id        INTEGER NOT NULL UNIQUE,
    org_id         TEXT NOT NULL REFERENCES organisations (org_id),
    secret_hash    TEXT NOT NULL,
    pepper_version INTEGER NOT NULL,
    created_at     TEXT NOT NULL
  ) STRICT;

  CREATE TABLE webhooks (
    webhook_id     TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organisations (org_id),
    url            TEXT NOT NULL,
    gift_id        INTEGER,
    pepper_version INTEGER NOT NULL,
    created_at     TEXT NOT NULL
  ) STRICT;
  CREATE INDEX webhooks_by_org ON webhooks (org_id);

  -- The durable queue: one row per (webhook, event), retried with backoff until delivered or given up.
  CREATE TABLE webhook_deliveries (
    delivery_id     INTEGER PRIMARY KEY,
    webhook_id      TEXT NOT NULL REFERENCES webhooks (webhook_id),
    event_id        TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_status     INTEGER,
    delivered_at    TEXT,
    created_at      TEXT NOT NULL,
    UNIQUE (webhook_id, event_id)
  ) STRICT;
  CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
`;

/**
 * The time bank's and the premium mandates' events the gateway reads back (migration 25): which member ref
 * each wallet was bound to (admitted or rebound to it), every confirmed service, and every mandate revoked on
 * chain, however it was sent. Rows name their block, as the gift read models do, so a reorganisation rewinds
 * them. The checkpoint is dropped so the follower reads the chain again from its first block: the two
 * contracts' earlier events are read, those already stored change nothing.
 */
export const INDEXER_TIMEBANK_MANDATES_SQL = `
  CREATE TABLE idx_timebank_wallets (
    wallet       TEXT PRIMARY KEY CHECK (wallet = lower(wallet)),
    member_ref   TEXT NOT NULL CHECK (length(member_ref) = 66),
    block_number INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX idx_timebank_wallets_by_block ON idx_timebank_wallets (block_number);

  CREATE TABLE idx_timebank_services (
    service_id   TEXT PRIMARY KEY,
    giver        TEXT NOT NULL,
    payer        TEXT NOT NULL,  -- the recipient, or the zero address when the community pool paid
    minutes      INTEGER NOT NULL,
    confirmed_by TEXT NOT NULL,
    tx_hash      TEXT NOT NULL,
    block_number INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX idx_timebank_services_by_block ON idx_timebank_services (block_number);

  CREATE TABLE idx_mandate_revocations (
    mandate_id    TEXT PRIMARY KEY,
    household_ref TEXT NOT NULL,
    member_ref    TEXT NOT NULL,
    revoker       TEXT NOT NULL,
    tx_hash       TEXT NOT NULL,
    block_number  INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX idx_mandate_revocations_by_block ON idx_mandate_revocations (block_number);

  DELETE FROM indexer_checkpoint;
`;

/**
 * The time bank's histories (migration 30), so a member's and the pool's history are read from the gateway's
 * database instead of the chain on every request: every balance move (`ServiceConfirmed`: minutes from the
 * payer to the giver; `CreditDonated`: from the donor to the beneficiary; the zero address is the community
 * pool), and every service logged (`ServiceLogged`), pending until its `ServiceConfirmed` is stored. Rows
 * name their block and are rewound with it. The events already stored are copied in from `chain_events`, which
 * keeps every followed log's arguments, so an upgraded gateway needs no second read of the chain.
 */
export const INDEXER_TIMEBANK_HISTORY_SQL = `
  CREATE TABLE idx_timebank_moves (
    tx_hash      TEXT NOT NULL,
    log_index    INTEGER NOT NULL,
    block_number INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('service', 'donation')),
    service_id   TEXT CHECK ((kind = 'service') = (service_id IS NOT NULL)),
    source       TEXT NOT NULL CHECK (source = lower(source)),  -- the payer or the donor
    target       TEXT NOT NULL CHECK (target = lower(target)),  -- the giver or the donation's beneficiary
    minutes      INTEGER NOT NULL CHECK (minutes > 0),
    PRIMARY KEY (tx_hash, log_index)
  ) STRICT;
  -- Covering (the minutes too): a member's or the pool's moves, newest first, and their sums, from the index alone.
  CREATE INDEX idx_timebank_moves_by_source ON idx_timebank_moves (source, block_number, log_index, minutes);
  CREATE INDEX idx_timebank_moves_by_target ON idx_timebank_moves (target, block_number, log_index, minutes);
  CREATE INDEX idx_timebank_moves_by_block ON idx_timebank_moves (block_number);

  CREATE TABLE idx_timebank_logged (
    service_id    TEXT PRIMARY KEY,
    giver         TEXT NOT NULL CHECK (giver = lower(giver)),
    recipient     TEXT NOT NULL CHECK (recipient = lower(recipient)),
    minutes       INTEGER NOT NULL,
    category      INTEGER NOT NULL,
    evidence_hash TEXT NOT NULL,
    tx_hash       TEXT NOT NULL,
    log_index     INTEGER NOT NULL,
    block_number  INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX idx_timebank_logged_by_giver ON idx_timebank_logged (giver);
  CREATE INDEX idx_timebank_logged_by_recipient ON idx_timebank_logged (recipient);
  CREATE INDEX idx_timebank_logged_by_block ON idx_timebank_logged (block_number);

  INSERT OR IGNORE INTO idx_timebank_moves
    (tx_hash, log_index, block_number, kind, service_id, source, target, minutes)
  SELECT tx_hash, log_index, block_number, 'service', lower(args_json ->> '$.serviceId'),
         lower(args_json ->> '$.payer'), lower(args_json ->> '$.giver'), CAST(args_json ->> '$.duration' AS INTEGER)
    FROM chain_events WHERE contract = 'timeBank' AND name = 'ServiceConfirmed';
  INSERT OR IGNORE INTO idx_timebank_moves
    (tx_hash, log_index, block_number, kind, service_id, source, target, minutes)
  SELECT tx_hash, log_index, block_number, 'donation', NULL,
         lower(args_json ->> '$.donor'), lower(args_json ->> '$.beneficiary'), CAST(args_json ->> '$.duration' AS INTEGER)
    FROM chain_events WHERE contract = 'timeBank' AND name = 'CreditDonated';
  INSERT OR IGNORE INTO idx_timebank_logged
    (service_id, giver, recipient, minutes, category, evidence_hash, tx_hash, log_index, block_number)
  SELECT lower(args_json ->> '$.serviceId'), lower(args_json ->> '$.giver'), lower(args_json ->> '$.recipient'),
         CAST(args_json ->> '$.duration' AS INTEGER), CAST(args_json ->> '$.category' AS INTEGER),
         lower(args_json ->> '$.evidenceHash'), tx_hash, log_index, block_number
    FROM chain_events WHERE contract = 'timeBank' AND name = 'ServiceLogged';
`;
