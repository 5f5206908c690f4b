import { expect } from "chai";
import { syntheticNationalId } from "../../../src/identity";
import { poolHistory } from "../../../src/timebank";
import {
  bootE2e,
  registerOrganisation,
  removeDataDir,
  type E2eGateway,
  type Organisation,
  untilIndexed,
} from "../e2e/harness";
import { admitMember, seedTimeBank, TIMEBANK_PIN } from "./timebankFixture";

/**
 * The community pool's history as a coordinator reads it (`poolHistory`), on a whole gateway: the balance, the
 * sums of what moved it, the entries newest first from the indexer's read of the TimeBank's events, this coordinator's own members
 * named and another's not, the limit, and a charity that is no coordinator refused.
 */
describe("timebank: the community pool's history", function () {
  this.timeout(180_000);
  let gw: E2eGateway;
  let coordinator: Organisation;
  let other: Organisation;
  let giver: string;
  let otherDonor: string;
  const deps = () => gw.services.timebank;

  before(async () => {
    gw = await bootE2e();
    coordinator = await registerOrganisation(gw, "charity");
    other = await registerOrganisation(gw, "charity");
    for (const org of [coordinator, other]) {
      const res = await gw.post("/v1/timebank/coordinators", gw.regulatorKey, { orgId: org.orgId });
      expect(res.status, res.text).to.equal(201);
    }
    // The coordinator's giver donates 25 to the pool, which pays it 10 (seedTimeBank).
    ({ giver } = await seedTimeBank(gw, coordinator, 962_000));
    // The other coordinator's member earns 30 and donates 20.
    otherDonor = await admitMember(gw, other, syntheticNationalId(962_500), { pin: TIMEBANK_PIN });
    const payer = await admitMember(gw, other, syntheticNationalId(962_501), { pin: TIMEBANK_PIN });
    const opened = await gw.post("/v1/timebank/services", other.apiKey, {
      giver: otherDonor,
      recipient: payer,
      minutes: 30,
      category: "repairs",
      idempotencyKey: "pool-history-0001",
    });
    expect(opened.status, opened.text).to.equal(201);
    const confirmed = await gw.post(
      `/v1/timebank/services/${opened.body.serviceId}/coordinator-confirmation`,
      other.apiKey,
      { payer: "recipient" },
    );
    expect(confirmed.status, confirmed.text).to.equal(200);
    const donated = await gw.post(`/v1/timebank/members/${otherDonor}/donations`, other.apiKey, {
      minutes: 20,
      pin: TIMEBANK_PIN,
      idempotencyKey: "pool-history-0002",
    });
    expect(donated.status, donated.text).to.equal(201);
    await untilIndexed(gw);
  });
  after(async () => {
    await gw?.stop();
    if (gw) removeDataDir(gw.dataDir);
  });

  it("sums what moved the pool to its balance and lists it newest first, naming only the coordinator's own members", async () => {
    const history = await poolHistory(deps(), coordinator.orgId);
    expect(history).to.include({ minutes: 35, donated: 45, paid: 10 });
    expect(history.minutes).to.equal(Number(await gw.services.system.timeBank.poolBalance()));
    expect(
      history.entries.map(({ kind, minutes, memberRef }) => ({ kind, minutes, memberRef })),
    ).to.deep.equal([
      { kind: "donated", minutes: 20, memberRef: null },
      { kind: "paid", minutes: 10, memberRef: giver },
      { kind: "donated", minutes: 25, memberRef: giver },
    ]);
    const blocks = history.entries.map((entry) => entry.blockNumber);
    expect(blocks).to.deep.equal([...blocks].sort((a, b) => b - a));
    expect(history.entries[1]!.serviceId).to.match(/^0x[0-9a-f]{64}$/);
    expect(history.entries[0]!.serviceId).to.equal(null);
    for (const entry of history.entries) {
      const receipt = await gw.services.provider.getTransactionReceipt(entry.txHash);
      expect(receipt?.blockNumber, entry.txHash).to.equal(entry.blockNumber);
    }

    const seenByOther = await poolHistory(deps(), other.orgId);
    expect(seenByOther.entries.map((entry) => entry.memberRef)).to.deep.equal([otherDonor, null, null]);
    expect(seenByOther).to.include({ minutes: 35, donated: 45, paid: 10 });
  });

  it("keeps the sums whole when it lists fewer entries, and refuses a charity that is no coordinator", async () => {
    const newest = await poolHistory(deps(), coordinator.orgId, 1);
    expect(newest.entries).to.have.length(1);
    expect(newest.entries[0]).to.include({ kind: "donated", minutes: 20 });
    expect(newest).to.include({ donated: 45, paid: 10 });
    const plain = await registerOrganisation(gw, "charity");
    let refusal: unknown;
    try {
      await poolHistory(deps(), plain.orgId);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).to.include({ status: 403, code: "not_coordinator", field: "authorization" });
  });
});
