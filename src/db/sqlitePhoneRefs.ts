import type BetterSqlite3 from "better-sqlite3";
import type { PhoneRefRecord, PhoneRefRepository } from "./repositories";

interface Row {
  phone_ref: string;
  pepper_version: number;
  household_ref: string;
  beneficiary_ref: string;
}

const toRecord = (row: Row): PhoneRefRecord => ({
  phoneRef: row.phone_ref,
  pepperVersion: row.pepper_version,
  householdRef: row.household_ref,
  beneficiaryRef: row.beneficiary_ref,
});

export function sqlitePhoneRefs(db: BetterSqlite3.Database): PhoneRefRepository {
  const insert = db.prepare(
    "INSERT OR IGNORE INTO phone_refs (phone_ref, pepper_version, household_ref, beneficiary_ref) VALUES (?, ?, ?, ?)",
  );
  const byRef = db.prepare<[string], Row>(
    `SELECT p.* FROM phone_refs p JOIN households h ON h.household_ref = p.household_ref
      WHERE p.phone_ref = ? AND h.status = 'active' ORDER BY p.beneficiary_ref`,
  );
  const removeHousehold = db.prepare("DELETE FROM phone_refs WHERE household_ref = ?");
  const backlog = db.prepare<[number], string>(
    "SELECT household_ref FROM phone_refs_backlog ORDER BY household_ref LIMIT ?",
  );
  const done = db.prepare("DELETE FROM phone_refs_backlog WHERE household_ref = ?");

  return {
    insert(r) {
      insert.run(r.phoneRef, r.pepperVersion, r.householdRef, r.beneficiaryRef);
    },
    findByRefs(phoneRefs) {
      return phoneRefs.flatMap((ref) => byRef.all(ref).map(toRecord));
    },
    deleteHousehold(householdRef) {
      removeHousehold.run(householdRef);
      done.run(householdRef);
    },
    backlog: (limit) => backlog.pluck().all(limit) as string[],
    backlogDone(householdRef) {
      done.run(householdRef);
    },
  };
}
