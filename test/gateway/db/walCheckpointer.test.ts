import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from "../../../src/db";

const fileBytes = (path: string) => statSync(path).size;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** 4,000 rows of 1 KB in commits of 50, yielding between commits as requests do: ~1,300 log pages. */
async function writeRows(store: SqliteStore): Promise<void> {
  store.sqlite.exec("CREATE TABLE bulk (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  const insert = store.sqlite.prepare("INSERT INTO bulk (body) VALUES (?)");
  for (let done = 0; done < 4_000; done += 50) {
    store.transaction(() => {
      for (let i = 0; i < 50; i++) insert.run("x".repeat(1000));
    });
    await sleep(1);
  }
}

/** The database file's size once it stops changing (or after 3 s). */
async function settledFileBytes(path: string): Promise<number> {
  let last = -1;
  for (let waited = 0; waited < 3_000; waited += 200) {
    const now = fileBytes(path);
    if (now === last) return now;
    last = now;
    await sleep(200);
  }
  return last;
}

describe("WAL checkpoints off the event loop (db/walCheckpointer)", () => {
  let dir: string;
  let path: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "sintech-wal-"));
    path = join(dir, "gateway.db");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function writeAndMeasure(options: SqliteStoreOptions): Promise<number> {
    const store = openSqliteStore(path, options);
    try {
      await writeRows(store);
      // Far below the automatic checkpoint's 10,000 pages: no commit copied anything into the file.
      await sleep(400);
      return await settledFileBytes(path);
    } finally {
      await store.closeAndWait();
    }
  }

  it("the worker copies committed pages into the file while the gateway's connection only commits", async () => {
    const bytes = await writeAndMeasure({ checkpoints: "worker", checkpointer: { intervalMs: 20 } });
    expect(bytes).to.be.above(4_000_000);
  });

  it("without the worker, the same commits leave every page in the log (the commit that crosses 10,000 pages would copy them all)", async () => {
    const bytes = await writeAndMeasure({ checkpoints: "inline" });
    expect(bytes).to.be.below(1_000_000);
  });

  it("everything written is in the file once the connection and the worker have closed", async () => {
    await writeAndMeasure({ checkpoints: "worker" });
    const reopened = new BetterSqlite3(path, { readonly: true });
    try {
      expect(reopened.prepare("SELECT count(*) FROM bulk").pluck().get()).to.equal(4_000);
    } finally {
      reopened.close();
    }
  });

  it("keeps the process alive while the worker ends: a caller awaiting it with nothing else pending is answered", () => {
    // Before: the worker was unref'd, so a failed boot closing the store exited the process with code 0
    // and the boot's error was never printed.
    const script = `
      const { openSqliteStore } = require("./src/db");
      const store = openSqliteStore(${JSON.stringify(path)}, { checkpoints: "worker" });
      store.closeAndWait().then(() => process.stdout.write("ended"));
    `;
    const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
      cwd: join(__dirname, "../../.."),
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.stdout, run.stderr).to.equal("ended");
    expect(run.status).to.equal(0);
  });

  it("stopping twice, or after the connection closed, ends once", async () => {
    const store = openSqliteStore(path, { checkpoints: "worker" });
    await Promise.all([store.closeAndWait(), store.closeAndWait()]);
    await store.closeAndWait();
    expect(store.sqlite.open).to.equal(false);
  });
});
