import type BetterSqlite3 from "better-sqlite3";
import type { MemberRecord, MemberRepository, MemberRole } from "./repositories";

interface Row {
  beneficiary_ref: string;
  household_ref: string;
  pepper_version: number;
  role: MemberRole;
  job_code: string;
  created_at: string;
}

const toRecord = (row: Row): MemberRecord => ({
  beneficiaryRef: row.beneficiary_ref,
  householdRef: row.household_ref,
  pepperVersion: row.pepper_version,
  role: row.role,
  jobCode: row.job_code,
  createdAt: row.created_at,
});

export function sqliteMembers(db: BetterSqlite3.Database): MemberRepository {
  const insert = db.prepare(
    "INSERT INTO members (beneficiary_ref, household_ref, pepper_version, role, job_code, created_at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const get = db.prepare<[string], Row>("SELECT * FROM members WHERE beneficiary_ref = ?");
  const byHousehold = db.prepare<[string], Row>(
    "SELECT * FROM members WHERE household_ref = ? ORDER BY role = 'member', created_at, beneficiary_ref",
  );
  const count = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM members");

  return {
    insert(r) {
      insert.run(r.beneficiaryRef, r.householdRef, r.pepperVersion, r.role, r.jobCode, r.createdAt);
    },
    findByRefs(beneficiaryRefs) {
      // One indexed lookup per pepper version: the list is as short as the pepper ring.
      return beneficiaryRefs.flatMap((ref) => {
        const row = get.get(ref);
        return row ? [toRecord(row)] : [];
      });
    },
    listByHousehold: (householdRef) => byHousehold.all(householdRef).map(toRecord),
    count: () => count.get()!.n,
  };
}
