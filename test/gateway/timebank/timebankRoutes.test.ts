import { expect } from "chai";
import { Wallet } from "ethers";
import { syntheticNationalId } from "../../../src/identity/synthetic";
import {
  bootE2e,
  countRows,
  registerOrganisation,
  removeDataDir,
  type E2eGateway,
  type Organisation,
} from "../e2e/harness";
import { refusedWritingNothing } from "./timebankFixture";

/** Every table a refused time-bank request could have half-written. */
const TABLES = ["chain_jobs", "timebank_coordinators", "timebank_members", "keys"] as const;

/**
 * The time bank's coordinator routes over HTTP on a whole gateway (real anvil, SQLite, outbox): the regulator
 * appoints, a coordinator admits, reads and changes its members; bad input and refusals answer in the one
 * error shape naming the field, and write nothing.
 */
describe("timebank routes: coordinators and members over HTTP", function () {
  this.timeout(180_000);
  let gw: E2eGateway;
  let charity: Organisation;
  let other: Organisation;
  const counts = () => Object.fromEntries(TABLES.map((table) => [table, countRows(gw, table)]));

  before(async () => {
    gw = await bootE2e();
    charity = await registerOrganisation(gw, "charity");
    other = await registerOrganisation(gw, "charity");
  });
  after(async () => {
    await gw?.stop();
    if (gw) removeDataDir(gw.dataDir);
  });

  /** Expects a 4xx in the one error shape naming `field`, and no row written by it. */
  const refused = (
    send: Parameters<typeof refusedWritingNothing>[1],
    status: number,
    field: string,
    code?: string,
  ) => refusedWritingNothing(counts, send, status, field, code);

  it("the regulator appoints a charity a coordinator once; other organisations and bad input are refused", async () => {
    const vendor = await registerOrganisation(gw, "vendor");
    await refused(() => gw.post("/v1/timebank/coordinators", gw.regulatorKey, {}), 400, "orgId");
    await refused(
      () => gw.post("/v1/timebank/coordinators", gw.regulatorKey, { orgId: charity.orgId, validDays: 0 }),
      400,
      "validDays",
    );
    await refused(
      () => gw.post("/v1/timebank/coordinators", gw.regulatorKey, { orgId: charity.orgId, extra: 1 }),
      400,
      "extra",
    );
    await refused(
      () => gw.post("/v1/timebank/coordinators", gw.regulatorKey, { orgId: vendor.orgId }),
      400,
      "orgId",
      "not_charity",
    );
    await refused(
      () => gw.post("/v1/timebank/coordinators", gw.regulatorKey, { orgId: "org_000000000000" }),
      404,
      "orgId",
    );
    const before = counts();
    const byCharity = await gw.post("/v1/timebank/coordinators", charity.apiKey, { orgId: charity.orgId });
    expect(byCharity.status, byCharity.text).to.equal(403);
    expect(counts()).to.deep.equal(before);

    const appointed = await gw.post("/v1/timebank/coordinators", gw.regulatorKey, { orgId: charity.orgId });
    expect(appointed.status, appointed.text).to.equal(201);
    expect(appointed.body).to.include({ orgId: charity.orgId, licenceStatus: "active" });
    expect(await gw.services.system.licences.isActive(charity.address, 6)).to.equal(true);
    const jobs = countRows(gw, "chain_jobs");
    const again = await gw.post("/v1/timebank/coordinators", gw.regulatorKey, { orgId: charity.orgId });
    expect(again.status, again.text).to.equal(200);
    expect(again.body).to.deep.equal(appointed.body);
    expect(countRows(gw, "chain_jobs")).to.equal(jobs);
  });

  it("a coordinator admits, reads and changes its members; nothing personal is answered", async () => {
    const nationalId = syntheticNationalId(120_001);
    await refused(
      () => gw.post("/v1/timebank/members", other.apiKey, { nationalId, creditLimit: 60 }),
      403,
      "authorization",
      "not_coordinator",
    );
    const appointedOther = await gw.post("/v1/timebank/coordinators", gw.regulatorKey, {
      orgId: other.orgId,
    });
    expect(appointedOther.status, appointedOther.text).to.equal(201);
    for (const [body, field] of [
      [{ creditLimit: 60 }, "nationalId"],
      [{ nationalId, creditLimit: -1 }, "creditLimit"],
      [{ nationalId, creditLimit: 1.5 }, "creditLimit"],
      [{ nationalId, creditLimit: 2 ** 32 }, "creditLimit"],
      [{ nationalId, creditLimit: 60, wallet: "0x1234" }, "wallet"],
      [{ nationalId: "12345", creditLimit: 60 }, "nationalId"],
      [{ nationalId, creditLimit: 60, pepper: 1 }, "pepper"],
    ] as const) {
      const res = await refused(() => gw.post("/v1/timebank/members", charity.apiKey, body), 400, field);
      expect(res.text).to.not.include(nationalId);
    }

    const admitted = await gw.post("/v1/timebank/members", charity.apiKey, { nationalId, creditLimit: 60 });
    expect(admitted.status, admitted.text).to.equal(201);
    expect(admitted.body).to.include({ custody: "custodial", status: "active", balance: 0, creditLimit: 60 });
    expect(admitted.text).to.not.include(nationalId);
    const ref = admitted.body.memberRef as string;
    await refused(
      () => gw.post("/v1/timebank/members", charity.apiKey, { nationalId, creditLimit: 60 }),
      409,
      "nationalId",
      "member_exists",
    );
    const own = Wallet.createRandom().address;
    const self = await gw.post("/v1/timebank/members", charity.apiKey, {
      nationalId: syntheticNationalId(120_002),
      wallet: own,
      creditLimit: 0,
    });
    expect(self.status, self.text).to.equal(201);
    expect(self.body).to.include({ custody: "self", wallet: own.toLowerCase() });
    await refused(
      () =>
        gw.post("/v1/timebank/members", charity.apiKey, {
          nationalId: syntheticNationalId(120_003),
          wallet: own,
          creditLimit: 0,
        }),
      409,
      "wallet",
      "MemberWalletTaken",
    );

    const read = await gw.get(`/v1/timebank/members/${ref}`, charity.apiKey);
    expect(read.status, read.text).to.equal(200);
    expect(read.body).to.deep.equal(admitted.body);
    await refused(() => gw.get(`/v1/timebank/members/${ref}`, other.apiKey), 404, "memberRef");
    await refused(() => gw.get(`/v1/timebank/members/0x1234`, charity.apiKey), 400, "memberRef");
    await refused(
      () => gw.get(`/v1/timebank/members/0x${"ab".repeat(32)}`, charity.apiKey),
      404,
      "memberRef",
    );

    const change = (body: object, key = charity.apiKey) =>
      gw.post(`/v1/timebank/members/${ref}/changes`, key, body);
    await refused(
      () => change({ action: "set_credit_limit", idempotencyKey: "limit-0001" }),
      400,
      "creditLimit",
    );
    await refused(
      () => change({ action: "suspend", creditLimit: 5, idempotencyKey: "limit-0002" }),
      400,
      "creditLimit",
    );
    await refused(() => change({ action: "sell", idempotencyKey: "limit-0003" }), 400, "action");
    await refused(() => change({ action: "suspend" }), 400, "idempotencyKey");
    await refused(
      () => change({ action: "suspend", idempotencyKey: "foreign-0001" }, other.apiKey),
      404,
      "memberRef",
    );
    const limited = await change({
      action: "set_credit_limit",
      creditLimit: 240,
      idempotencyKey: "limit-0004",
    });
    expect(limited.status, limited.text).to.equal(200);
    expect(limited.body).to.include({ creditLimit: 240 });
    const suspended = await change({ action: "suspend", idempotencyKey: "suspend-0001" });
    expect(suspended.body).to.include({ status: "suspended" });
    await refused(
      () => change({ action: "suspend", idempotencyKey: "suspend-0002" }),
      409,
      "action",
      "MemberStatusInvalid",
    );
    const jobs = countRows(gw, "chain_jobs");
    const replay = await change({ action: "suspend", idempotencyKey: "suspend-0001" });
    expect(replay.status, replay.text).to.equal(200);
    expect(countRows(gw, "chain_jobs")).to.equal(jobs);
    expect((await change({ action: "reinstate", idempotencyKey: "reinstate-0001" })).body).to.include({
      status: "active",
    });
    expect(gw.logLines.join("\n")).to.not.include(nationalId);
  });
});
