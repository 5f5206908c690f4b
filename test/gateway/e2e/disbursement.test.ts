import { expect } from "chai";
import { parseUnits } from "ethers";
import { sampleHouseholdsCsv } from "../../../src/households";
import { syntheticNationalId } from "../../../src/identity";
import {
  bootE2e,
  countRows,
  createProgramme,
  disbursementCsv,
  give,
  idsByHousehold,
  importSample,
  mintTokens,
  registerOnChain,
  registerOrganisation,
  removeDataDir,
  wrongChecksum,
  writeDigits,
  settle,
  type E2eGateway,
  type Organisation,
} from "./harness";

const units = (amount: string) => parseUnits(amount, 18);

describe("e2e: disbursement by CSV and by eligibility", () => {
  let gw: E2eGateway;
  let charity: Organisation;
  let donor: Organisation;
  let programmeId: number;
  const sample = sampleHouseholdsCsv({
    households: 20,
    seed: 5,
    firstIdSeed: 50_000,
    maxMembers: 4,
    digits: "ascii",
  });
  const ids = idsByHousehold(sample);
  let householdRefs: string[];
  let first: { status: number; body: Record<string, any>; csv: string };

  before(async () => {
    gw = await bootE2e();
    charity = await registerOrganisation(gw, "charity");
    donor = await registerOrganisation(gw, "donor");
    ({ householdRefs } = await importSample(gw, charity.apiKey, sample));
    await registerOnChain(gw, charity.apiKey);
    await mintTokens(gw, donor.address, "1000000000");
    programmeId = await createProgramme(gw, charity, { capPerPeriod: "2500000" });
    await give(gw, donor, programmeId, "100000000");
  });
  after(async () => {
    await gw?.stop();
    if (gw) removeDataDir(gw.dataDir);
  });

  it("issues the good rows of a CSV and gives every other row its status, field and reason", async () => {
    const withMember = ids.findIndex((household, index) => index >= 7 && household.length >= 2);
    expect(withMember).to.be.greaterThan(6);
    const csv = disbursementCsv([
      [ids[0]![0]!, "1000000"], // 1: head, ASCII
      [writeDigits(ids[withMember]![1]!, "persian"), "1000000"], // 2: a member, not the head, in Persian digits
      ["12345", "1000000"], // 3: too short
      ["12ab567890", "1000000"], // 4: not digits
      [wrongChecksum(ids[2]![0]!), "1000000"], // 5: check digit wrong
      [syntheticNationalId(999_999), "1000000"], // 6: valid, never enrolled
      [ids[0]![0]!, "1000000"], // 7: household 1 again
      [ids[3]![0]!, "3000000"], // 8: above the cap of 2 500 000
      [ids[4]![0]!, "lots"], // 9: not an amount
      [writeDigits(ids[5]![0]!, "arabic"), "2500000"], // 10: exactly the cap, Arabic-Indic digits
    ]);
    const chainJobs = countRows(gw, "chain_jobs");
    const res = await settle(
      gw,
      charity.apiKey,
      await gw.postCsv(`/v1/programmes/${programmeId}/disbursements`, charity.apiKey, csv, "e2e-dsb-1"),
    );
    first = { status: res.status, body: res.body, csv };
    expect(res.status, res.text).to.equal(202);
    expect(res.body).to.include({ programmeId, source: "csv" });
    expect(res.body.disbursementId).to.match(/^dsb_[0-9a-f-]{36}$/);
    const rows = res.body.rows.map((row: Record<string, unknown>) => [
      row.rowNo,
      row.status,
      row.field,
      row.code,
      row.householdRef,
    ]);
    expect(rows).to.deep.equal([
      [1, "issued", null, null, householdRefs[0]],
      [2, "issued", null, null, householdRefs[withMember]],
      [3, "invalid", "national_id", "length", null],
      [4, "invalid", "national_id", "format", null],
      [5, "invalid", "national_id", "checksum", null],
      [6, "not_enrolled", "national_id", "not_enrolled", null],
      [7, "duplicate_in_file", null, "duplicate_in_file", null],
      [8, "invalid", "amount", "above_cap", householdRefs[3]],
      [9, "invalid", "amount", "amount", null],
      [10, "issued", null, null, householdRefs[5]],
    ]);
    expect(res.body.counts).to.include({
      issued: 3,
      invalid: 5,
      not_enrolled: 1,
      duplicate_in_file: 1,
      queued: 0,
      refused: 0,
    });
    for (const row of res.body.rows) {
      if (row.status === "issued") expect(row.message).to.equal(null);
      else expect(row.message).to.be.a("string").and.not.equal("The chain refused this row.");
    }
    expect(res.body.rows[4].message).to.equal("The national ID's check digit is wrong.");
    expect(res.body.rows[7].message).to.match(/above the programme's cap/);
    // One issuance batch per amount: 1 000 000 (two households) and 2 500 000 (one).
    expect(countRows(gw, "chain_jobs")).to.equal(chainJobs + 2);

    const ledger = gw.services.system.ledger;
    const period = res.body.period as number;
    expect(period).to.equal(Number(await ledger.currentPeriod(programmeId)));
    const coverage = async (householdRef: string) =>
      (await ledger.coverageOf(programmeId, householdRef, period))[0];
    expect(await coverage(householdRefs[0]!)).to.equal(units("1000000"));
    expect(await coverage(householdRefs[withMember]!)).to.equal(units("1000000"));
    expect(await coverage(householdRefs[5]!)).to.equal(units("2500000"));
    // Refused rows left nothing on chain.
    for (const index of [2, 3, 4]) expect(await coverage(householdRefs[index]!)).to.equal(0n);

    const programme = await gw.get(`/v1/programmes/${programmeId}`, charity.apiKey);
    expect(programme.body.funds).to.include({
      given: "100000000",
      outstanding: "4500000",
      available: "95500000",
      collected: "0",
    });

    const stored = await gw.get(`/v1/disbursements/${res.body.disbursementId}`, charity.apiKey);
    expect(stored.status).to.equal(200);
    expect(stored.body).to.deep.equal(res.body);
  });

  it("returns the same disbursement for a retry with the same Idempotency-Key, without writing to the chain", async () => {
    const chainJobs = countRows(gw, "chain_jobs");
    const rows = countRows(gw, "disbursement_rows");
    const block = await gw.services.provider.getBlockNumber();
    const res = await gw.postCsv(
      `/v1/programmes/${programmeId}/disbursements`,
      charity.apiKey,
      first.csv,
      "e2e-dsb-1",
    );
    expect(first.status).to.equal(202);
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ ...first.body, replayed: true });
    // Another file under the same key was answered with the first disbursement; it is refused now.
    const other = await gw.postCsv(
      `/v1/programmes/${programmeId}/disbursements`,
      charity.apiKey,
      disbursementCsv([[ids[0]![0]!, "1000000"]]),
      "e2e-dsb-1",
    );
    expect(other.status, other.text).to.equal(409);
    expect(other.body.error).to.include({ field: "idempotencyKey", code: "idempotency_key_reused" });
    expect(countRows(gw, "chain_jobs")).to.equal(chainJobs);
    expect(countRows(gw, "disbursement_rows")).to.equal(rows);
    expect(await gw.services.provider.getBlockNumber()).to.equal(block);
  });

  it("refuses the same Idempotency-Key for another programme (409)", async () => {
    const other = await createProgramme(gw, charity);
    const disbursements = countRows(gw, "disbursements");
    const res = await gw.postCsv(
      `/v1/programmes/${other}/disbursements`,
      charity.apiKey,
      disbursementCsv([[ids[6]![0]!, "10"]]),
      "e2e-dsb-1",
    );
    expect(res.status).to.equal(409);
    expect(res.body.error).to.include({ field: "idempotencyKey", code: "idempotency_key_reused" });
    expect(countRows(gw, "disbursements")).to.equal(disbursements);
  });

  it("refuses to pay a household a second time in the same period of the same programme", async () => {
    const res = await settle(
      gw,
      charity.apiKey,
      await gw.postCsv(
        `/v1/programmes/${programmeId}/disbursements`,
        charity.apiKey,
        disbursementCsv([
          [ids[0]![0]!, "1000000"],
          [ids[6]![0]!, "1000000"],
        ]),
        "e2e-dsb-2",
      ),
    );
    expect(res.status, res.text).to.equal(202);
    expect(res.body.rows.map((row: { status: string }) => row.status)).to.deep.equal([
      "already_covered",
      "issued",
    ]);
    expect(res.body.rows[0].message).to.match(/overlap guard/);
    const period = res.body.period as number;
    const [amount] = await gw.services.system.ledger.coverageOf(programmeId, householdRefs[0]!, period);
    expect(amount).to.equal(units("1000000"));
  });

  it("disburses one amount to every household a programme's rule selects (eligible selection)", async () => {
    // Households of at least four people, by the household_size the file declared.
    const header = sample.csv.split("\n")[0]!.split(",");
    const sizeColumn = header.indexOf("household_size");
    const declared: number[] = [];
    let line = 1;
    const lines = sample.csv.split("\n");
    for (const size of sample.householdSizes) {
      declared.push(Number(lines[line]!.split(",")[sizeColumn]));
      line += size;
    }
    const expected = householdRefs.filter((_, index) => declared[index]! >= 4);
    expect(expected.length).to.be.within(1, householdRefs.length - 1);

    const ruled = await createProgramme(gw, charity, {
      name: "E2E large households",
      eligibility: { targetGroups: [{ name: "Large households", all: [{ attribute: "size", min: 4 }] }] },
    });
    await give(gw, donor, ruled, "100000000");
    const res = await settle(
      gw,
      charity.apiKey,
      await gw.post(`/v1/programmes/${ruled}/disbursements`, charity.apiKey, {
        selection: "eligible",
        amount: "500000",
        idempotencyKey: "e2e-eligible-1",
      }),
    );
    expect(res.status, res.text).to.equal(202);
    expect(res.body.source).to.equal("eligible");
    expect(res.body.rows.map((row: { householdRef: string }) => row.householdRef)).to.have.members(expected);
    expect(res.body.counts.issued).to.equal(expected.length);
    const period = res.body.period as number;
    const ledger = gw.services.system.ledger;
    for (const [index, householdRef] of householdRefs.entries()) {
      const [amount] = await ledger.coverageOf(ruled, householdRef, period);
      expect(amount, `household ${index}`).to.equal(expected.includes(householdRef) ? units("500000") : 0n);
    }

    const explained = await gw.get(`/v1/programmes/${ruled}/eligibility/${expected[0]}`, charity.apiKey);
    expect(explained.status).to.equal(200);
    expect(explained.body.eligible).to.equal(true);
  });
});
