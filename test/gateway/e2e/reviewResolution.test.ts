import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { syntheticNationalId } from "../../../src/identity";
import {
  bootE2e,
  countRows,
  householdBody,
  registerOrganisation,
  removeDataDir,
  type E2eGateway,
  type Organisation,
} from "./harness";

/**
 * Resolving the duplicates an import held for review (POST /v1/households/imports/{importId}/reviews/{rowNo}/
 * resolution) on a whole gateway: the charity that ran the import merges or rejects each, the decision is
 * kept and access-logged; every other organisation and role is refused, writing nothing; bad input names
 * the field.
 */
describe("e2e: resolving an import's duplicate reviews", function () {
  this.timeout(120_000);
  let gw: E2eGateway;
  let charity: Organisation;
  let otherCharity: Organisation;
  const others = {} as Record<"registrar" | "auditor" | "donor" | "vendor" | "field_agent", Organisation>;
  let importId: string;
  /** Row number of each review, by its reason. */
  const rowOf: Record<string, number> = {};
  let existingRef: string;
  const path = (row: number | string, imp = importId) =>
    `/v1/households/imports/${imp}/reviews/${row}/resolution`;
  const written = () => ({
    reviews: gw.services.store.sqlite
      .prepare("SELECT count(*) FROM duplicate_reviews WHERE status = 'open'")
      .pluck()
      .get(),
    log: countRows(gw, "access_log"),
  });

  before(async () => {
    gw = await bootE2e();
    charity = await registerOrganisation(gw, "charity");
    otherCharity = await registerOrganisation(gw, "charity");
    for (const role of ["registrar", "auditor", "donor", "vendor", "field_agent"] as const)
      others[role] = await registerOrganisation(gw, role);
    const known = syntheticNationalId(930_001);
    const enrolled = await gw.post("/v1/households", charity.apiKey, householdBody([known]));
    expect(enrolled.status, enrolled.text).to.equal(201);
    existingRef = enrolled.body.householdRef;
    const repeated = syntheticNationalId(930_004);
    const csv = [
      "household_key,national_id,is_head,job_code,postal_code",
      // The known person listed in a new household: enrolled_elsewhere.
      `H-1,${syntheticNationalId(930_002)},1,employee,1234567891`,
      `H-1,${known},0,employee,`,
      // The known head again with someone new: household_already_enrolled for the new member.
      `H-2,${known},1,employee,1234567891`,
      `H-2,${syntheticNationalId(930_003)},0,employee,`,
      // One person twice in one household: repeated_in_household, no existing household.
      `H-3,${repeated},1,employee,1234567891`,
      `H-3,${repeated},0,employee,`,
    ].join("\n");
    const imported = await gw.postCsv(
      "/v1/households/imports",
      charity.apiKey,
      `${csv}\n`,
      `rv-${randomUUID()}`,
    );
    expect(imported.status, imported.text).to.equal(201);
    importId = imported.body.importId;
    for (const review of imported.body.reviews as { rowNo: number; reason: string }[])
      rowOf[review.reason] = review.rowNo;
    expect(Object.keys(rowOf)).to.have.members([
      "enrolled_elsewhere",
      "household_already_enrolled",
      "repeated_in_household",
    ]);
  });
  after(async () => {
    await gw?.stop();
    if (gw) removeDataDir(gw.dataDir);
  });

  it("refuses every other organisation and role, as an unknown import or 403, writing nothing", async () => {
    const before = written();
    const foreign = await gw.post(path(rowOf.enrolled_elsewhere!), otherCharity.apiKey, {
      decision: "merge",
    });
    expect(foreign.status, foreign.text).to.equal(404);
    expect(foreign.body.error.field).to.equal("importId");
    for (const [role, org] of Object.entries(others)) {
      const res = await gw.post(path(rowOf.enrolled_elsewhere!), org.apiKey, { decision: "merge" });
      expect(res.status, `${role}: ${res.text}`).to.equal(403);
    }
    const regulator = await gw.post(path(rowOf.enrolled_elsewhere!), gw.regulatorKey, { decision: "merge" });
    expect(regulator.status).to.equal(403);
    expect(
      (await gw.post(path(rowOf.enrolled_elsewhere!), undefined, { decision: "merge" })).status,
    ).to.equal(401);
    expect(written()).to.deep.equal(before);
  });

  it("refuses bad input naming the field, writing nothing", async () => {
    const before = written();
    const cases: [string, unknown, number, string][] = [
      [path(rowOf.enrolled_elsewhere!), { decision: "keep_apart" }, 400, "decision"],
      [path(rowOf.enrolled_elsewhere!), {}, 400, "decision"],
      [path("0x2"), { decision: "merge" }, 400, "rowNo"],
      [path(999), { decision: "merge" }, 404, "rowNo"],
      [path(2, "imp_unknown"), { decision: "merge" }, 404, "importId"],
      // Nobody is enrolled for a person listed twice in one household: nothing to merge into.
      [path(rowOf.repeated_in_household!), { decision: "merge" }, 409, "decision"],
      // A new member of an enrolled household is written nowhere: nothing to merge either.
      [path(rowOf.household_already_enrolled!), { decision: "merge" }, 409, "decision"],
    ];
    for (const [url, body, status, field] of cases) {
      const res = await gw.post(url, charity.apiKey, body);
      expect(res.status, `${url} ${JSON.stringify(body)}: ${res.text}`).to.equal(status);
      expect(res.body.error.field).to.equal(field);
    }
    expect(written()).to.deep.equal(before);
  });

  it("merges a known person into the existing household, keeps the decision, logs it, and answers a repeat the same", async () => {
    const res = await gw.post(path(rowOf.enrolled_elsewhere!), charity.apiKey, { decision: "merge" });
    expect(res.status, res.text).to.equal(200);
    expect(res.body).to.include({
      importId,
      rowNo: rowOf.enrolled_elsewhere,
      status: "resolved",
      resolution: "merge",
      resolvedBy: charity.orgId,
      existingHouseholdRef: existingRef,
    });
    const entry = gw.services.store.sqlite
      .prepare("SELECT org_id, role, grounds FROM access_log WHERE action = ? AND subject = ?")
      .get("import.review_resolution", importId);
    expect(entry).to.deep.equal({ org_id: charity.orgId, role: "charity", grounds: "imported" });
    // It leaves the charity's open list, and a repeat writes nothing more; another decision is refused.
    const open = gw.services.store.imports.listOpenReviews(charity.orgId, 10)!.map((r) => r.rowNo);
    expect(open).to.not.include(rowOf.enrolled_elsewhere);
    const before = written();
    const again = await gw.post(path(rowOf.enrolled_elsewhere!), charity.apiKey, { decision: "merge" });
    expect(again.status).to.equal(200);
    expect(again.body.resolvedAt).to.equal(res.body.resolvedAt);
    const other = await gw.post(path(rowOf.enrolled_elsewhere!), charity.apiKey, { decision: "reject" });
    expect(other.status).to.equal(409);
    expect(other.body.error).to.include({ field: "decision", code: "already_resolved" });
    expect(written()).to.deep.equal(before);
    // The import's report shows it resolved.
    const report = await gw.get(`/v1/households/imports/${importId}`, charity.apiKey);
    const row = (report.body.reviews as { rowNo: number; status: string }[]).find(
      (r) => r.rowNo === rowOf.enrolled_elsewhere,
    );
    expect(row!.status).to.equal("resolved");
  });

  it("rejects a row listed twice in one household", async () => {
    const res = await gw.post(path(rowOf.repeated_in_household!), charity.apiKey, { decision: "reject" });
    expect(res.status, res.text).to.equal(200);
    expect(res.body).to.include({ status: "resolved", resolution: "reject", existingHouseholdRef: null });
  });
});
