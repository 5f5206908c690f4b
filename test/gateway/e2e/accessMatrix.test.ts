import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { ROLES, type Role } from "../../../src/apiKeys";
import { syntheticNationalId } from "../../../src/identity";
import {
  bootE2e,
  countRows,
  createProgramme,
  disbursementCsv,
  give,
  householdBody,
  mintTokens,
  registerOrganisation,
  removeDataDir,
  settle,
  type E2eGateway,
  type Organisation,
} from "./harness";

/** Every table a refused request could have half-written. */
const TABLES = [
  "households",
  "members",
  "vault",
  "imports",
  "programme_requests",
  "programmes",
  "gifts",
  "chain_jobs",
  "chain_registrations",
  "disbursements",
  "disbursement_rows",
  "organisations",
  "api_keys",
  "wallet_challenges",
  "confirmations",
  "anchor_batches",
  "evidence",
  "evidence_key_wraps",
  "evidence_org_keys",
  "deliveries",
  "delivery_otps",
  "household_receipts",
  "dispute_answers",
  "flag_resolutions",
  "gift_receipt_codes",
  "webhooks",
  "webhook_deliveries",
  "phone_refs",
  "ussd_sessions",
  "ussd_languages",
  "recognition_optins",
  "recognition_periods",
  "recognition_entries",
  "timebank_coordinators",
  "timebank_members",
  "timebank_services",
  "access_secrets",
  "timebank_vault",
  "timebank_vault_keys",
  "timebank_otps",
  "premium_mandates",
  "mandate_premiums",
  "mandate_otps",
  "signing_log",
  "organisation_requests",
  "login_links",
] as const;

const USSD_SECRET = "access-matrix-ussd-secret-0123456789abcdef";

type Caller = "none" | Role | "otherCharity" | "thirdCharity";

/**
 * Who may read and do what: every role (and no key) against every documented route, driven by the
 * OpenAPI document so a new route cannot escape the matrix; then the tiers of the household file, the
 * access log, registration of one's own households only, and programme ownership.
 */
describe("e2e: access matrix (every role against every route) and tiered household access", () => {
  let gw: E2eGateway;
  const orgs = {} as Record<Exclude<Caller, "none" | "regulator">, Organisation>;
  const keyOf = (caller: Caller): string | undefined =>
    caller === "none" ? undefined : caller === "regulator" ? gw.regulatorKey : orgs[caller].apiKey;
  let programmeId: number;
  let importId: string;
  /** Enrolled by the charity. */
  let ownRef: string;
  let ownHeadRef: string;
  /** Enrolled by the other charity, then covered by the charity's disbursement. */
  let coveredRef: string;
  /** Enrolled by the other charity only. */
  let foreignRef: string;
  let foreignHeadRef: string;
  const ownHead = syntheticNationalId(910_001);
  const coveredHead = syntheticNationalId(910_002);
  const foreignHead = syntheticNationalId(910_003);
  const importHead = syntheticNationalId(910_004);

  const counts = () => Object.fromEntries(TABLES.map((table) => [table, countRows(gw, table)]));
  const accessLogCount = () => countRows(gw, "access_log");

  before(async () => {
    gw = await bootE2e({ env: { SINTECH_USSD_SECRET: USSD_SECRET } });
    for (const role of ["charity", "registrar", "auditor", "donor", "vendor", "field_agent"] as const) {
      orgs[role] = await registerOrganisation(gw, role);
    }
    orgs.otherCharity = await registerOrganisation(gw, "charity");
    orgs.thirdCharity = await registerOrganisation(gw, "charity");

    const own = await gw.post("/v1/households", orgs.charity.apiKey, householdBody([ownHead]));
    expect(own.status, own.text).to.equal(201);
    ownRef = own.body.householdRef;
    ownHeadRef = own.body.members[0].beneficiaryRef;
    const covered = await gw.post("/v1/households", orgs.otherCharity.apiKey, householdBody([coveredHead]));
    expect(covered.status, covered.text).to.equal(201);
    coveredRef = covered.body.householdRef;
    const foreign = await gw.post("/v1/households", orgs.otherCharity.apiKey, householdBody([foreignHead]));
    expect(foreign.status, foreign.text).to.equal(201);
    foreignRef = foreign.body.householdRef;
    foreignHeadRef = foreign.body.members[0].beneficiaryRef;
    const imported = await gw.postCsv(
      "/v1/households/imports",
      orgs.charity.apiKey,
      `household_key,national_id,is_head,job_code,postal_code\nh1,${importHead},1,employee,1318514357\n`,
      `access-import-${randomUUID()}`,
    );
    expect(imported.status, imported.text).to.equal(201);
    importId = imported.body.importId;

    for (const org of [orgs.charity, orgs.otherCharity]) {
      const res = await gw.post("/v1/households/registrations", org.apiKey);
      // 202 with a run to follow: wait until it is done.
      expect(res.status, res.text).to.equal(202);
      await settle(gw, org.apiKey, res);
    }
    await mintTokens(gw, orgs.donor.address, "10000000");
    programmeId = await createProgramme(gw, orgs.charity);
    await give(gw, orgs.donor, programmeId, "5000000");
    const dsb = await gw.postCsv(
      `/v1/programmes/${programmeId}/disbursements`,
      orgs.charity.apiKey,
      disbursementCsv([
        [ownHead, "1000000"],
        [coveredHead, "1000000"],
      ]),
      `access-dsb-${randomUUID()}`,
    );
    expect(dsb.status, dsb.text).to.be.oneOf([201, 202]);
    await gw.services.outbox.drain();
  });
  after(async () => {
    await gw?.stop();
    if (gw) removeDataDir(gw.dataDir);
  });

  describe("the role matrix, from the OpenAPI document", () => {
    const callers: Caller[] = ["none", ...ROLES];

    /** A concrete request for each documented path, its parameters filled with the fixture's ids. */
    const concrete = (path: string) =>
      path
        .replace("{programmeId}", String(programmeId))
        .replace("{householdRef}", ownRef)
        .replace("{beneficiaryRef}", ownHeadRef)
        .replace("{importId}", importId)
        .replace("{disbursementId}", "dsb_00000000-0000-4000-8000-000000000000")
        .replace("{confirmationId}", "cnf_00000000-0000-4000-8000-000000000000")
        .replace("{root}", `0x${"00".repeat(32)}`)
        .replace("{evidenceId}", "ev_00000000-0000-4000-8000-000000000000")
        .replace("{deliveryId}", "dlv_00000000-0000-4000-8000-000000000000")
        .replace("{orgId}", orgs.vendor.orgId)
        .replace("{groupId}", "1")
        .replace("{rowNo}", "2")
        // No gift has this id: every permitted caller is told 404, none may stream or act on it.
        .replace("{giftId}", "999999")
        // A month not closed (and not ended): 404 to read, 400 period_open to close.
        .replace("{period}", "2099-01")
        // No member has this reference: a coordinator is told 404, as for another coordinator's member.
        .replace("{memberRef}", `0x${"cd".repeat(32)}`)
        .replace("{serviceId}", "svc_00000000-0000-4000-8000-000000000000")
        // No mandate has this id: its insurer, a charity and an auditor alike are told 404.
        .replace("{mandateId}", "mdt_00000000-0000-4000-8000-000000000000");

    it("answers 401 without a key, 403 to every role a route does not list, and lets its roles through, writing nothing when refused", async () => {
      const doc = (await gw.get("/openapi.json")).body as {
        paths: Record<string, Record<string, { "x-roles"?: Role[] }>>;
      };
      const seen: string[] = [];
      for (const [path, operations] of Object.entries(doc.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          const roles = operation["x-roles"];
          if (!roles) continue;
          seen.push(`${method.toUpperCase()} ${path}`);
          for (const caller of callers) {
            const before = counts();
            let test = gw.http()[method as "get" | "post"](concrete(path));
            const key = keyOf(caller);
            if (key) test = test.set("Authorization", `Bearer ${key}`);
            // An empty JSON body: a permitted caller meets the route's input rules (400), not a wall.
            const res = gw.record(method === "get" ? await test : await test.send({}));
            const label = `${caller} → ${method.toUpperCase()} ${path}: ${res.status} ${res.text}`;
            if (caller === "none") {
              expect(res.status, label).to.equal(401);
              expect(res.body.error.name, label).to.equal("UnauthenticatedError");
            } else if (!roles.includes(caller as Role)) {
              expect(res.status, label).to.equal(403);
              expect(res.body.error.name, label).to.equal("ForbiddenError");
            } else {
              expect(res.status, label).to.not.be.oneOf([401, 403]);
              expect(res.status, label).to.be.below(500);
            }
            if (res.status === 401 || res.status === 403) expect(counts(), label).to.deep.equal(before);
          }
        }
      }
      // The matrix really walked the routes of this issue, including the access log.
      expect(seen).to.include.members([
        "GET /v1/households/{householdRef}",
        "GET /v1/programmes/{programmeId}/eligibility/{householdRef}",
        "GET /v1/households/imports/{importId}",
        "POST /v1/households/imports/{importId}/reviews/{rowNo}/resolution",
        "GET /v1/wallets/{beneficiaryRef}",
        "GET /v1/access-log",
        "POST /v1/households/registrations",
        "POST /v1/programmes/{programmeId}/disbursements",
        "POST /v1/wallets/challenges",
        "POST /v1/organisations",
        "POST /v1/organisations/{orgId}/licence-changes",
        "POST /v1/login-links",
        "POST /v1/exclusivity-groups/{groupId}/admissions",
        "POST /v1/programmes/{programmeId}/pause",
        "POST /v1/confirmations",
        "GET /v1/confirmations/{confirmationId}",
        "GET /v1/anchors",
        "GET /v1/anchors/{root}",
        "POST /v1/evidence",
        "GET /v1/evidence/{evidenceId}",
        "GET /v1/evidence/{evidenceId}/content",
        "GET /v1/evidence/{evidenceId}/key",
        "GET /v1/deliveries/offline-key",
        "POST /v1/deliveries/offline-packs",
        "POST /v1/deliveries/offline",
        "POST /v1/deliveries",
        "GET /v1/deliveries",
        "GET /v1/deliveries/{deliveryId}",
        "POST /v1/deliveries/lookup",
        "POST /v1/deliveries/{deliveryId}/acceptance",
        "POST /v1/deliveries/{deliveryId}/sms-code",
        "POST /v1/deliveries/{deliveryId}/dispute",
        "POST /v1/deliveries/{deliveryId}/dispute-answer",
        "POST /v1/deliveries/{deliveryId}/flag-resolution",
        "POST /v1/deliveries/{deliveryId}/cosign",
        "GET /v1/household-receipts/{householdRef}",
        "GET /v1/indexer/status",
        "GET /v1/gifts/{giftId}/timeline",
        "GET /v1/gifts/{giftId}/events",
        "POST /v1/gifts/{giftId}/receipt-code",
        "POST /v1/webhooks",
        "GET /v1/programmes/{programmeId}/under-coverage",
        "GET /v1/recognition/periods/{period}/proof",
        "POST /v1/recognition/periods/{period}/close",
        "PUT /v1/recognition/opt-in",
        "DELETE /v1/recognition/opt-in",
        "POST /v1/timebank/coordinators",
        "POST /v1/timebank/members",
        "GET /v1/timebank/members/{memberRef}",
        "POST /v1/timebank/members/{memberRef}/changes",
        "POST /v1/timebank/members/{memberRef}/donations",
        "POST /v1/timebank/members/{memberRef}/access",
        "POST /v1/timebank/members/{memberRef}/wallet-rebinding",
        "GET /v1/timebank/members/{memberRef}/history",
        "PUT /v1/timebank/members/{memberRef}/recognition",
        "DELETE /v1/timebank/members/{memberRef}/recognition",
        "GET /v1/timebank/members/{memberRef}/recognition/{period}",
        "POST /v1/timebank/services",
        "GET /v1/timebank/services",
        "GET /v1/timebank/members",
        "GET /v1/timebank/pool",
        "GET /v1/timebank/services/{serviceId}",
        "POST /v1/timebank/services/coordinator-confirmations",
        "POST /v1/timebank/services/{serviceId}/sms-code",
        "POST /v1/timebank/services/{serviceId}/confirmation",
        "POST /v1/timebank/services/{serviceId}/coordinator-confirmation",
        "POST /v1/mandates",
        "GET /v1/mandates",
        "GET /v1/mandates/{mandateId}",
        "POST /v1/mandates/{mandateId}/sms-code",
        "POST /v1/mandates/{mandateId}/acceptance",
        "POST /v1/mandates/{mandateId}/revocation",
        "POST /v1/mandates/{mandateId}/premiums",
        "POST /v1/mandates/premiums",
      ]);
    });
  });

  describe("tiers of the household file", () => {
    /** caller → [own household, covered household, foreign household]: the status each read answers. */
    const TIERS: [Caller, number, number, number][] = [
      ["charity", 200, 200, 404],
      ["otherCharity", 404, 200, 200],
      ["thirdCharity", 404, 404, 404],
      ["registrar", 200, 200, 200],
      ["auditor", 200, 200, 200],
    ];

    for (const [caller, own, covered, foreign] of TIERS) {
      it(`${caller}: reads its tier of households (${own}/${covered}/${foreign}), and a refused read looks like an unknown household`, async () => {
        const refs = [ownRef, coveredRef, foreignRef];
        const expected = [own, covered, foreign];
        for (const [index, ref] of refs.entries()) {
          const before = accessLogCount();
          const res = await gw.get(`/v1/households/${ref}`, keyOf(caller));
          expect(res.status, `${caller} ${index}: ${res.text}`).to.equal(expected[index]);
          if (res.status === 404) {
            const unknown = await gw.get(`/v1/households/0x${"ab".repeat(32)}`, keyOf(caller));
            expect({ ...res.body.error, requestId: "" }).to.deep.equal({
              ...unknown.body.error,
              requestId: "",
            });
            expect(res.body.error).to.include({ name: "NotFoundError", field: "householdRef" });
            expect(accessLogCount()).to.equal(before);
          } else {
            expect(res.body.householdRef).to.equal(ref);
            expect(accessLogCount()).to.equal(before + 1);
          }
        }
      });
    }

    it("applies the household's tier to its eligibility, its wallet and its import report", async () => {
      const eligibility = (ref: string, caller: Caller) =>
        gw.get(`/v1/programmes/${programmeId}/eligibility/${ref}`, keyOf(caller));
      expect((await eligibility(ownRef, "charity")).status).to.equal(200);
      const hidden = await eligibility(foreignRef, "charity");
      expect(hidden.status).to.equal(404);
      expect(hidden.body.error.field).to.equal("householdRef");

      expect((await gw.get(`/v1/wallets/${ownHeadRef}`, orgs.charity.apiKey)).status).to.equal(200);
      const wallet = await gw.get(`/v1/wallets/${foreignHeadRef}`, orgs.charity.apiKey);
      expect(wallet.status).to.equal(404);
      expect(wallet.body.error.field).to.equal("beneficiaryRef");

      expect((await gw.get(`/v1/households/imports/${importId}`, orgs.charity.apiKey)).status).to.equal(200);
      const report = await gw.get(`/v1/households/imports/${importId}`, orgs.otherCharity.apiKey);
      expect(report.status).to.equal(404);
      expect(report.body.error.field).to.equal("importId");
      expect((await gw.get(`/v1/households/imports/${importId}`, orgs.auditor.apiKey)).status).to.equal(200);
    });

    it("records each read in the access log (who, what, when, why), which auditors and the regulator read", async () => {
      const res = await gw
        .http()
        .get(`/v1/households/${coveredRef}`)
        .set("Authorization", `Bearer ${orgs.charity.apiKey}`)
        .set("X-Access-Purpose", "case review 17");
      expect(res.status, res.text).to.equal(200);
      const requestId = res.headers["x-request-id"];

      const log = await gw.get(`/v1/access-log?subject=${coveredRef}`, orgs.auditor.apiKey);
      expect(log.status, log.text).to.equal(200);
      const entry = (log.body.entries as Record<string, unknown>[]).find((e) => e.requestId === requestId);
      expect(entry).to.deep.include({
        orgId: orgs.charity.orgId,
        role: "charity",
        action: "household.summary",
        subject: coveredRef,
        grounds: `covered:${programmeId}`,
        purpose: "case review 17",
      });
      expect(Date.parse(entry!.at as string)).to.be.closeTo(Date.now(), 60_000);
      expect(entry!.keyId).to.be.a("string");

      const own = await gw.get(
        `/v1/access-log?subject=${ownRef}&orgId=${orgs.charity.orgId}`,
        gw.regulatorKey,
      );
      expect(own.status).to.equal(200);
      expect((own.body.entries as { grounds: string }[]).map((e) => e.grounds)).to.include("enrolled");

      // Pages: `after` the last entry of a page gives the next one.
      const first = await gw.get("/v1/access-log?limit=1", orgs.auditor.apiKey);
      expect(first.body.entries).to.have.length(1);
      const second = await gw.get(`/v1/access-log?limit=1&after=${first.body.next}`, orgs.auditor.apiKey);
      expect(second.body.entries[0].entryId).to.be.greaterThan(first.body.next);
    });

    it("refuses an access purpose with a control character or over 200 characters, naming the header, and logs nothing", async () => {
      for (const purpose of ["review\tcase 17", "x".repeat(201)]) {
        const before = accessLogCount();
        const res = await gw
          .http()
          .get(`/v1/households/${ownRef}`)
          .set("Authorization", `Bearer ${orgs.charity.apiKey}`)
          .set("X-Access-Purpose", purpose);
        expect(res.status, res.text).to.equal(400);
        expect(res.body.error).to.include({ field: "X-Access-Purpose", code: "invalid_purpose" });
        expect(accessLogCount()).to.equal(before);
      }
    });
  });

  describe("acting on households", () => {
    it("registers on chain only the caller's own pending households", async () => {
      const mine = syntheticNationalId(910_010);
      const theirs = syntheticNationalId(910_011);
      const a = await gw.post("/v1/households", orgs.charity.apiKey, householdBody([mine]));
      const b = await gw.post("/v1/households", orgs.otherCharity.apiKey, householdBody([theirs]));
      const registered = (ref: string) =>
        gw.services.store.sqlite
          .prepare("SELECT count(*) FROM chain_registrations WHERE beneficiary_ref = ?")
          .pluck()
          .get(ref) as number;
      expect((await gw.post("/v1/households/registrations", orgs.charity.apiKey)).status).to.equal(202);
      expect(registered(a.body.members[0].beneficiaryRef)).to.equal(1);
      expect(registered(b.body.members[0].beneficiaryRef)).to.equal(0);
      expect((await gw.post("/v1/households/registrations", orgs.otherCharity.apiKey)).status).to.equal(202);
      expect(registered(b.body.members[0].beneficiaryRef)).to.equal(1);
    });

    it("answers 403 not_your_programme to a charity disbursing another charity's programme, writing nothing", async () => {
      const before = counts();
      const csv = await gw.postCsv(
        `/v1/programmes/${programmeId}/disbursements`,
        orgs.otherCharity.apiKey,
        disbursementCsv([[coveredHead, "1"]]),
        `other-dsb-${randomUUID()}`,
      );
      expect(csv.status, csv.text).to.equal(403);
      expect(csv.body.error).to.include({
        name: "ForbiddenError",
        field: "programmeId",
        code: "not_your_programme",
      });
      const eligible = await gw.post(
        `/v1/programmes/${programmeId}/disbursements`,
        orgs.otherCharity.apiKey,
        {
          selection: "eligible",
          amount: "1",
          idempotencyKey: `other-dsb-${randomUUID()}`,
        },
      );
      expect(eligible.status, eligible.text).to.equal(403);
      expect(eligible.body.error.code).to.equal("not_your_programme");
      expect(counts()).to.deep.equal(before);
    });

    it("answers 403 not_your_programme to a charity reading another charity's under-coverage, and the owner 200", async () => {
      const path = `/v1/programmes/${programmeId}/under-coverage`;
      const other = await gw.get(path, orgs.otherCharity.apiKey);
      expect(other.status, other.text).to.equal(403);
      expect(other.body.error).to.include({
        name: "ForbiddenError",
        field: "programmeId",
        code: "not_your_programme",
      });
      expect((await gw.get(path, orgs.charity.apiKey)).status).to.equal(200);
      // Open data is public: no key, and any key alike.
      for (const caller of ["none", "otherCharity", "donor", "vendor"] as Caller[]) {
        const res = await gw.get(`/v1/programmes/${programmeId}/open-data`, keyOf(caller));
        expect(res.status, `${caller}: ${res.text}`).to.equal(200);
      }
    });

    it("refuses a selection whose amount is above the cap per period (400 above_cap), before any job", async () => {
      const before = counts();
      const res = await gw.post(`/v1/programmes/${programmeId}/disbursements`, orgs.charity.apiKey, {
        selection: "eligible",
        amount: "2500001",
        idempotencyKey: `above-cap-${randomUUID()}`,
      });
      expect(res.status, res.text).to.equal(400);
      expect(res.body.error).to.include({ name: "ValidationError", field: "amount", code: "above_cap" });
      expect(counts()).to.deep.equal(before);
    });

    it("refuses a wallet challenge for an unknown beneficiary, or one a charity may not read, storing none", async () => {
      const address = "0x" + "12".repeat(20);
      for (const [caller, beneficiaryRef] of [
        ["registrar", `0x${"cd".repeat(32)}`],
        ["charity", `0x${"cd".repeat(32)}`],
        ["charity", foreignHeadRef],
      ] as const) {
        const before = counts();
        const res = await gw.post("/v1/wallets/challenges", keyOf(caller), { beneficiaryRef, address });
        expect(res.status, `${caller}: ${res.text}`).to.equal(404);
        expect(res.body.error).to.include({ name: "NotFoundError", field: "beneficiaryRef" });
        expect(counts()).to.deep.equal(before);
      }
      const ok = await gw.post("/v1/wallets/challenges", orgs.charity.apiKey, {
        beneficiaryRef: ownHeadRef,
        address,
      });
      expect(ok.status, ok.text).to.equal(201);
    });

    it("hides another charity's challenge from a proof (404 challengeId)", async () => {
      const challenge = await gw.post("/v1/wallets/challenges", orgs.otherCharity.apiKey, {
        beneficiaryRef: foreignHeadRef,
        address: "0x" + "34".repeat(20),
      });
      expect(challenge.status, challenge.text).to.equal(201);
      const proof = await gw.post("/v1/wallets/proofs", orgs.charity.apiKey, {
        challengeId: challenge.body.challengeId,
        signature: "0x" + "00".repeat(65),
      });
      expect(proof.status, proof.text).to.equal(404);
      expect(proof.body.error).to.include({ name: "NotFoundError", field: "challengeId" });
    });

    it("refuses another organisation's import key as reused (409), writing nothing", async () => {
      const key = `shared-key-${randomUUID()}`;
      const csv = `household_key,national_id,is_head,job_code,postal_code\nh1,${syntheticNationalId(910_020)},1,employee,1318514357\n`;
      expect((await gw.postCsv("/v1/households/imports", orgs.charity.apiKey, csv, key)).status).to.equal(
        201,
      );
      const before = counts();
      const res = await gw.postCsv("/v1/households/imports", orgs.otherCharity.apiKey, csv, key);
      expect(res.status, res.text).to.equal(409);
      expect(res.body.error.code).to.equal("idempotency_key_reused");
      expect(counts()).to.deep.equal(before);
    });
  });

  describe("the USSD aggregator's callback", () => {
    const callback = {
      sessionId: "ATUid_matrix",
      serviceCode: "*384*7#",
      phoneNumber: "+989120000000",
      text: "",
    };

    it("admits only the shared secret: no API key of any role stands in for it, and a refusal writes nothing", async () => {
      for (const caller of ["none", ...ROLES] as Caller[]) {
        for (const secret of [undefined, "not-the-secret-not-the-secret-not-the-secret"]) {
          const before = counts();
          let test = gw.http().post("/v1/ussd");
          const key = keyOf(caller);
          if (key) test = test.set("Authorization", `Bearer ${key}`);
          if (secret) test = test.set("X-USSD-Secret", secret);
          const res = gw.record(await test.send(callback));
          const label = `${caller}, ${secret ? "a wrong" : "no"} secret → POST /v1/ussd: ${res.status} ${res.text}`;
          expect(res.status, label).to.equal(401);
          expect(res.body.error.name, label).to.equal("UnauthenticatedError");
          expect(counts(), label).to.deep.equal(before);
        }
        const key = keyOf(caller);
        let admitted = gw.http().post("/v1/ussd").set("X-USSD-Secret", USSD_SECRET);
        if (key) admitted = admitted.set("Authorization", `Bearer ${key}`);
        const res = gw.record(await admitted.send(callback));
        expect(res.status, `${caller} with the secret: ${res.text}`).to.equal(200);
        expect(res.text).to.match(/^END /);
      }
    });
  });
});
