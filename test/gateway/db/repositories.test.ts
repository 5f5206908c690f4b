import { expect } from "chai";
import type { HouseholdRecord, MemberRecord } from "../../../src/db";
import { openTempStore, type TempStore } from "./tempStore";

const ref = (n: number) => "0x" + n.toString(16).padStart(64, "0");

describe("db: SQLite repositories", () => {
  let temp: TempStore;

  function fixture() {
    temp = openTempStore();
    const { store } = temp;
    const household = (n: number, extra: Partial<HouseholdRecord> = {}): HouseholdRecord => ({
      householdRef: ref(n),
      pepperVersion: 1,
      status: "active",
      sensitive: false,
      createdAt: `2026-01-0${n}T00:00:00.000Z`,
      ...extra,
    });
    const member = (n: number, householdN: number, role: MemberRecord["role"]): MemberRecord => ({
      beneficiaryRef: ref(1000 + n),
      householdRef: ref(householdN),
      pepperVersion: 1,
      role,
      jobCode: "employee",
      createdAt: "2026-01-01T00:00:00.000Z",
    });
    return { store, household, member };
  }

  afterEach(() => temp.cleanup());

  it("stores and finds households, trying refs in order", () => {
    const { store, household } = fixture();
    store.households.insert(household(1));
    expect(store.households.get(ref(1))).to.deep.equal(household(1));
    expect(store.households.findFirst([ref(9), ref(1)])).to.deep.equal(household(1));
    expect(store.households.findFirst([ref(9)])).to.equal(undefined);
  });

  it("lists for export only active households without sensitive members", () => {
    const { store, household } = fixture();
    store.households.insert(household(1));
    store.households.insert(household(2, { sensitive: true }));
    store.households.insert(household(3));
    store.households.setStatus(ref(3), "shredded");
    expect(store.households.listExportable().map((h) => h.householdRef)).to.deep.equal([ref(1)]);
    expect(store.households.count()).to.equal(3);
  });

  it("refuses anything but a 0x bytes32 ref as a key, so a raw ID cannot be stored by mistake", () => {
    const { store, household } = fixture();
    expect(() => store.households.insert(household(1, { householdRef: "0013542419" }))).to.throw(
      /CHECK constraint/,
    );
    expect(store.households.count()).to.equal(0);
  });

  it("enforces one head per household and members of existing households only", () => {
    const { store, household, member } = fixture();
    store.households.insert(household(1));
    store.members.insert(member(1, 1, "head"));
    store.members.insert(member(2, 1, "member"));
    expect(() => store.members.insert(member(3, 1, "head"))).to.throw(/UNIQUE constraint/);
    expect(() => store.members.insert(member(4, 7, "member"))).to.throw(/FOREIGN KEY constraint/);
    expect(store.members.listByHousehold(ref(1)).map((m) => m.role)).to.deep.equal(["head", "member"]);
    expect(store.members.findByRefs([ref(1002), ref(5)]).map((m) => m.beneficiaryRef)).to.deep.equal([
      ref(1002),
    ]);
  });

  it("rolls a transaction back whole when it throws", () => {
    const { store, household, member } = fixture();
    expect(() =>
      store.transaction(() => {
        store.households.insert(household(1));
        store.members.insert(member(1, 1, "head"));
        throw new Error("crash");
      }),
    ).to.throw("crash");
    expect(store.households.count()).to.equal(0);
    expect(store.members.count()).to.equal(0);
  });

  it("records import rows and reviews, tallies them and finishes the import", () => {
    const { store } = fixture();
    store.imports.create({ importId: "imp-1", idempotencyKey: "key-1", createdAt: "2026-01-01" });
    const row = {
      importId: "imp-1",
      errorField: null,
      errorCode: null,
      beneficiaryRef: ref(1),
      householdRef: ref(2),
    };
    store.imports.insertRows([
      { ...row, rowNo: 1, status: "enrolled" },
      { ...row, rowNo: 2, status: "enrolled" },
      {
        ...row,
        rowNo: 3,
        status: "duplicate",
        householdRef: null,
        errorField: "national_id",
        errorCode: "enrolled_elsewhere",
      },
      {
        ...row,
        rowNo: 4,
        status: "invalid",
        beneficiaryRef: null,
        householdRef: null,
        errorField: "national_id",
        errorCode: "checksum",
      },
    ]);
    store.imports.insertReviews([
      {
        importId: "imp-1",
        rowNo: 3,
        reason: "enrolled_elsewhere",
        beneficiaryRef: ref(1),
        existingHouseholdRef: ref(2),
        proposedHouseholdRef: ref(3),
        status: "open",
        createdAt: "2026-01-01",
      },
    ]);
    expect(store.imports.recordedRowNumbers("imp-1")).to.deep.equal(new Set([1, 2, 3, 4]));
    const finished = store.imports.finish("imp-1", {
      status: "completed",
      fileSha256: "ab",
      errorCode: null,
      finishedAt: "2026-01-02",
    });
    expect(finished).to.deep.include({ status: "completed", fileSha256: "ab", finishedAt: "2026-01-02" });
    expect(finished.counts).to.deep.equal({
      rows: 4,
      enrolled: 2,
      alreadyEnrolled: 0,
      invalid: 1,
      duplicate: 1,
      held: 0,
      householdsEnrolled: 1,
    });
    expect(store.imports.findByIdempotencyKey("key-1")!.importId).to.equal("imp-1");
    expect(store.imports.listReviews("imp-1")).to.have.length(1);
    expect(() =>
      store.imports.create({ importId: "imp-2", idempotencyKey: "key-1", createdAt: "x" }),
    ).to.throw(/UNIQUE/);
  });
});
