import { expect } from "chai";
import { randomUUID } from "node:crypto";
import type { Response } from "supertest";
import { sampleHouseholdsCsv } from "../../../src/households";
import {
  bootE2e,
  countRows,
  createProgramme,
  disbursementCsv,
  give,
  idsByHousehold,
  importSample,
  mintTokens,
  programmeBody,
  registerOnChain,
  registerOrganisation,
  removeDataDir,
  type E2eGateway,
  type Organisation,
} from "./harness";

/**
 * Issue 8, item 3: four requests sent at once with one Idempotency-Key gave one 201 and three 500s, and
 * the key sent again with another body answered the first result. Every route that takes a key is here.
 */
describe("e2e: one idempotency key is one request, under concurrency and reuse", () => {
  let gw: E2eGateway;
  let charity: Organisation;
  let donor: Organisation;
  let selectionProgramme: number;
  let csvProgramme: number;
  const sample = sampleHouseholdsCsv({ households: 12, seed: 23, firstIdSeed: 310_000, maxMembers: 3 });
  const heads = idsByHousehold(sample).map((ids) => ids[0]!);

  /** Four copies of one request, sent at the same time. */
  const fourAtOnce = (send: () => Promise<Response>) => Promise.all([send(), send(), send(), send()]);

  /** No caller saw a 500; every success carries the same `idField`; a 409 says the request is in flight. */
  function expectOneResult(responses: Response[], idField: string, successStatus: number): unknown {
    for (const res of responses) {
      expect(res.status, res.text.slice(0, 300)).to.be.oneOf([successStatus, 200, 409]);
      if (res.status === 409) expect(res.body.error.code).to.equal("import_in_progress");
    }
    const ok = responses.filter((res) => res.status < 300);
    expect(ok.length).to.be.greaterThan(0);
    expect(new Set(ok.map((res) => JSON.stringify(res.body[idField])))).to.have.length(1);
    return ok[0]!.body[idField];
  }

  function expectReused(res: Response): void {
    expect(res.status, res.text).to.equal(409);
    expect(res.body.error).to.include({
      name: "DuplicateError",
      field: "idempotencyKey",
      code: "idempotency_key_reused",
    });
  }

  before(async () => {
    gw = await bootE2e();
    charity = await registerOrganisation(gw, "charity");
    donor = await registerOrganisation(gw, "donor");
    await importSample(gw, charity.apiKey, sample);
    await registerOnChain(gw, charity.apiKey);
    await mintTokens(gw, donor.address, "100000000");
    selectionProgramme = await createProgramme(gw, charity, {
      eligibility: { targetGroups: [{ name: "Everyone", all: [] }] },
    });
    csvProgramme = await createProgramme(gw, charity);
    await give(gw, donor, selectionProgramme, "20000000");
    await give(gw, donor, csvProgramme, "20000000");
  });
  after(async () => {
    await gw?.stop().catch(() => undefined);
    if (gw) removeDataDir(gw.dataDir);
  });

  it("answers four parallel disbursements by selection under one key with one disbursement, never a 500", async () => {
    const disbursements = countRows(gw, "disbursements");
    const rows = countRows(gw, "disbursement_rows");
    const body = { selection: "eligible", amount: "100000", idempotencyKey: "idem-selection-1" };
    const responses = await fourAtOnce(() =>
      gw.post(`/v1/programmes/${selectionProgramme}/disbursements`, charity.apiKey, body),
    );
    const disbursementId = expectOneResult(responses, "disbursementId", 202);
    expect(countRows(gw, "disbursements")).to.equal(disbursements + 1);
    expect(countRows(gw, "disbursement_rows")).to.equal(rows + heads.length);
    // Accepted at once (202): every row queued or, for a caller that came late, already issued.
    for (const res of responses)
      expect(res.body.counts.issued + res.body.counts.queued).to.equal(heads.length);
    await gw.services.outbox.drain();
    // Later, the same key and body is a replay of that one disbursement, finished.
    const again = await gw.post(`/v1/programmes/${selectionProgramme}/disbursements`, charity.apiKey, body);
    expect(again.status).to.equal(200);
    expect(again.body).to.include({ disbursementId, replayed: true, state: "done" });
    expect(again.body.counts.issued).to.equal(heads.length);
  });

  it("answers four parallel CSV disbursements under one key with one disbursement, never a 500", async () => {
    const disbursements = countRows(gw, "disbursements");
    const jobs = countRows(gw, "chain_jobs");
    const csv = disbursementCsv(heads.map((id) => [id, "150000"] as const));
    const responses = await fourAtOnce(() =>
      gw.postCsv(`/v1/programmes/${csvProgramme}/disbursements`, charity.apiKey, csv, "idem-csv-1"),
    );
    expectOneResult(responses, "disbursementId", 202);
    expect(countRows(gw, "disbursements")).to.equal(disbursements + 1);
    expect(countRows(gw, "chain_jobs")).to.equal(jobs + 1); // one issuance batch, sent once
    for (const res of responses)
      expect(res.body.counts.issued + res.body.counts.queued).to.equal(heads.length);
    await gw.services.outbox.drain();
    const done = await gw.get(`/v1/disbursements/${responses[0]!.body.disbursementId}`, charity.apiKey);
    expect(done.body.counts.issued).to.equal(heads.length);
  });

  it("refuses a disbursement key sent again with another amount, file or programme (409), writing nothing", async () => {
    const disbursements = countRows(gw, "disbursements");
    const jobs = countRows(gw, "chain_jobs");
    expectReused(
      await gw.post(`/v1/programmes/${selectionProgramme}/disbursements`, charity.apiKey, {
        selection: "eligible",
        amount: "999",
        idempotencyKey: "idem-selection-1",
      }),
    );
    expectReused(
      await gw.postCsv(
        `/v1/programmes/${csvProgramme}/disbursements`,
        charity.apiKey,
        disbursementCsv([[heads[0]!, "999"]]),
        "idem-csv-1",
      ),
    );
    expectReused(
      await gw.postCsv(
        `/v1/programmes/${selectionProgramme}/disbursements`,
        charity.apiKey,
        disbursementCsv(heads.map((id) => [id, "150000"] as const)),
        "idem-csv-1",
      ),
    );
    expect(countRows(gw, "disbursements")).to.equal(disbursements);
    expect(countRows(gw, "chain_jobs")).to.equal(jobs);
  });

  it("answers four parallel gifts under one key with one gift, and refuses the key with another amount", async () => {
    const gifts = countRows(gw, "gifts");
    const jobs = countRows(gw, "chain_jobs");
    const body = { amount: "150000", idempotencyKey: "idem-gift-1" };
    const responses = await fourAtOnce(() =>
      gw.post(`/v1/programmes/${csvProgramme}/gifts`, donor.apiKey, body),
    );
    const giftId = expectOneResult(responses, "giftId", 201);
    expect(giftId).to.be.a("number");
    expect(countRows(gw, "gifts")).to.equal(gifts + 1);
    expect(countRows(gw, "chain_jobs")).to.equal(jobs + 2); // one approve, one gift
    const programme = await gw.get(`/v1/programmes/${csvProgramme}`, donor.apiKey);
    // A gift of 999 under the key of the gift of 150,000 was answered with the first gift (201).
    expectReused(
      await gw.post(`/v1/programmes/${csvProgramme}/gifts`, donor.apiKey, {
        amount: "999000",
        idempotencyKey: "idem-gift-1",
      }),
    );
    expectReused(await gw.post(`/v1/programmes/${selectionProgramme}/gifts`, donor.apiKey, body));
    expect(countRows(gw, "gifts")).to.equal(gifts + 1);
    expect(countRows(gw, "chain_jobs")).to.equal(jobs + 2);
    expect((await gw.get(`/v1/programmes/${csvProgramme}`, donor.apiKey)).body.funds).to.deep.equal(
      programme.body.funds,
    );
    const again = await gw.post(`/v1/programmes/${csvProgramme}/gifts`, donor.apiKey, body);
    expect(again.status).to.equal(201);
    expect(again.body.giftId).to.equal(giftId);
  });

  it("answers four parallel programme creations under one key with one programme, and refuses another body", async () => {
    const requests = countRows(gw, "programme_requests");
    const body = programmeBody({
      name: "E2E parallel programme",
      idempotencyKey: `idem-programme-${randomUUID()}`,
    });
    const responses = await fourAtOnce(() => gw.post("/v1/programmes", charity.apiKey, body));
    expectOneResult(responses, "programmeId", 201);
    expect(countRows(gw, "programme_requests")).to.equal(requests + 1);
    expect(countRows(gw, "programmes")).to.equal(requests + 1);
    expectReused(await gw.post("/v1/programmes", charity.apiKey, { ...body, name: "Another programme" }));
    expect(countRows(gw, "programme_requests")).to.equal(requests + 1);
  });

  it("imports once for four parallel uploads under one key: the others hear 409 in flight, never a 500", async () => {
    const more = sampleHouseholdsCsv({ households: 30, seed: 29, firstIdSeed: 320_000, maxMembers: 3 });
    const households = countRows(gw, "households");
    const responses = await fourAtOnce(() =>
      gw.postCsv("/v1/households/imports", charity.apiKey, more.csv, "idem-import-1"),
    );
    const importId = expectOneResult(responses, "importId", 201);
    expect(responses.filter((res) => res.status === 201)).to.have.length(1);
    expect(countRows(gw, "households")).to.equal(households + more.householdCount);
    const again = await gw.postCsv("/v1/households/imports", charity.apiKey, more.csv, "idem-import-1");
    expect(again.status).to.equal(200);
    expect(again.body).to.include({ importId, replayed: true });
    expectReused(await gw.postCsv("/v1/households/imports", charity.apiKey, sample.csv, "idem-import-1"));
    expect(countRows(gw, "households")).to.equal(households + more.householdCount);
  });
});
