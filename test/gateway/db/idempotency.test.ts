import { expect } from "chai";
import { createHash } from "node:crypto";
import { canonicalJson, runIdempotent, type IdempotentRequest } from "../../../src/db/idempotency";
import { DuplicateError } from "../../../src/errors";
import { testPeppers } from "../identity/testKeys";
import { openTempStore, type TempStore } from "./tempStore";

describe("db: idempotency keys bound to a keyed fingerprint of their request", () => {
  let temp: TempStore;
  beforeEach(() => (temp = openTempStore()));
  afterEach(() => temp.cleanup());

  const request = (payload: string, peppers = testPeppers([1])): IdempotentRequest => ({
    db: temp.store.sqlite,
    peppers,
    scope: "gift",
    orgId: "org_1",
    idempotencyKey: "key-12345678",
    payload,
    now: () => new Date("2026-01-01T00:00:00Z"),
  });
  const keys = () =>
    temp.store.sqlite.prepare("SELECT * FROM idempotency_keys").all() as Record<string, unknown>[];

  /** A request that records its key and a row, after a pause so concurrent callers overlap. */
  function counted() {
    let runs = 0;
    const run = async (claim: () => void) => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      claim();
      return { result: runs };
    };
    return { run, runs: () => runs };
  }

  it("runs four concurrent callers of one key once and gives each the one result", async () => {
    const { run, runs } = counted();
    const results = await Promise.all(
      [1, 2, 3, 4].map(() => runIdempotent(request('{"amount":"150"}'), run)),
    );
    expect(runs()).to.equal(1);
    expect(results).to.deep.equal([{ result: 1 }, { result: 1 }, { result: 1 }, { result: 1 }]);
    expect(keys()).to.have.length(1);
  });

  it("refuses the key with another body, in flight and after, as 409 idempotency_key_reused", async () => {
    const { run } = counted();
    const first = runIdempotent(request('{"amount":"150"}'), run);
    const during = await runIdempotent(request('{"amount":"999"}'), run).catch((e: unknown) => e);
    expect(during)
      .to.be.instanceOf(DuplicateError)
      .and.include({ status: 409, code: "idempotency_key_reused" });
    await first;
    const after = await runIdempotent(request('{"amount":"999"}'), run).catch((e: unknown) => e);
    expect(after).to.be.instanceOf(DuplicateError).and.include({ field: "idempotencyKey" });
    // The same body again reaches `run`, which answers with what it stored.
    expect(await runIdempotent(request('{"amount":"150"}'), run)).to.deep.equal({ result: 2 });
  });

  it("claims no key for a request refused before it wrote anything", async () => {
    const refused = await runIdempotent(request('{"amount":"1"}'), async () => {
      throw new Error("refused by the chain");
    }).catch((e: unknown) => e);
    expect(refused).to.be.instanceOf(Error);
    expect(keys()).to.deep.equal([]);
    const { run } = counted();
    expect(await runIdempotent(request('{"amount":"150"}'), run)).to.deep.equal({ result: 1 });
  });

  it("stores a keyed fingerprint, never a plain hash of the body, and compares it under its own pepper", async () => {
    const body = '{"donorReference":"0013542419"}';
    const { run } = counted();
    await runIdempotent(request(body), run);
    const [stored] = keys();
    expect(stored).to.include({ scope: "gift", org_id: "org_1", pepper_version: 1 });
    expect(stored!.fingerprint).not.to.equal(createHash("sha256").update(body).digest("hex"));
    // After a rotation to pepper 2 the key still recognises its body, and still refuses another.
    const rotated = testPeppers([1, 2], 2);
    expect(await runIdempotent(request(body, rotated), run)).to.deep.equal({ result: 2 });
    const other = await runIdempotent(request('{"donorReference":"x"}', rotated), run).catch(
      (e: unknown) => e,
    );
    expect(other).to.be.instanceOf(DuplicateError);
  });

  it("writes canonical JSON: the same request with its keys in another order has one fingerprint", () => {
    expect(canonicalJson({ b: 1, a: { d: 2n, c: [3, { f: 1, e: 2 }] } })).to.equal(
      '{"a":{"c":[3,{"e":2,"f":1}],"d":"2"},"b":1}',
    );
  });
});
