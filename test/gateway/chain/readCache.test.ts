import { expect } from "chai";
import { readThrough } from "../../../src/chain/readCache";
import { openTempStore, type TempStore } from "../db/tempStore";

/** What ethers throws when the node's port is closed (the embedded anvil stopped). */
const refused = () =>
  Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8545"), { code: "ECONNREFUSED" });
/** What a contract's custom error looks like from ethers: revert data, an answer not an outage. */
const reverted = () =>
  Object.assign(new Error("execution reverted"), { code: "CALL_EXCEPTION", data: "0x12345678" });

describe("chain reads answered from the last read while the node is unreachable", () => {
  let temp: TempStore;
  beforeEach(() => {
    temp = openTempStore();
  });
  afterEach(() => temp.cleanup());

  it("records each value read and answers it, with its read time, when the node does not answer", async () => {
    const db = temp.store.sqlite;
    const first = await readThrough(
      db,
      "k",
      async () => ({ balance: 10n ** 24n, usedNonces: 5 }),
      () => new Date("2026-12-01T10:00:00Z"),
    );
    expect(first).to.deep.include({ fresh: true, readAt: "2026-12-01T10:00:00.000Z" });
    const later = await readThrough(
      db,
      "k",
      () => Promise.reject(refused()),
      () => new Date("2026-12-01T11:00:00Z"),
    );
    expect(later).to.deep.equal({
      value: { balance: 10n ** 24n, usedNonces: 5 },
      readAt: "2026-12-01T10:00:00.000Z",
      fresh: false,
    });
  });

  it("never hides a revert, and with nothing recorded throws the node's own error", async () => {
    const db = temp.store.sqlite;
    await readThrough(db, "k", async () => true);
    let caught: unknown;
    await readThrough(db, "k", () => Promise.reject(reverted())).catch((error: unknown) => (caught = error));
    expect((caught as { code?: string }).code).to.equal("CALL_EXCEPTION");
    caught = undefined;
    await readThrough(db, "never-read", () => Promise.reject(refused())).catch(
      (error: unknown) => (caught = error),
    );
    expect(String(caught)).to.include("ECONNREFUSED");
  });
});
