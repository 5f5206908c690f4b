import { expect } from "chai";
import { Wallet } from "ethers";
import { syntheticNationalId } from "../../../src/identity/synthetic";
import { admitMember, appointCoordinator, changeMember, type TimeBankDeps } from "../../../src/timebank";
import { bootE2e, countRows, registerOrganisation, removeDataDir, type E2eGateway } from "../e2e/harness";

/** The time bank's first use-cases on a whole gateway (real chain, SQLite, outbox), called directly. */
describe("timebank: appointing a coordinator and admitting members", function () {
  this.timeout(120_000);
  let gw: E2eGateway;
  let deps: TimeBankDeps;

  before(async () => {
    gw = await bootE2e();
    deps = gw.services.timebank;
  });
  after(async () => {
    await gw?.stop();
    if (gw) removeDataDir(gw.dataDir);
  });

  it("admits a custodial and a self-custodied member once the charity is appointed, as the chain holds them", async () => {
    const charity = await registerOrganisation(gw, "charity");
    const before = countRows(gw, "chain_jobs");
    let refused: unknown;
    await admitMember(deps, charity.orgId, { nationalId: syntheticNationalId(1), creditLimit: 60 }).catch(
      (error) => (refused = error),
    );
    expect(refused).to.include({ status: 403, code: "not_coordinator" });
    expect(countRows(gw, "chain_jobs")).to.equal(before);

    const appointed = await appointCoordinator(deps, { orgId: charity.orgId });
    expect(appointed.licenceStatus).to.equal("active");
    expect(await gw.services.system.licences.isActive(charity.address, 6)).to.equal(true);

    const custodial = await admitMember(deps, charity.orgId, {
      nationalId: syntheticNationalId(1),
      creditLimit: 60,
    });
    expect(custodial).to.include({ custody: "custodial", status: "active", balance: 0, creditLimit: 60 });
    expect((await gw.services.system.timeBank.walletOf(custodial.memberRef)).toLowerCase()).to.equal(
      custodial.wallet,
    );
    expect((await gw.services.system.timeBank.memberRefOf(custodial.wallet)).toLowerCase()).to.equal(
      custodial.memberRef,
    );

    const own = Wallet.createRandom().address;
    const self = await admitMember(deps, charity.orgId, {
      nationalId: syntheticNationalId(2),
      wallet: own,
      creditLimit: 0,
    });
    expect(self).to.include({ custody: "self", wallet: own.toLowerCase(), status: "active" });

    const jobs = countRows(gw, "chain_jobs");
    const keys = countRows(gw, "keys");
    let again: unknown;
    await admitMember(deps, charity.orgId, { nationalId: syntheticNationalId(1), creditLimit: 60 }).catch(
      (error) => (again = error),
    );
    expect(again).to.include({ status: 409, code: "member_exists" });
    let taken: unknown;
    await admitMember(deps, charity.orgId, {
      nationalId: syntheticNationalId(3),
      wallet: own,
      creditLimit: 0,
    }).catch((error) => (taken = error));
    expect(taken).to.include({ status: 409, code: "MemberWalletTaken", field: "wallet" });
    expect([countRows(gw, "chain_jobs"), countRows(gw, "keys")]).to.deep.equal([jobs, keys]);
    expect(countRows(gw, "timebank_members")).to.equal(2);
    let step = 0;
    const change = (body: Record<string, unknown>) =>
      changeMember(deps, charity.orgId, custodial.memberRef, {
        idempotencyKey: `member-change-${++step}`,
        ...body,
      } as never);
    expect(await change({ action: "set_credit_limit", creditLimit: 30 })).to.include({ creditLimit: 30 });
    expect(await change({ action: "suspend" })).to.include({ status: "suspended" });
    const beforeRefusal = countRows(gw, "chain_jobs");
    let twice: unknown;
    await change({ action: "suspend" }).catch((error) => (twice = error));
    expect(twice).to.include({ status: 409, code: "MemberStatusInvalid", field: "action" });
    let missing: unknown;
    await change({ action: "set_credit_limit" }).catch((error) => (missing = error));
    expect(missing).to.include({ status: 400, field: "creditLimit" });
    const other = await registerOrganisation(gw, "charity");
    await appointCoordinator(deps, { orgId: other.orgId });
    let foreign: unknown;
    await changeMember(deps, other.orgId, custodial.memberRef, {
      action: "remove",
      idempotencyKey: "foreign-0001",
    }).catch((error) => (foreign = error));
    expect(foreign).to.include({ status: 404, field: "memberRef" });
    expect(countRows(gw, "chain_jobs")).to.equal(beforeRefusal + 2); // the other charity's charity licence and appointment only
    expect(await change({ action: "reinstate" })).to.include({ status: "active" });
    expect(await change({ action: "remove" })).to.include({ status: "removed" });
  });
});
