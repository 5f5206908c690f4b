import { expect } from "chai";
import type { Response } from "supertest";
import { syntheticNationalId } from "../../../src/identity";
import {
  bearer,
  bootE2e,
  countRows,
  createProgramme,
  disbursementCsv,
  give,
  householdBody,
  mintTokens,
  programmeBody,
  registerOnChain,
  registerOrganisation,
  removeDataDir,
  wrongChecksum,
  writeDigits,
  settle,
  type E2eGateway,
  type Organisation,
} from "./harness";

/** Every table a refused request could have half-written. */
const TABLES = [
  "households",
  "members",
  "vault",
  "duplicate_reviews",
  "programme_requests",
  "programmes",
  "gifts",
  "chain_jobs",
  "chain_registrations",
  "disbursements",
  "disbursement_rows",
  "organisations",
  "api_keys",
] as const;

type ErrorShape = { status: number; name: string; field?: string; code?: string };

describe("e2e: bad input is refused whole, naming the field", () => {
  let gw: E2eGateway;
  let charity: Organisation;
  let otherCharity: Organisation;
  let donor: Organisation;
  let vendor: Organisation;
  let programmeId: number;
  let disbursementId: string;
  const head = syntheticNationalId(110_000);

  const counts = () => Object.fromEntries(TABLES.map((table) => [table, countRows(gw, table)]));

  /** Sends a request, checks the error shape, and checks that no table changed. */
  async function expectRefused(send: () => Promise<Response>, expected: ErrorShape): Promise<Response> {
    const before = counts();
    const res = await send();
    expect(res.status, res.text).to.equal(expected.status);
    expect(res.body.error, res.text).to.include({ name: expected.name });
    if (expected.field !== undefined) expect(res.body.error.field).to.equal(expected.field);
    if (expected.code !== undefined) expect(res.body.error.code).to.equal(expected.code);
    expect(res.body.error.message).to.be.a("string").with.length.greaterThan(10);
    expect(res.body.error.requestId).to.equal(res.headers["x-request-id"]);
    expect(counts()).to.deep.equal(before);
    return res;
  }

  before(async () => {
    gw = await bootE2e();
    charity = await registerOrganisation(gw, "charity");
    otherCharity = await registerOrganisation(gw, "charity");
    donor = await registerOrganisation(gw, "donor");
    vendor = await registerOrganisation(gw, "vendor");
    expect((await gw.post("/v1/households", charity.apiKey, householdBody([head]))).status).to.equal(201);
    await registerOnChain(gw, charity.apiKey);
    await mintTokens(gw, donor.address, "10000000");
    programmeId = await createProgramme(gw, charity);
    await give(gw, donor, programmeId, "5000000");
    const dsb = await gw.postCsv(
      `/v1/programmes/${programmeId}/disbursements`,
      charity.apiKey,
      disbursementCsv([[head, "1000000"]]),
      "bad-input-dsb-1",
    );
    expect(dsb.status).to.equal(202);
    await settle(gw, charity.apiKey, dsb);
    disbursementId = dsb.body.disbursementId;
  });
  after(async () => {
    await gw?.stop();
    if (gw) removeDataDir(gw.dataDir);
  });

  describe("national IDs", () => {
    const fresh = syntheticNationalId(110_001);
    for (const [label, nationalId, code] of [
      ["too short", "12345", "length"],
      ["too long", "123456789012", "length"],
      ["letters", "12ab567890", "format"],
      ["wrong check digit", wrongChecksum(fresh), "checksum"],
      ["wrong check digit in Persian digits", writeDigits(wrongChecksum(fresh), "persian"), "checksum"],
      ["a placeholder of one repeated digit", "1111111111", "repeated_digits"],
      ["empty", "", "required"],
    ] as const) {
      it(`refuses an enrolment whose second member's ID is ${label} (400, members[1].nationalId)`, async () => {
        await expectRefused(
          () =>
            gw.post(
              "/v1/households",
              charity.apiKey,
              householdBody([syntheticNationalId(110_002), nationalId]),
            ),
          { status: 400, name: "ValidationError", field: "members[1].nationalId", code },
        );
      });
    }

    it("refuses a national ID sent as a number, naming its field", async () => {
      const body = householdBody([fresh]);
      await expectRefused(
        () =>
          gw.post("/v1/households", charity.apiKey, {
            ...body,
            members: [{ ...body.members[0], nationalId: Number(fresh) }],
          }),
        { status: 400, name: "ValidationError", field: "members[0].nationalId", code: "invalid_type" },
      );
    });

    it("accepts mixed Persian, Arabic-Indic and ASCII digits with spaces and dashes that normalise to a valid ID", async () => {
      const before = countRows(gw, "households");
      const mixed = `${writeDigits(fresh.slice(0, 3), "persian")} ${fresh.slice(3, 6)}-${writeDigits(fresh.slice(6), "arabic")}`;
      const res = await gw.post("/v1/households", charity.apiKey, householdBody([mixed], "۱۲۳۴۵-67891"));
      expect(res.status, res.text).to.equal(201);
      expect(countRows(gw, "households")).to.equal(before + 1);
      // The same person in ASCII is the same person.
      await expectRefused(() => gw.post("/v1/households", charity.apiKey, householdBody([fresh])), {
        status: 409,
        name: "DuplicateError",
        field: "members[0].nationalId",
        code: "already_enrolled",
      });
    });
  });

  describe("bodies", () => {
    it("refuses a JSON body over 1mb with 413", async () => {
      const big = { ...householdBody([syntheticNationalId(110_003)]), padding: "x".repeat(1024 * 1024 + 10) };
      await expectRefused(() => gw.post("/v1/households", charity.apiKey, big), {
        status: 413,
        name: "PayloadTooLargeError",
      });
    });

    it("refuses JSON that does not parse (400) and bodies that are not JSON (415)", async () => {
      await expectRefused(
        () =>
          gw
            .http()
            .post("/v1/households")
            .set(bearer(charity.apiKey))
            .set("Content-Type", "application/json")
            .send('{"members": [')
            .then(gw.record),
        { status: 400, name: "MalformedJsonError" },
      );
      await expectRefused(
        () =>
          gw
            .http()
            .post("/v1/households")
            .set(bearer(charity.apiKey))
            .set("Content-Type", "text/plain")
            .send("members")
            .then(gw.record),
        { status: 415, name: "UnsupportedMediaTypeError" },
      );
    });

    for (const [label, patch, field] of [
      ["isHead as a string", { isHead: "yes" }, "members[0].isHead"],
      ["jobCode as a number", { jobCode: 3 }, "members[0].jobCode"],
      ["an unknown job code", { jobCode: "astronaut" }, "members[0].jobCode"],
    ] as const) {
      it(`refuses an enrolment with ${label}, naming ${field}`, async () => {
        const body = householdBody([syntheticNationalId(110_004)]);
        await expectRefused(
          () =>
            gw.post("/v1/households", charity.apiKey, {
              ...body,
              members: [{ ...body.members[0], ...patch }],
            }),
          { status: 400, name: "ValidationError", field },
        );
      });
    }

    it("refuses wrong types in a programme, a gift and a disbursement, naming the field", async () => {
      await expectRefused(
        () => gw.post("/v1/programmes", charity.apiKey, programmeBody({ category: "food" })),
        {
          status: 400,
          name: "ValidationError",
          field: "category",
        },
      );
      await expectRefused(
        () =>
          gw.post(`/v1/programmes/${programmeId}/gifts`, donor.apiKey, {
            amount: 100,
            idempotencyKey: "gift-12345678",
          }),
        { status: 400, name: "ValidationError", field: "amount" },
      );
      await expectRefused(
        () =>
          gw.post(`/v1/programmes/${programmeId}/disbursements`, charity.apiKey, {
            selection: "eligible",
            amount: "-5",
            idempotencyKey: "dsb-12345678",
          }),
        { status: 400, name: "ValidationError", field: "amount" },
      );
      await expectRefused(
        () =>
          gw.post(`/v1/programmes/${programmeId}/disbursements`, charity.apiKey, {
            selection: "all",
            amount: "5",
            idempotencyKey: "dsb-12345678",
          }),
        { status: 400, name: "ValidationError", field: "selection" },
      );
      await expectRefused(() => gw.get("/v1/programmes/one", charity.apiKey), {
        status: 400,
        name: "ValidationError",
        field: "programmeId",
      });
    });

    it("refuses a programme amount larger than the ledger's uint96 can hold, naming the field", async () => {
      // 10^11 tokens of 18 decimals is above 2^96 units.
      await expectRefused(
        () => gw.post("/v1/programmes", charity.apiKey, programmeBody({ capPerPeriod: "100000000000" })),
        { status: 400, name: "ValidationError", field: "capPerPeriod", code: "too_big" },
      );
      await expectRefused(
        () => gw.post("/v1/programmes", charity.apiKey, programmeBody({ minGift: "100000000000" })),
        { status: 400, name: "ValidationError", field: "minGift", code: "too_big" },
      );
    });

    it("refuses a minimum gift of a 64th of the cap or less before anything is queued, naming minGift", async () => {
      await expectRefused(
        () =>
          gw.post(
            "/v1/programmes",
            charity.apiKey,
            programmeBody({ capPerPeriod: "6400000", minGift: "100000" }),
          ),
        { status: 400, name: "ValidationError", field: "minGift", code: "too_small_for_cap" },
      );
    });

    it("refuses unknown fields at any depth, naming them", async () => {
      const body = householdBody([syntheticNationalId(110_005)]);
      await expectRefused(() => gw.post("/v1/households", charity.apiKey, { ...body, religion: "x" }), {
        status: 400,
        name: "ValidationError",
        field: "religion",
        code: "unrecognized_keys",
      });
      await expectRefused(
        () =>
          gw.post("/v1/households", charity.apiKey, {
            ...body,
            members: [{ ...body.members[0], email: "a@b" }],
          }),
        { status: 400, name: "ValidationError", field: "members[0].email", code: "unrecognized_keys" },
      );
      await expectRefused(
        () => gw.post("/v1/households", charity.apiKey, { ...body, attributes: { caste: "x" } }),
        { status: 400, name: "ValidationError", field: "attributes.caste", code: "unrecognized_keys" },
      );
      await expectRefused(() => gw.post("/v1/programmes", charity.apiKey, programmeBody({ budget: "1" })), {
        status: 400,
        name: "ValidationError",
        field: "budget",
        code: "unrecognized_keys",
      });
      await expectRefused(
        () =>
          gw.post(`/v1/programmes/${programmeId}/gifts`, donor.apiKey, {
            amount: "1000",
            idempotencyKey: "gift-12345678",
            message: "hi",
          }),
        { status: 400, name: "ValidationError", field: "message", code: "unrecognized_keys" },
      );
    });
  });

  describe("CSV uploads", () => {
    const householdCsv = `household_key,national_id,is_head,job_code,postal_code\nH1,${syntheticNationalId(110_006)},1,employee,1234567891\n`;

    it("refuses a household import or a disbursement file without an Idempotency-Key", async () => {
      await expectRefused(() => gw.postCsv("/v1/households/imports", charity.apiKey, householdCsv, null), {
        status: 400,
        name: "ValidationError",
        field: "Idempotency-Key",
        code: "required",
      });
      await expectRefused(
        () =>
          gw.postCsv(
            `/v1/programmes/${programmeId}/disbursements`,
            charity.apiKey,
            disbursementCsv([[head, "1"]]),
            null,
          ),
        { status: 400, name: "ValidationError", field: "Idempotency-Key", code: "required" },
      );
    });

    it("refuses a household import with an unknown column and writes no household", async () => {
      const csv = householdCsv
        .replace("postal_code\n", "postal_code,religion\n")
        .replace("1234567891\n", "1234567891,x\n");
      await expectRefused(() => gw.postCsv("/v1/households/imports", charity.apiKey, csv, "bad-column-1"), {
        status: 400,
        name: "ValidationError",
        field: "header",
        code: "unknown_column",
      });
    });

    it("refuses a household import that lacks a required column, naming it", async () => {
      const csv = `household_key,national_id,is_head,job_code\nH1,${syntheticNationalId(110_007)},1,employee\n`;
      await expectRefused(() => gw.postCsv("/v1/households/imports", charity.apiKey, csv, "bad-column-2"), {
        status: 400,
        name: "ValidationError",
        field: "postal_code",
        code: "missing_column",
      });
    });

    it("refuses a disbursement file with an unknown column and writes no disbursement", async () => {
      const csv = `national_id,amount,reason\n${head},1,food\n`;
      await expectRefused(
        () => gw.postCsv(`/v1/programmes/${programmeId}/disbursements`, charity.apiKey, csv, "bad-column-3"),
        { status: 400, name: "ValidationError", field: "reason", code: "unknown_column" },
      );
    });

    it("records bad IDs in an import per row (invalid, national_id) and writes none of their households", async () => {
      const good = syntheticNationalId(110_008);
      const csv = [
        "household_key,national_id,is_head,job_code,postal_code",
        `A,${wrongChecksum(syntheticNationalId(110_009))},1,employee,1234567891`,
        `B,12345,1,employee,1234567891`,
        `C,${good},1,employee,1234567891`,
        `C,${writeDigits(wrongChecksum(syntheticNationalId(110_010)), "arabic")},0,pupil,`,
      ].join("\n");
      const before = countRows(gw, "households");
      const res = await gw.postCsv("/v1/households/imports", charity.apiKey, csv, "bad-ids-1");
      expect(res.status, res.text).to.equal(201);
      expect(
        res.body.rows.map((row: Record<string, unknown>) => [row.status, row.errorField, row.errorCode]),
      ).to.deep.equal([
        ["invalid", "national_id", "checksum"],
        ["invalid", "national_id", "length"],
        ["held", null, "household_rejected"],
        ["invalid", "national_id", "checksum"],
      ]);
      expect(countRows(gw, "households")).to.equal(before);
    });
  });

  describe("who may do what", () => {
    it("answers 401 without a key and with an unknown key", async () => {
      const body = householdBody([syntheticNationalId(110_011)]);
      const none = await expectRefused(() => gw.post("/v1/households", undefined, body), {
        status: 401,
        name: "UnauthenticatedError",
      });
      expect(none.headers["www-authenticate"]).to.match(/^Bearer/);
      await expectRefused(() => gw.post("/v1/households", "sk_not_a_real_key", body), {
        status: 401,
        name: "UnauthenticatedError",
      });
    });

    it("answers 403 to a donor creating a programme, a vendor enrolling and a charity registering an organisation", async () => {
      await expectRefused(() => gw.post("/v1/programmes", donor.apiKey, programmeBody()), {
        status: 403,
        name: "ForbiddenError",
      });
      await expectRefused(
        () => gw.post("/v1/households", vendor.apiKey, householdBody([syntheticNationalId(110_012)])),
        { status: 403, name: "ForbiddenError" },
      );
      await expectRefused(
        () => gw.postCsv("/v1/households/imports", vendor.apiKey, "household_key\n", "vendor-import-1"),
        { status: 403, name: "ForbiddenError" },
      );
      await expectRefused(
        () => gw.post("/v1/organisations", charity.apiKey, { name: "Shadow", role: "charity" }),
        {
          status: 403,
          name: "ForbiddenError",
        },
      );
      await expectRefused(
        () =>
          gw.post(`/v1/programmes/${programmeId}/disbursements`, donor.apiKey, {
            selection: "eligible",
            amount: "1",
            idempotencyKey: "donor-dsb-1",
          }),
        { status: 403, name: "ForbiddenError" },
      );
    });

    it("hides a charity's disbursement from another charity (404, like an unknown id)", async () => {
      const own = await gw.get(`/v1/disbursements/${disbursementId}`, charity.apiKey);
      expect(own.status).to.equal(200);
      const other = await expectRefused(
        () => gw.get(`/v1/disbursements/${disbursementId}`, otherCharity.apiKey),
        {
          status: 404,
          name: "NotFoundError",
          field: "disbursementId",
        },
      );
      const unknown = await gw.get(
        `/v1/disbursements/dsb_00000000-0000-4000-8000-000000000000`,
        otherCharity.apiKey,
      );
      expect(unknown.status).to.equal(404);
      expect({ ...other.body.error, requestId: "" }).to.deep.equal({ ...unknown.body.error, requestId: "" });
    });

    it("refuses a charity disbursing from another charity's programme (403, not 400)", async () => {
      await expectRefused(
        () =>
          gw.postCsv(
            `/v1/programmes/${programmeId}/disbursements`,
            otherCharity.apiKey,
            disbursementCsv([[head, "1"]]),
            "other-dsb-1",
          ),
        { status: 403, name: "ForbiddenError", field: "programmeId", code: "not_your_programme" },
      );
    });
  });
});
