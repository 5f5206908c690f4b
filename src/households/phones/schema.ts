/**
 * The keyed phone index (migration 13): how a caller's phone number finds its household without the
 * number being stored anywhere but the encrypted vault. `phone_ref` is HMAC-SHA256(pepper_v, "phone:" +
 * the normalised number); one row per member who gave a number, so a number two members share finds both.
 * Households enrolled before the index existed wait in `phone_refs_backlog` until the gateway reads their
 * numbers from the vault once (`indexPhoneBacklog`).
 */
export const PHONE_REFS_SQL = `
  CREATE TABLE phone_refs (
    phone_ref       TEXT NOT NULL CHECK (length(phone_ref) = 66 AND phone_ref GLOB '0x*'),
    pepper_version  INTEGER NOT NULL,
    household_ref   TEXT NOT NULL REFERENCES households (household_ref),
    beneficiary_ref TEXT NOT NULL REFERENCES members (beneficiary_ref),
    PRIMARY KEY (phone_ref, beneficiary_ref)
  ) STRICT;
  CREATE INDEX phone_refs_by_household ON phone_refs (household_ref);

  CREATE TABLE phone_refs_backlog (
    household_ref TEXT PRIMARY KEY REFERENCES households (household_ref)
  ) STRICT;
  INSERT INTO phone_refs_backlog (household_ref) SELECT household_ref FROM households WHERE status = 'active';
`;
