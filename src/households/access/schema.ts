/**
 * Tiered access to the household file: which organisation enrolled a household (and ran an import), and
 * the access log, one row per read of household data (who, what, when, why). Rows name people and
 * households by reference only, like every other table.
 */
export const HOUSEHOLD_ACCESS_SQL = `
  ALTER TABLE households ADD COLUMN enrolled_by TEXT;
  CREATE INDEX households_by_enroller ON households (enrolled_by);
  ALTER TABLE imports ADD COLUMN org_id TEXT;

  CREATE TABLE access_log (
    entry_id   INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    key_id     TEXT NOT NULL,
    org_id     TEXT NOT NULL,
    role       TEXT NOT NULL,
    action     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    grounds    TEXT NOT NULL,
    purpose    TEXT,
    request_id TEXT
  ) STRICT;
  CREATE INDEX access_log_by_subject ON access_log (subject, entry_id);
  CREATE INDEX access_log_by_org ON access_log (org_id, entry_id);
`;
