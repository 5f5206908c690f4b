import { expect } from "chai";
import type { Response } from "supertest";
import { sampleHouseholdsCsv } from "../../../src/households";
import { syntheticNationalId } from "../../../src/identity";
import {
  bootE2e,
  countRows,
  createProgramme,
  mintTokens,
  programmeBody,
  registerOrganisation,
  removeDataDir,
  type E2eGateway,
  type Organisation,
} from "./harness";

/** Everything a refused request must leave as it was: rows of every table it could write, and the chain. */
async function footprint(gw: E2eGateway): Promise<Record<string, number>> {
  const tables = [
    "chain_jobs",
    "idempotency_keys",
    "programme_requests",
    "programmes",
    "gift_requests",
    "gifts",
    "imports",
    "import_rows",
    "households",
    "members",
  ];
  return {
    ...Object.fromEntries(tables.map((table) => [table, countRows(gw, table)])),
    block: await gw.services.provider.getBlockNumber(),
  };
}

/**
 * Issue 8, item 4: a refused gift left a mined ERC-20 approve and two job rows, a refused programme a
 * request row and a failed job, a refused import a failed imports row (and, refused at line 3,003, 984
 * households); chain refusals answered `{"status":"failed","error":{"name","args"}}`, not the one shape.
 */
describe("e2e: a refused request writes nothing and answers in the one error shape", () => {
  let gw: E2eGateway;
  let charity: Organisation;
  let otherCharity: Organisation;
  let donor: Organisation;
  let poorDonor: Organisation;
  let programmeId: number;
  let otherProgrammeId: number;

  /** The request is refused with the documented shape, naming the contract's error, and nothing changed. */
  async function expectRefused(
    send: () => Promise<Response>,
    expected: { status: number; name: string; code: string; field?: string },
  ): Promise<Response> {
    const before = await footprint(gw);
    const res = await send();
    expect(res.status, res.text).to.equal(expected.status);
    expect(Object.keys(res.body)).to.deep.equal(["error"]);
    expect(res.body.error).to.include({ name: expected.name, code: expected.code });
    if (expected.field !== undefined) expect(res.body.error.field).to.equal(expected.field);
    expect(Object.keys(res.body.error)).to.have.members([
      "name",
      "message",
      "code",
      "requestId",
      ...(res.body.error.field === undefined ? [] : ["field"]),
    ]);
    expect(res.body.error.message).to.be.a("string").with.length.greaterThan(15);
    expect(res.body.error.requestId).to.equal(res.headers["x-request-id"]);
    expect(await footprint(gw)).to.deep.equal(before);
    return res;
  }

  const gift = (who: Organisation, programme: number, body: Record<string, unknown>) =>
    gw.post(`/v1/programmes/${programme}/gifts`, who.apiKey, body);

  before(async () => {
    gw = await bootE2e();
    charity = await registerOrganisation(gw, "charity");
    otherCharity = await registerOrganisation(gw, "charity");
    donor = await registerOrganisation(gw, "donor");
    poorDonor = await registerOrganisation(gw, "donor");
    await mintTokens(gw, donor.address, "10000000");
    await mintTokens(gw, otherCharity.address, "10000000");
    programmeId = await createProgramme(gw, charity, { earmarks: ["winter-fuel", "school-meals"] });
    otherProgrammeId = await createProgramme(gw, otherCharity);
  });
  after(async () => {
    await gw?.stop().catch(() => undefined);
    if (gw) removeDataDir(gw.dataDir);
  });

  it("refuses a gift below the programme's minimum (GiftTooSmall): no approve mined, no job row", async () => {
    await expectRefused(
      () => gift(donor, programmeId, { amount: "50000", idempotencyKey: "refused-gift-1" }),
      {
        status: 400,
        name: "ChainRefusedError",
        code: "GiftTooSmall",
        field: "amount",
      },
    );
  });

  it("takes the refused gift's key again once the body is fixed: a refusal claims no key", async () => {
    const res = await gift(donor, programmeId, { amount: "200000", idempotencyKey: "refused-gift-1" });
    expect(res.status, res.text).to.equal(201);
    expect(res.body).to.deep.equal({ status: "received", giftId: res.body.giftId });
    expect(res.body.giftId).to.be.a("number");
  });

  it("refuses a gift the wallet cannot pay (ERC20InsufficientBalance)", async () => {
    await expectRefused(
      () => gift(poorDonor, programmeId, { amount: "200000", idempotencyKey: "refused-gift-2" }),
      {
        status: 409,
        name: "ChainRefusedError",
        code: "ERC20InsufficientBalance",
        field: "amount",
      },
    );
  });

  it("refuses a gift reallocated to an unknown programme (ReallocationTargetInvalid)", async () => {
    await expectRefused(
      () =>
        gift(donor, programmeId, {
          amount: "200000",
          reallocateToProgrammeId: 9_999,
          idempotencyKey: "refused-gift-3",
        }),
      {
        status: 400,
        name: "ChainRefusedError",
        code: "ReallocationTargetInvalid",
        field: "reallocateToProgrammeId",
      },
    );
  });

  it("refuses a cash gift recorded by a charity that does not run the programme (ProgrammeCharityOnly)", async () => {
    await expectRefused(
      () =>
        gift(otherCharity, programmeId, {
          amount: "200000",
          donorReference: "RCPT-2026-77",
          idempotencyKey: "refused-gift-4",
        }),
      { status: 403, name: "ChainRefusedError", code: "ProgrammeCharityOnly", field: "programmeId" },
    );
  });

  it("refuses an earmark that is not one of the programme's purposes, naming the field", async () => {
    for (const earmark of ["0912345678", "food for family 4", "winter-fuels"]) {
      await expectRefused(
        () => gift(donor, programmeId, { amount: "200000", earmark, idempotencyKey: "refused-gift-5" }),
        {
          status: 400,
          name: "ValidationError",
          code: "not_a_purpose",
          field: "earmark",
        },
      );
    }
    await expectRefused(
      () =>
        gift(donor, otherProgrammeId, {
          amount: "200000",
          earmark: "winter-fuel",
          idempotencyKey: "refused-gift-6",
        }),
      { status: 400, name: "ValidationError", code: "not_a_purpose", field: "earmark" },
    );
    const earmarked = await gift(donor, programmeId, {
      amount: "200000",
      earmark: "winter-fuel",
      idempotencyKey: "earmarked-gift-1",
    });
    expect(earmarked.status, earmarked.text).to.equal(201);
    const row = gw.services.store.sqlite
      .prepare("SELECT earmark, donor_ref FROM gifts WHERE gift_id = ?")
      .get(earmarked.body.giftId);
    expect(row).to.deep.equal({ earmark: "winter-fuel", donor_ref: null });
    expect((await gw.get(`/v1/programmes/${programmeId}`, donor.apiKey)).body.earmarks).to.deep.equal([
      "winter-fuel",
      "school-meals",
    ]);
  });

  it("refuses earmark purposes that could carry a number at programme creation, naming the entry", async () => {
    await expectRefused(
      () => gw.post("/v1/programmes", charity.apiKey, programmeBody({ earmarks: ["fuel", "id-0013542419"] })),
      { status: 400, name: "ValidationError", code: "invalid_format", field: "earmarks[1]" },
    );
  });

  it("refuses a programme the charity is not licensed for (CharityUnlicensed): no request row, no job", async () => {
    await expectRefused(() => gw.post("/v1/programmes", charity.apiKey, programmeBody({ category: 9 })), {
      status: 403,
      name: "ChainRefusedError",
      code: "CharityUnlicensed",
      field: "category",
    });
  });

  it("refuses a programme in an exclusivity group that does not exist: no request row, no job", async () => {
    await expectRefused(
      () => gw.post("/v1/programmes", charity.apiKey, programmeBody({ exclusivityGroupId: 4_000 })),
      {
        status: 400,
        name: "ChainRefusedError",
        code: "ExclusivityGroupUnknown",
        field: "exclusivityGroupId",
      },
    );
  });

  it("refuses a CSV import with a bad header, or malformed on a late line, leaving no imports row and no household", async () => {
    const sample = sampleHouseholdsCsv({ households: 400, seed: 5, firstIdSeed: 330_000, maxMembers: 4 });
    const lines = sample.csv.trimEnd().split("\n");
    lines.splice(lines.length - 5, 0, `HX,"${syntheticNationalId(339_999)},1`);
    await expectRefused(
      () => gw.postCsv("/v1/households/imports", charity.apiKey, lines.join("\n") + "\n", "refused-import-1"),
      { status: 400, name: "ValidationError", code: "malformed_csv", field: "file" },
    );
    await expectRefused(
      () =>
        gw.postCsv(
          "/v1/households/imports",
          charity.apiKey,
          `household_key,national_id,religion\nH1,${syntheticNationalId(339_998)},x\n`,
          "refused-import-2",
        ),
      { status: 400, name: "ValidationError", code: "unknown_column" },
    );
    // The fixed file imports whole under the refused key.
    const fixed = await gw.postCsv("/v1/households/imports", charity.apiKey, sample.csv, "refused-import-1");
    expect(fixed.status, fixed.text.slice(0, 300)).to.equal(201);
    expect(fixed.body.counts.enrolled).to.equal(sample.rowCount);
  });
});
