/**
 * The time bank's gateway records: which organisations the regulator appointed coordinators, and the members
 * each coordinator admitted (a keyed member ref and its wallet, never a national ID). Balances and statuses
 * are the TimeBank contract's; these rows say only who may act for whom, and which job put them on chain.
 */
export const TIMEBANK_SQL = `
  CREATE TABLE timebank_coordinators (
    org_id         TEXT PRIMARY KEY REFERENCES organisations (org_id),
    licence_job_id INTEGER NOT NULL REFERENCES chain_jobs (job_id),
    valid_until    INTEGER NOT NULL,
    appointed_at   TEXT NOT NULL
  ) STRICT;

  CREATE TABLE timebank_members (
    member_ref         TEXT PRIMARY KEY,
    pepper_version     INTEGER NOT NULL,
    coordinator_org_id TEXT NOT NULL REFERENCES timebank_coordinators (org_id),
    wallet             TEXT NOT NULL UNIQUE,
    custody            TEXT NOT NULL CHECK (custody IN ('custodial', 'self')),
    admit_job_id       INTEGER NOT NULL REFERENCES chain_jobs (job_id),
    created_at         TEXT NOT NULL
  ) STRICT;
  CREATE INDEX timebank_members_by_coordinator ON timebank_members (coordinator_org_id);
`;
