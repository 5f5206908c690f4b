import { expect } from "chai";
import { randomUUID } from "node:crypto";
import type { Response } from "supertest";
import { syntheticNationalId } from "../../../src/identity";
import {
  bootE2e,
  countRows,
  createProgramme,
  disbursementCsv,
  householdBody,
  registerOnChain,
  registerOrganisation,
  removeDataDir,
  type E2eGateway,
  type Organisation,
} from "./harness";

const TABLES = [
  "households",
  "members",
  "vault",
  "imports",
  "import_rows",
  "organisations",
  "api_keys",
  "programme_requests",
  "programmes",
  "gifts",
  "chain_jobs",
  "disbursements",
  "disbursement_rows",
] as const;

/** Path ids, names and CSV bytes at their edges: canonical, displayable and UTF-8, or refused whole. */
describe("e2e: input edges (canonical path ids, safe names, UTF-8 CSVs)", () => {
  let gw: E2eGateway;
  let charity: Organisation;
  let donor: Organisation;
  let programmeId: number;
  const counts = () => Object.fromEntries(TABLES.map((table) => [table, countRows(gw, table)]));

  async function expectRefused(
    send: () => Promise<Response>,
    expected: { status: number; field: string; code?: string },
  ): Promise<Response> {
    const before = counts();
    const res = await send();
    expect(res.status, res.text).to.equal(expected.status);
    expect(res.body.error.field, res.text).to.equal(expected.field);
    if (expected.code) expect(res.body.error.code, res.text).to.equal(expected.code);
    expect(res.body.error.message).to.be.a("string");
    expect(res.body.error.requestId).to.equal(res.headers["x-request-id"]);
    expect(counts()).to.deep.equal(before);
    return res;
  }

  before(async () => {
    gw = await bootE2e();
    charity = await registerOrganisation(gw, "charity");
    donor = await registerOrganisation(gw, "donor");
    programmeId = await createProgramme(gw, charity);
  });
  after(async () => {
    await gw?.stop();
    if (gw) removeDataDir(gw.dataDir);
  });

  describe("path ids are canonical decimal or refused", () => {
    const spellings = (id: number) => [
      `0x${id.toString(16)}`,
      `%20${id}`,
      `${id}.0`,
      `${id}e0`,
      `0${id}`,
      `+${id}`,
    ];

    it("reaches the programme by its plain decimal id", async () => {
      const res = await gw.get(`/v1/programmes/${programmeId}`, charity.apiKey);
      expect(res.status, res.text).to.equal(200);
    });

    for (const spelling of [0, 1, 2, 3, 4, 5]) {
      it(`refuses spelling #${spelling} (0x, space, .0, e0, leading zero, plus) on every programme route, naming programmeId`, async () => {
        const id = spellings(programmeId)[spelling]!;
        await expectRefused(() => gw.get(`/v1/programmes/${id}`, charity.apiKey), {
          status: 400,
          field: "programmeId",
        });
        await expectRefused(
          () =>
            gw.post(`/v1/programmes/${id}/gifts`, donor.apiKey, {
              amount: "1",
              idempotencyKey: `gift-${randomUUID()}`,
            }),
          { status: 400, field: "programmeId" },
        );
        await expectRefused(
          () =>
            gw.post(`/v1/programmes/${id}/disbursements`, charity.apiKey, {
              selection: "eligible",
              amount: "1",
              idempotencyKey: `dsb-${randomUUID()}`,
            }),
          { status: 400, field: "programmeId" },
        );
      });
    }

    it("refuses a non-canonical programmeId in the eligibility path", async () => {
      const enrolled = await gw.post(
        "/v1/households",
        charity.apiKey,
        householdBody([syntheticNationalId(920_001)]),
      );
      expect(enrolled.status, enrolled.text).to.equal(201);
      await expectRefused(
        () =>
          gw.get(
            `/v1/programmes/0x${programmeId.toString(16)}/eligibility/${enrolled.body.householdRef}`,
            charity.apiKey,
          ),
        { status: 400, field: "programmeId" },
      );
    });
  });

  describe("names that display as another are refused", () => {
    for (const [label, name, code] of [
      ["a NUL", "Relief\u0000Society", "control_character"],
      ["a right-to-left override", "Relief \u202Eyteicos", "bidi_control"],
      ["a first-strong isolate", "Relief \u2068Society", "bidi_control"],
    ] as const) {
      it(`refuses an organisation name with ${label}, naming name`, async () => {
        await expectRefused(() => gw.post("/v1/organisations", gw.regulatorKey, { name, role: "charity" }), {
          status: 400,
          field: "name",
        });
      });

      it(`refuses a member name with ${label} in an enrolment and in a CSV row`, async () => {
        const body = householdBody([syntheticNationalId(920_010)]);
        (body.members[0] as Record<string, unknown>).name = name;
        await expectRefused(() => gw.post("/v1/households", charity.apiKey, body), {
          status: 400,
          field: "members[0].name",
          code,
        });
        const csv =
          "household_key,national_id,is_head,job_code,postal_code,name\n" +
          `h1,${syntheticNationalId(920_011)},1,employee,1318514357,"${name}"\n`;
        const res = await gw.postCsv("/v1/households/imports", charity.apiKey, csv, `names-${randomUUID()}`);
        // A CSV row is refused as a result of the import: the household is not written.
        expect(res.status, res.text).to.equal(201);
        expect(res.body.counts.enrolled).to.equal(0);
        expect(res.body.rows[0]).to.include({ status: "invalid", errorCode: code });
      });
    }

    it("still accepts Persian names with the zero-width non-joiner", async () => {
      const body = householdBody([syntheticNationalId(920_020)]);
      (body.members[0] as Record<string, unknown>).name = "مهر\u200Cآفرین";
      const res = await gw.post("/v1/households", charity.apiKey, body);
      expect(res.status, res.text).to.equal(201);
      const org = await gw.post("/v1/organisations", gw.regulatorKey, {
        name: "خیریه\u200Cی مهر",
        role: "charity",
      });
      expect(org.status, org.text).to.equal(201);
    });
  });

  describe("a CSV that is not UTF-8 is refused naming the line", () => {
    const latin1 = (text: string) => Buffer.from(text, "latin1");

    it("refuses a Latin-1 household import at its line 3, writing nothing", async () => {
      const csv = latin1(
        "household_key,national_id,is_head,job_code,postal_code,name\n" +
          `h1,${syntheticNationalId(920_030)},1,employee,1318514357,Ali\n` +
          `h2,${syntheticNationalId(920_031)},1,employee,1318514357,Jos\u00e9\n`,
      );
      const res = await expectRefused(
        async () =>
          gw.record(
            await gw
              .http()
              .post("/v1/households/imports")
              .set("Authorization", `Bearer ${charity.apiKey}`)
              .set("Content-Type", "text/csv")
              .set("Idempotency-Key", `latin1-${randomUUID()}`)
              .send(csv),
          ),
        { status: 400, field: "file", code: "not_utf8" },
      );
      expect(res.body.error.message).to.include("line 3");
    });

    it("refuses a disbursement file with a byte that is not UTF-8, naming its line", async () => {
      const csv = Buffer.concat([Buffer.from("national_id,amount\n", "utf8"), Buffer.from([0xff, 0x0a])]);
      const send = () =>
        gw
          .http()
          .post(`/v1/programmes/${programmeId}/disbursements`)
          .set("Authorization", `Bearer ${charity.apiKey}`)
          .set("Content-Type", "text/csv")
          .set("Idempotency-Key", `latin1-dsb-${randomUUID()}`)
          .send(csv);
      const before = counts();
      const res = gw.record(await send());
      expect(res.status, res.text).to.equal(400);
      expect(res.body.error).to.include({ field: "file", code: "not_utf8" });
      expect(res.body.error.message).to.include("line 2");
      expect(counts()).to.deep.equal(before);
    });
  });

  describe("a disbursement no row of which can be issued is refused whole", () => {
    it("answers 400 above_cap on amount when every row is above the programme's cap per period", async () => {
      const nationalId = syntheticNationalId(930_001);
      const enrolled = await gw.post("/v1/households", charity.apiKey, householdBody([nationalId]));
      expect(enrolled.status, enrolled.text).to.equal(201);
      await registerOnChain(gw, charity.apiKey);
      await expectRefused(
        () =>
          gw.postCsv(
            `/v1/programmes/${programmeId}/disbursements`,
            charity.apiKey,
            disbursementCsv([[nationalId, "2500001"]]),
            `above-cap-${programmeId}-1`,
          ),
        { status: 400, field: "amount", code: "above_cap" },
      );
    });

    it("answers 400 no_valid_row on file when every row is invalid", async () => {
      await expectRefused(
        () =>
          gw.postCsv(
            `/v1/programmes/${programmeId}/disbursements`,
            charity.apiKey,
            "national_id,amount\n123,100\nnot-an-id,100\n",
            `no-valid-row-${programmeId}-1`,
          ),
        { status: 400, field: "file", code: "no_valid_row" },
      );
    });
  });
});
