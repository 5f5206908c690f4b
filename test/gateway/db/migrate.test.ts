import { expect } from "chai";
import BetterSqlite3 from "better-sqlite3";
import { join } from "node:path";
import { MIGRATIONS, migrate, openSqliteStore } from "../../../src/db";
import { openTempStore, type TempStore } from "./tempStore";

const LATEST = MIGRATIONS.at(-1)!.version;

describe("db: migrations", () => {
  let temp: TempStore;

  function fixture() {
    temp = openTempStore();
    return { db: temp.store.sqlite };
  }

  afterEach(() => temp.cleanup());

  const tables = (db: BetterSqlite3.Database) =>
    (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
        name: string;
      }[]
    ).map((r) => r.name);

  it("creates every table, in WAL mode with foreign keys and secure_delete on", () => {
    const { db } = fixture();
    expect(tables(db)).to.include.members([
      "households",
      "members",
      "vault_keys",
      "vault",
      "imports",
      "import_rows",
      "duplicate_reviews",
      "schema_migrations",
    ]);
    expect(db.pragma("journal_mode", { simple: true })).to.equal("wal");
    expect(db.pragma("foreign_keys", { simple: true })).to.equal(1);
    expect(db.pragma("secure_delete", { simple: true })).to.equal(1);
    expect(db.prepare("SELECT version FROM schema_migrations ORDER BY version").pluck().all()).to.deep.equal(
      MIGRATIONS.map((m) => m.version),
    );
  });

  it("is idempotent: running again, or reopening the file, applies nothing", () => {
    const { db } = fixture();
    expect(migrate(db, MIGRATIONS)).to.deep.equal({ applied: [], current: LATEST });
    temp.store.close();
    const reopened = openSqliteStore(temp.path);
    expect(reopened.sqlite.prepare("SELECT count(*) FROM schema_migrations").pluck().get()).to.equal(
      MIGRATIONS.length,
    );
    reopened.close();
  });

  it("applies only the migrations a database has not seen", () => {
    fixture();
    const db = new BetterSqlite3(join(temp.dir, "partial.sqlite"));
    try {
      expect(migrate(db, MIGRATIONS.slice(0, 1))).to.deep.equal({ applied: [1], current: 1 });
      expect(tables(db)).not.to.include("imports");
      expect(migrate(db, MIGRATIONS)).to.deep.equal({
        applied: MIGRATIONS.slice(1).map((m) => m.version),
        current: LATEST,
      });
      expect(tables(db)).to.include("imports");
    } finally {
      db.close();
    }
  });

  it("rolls back a failing migration entirely and does not record it", () => {
    const { db } = fixture();
    const broken = [
      ...MIGRATIONS,
      { version: LATEST + 1, name: "broken", sql: "CREATE TABLE half (x INTEGER); SELECT * FROM nowhere;" },
    ];
    expect(() => migrate(db, broken)).to.throw(/no such table/);
    expect(tables(db)).not.to.include("half");
    expect(db.prepare("SELECT max(version) FROM schema_migrations").pluck().get()).to.equal(LATEST);
  });

  it("refuses a database whose applied migration was edited afterwards", () => {
    const { db } = fixture();
    const edited = MIGRATIONS.map((m) => (m.version === 1 ? { ...m, sql: m.sql + "\n-- edited" } : m));
    expect(() => migrate(db, edited)).to.throw(/changed after it was applied/);
  });

  it("refuses a database newer than the code", () => {
    const { db } = fixture();
    expect(() => migrate(db, MIGRATIONS.slice(0, 1))).to.throw(/newer than this code/);
  });

  it("refuses migrations that are not strictly increasing", () => {
    const { db } = fixture();
    expect(() => migrate(db, [MIGRATIONS[1]!, MIGRATIONS[0]!])).to.throw(/strictly increasing/);
  });
});
