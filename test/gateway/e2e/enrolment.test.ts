import { expect } from "chai";
import { getAddress } from "ethers";
import { sampleHouseholdsCsv } from "../../../src/households";
import { syntheticNationalId } from "../../../src/identity";
import {
  bootE2e,
  countRows,
  householdBody,
  registerOnChain,
  registerOrganisation,
  removeDataDir,
  writeDigits,
  type E2eGateway,
  type Organisation,
} from "./harness";

const REF = /^0x[0-9a-f]{64}$/;
const ACTIVE = 1n; // BeneficiaryStatus.Active

describe("e2e: enrolment and on-chain registration", () => {
  let gw: E2eGateway;
  let charity: Organisation;
  const sample = sampleHouseholdsCsv({ households: 300, seed: 3, firstIdSeed: 10_000, digits: "mixed" });
  let firstImport: { status: number; body: Record<string, unknown> };
  /** householdRef of every household enrolled in this file, in order. */
  const enrolled: string[] = [];

  before(async () => {
    gw = await bootE2e();
    charity = await registerOrganisation(gw, "charity");
  });
  after(async () => {
    await gw?.stop();
    if (gw) removeDataDir(gw.dataDir);
  });

  it("enrols JSON households whose IDs and postal codes are written in Persian, Arabic-Indic or mixed digits", async () => {
    const [a, b, c, d, e] = [1, 2, 3, 4, 5].map((seed) => syntheticNationalId(seed));
    const bodies = [
      householdBody(
        [writeDigits(a!, "persian"), writeDigits(b!, "persian")],
        writeDigits("1234567891", "persian"),
      ),
      householdBody([writeDigits(c!, "arabic")], writeDigits("2345678912", "arabic")),
      // One ID mixing all three scripts, grouped with dashes as on a printed card.
      householdBody(
        [
          `${writeDigits(d!.slice(0, 3), "persian")}-${writeDigits(d!.slice(3, 9), "arabic")}-${d!.slice(9)}`,
          e!,
        ],
        `${writeDigits("34567", "arabic")}${"89123"}`,
      ),
    ];
    const before = countRows(gw, "households");
    for (const body of bodies) {
      const res = await gw.post("/v1/households", charity.apiKey, body);
      expect(res.status, res.text).to.equal(201);
      expect(res.body.householdRef).to.match(REF);
      expect(res.body.members).to.have.length(body.members.length);
      for (const member of res.body.members) expect(member.beneficiaryRef).to.match(REF);
      enrolled.push(res.body.householdRef);
    }
    expect(new Set(enrolled).size).to.equal(3);
    expect(countRows(gw, "households")).to.equal(before + 3);

    const summary = await gw.get(`/v1/households/${enrolled[0]}`, charity.apiKey);
    expect(summary.status).to.equal(200);
    expect(summary.body).to.include({ householdRef: enrolled[0], status: "active" });
    expect(summary.body.members.map((m: { role: string }) => m.role)).to.deep.equal(["head", "member"]);
    expect(summary.body.members[0].chainStatus).to.equal("not_registered");
  });

  it("recognises a household already enrolled in Persian digits when it is sent again in ASCII", async () => {
    const res = await gw.post(
      "/v1/households",
      charity.apiKey,
      householdBody([syntheticNationalId(1), syntheticNationalId(2)]),
    );
    expect(res.status).to.equal(409);
    expect(res.body.error).to.include({
      name: "DuplicateError",
      field: "members[0].nationalId",
      code: "already_enrolled",
    });
  });

  it("imports about 300 households from a CSV with a result for every row", async () => {
    const households = countRows(gw, "households");
    const res = await gw.postCsv("/v1/households/imports", charity.apiKey, sample.csv, "e2e-import-300");
    firstImport = { status: res.status, body: res.body };
    expect(res.status, res.text.slice(0, 500)).to.equal(201);
    expect(res.body).to.include({ status: "completed", replayed: false, idempotencyKey: "e2e-import-300" });
    expect(res.body.rows).to.have.length(sample.rowCount);
    expect(res.body.rows.map((row: { rowNo: number }) => row.rowNo)).to.deep.equal(
      Array.from({ length: sample.rowCount }, (_, i) => i + 1),
    );
    expect(res.body.rows.filter((row: { status: string }) => row.status !== "enrolled")).to.deep.equal([]);
    expect(res.body.counts).to.include({
      rows: sample.rowCount,
      enrolled: sample.rowCount,
      householdsEnrolled: 300,
    });
    expect(res.body.reviews).to.deep.equal([]);
    // Every row of a household carries the same householdRef; households differ.
    let row = 0;
    for (const size of sample.householdSizes) {
      const refs = new Set(
        res.body.rows.slice(row, row + size).map((r: { householdRef: string }) => r.householdRef),
      );
      expect(refs.size).to.equal(1);
      enrolled.push([...refs][0] as string);
      row += size;
    }
    expect(new Set(enrolled).size).to.equal(303);
    expect(countRows(gw, "households")).to.equal(households + 300);
    expect(countRows(gw, "members")).to.equal(5 + sample.rowCount);
  });

  it("returns the same report with 200 when the same file comes again under the same Idempotency-Key", async () => {
    const households = countRows(gw, "households");
    const res = await gw.postCsv("/v1/households/imports", charity.apiKey, sample.csv, "e2e-import-300");
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ ...firstImport.body, replayed: true });
    expect(countRows(gw, "households")).to.equal(households);

    const stored = await gw.get(`/v1/households/imports/${res.body.importId}`, charity.apiKey);
    expect(stored.status).to.equal(200);
    const { replayed: _replayed, ...report } = firstImport.body;
    expect(stored.body).to.deep.equal(report);
  });

  it("refuses the same Idempotency-Key with another file (409) and writes nothing", async () => {
    const households = countRows(gw, "households");
    const other = sampleHouseholdsCsv({ households: 2, seed: 4, firstIdSeed: 20_000 });
    const res = await gw.postCsv("/v1/households/imports", charity.apiKey, other.csv, "e2e-import-300");
    expect(res.status).to.equal(409);
    expect(res.body.error).to.include({ field: "idempotencyKey", code: "idempotency_key_reused" });
    expect(countRows(gw, "households")).to.equal(households);
  });

  it("puts a person listed in two households on the review list and holds the second household", async () => {
    const households = countRows(gw, "households");
    const alreadyEnrolled = sample.nationalIds[0]!; // head of the CSV's first household
    const newHead = syntheticNationalId(30_001);
    const sharedNew = syntheticNationalId(30_002);
    const otherHead = syntheticNationalId(30_003);
    const csv = [
      "household_key,national_id,is_head,job_code,postal_code",
      // X: a new head with someone already enrolled in household 1 of the big import.
      `X,${newHead},1,employee,1111111112`,
      `X,${writeDigits(alreadyEnrolled, "arabic")},0,retiree,`,
      // Y then Z: the same new person listed in both households of this file.
      `Y,${otherHead},1,employee,1111111113`,
      `Y,${sharedNew},0,pupil,`,
      `Z,${syntheticNationalId(30_004)},1,employee,1111111114`,
      `Z,${writeDigits(sharedNew, "persian")},0,pupil,`,
    ].join("\n");
    const res = await gw.postCsv("/v1/households/imports", charity.apiKey, csv, "e2e-review-1");
    expect(res.status, res.text).to.equal(201);
    const rows = res.body.rows.map((row: Record<string, unknown>) => [
      row.rowNo,
      row.status,
      row.errorField,
      row.errorCode,
    ]);
    expect(rows).to.deep.equal([
      [1, "held", null, "household_held_for_review"],
      [2, "duplicate", "national_id", "enrolled_elsewhere"],
      [3, "enrolled", null, null],
      [4, "enrolled", null, null],
      [5, "held", null, "household_held_for_review"],
      [6, "duplicate", "national_id", "enrolled_elsewhere"],
    ]);
    expect(res.body.reviews).to.have.length(2);
    const [first, second] = res.body.reviews;
    expect(first).to.include({
      rowNo: 2,
      reason: "enrolled_elsewhere",
      existingHouseholdRef: enrolled[3],
      status: "open",
    });
    expect(second).to.include({
      rowNo: 6,
      reason: "enrolled_elsewhere",
      existingHouseholdRef: res.body.rows[2].householdRef,
      status: "open",
    });
    expect(first.beneficiaryRef).to.match(REF);
    expect(first.proposedHouseholdRef).to.match(REF);
    // Only Y was written; the held households wait for a person to decide.
    expect(countRows(gw, "households")).to.equal(households + 1);
    enrolled.push(res.body.rows[2].householdRef);

    const stored = await gw.get(`/v1/households/imports/${res.body.importId}`, charity.apiKey);
    expect(stored.body.reviews).to.deep.equal(res.body.reviews);
  });

  it("registers every enrolled household on chain with a custodial wallet, matching the registry", async () => {
    const result = await registerOnChain(gw, charity.apiKey);
    expect(result.registered).to.equal(enrolled.length);

    const registry = gw.services.system.registry;
    const summaries = [];
    for (let start = 0; start < enrolled.length; start += 25) {
      const page = await Promise.all(
        enrolled
          .slice(start, start + 25)
          .map((householdRef) => gw.get(`/v1/households/${householdRef}`, charity.apiKey)),
      );
      for (const res of page) expect(res.status).to.equal(200);
      summaries.push(...page.map((res) => res.body));
    }
    const onChain = await Promise.all(
      summaries.map(async (summary) => {
        const head = summary.members[0];
        const [wallet, status, tag] = await registry.beneficiary(head.beneficiaryRef);
        return { wallet, status, tag, expectedTag: await registry.householdTag(summary.householdRef) };
      }),
    );
    const wallets = new Set<string>();
    summaries.forEach((summary, index) => {
      const [head, ...others] = summary.members;
      expect(head).to.include({ role: "head", chainStatus: "registered", custody: "custodial" });
      expect(head.wallet).to.match(/^0x[0-9a-f]{40}$/);
      wallets.add(head.wallet);
      // The household is the unit of aid: only its head is written to the registry.
      for (const member of others) expect(member.chainStatus).to.equal("not_registered");
      const chain = onChain[index]!;
      expect(chain.wallet).to.equal(getAddress(head.wallet));
      expect(chain.status).to.equal(ACTIVE);
      expect(chain.tag).to.equal(chain.expectedTag);
    });
    expect(wallets.size).to.equal(enrolled.length);

    // A member who is not a head is unknown to the registry.
    const member = summaries[0].members[1];
    const [wallet, status] = await registry.beneficiary(member.beneficiaryRef);
    expect(wallet).to.equal("0x0000000000000000000000000000000000000000");
    expect(status).to.equal(0n);
  });

  it("registers nothing twice when registration runs again", async () => {
    const jobs = countRows(gw, "chain_jobs");
    const result = await registerOnChain(gw, charity.apiKey);
    expect(result.registered).to.equal(enrolled.length);
    expect(countRows(gw, "chain_jobs")).to.equal(jobs);
  });
});
