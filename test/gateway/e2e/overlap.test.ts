import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { parseUnits } from "ethers";
import { sampleHouseholdsCsv } from "../../../src/households";
import {
  bootE2e,
  createExclusivityGroup,
  createProgramme,
  disbursementCsv,
  give,
  idsByHousehold,
  importSample,
  mintTokens,
  registerOnChain,
  registerOrganisation,
  removeDataDir,
  settle,
  type E2eGateway,
  type Organisation,
} from "./harness";

const AMOUNT = "1000000";
const units = (amount: string) => parseUnits(amount, 18);

describe("e2e: the overlap guard between two charities of one exclusivity group", () => {
  let gw: E2eGateway;
  let charityA: Organisation;
  let charityB: Organisation;
  let programmeA: number;
  let programmeB: number;
  let groupId: number;
  const sample = sampleHouseholdsCsv({
    households: 16,
    seed: 9,
    firstIdSeed: 70_000,
    maxMembers: 3,
    digits: "mixed",
  });
  const heads = idsByHousehold(sample).map((household) => household[0]!);
  let householdRefs: string[];

  const disburse = (charity: Organisation, programmeId: number, households: number[]) =>
    gw
      .postCsv(
        `/v1/programmes/${programmeId}/disbursements`,
        charity.apiKey,
        disbursementCsv(households.map((index) => [heads[index]!, AMOUNT] as const)),
        `overlap-${randomUUID()}`,
      )
      .then((res) => settle(gw, charity.apiKey, res));
  const coverage = async (programmeId: number, household: number, period: number) =>
    (await gw.services.system.ledger.coverageOf(programmeId, householdRefs[household]!, period))[0];

  before(async () => {
    gw = await bootE2e();
    charityA = await registerOrganisation(gw, "charity", "Imam Reza Relief Society (e2e)");
    charityB = await registerOrganisation(gw, "charity", "Mehr-e Mandegar Support Foundation (e2e)");
    const donor = await registerOrganisation(gw, "donor");
    groupId = await createExclusivityGroup(gw, 30, 1, [charityA.address, charityB.address]);
    ({ householdRefs } = await importSample(gw, charityA.apiKey, sample));
    await registerOnChain(gw, charityA.apiKey);
    await mintTokens(gw, donor.address, "1000000000");
    programmeA = await createProgramme(gw, charityA, { name: "Food basket A", exclusivityGroupId: groupId });
    programmeB = await createProgramme(gw, charityB, { name: "Food basket B", exclusivityGroupId: groupId });
    await give(gw, donor, programmeA, "50000000");
    await give(gw, donor, programmeB, "50000000");
  });
  after(async () => {
    await gw?.stop();
    if (gw) removeDataDir(gw.dataDir);
  });

  it("puts both programmes in the same group on chain", async () => {
    expect(groupId).to.be.greaterThan(0);
    const ledger = gw.services.system.ledger;
    expect(Number((await ledger.programme(programmeA)).groupId)).to.equal(groupId);
    expect(Number((await ledger.programme(programmeB)).groupId)).to.equal(groupId);
    const programme = await gw.get(`/v1/programmes/${programmeB}`, charityB.apiKey);
    expect(programme.body).to.include({ groupId, orgId: charityB.orgId });
  });

  it("refuses per row the households charity A already covers, naming the overlap guard, and issues the rest", async () => {
    const a = await disburse(charityA, programmeA, [0, 1, 2, 3, 4, 5]);
    expect(a.status, a.text).to.equal(202);
    expect(a.body.counts.issued).to.equal(6);

    const b = await disburse(charityB, programmeB, [3, 4, 5, 6, 7, 8]);
    expect(b.status, b.text).to.equal(202);
    expect(
      b.body.rows.map((row: Record<string, unknown>) => [row.rowNo, row.status, row.householdRef]),
    ).to.deep.equal([
      [1, "already_covered", householdRefs[3]],
      [2, "already_covered", householdRefs[4]],
      [3, "already_covered", householdRefs[5]],
      [4, "issued", householdRefs[6]],
      [5, "issued", householdRefs[7]],
      [6, "issued", householdRefs[8]],
    ]);
    for (const row of b.body.rows.slice(0, 3)) {
      expect(row.code).to.equal("HouseholdAlreadyCovered");
      expect(row.message).to.equal(
        "The household already received this kind of aid in this period, from this or another charity (overlap guard).",
      );
    }
    expect(b.body.counts).to.include({ issued: 3, already_covered: 3 });

    const period = b.body.period as number;
    expect(a.body.period).to.equal(period);
    for (const household of [3, 4, 5]) {
      expect(await coverage(programmeA, household, period)).to.equal(units(AMOUNT));
      expect(await coverage(programmeB, household, period)).to.equal(0n);
      const inScope = await gw.services.system.ledger.coveragesInScope(
        programmeB,
        householdRefs[household]!,
        period,
      );
      expect(inScope.map((held) => Number(held.programmeId))).to.deep.equal([programmeA]);
    }
    for (const household of [6, 7, 8]) {
      expect(await coverage(programmeB, household, period)).to.equal(units(AMOUNT));
      expect(await coverage(programmeA, household, period)).to.equal(0n);
    }
    const funds = (await gw.get(`/v1/programmes/${programmeB}`, charityB.apiKey)).body.funds;
    expect(funds.outstanding).to.equal("3000000");
  });

  it("turns the chain's refusal into per-row already_covered when A's payment lands between B's check and B's send", async () => {
    const { services } = gw;
    const provider = services.provider;
    const ledger = services.system.ledger;
    // A's issuance for households 9-11, written straight to the outbox and held in the mempool.
    const summaries = await Promise.all(
      [9, 10, 11].map(
        async (index) => (await gw.get(`/v1/households/${householdRefs[index]}`, charityA.apiKey)).body,
      ),
    );
    await provider.send("evm_setAutomine", [false]);
    let automine = false;
    try {
      services.outbox.enqueue({
        idempotencyKey: `e2e:race:${randomUUID()}`,
        kind: "e2e.issue",
        from: charityA.address,
        to: ledger.target as string,
        data: ledger.interface.encodeFunctionData("issueBatch", [
          programmeA,
          summaries.map((summary) => summary.members[0].beneficiaryRef),
          summaries.map((summary) => summary.householdRef),
          units(AMOUNT),
        ]),
      });
      const draining = services.outbox.drain();
      await waitFor(async () => {
        const pool = (await provider.send("txpool_content", [])) as { pending?: Record<string, unknown> };
        return Object.keys(pool.pending ?? {}).length > 0;
      });

      // B checks the chain (nothing yet), queues its batch behind A's, and waits for the outbox.
      const jobsBefore = services.store.sqlite
        .prepare("SELECT max(job_id) FROM chain_jobs")
        .pluck()
        .get() as number;
      const pendingB = disburse(charityB, programmeB, [9, 10, 11, 12, 13]);
      await waitFor(
        async () =>
          (services.store.sqlite.prepare("SELECT max(job_id) FROM chain_jobs").pluck().get() as number) >
          jobsBefore,
      );
      await provider.send("evm_setAutomine", [true]);
      automine = true;
      await provider.send("evm_mine", []);
      await draining;
      const b = await pendingB;

      expect(b.status, b.text).to.equal(202);
      expect(
        b.body.rows.map((row: Record<string, unknown>) => [row.rowNo, row.status, row.code]),
      ).to.deep.equal([
        [1, "already_covered", "HouseholdAlreadyCovered"],
        [2, "already_covered", "HouseholdAlreadyCovered"],
        [3, "already_covered", "HouseholdAlreadyCovered"],
        [4, "issued", null],
        [5, "issued", null],
      ]);
      for (const row of b.body.rows.slice(0, 3)) expect(row.message).to.match(/overlap guard/);
      // The chain named one household per refusal: three refused attempts, then the rest went through.
      const attempts = services.store.sqlite
        .prepare(
          "SELECT status, error_name AS errorName FROM chain_jobs WHERE job_id > ? AND kind = 'disbursement.issue' ORDER BY job_id",
        )
        .all(jobsBefore) as { status: string; errorName: string | null }[];
      expect(attempts).to.deep.equal([
        { status: "failed", errorName: "HouseholdAlreadyCovered" },
        { status: "failed", errorName: "HouseholdAlreadyCovered" },
        { status: "failed", errorName: "HouseholdAlreadyCovered" },
        { status: "confirmed", errorName: null },
      ]);

      const period = b.body.period as number;
      for (const household of [9, 10, 11]) {
        expect(await coverage(programmeA, household, period)).to.equal(units(AMOUNT));
        expect(await coverage(programmeB, household, period)).to.equal(0n);
      }
      for (const household of [12, 13])
        expect(await coverage(programmeB, household, period)).to.equal(units(AMOUNT));
      const stored = await gw.get(`/v1/disbursements/${b.body.disbursementId}`, charityB.apiKey);
      expect(stored.body.rows).to.deep.equal(b.body.rows);
    } finally {
      if (!automine) await provider.send("evm_setAutomine", [true]);
    }
  });

  it("does not block a programme outside the group from paying a household the group already covers", async () => {
    const outside = await createProgramme(gw, charityB, {
      name: "Skills support (no group)",
      layer: "support",
    });
    const donor = await registerOrganisation(gw, "donor");
    await mintTokens(gw, donor.address, "10000000");
    await give(gw, donor, outside, "10000000");
    const res = await disburse(charityB, outside, [3]);
    expect(res.status, res.text).to.equal(202);
    expect(res.body.rows[0].status).to.equal("issued");
    expect(await coverage(outside, 3, res.body.period)).to.equal(units(AMOUNT));
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
