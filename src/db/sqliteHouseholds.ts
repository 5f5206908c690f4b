import type BetterSqlite3 from "better-sqlite3";
import type { HouseholdRecord, HouseholdRepository, HouseholdStatus } from "./repositories";

interface Row {
  household_ref: string;
  pepper_version: number;
  status: HouseholdStatus;
  sensitive: number;
  created_at: string;
}

const toRecord = (row: Row): HouseholdRecord => ({
  householdRef: row.household_ref,
  pepperVersion: row.pepper_version,
  status: row.status,
  sensitive: row.sensitive === 1,
  createdAt: row.created_at,
});

export function sqliteHouseholds(db: BetterSqlite3.Database): HouseholdRepository {
  const insert = db.prepare(
    "INSERT INTO households (household_ref, pepper_version, status, sensitive, created_at, enrolled_by) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const get = db.prepare<[string], Row>("SELECT * FROM households WHERE household_ref = ?");
  const setStatus = db.prepare("UPDATE households SET status = ? WHERE household_ref = ?");
  const exportable = db.prepare<[], Row>(
    "SELECT * FROM households WHERE status = 'active' AND sensitive = 0 ORDER BY created_at, household_ref",
  );
  const count = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM households");

  return {
    insert(r) {
      insert.run(
        r.householdRef,
        r.pepperVersion,
        r.status,
        r.sensitive ? 1 : 0,
        r.createdAt,
        r.enrolledBy ?? null,
      );
    },
    get(householdRef) {
      const row = get.get(householdRef);
      return row && toRecord(row);
    },
    findFirst(householdRefs) {
      for (const ref of householdRefs) {
        const row = get.get(ref);
        if (row) return toRecord(row);
      }
      return undefined;
    },
    setStatus(householdRef, status) {
      setStatus.run(status, householdRef);
    },
    listExportable: () => exportable.all().map(toRecord),
    count: () => count.get()!.n,
  };
}
