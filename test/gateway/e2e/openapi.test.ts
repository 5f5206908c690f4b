import { expect } from "chai";
import { randomBytes, randomUUID } from "node:crypto";
import { Wallet } from "ethers";
import { closeDueBatches } from "../../../src/anchoring";
import { sealPin } from "../../../src/delivery";
import { sampleHouseholdsCsv } from "../../../src/households";
import { syntheticNationalId } from "../../../src/identity";
import type { OpenApiDocument } from "../../../src/api/openapi";
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
  type E2eGateway,
} from "./harness";

const METHODS = ["get", "post", "put", "patch", "delete"] as const;
const USSD_SECRET = "openapi-e2e-ussd-secret-0123456789abcdef";

/**
 * Every documented operation answered for real at least once, and each answer checked against the document
 * by the harness (`record` → `OpenApiConformance`), errors included; the other e2e files check the answers
 * of their own flows the same way.
 */
describe("e2e: every documented operation answers as the OpenAPI document says", function () {
  let gw: E2eGateway;
  let document: OpenApiDocument;

  before(async () => {
    gw = await bootE2e({ env: { SINTECH_USSD_SECRET: USSD_SECRET } });
    document = (await gw.get("/openapi.json")).body as OpenApiDocument;
  });
  after(async () => {
    await gw?.stop();
    if (gw) removeDataDir(gw.dataDir);
  });

  it("serves the public routes with security [] and answers each as documented", async () => {
    for (const path of ["/health", "/metrics", "/openapi.json", "/docs"]) {
      const res = await gw.get(path);
      expect(res.status, path).to.equal(200);
      expect(document.paths[path]!.get!.security, path).to.deep.equal([]);
    }
    const docs = await gw.get("/docs");
    expect(docs.text).to.include("<code>Authorization: Bearer stk_...</code>");
  });

  it("walks every /v1 operation, success and refusals, through the conformance check", async () => {
    const charity = await registerOrganisation(gw, "charity");
    const registrar = await registerOrganisation(gw, "registrar");
    const auditor = await registerOrganisation(gw, "auditor");
    const donor = await registerOrganisation(gw, "donor");
    const ok = (res: { status: number; text: string }, status: number) =>
      expect(res.status, res.text.slice(0, 300)).to.equal(status);

    ok(await gw.get("/v1/organisations?role=charity", auditor.apiKey), 200);
    ok(await gw.get("/v1/status", auditor.apiKey), 200);

    const sample = sampleHouseholdsCsv({
      households: 3,
      seed: 8,
      firstIdSeed: 81_000,
      maxMembers: 3,
      digits: "ascii",
    });
    const { importId, householdRefs } = await importSample(gw, charity.apiKey, sample);
    ok(await gw.get(`/v1/households/imports/${importId}`, auditor.apiKey), 200);
    ok(await gw.get(`/v1/households/imports/imp_unknown`, auditor.apiKey), 404);
    const enrolled = await gw.post("/v1/households", registrar.apiKey, {
      members: [{ nationalId: syntheticNationalId(82_001), jobCode: "employee", isHead: true }],
      postalCode: "1234567891",
    });
    ok(enrolled, 201);
    ok(await gw.post("/v1/households", registrar.apiKey, { members: [] }), 400);
    await registerOnChain(gw, charity.apiKey);
    ok(await gw.get(`/v1/households/${householdRefs[0]}`, auditor.apiKey), 200);
    ok(await gw.get(`/v1/households/0x1234`, auditor.apiKey), 400);

    await mintTokens(gw, donor.address, "1000000000");
    const programmeId = await createProgramme(gw, charity, { capPerPeriod: "2500000" });
    const giftId = await give(gw, donor, programmeId, "100000000");
    ok(await gw.get("/v1/programmes", donor.apiKey), 200);
    ok(await gw.get(`/v1/programmes/${programmeId}`, donor.apiKey), 200);
    ok(await gw.get(`/v1/programmes/999999`, donor.apiKey), 404);
    ok(await gw.get(`/v1/programmes/${programmeId}/eligibility/${householdRefs[0]}`, charity.apiKey), 200);

    const [head] = idsByHousehold(sample)[0]!;
    const csv = await gw.postCsv(
      `/v1/programmes/${programmeId}/disbursements`,
      charity.apiKey,
      disbursementCsv([[head!, "1000000"]]),
      `dsb-${randomUUID()}`,
    );
    ok(csv, 202);
    ok(await gw.get(`/v1/disbursements/${csv.body.disbursementId}?limit=10`, auditor.apiKey), 200);
    ok(await gw.get("/v1/disbursements?limit=5", auditor.apiKey), 200);
    ok(await gw.get("/v1/access-log?limit=5", auditor.apiKey), 200);
    const registration = await gw.post("/v1/households/registrations", registrar.apiKey);
    // The registrar registers the household the scenario left unregistered: a run to follow.
    ok(registration, 202);
    ok(
      await gw.get(`/v1/households/registrations/${registration.body.registrationId}`, registrar.apiKey),
      200,
    );
    ok(
      await gw.get("/v1/households/registrations/reg_00000000-0000-4000-8000-000000000000", registrar.apiKey),
      404,
    );
    const eligible = await gw.post(`/v1/programmes/${programmeId}/disbursements`, charity.apiKey, {
      selection: "eligible",
      amount: "1000",
      idempotencyKey: `eligible-${randomUUID()}`,
    });
    ok(eligible, 202);

    const headRef = enrolled.body.members[0].beneficiaryRef as string;
    ok(await gw.get(`/v1/wallets/${headRef}`, registrar.apiKey), 200);
    const phone = Wallet.createRandom();
    const challenge = await gw.post("/v1/wallets/challenges", registrar.apiKey, {
      beneficiaryRef: headRef,
      address: phone.address,
    });
    ok(challenge, 201);
    ok(
      await gw.post("/v1/wallets/proofs", registrar.apiKey, {
        challengeId: challenge.body.challengeId,
        signature: await phone.signMessage(challenge.body.message),
      }),
      200,
    );
    ok(
      await gw.post("/v1/wallets/rebinds", registrar.apiKey, {
        beneficiaryRef: headRef,
        to: { custodial: true },
        reason: "lost_phone",
      }),
      200,
    );
    ok(await gw.post("/v1/wallets/pins", registrar.apiKey, { beneficiaryRef: headRef, pin: "482913" }), 204);
    const confirmation = await gw.post("/v1/confirmations", charity.apiKey, {
      programmeId,
      householdRef: householdRefs[0],
      kind: "in_kind_distribution",
      deliveredAt: new Date(Date.now() - 60_000).toISOString(),
    });
    ok(confirmation, 201);
    // Its batch closed as if its age had passed, then anchored: the proof and the batch are answered too.
    closeDueBatches({ ...gw.services.anchoring, now: () => new Date(Date.now() + 3_600_000) });
    await gw.services.outbox.drain();
    const anchored = await gw.get(
      `/v1/confirmations/${confirmation.body.confirmationId}?verify=true`,
      auditor.apiKey,
    );
    ok(anchored, 200);
    expect(anchored.body.verifiedOnChain).to.equal(true);
    ok(await gw.get("/v1/anchors?limit=5", auditor.apiKey), 200);
    ok(await gw.get(`/v1/anchors/${anchored.body.batch.root}`, auditor.apiKey), 200);

    // Evidence: a field agent's photo, its metadata, its decrypted content and its key.
    const fieldAgent = await registerOrganisation(gw, "field_agent");
    const photo = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(2000)]);
    const uploaded = gw.record(
      await gw
        .http()
        .post(`/v1/evidence?programmeId=${programmeId}`)
        .set("Authorization", `Bearer ${fieldAgent.apiKey}`)
        .set("Content-Type", "image/jpeg")
        .send(photo),
    );
    ok(uploaded, 201);
    const evidenceId = uploaded.body.evidenceId as string;
    ok(await gw.get(`/v1/evidence/${evidenceId}`, fieldAgent.apiKey), 200);
    const content = await gw.get(`/v1/evidence/${evidenceId}/content`, auditor.apiKey);
    expect(content.status).to.equal(200);
    expect(Buffer.compare(content.body as Buffer, photo)).to.equal(0);
    ok(await gw.get(`/v1/evidence/${evidenceId}/key`, charity.apiKey), 200);
    ok(await gw.get(`/v1/evidence/ev_00000000-0000-4000-8000-000000000000/key`, charity.apiKey), 404);
    // Deliveries: opened by a vendor of a programme that needs a field agent, accepted with a PIN,
    // co-signed, disputed, looked up, and the household's ledger read.
    const vendor = await registerOrganisation(gw, "vendor");

    const cosigned = await createProgramme(gw, charity, {
      vendorOrgIds: [vendor.orgId],
      requiresFieldAgent: true,
      name: "E2E co-signed",
    });
    await give(gw, donor, cosigned, "10000000");
    const issued = await gw.postCsv(
      `/v1/programmes/${cosigned}/disbursements`,
      charity.apiKey,
      disbursementCsv([[head!, "1000000"]]),
      `dsb-${randomUUID()}`,
    );
    ok(issued, 202);
    await gw.services.outbox.drain();
    const householdHead = (await gw.get(`/v1/households/${householdRefs[0]}`, auditor.apiKey)).body.members[0]
      .beneficiaryRef as string;
    ok(
      await gw.post("/v1/wallets/pins", registrar.apiKey, { beneficiaryRef: householdHead, pin: "482913" }),
      204,
    );
    ok(
      await gw.post("/v1/deliveries/lookup", vendor.apiKey, { programmeId: cosigned, nationalId: head }),
      200,
    );
    const open = (amount: string) =>
      gw.post("/v1/deliveries", vendor.apiKey, {
        programmeId: cosigned,
        householdRef: householdRefs[0],
        amount,
        item: "tools",
        idempotencyKey: `dlv-${randomUUID()}`,
      });
    const delivery = await open("1000");
    ok(delivery, 201);
    const deliveryId = delivery.body.delivery.deliveryId as string;
    ok(await gw.post("/v1/deliveries", vendor.apiKey, { programmeId: cosigned }), 400);
    const offlineKey = await gw.get("/v1/deliveries/offline-key", vendor.apiKey);
    ok(offlineKey, 200);
    const offline = await open("1000");
    const offlineDelivery = offline.body.delivery as { deliveryId: string; redemptionId: string };
    ok(
      await gw.post("/v1/deliveries/offline", vendor.apiKey, {
        idempotencyKey: `offline-${randomUUID()}`,
        items: [
          {
            deliveryId: offlineDelivery.deliveryId,
            acceptedAt: new Date().toISOString(),
            sealedPin: sealPin(
              Buffer.from(offlineKey.body.publicKey, "base64url"),
              offlineDelivery.redemptionId,
              "482913",
            ),
          },
        ],
      }),
      201,
    );
    ok(await gw.post("/v1/deliveries/offline", vendor.apiKey, { items: [] }), 400);
    ok(
      await gw.post("/v1/deliveries/offline-packs", vendor.apiKey, {
        programmeId: cosigned,
        deviceId: "openapi-device",
        householdRefs: [householdRefs[0]],
      }),
      201,
    );
    ok(await gw.post("/v1/deliveries/offline-packs", vendor.apiKey, { householdRefs: [] }), 400);
    ok(await gw.get("/v1/deliveries?limit=10", vendor.apiKey), 200);
    ok(await gw.get(`/v1/deliveries/${deliveryId}`, charity.apiKey), 200);
    const code = await gw.post(`/v1/deliveries/${deliveryId}/sms-code`, vendor.apiKey, {});
    expect(code.status, code.text).to.be.oneOf([201, 409]);
    ok(await gw.post(`/v1/deliveries/${deliveryId}/acceptance`, vendor.apiKey, { pin: "482913" }), 200);
    ok(await gw.post(`/v1/deliveries/${deliveryId}/cosign`, fieldAgent.apiKey, {}), 200);
    const other = await open("10");
    ok(other, 201);
    ok(
      await gw.post(`/v1/deliveries/${other.body.delivery.deliveryId}/dispute`, vendor.apiKey, {
        pin: "482913",
      }),
      200,
    );
    await gw.services.outbox.drain();
    // The dispute's path: the charity answers (again the same, otherwise 409), the household flags the
    // redeemed delivery, an auditor resolves the flag on chain (a second resolution: the ledger's 409).
    const unknownDelivery = "/v1/deliveries/dlv_00000000-0000-4000-8000-000000000000";
    const answerPath = `/v1/deliveries/${other.body.delivery.deliveryId}/dispute-answer`;
    ok(await gw.post(answerPath, charity.apiKey, { answer: "redelivered" }), 200);
    ok(await gw.post(answerPath, charity.apiKey, { answer: "redelivered" }), 200);
    ok(await gw.post(answerPath, charity.apiKey, { answer: "other" }), 409);
    ok(await gw.post(answerPath, charity.apiKey, { answer: "free text" }), 400);
    ok(await gw.post(`${unknownDelivery}/dispute-answer`, charity.apiKey, { answer: "other" }), 404);
    ok(await gw.post(`/v1/deliveries/${deliveryId}/dispute`, vendor.apiKey, { pin: "482913" }), 200);
    await gw.services.outbox.drain();
    const resolution = (path: string, body: object) =>
      gw.post(`${path}/flag-resolution`, auditor.apiKey, body);
    const flagged = `/v1/deliveries/${deliveryId}`;
    ok(await resolution(flagged, { upheld: true, idempotencyKey: "openapi-resolve-1" }), 200);
    ok(await resolution(flagged, { upheld: false, idempotencyKey: "openapi-resolve-2" }), 409);
    ok(await resolution(flagged, {}), 400);
    ok(await resolution(unknownDelivery, { upheld: true, idempotencyKey: "openapi-resolve-3" }), 404);
    ok(await gw.get(`/v1/household-receipts/${householdRefs[0]}`, charity.apiKey), 200);
    // Donors: the gift's timeline once the indexer has read it, its event stream (an unknown gift: a 200
    // would stream on), a webhook, a receipt code (refused: the gift was not a cash gift) and the status.
    for (
      let tries = 0;
      (await gw.get(`/v1/gifts/${giftId}/timeline`, donor.apiKey)).status !== 200;
      tries++
    ) {
      expect(tries, "the gift indexed").to.be.below(100);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    ok(await gw.get(`/v1/gifts/999999/timeline`, donor.apiKey), 404);
    ok(await gw.get(`/v1/gifts/999999/events`, donor.apiKey), 404);
    ok(await gw.post("/v1/webhooks", donor.apiKey, { url: "http://127.0.0.1:9/hook", giftId }), 201);
    ok(await gw.post("/v1/webhooks", donor.apiKey, { url: "ftp://example.org/" }), 400);
    ok(await gw.post(`/v1/gifts/${giftId}/receipt-code`, charity.apiKey), 400);
    ok(
      gw.record(
        await gw
          .http()
          .get(`/v1/gift-receipts/gr_${"x".repeat(22)}/timeline`)
          .set("X-Receipt-Secret", "nope"),
      ),
      404,
    );
    ok(await gw.get("/v1/indexer/status", auditor.apiKey), 200);
    // Under-coverage and open data of the programme's current period (JSON and CSV), and refusals.
    ok(await gw.get(`/v1/programmes/${programmeId}/under-coverage`, charity.apiKey), 200);
    ok(await gw.get(`/v1/programmes/${programmeId}/under-coverage?period=x`, auditor.apiKey), 400);
    ok(await gw.get(`/v1/programmes/999999/under-coverage`, auditor.apiKey), 404);
    ok(await gw.get(`/v1/programmes/${programmeId}/open-data`), 200);
    ok(gw.record(await gw.http().get(`/v1/programmes/${programmeId}/open-data?format=csv`)), 200);
    ok(await gw.get(`/v1/programmes/${programmeId}/open-data?format=xml`), 400);
    ok(await gw.get(`/v1/programmes/999999/open-data`), 404);
    // Recognition: a donor opts in (a pseudonym, another's refused), the open month cannot close yet, a
    // month never closed has no leaderboard or proof, and the donor leaves.
    const optIn = (alias: string) =>
      gw.http().put("/v1/recognition/opt-in").set("Authorization", `Bearer ${donor.apiKey}`).send({ alias });
    const optOut = () =>
      gw.http().delete("/v1/recognition/opt-in").set("Authorization", `Bearer ${donor.apiKey}`);
    ok(gw.record(await optIn("Openapi Benefactor")), 200);
    ok(gw.record(await optIn("\u202eevil")), 400);
    ok(await gw.post("/v1/recognition/periods/2099-01/close", auditor.apiKey), 400);
    ok(await gw.get("/v1/recognition/periods/2026-01"), 404);
    ok(await gw.get("/v1/recognition/periods/2026-1"), 400);
    ok(await gw.get("/v1/recognition/periods/2026-01/proof", donor.apiKey), 404);
    ok(gw.record(await optOut()), 204);
    ok(gw.record(await optOut()), 404);
    // The USSD aggregator: a form callback answered in plain text, and one without its secret.
    const ussd = {
      sessionId: "ATUid_openapi",
      serviceCode: "*384*7#",
      phoneNumber: "+989120000000",
      text: "",
    };
    ok(
      gw.record(await gw.http().post("/v1/ussd").set("X-USSD-Secret", USSD_SECRET).type("form").send(ussd)),
      200,
    );
    ok(gw.record(await gw.http().post("/v1/ussd").send(ussd)), 401);
    ok(await gw.get("/v1/status"), 401);
    ok(await gw.get("/v1/organisations", donor.apiKey), 403);
    ok(await gw.post("/v1/organisations", gw.regulatorKey, { name: "x" }), 400);
    // A registration under an idempotency key: 201 with the key, its repeat 200 without, another body 409.
    const repeated = {
      name: "OpenAPI repeat charity",
      role: "charity",
      idempotencyKey: "openapi-register-1",
    };
    ok(await gw.post("/v1/organisations", gw.regulatorKey, repeated), 201);
    ok(await gw.post("/v1/organisations", gw.regulatorKey, repeated), 200);
    ok(await gw.post("/v1/organisations", gw.regulatorKey, { ...repeated, role: "vendor" }), 409);
    // A one-time login link of one's own organisation, any role.
    ok(await gw.post("/v1/login-links", donor.apiKey, {}), 201);
    ok(await gw.post("/v1/login-links", charity.apiKey, { minutes: 5 }), 201);
    ok(await gw.post("/v1/login-links", charity.apiKey, { minutes: 61 }), 400);
    ok(await gw.post("/v1/login-links", undefined, {}), 401);
    // A licence change the registry would refuse (reinstating an active licence) queues nothing: 409.
    const change = (orgId: string, body: object) =>
      gw.post(`/v1/organisations/${orgId}/licence-changes`, gw.regulatorKey, body);
    ok(await change(auditor.orgId, { action: "reinstate", idempotencyKey: "openapi-reinstate-1" }), 409);
    ok(await change(auditor.orgId, {}), 400);
    ok(await change("org_000000000000", { action: "suspend", idempotencyKey: "openapi-suspend-1" }), 404);
    // The time bank: the regulator appoints the charity, which admits, reads and changes a member.
    ok(await gw.post("/v1/timebank/coordinators", gw.regulatorKey, { orgId: charity.orgId }), 201);
    ok(await gw.post("/v1/timebank/coordinators", gw.regulatorKey, { orgId: charity.orgId }), 200);
    ok(await gw.post("/v1/timebank/coordinators", gw.regulatorKey, { orgId: donor.orgId }), 400);
    const member = await gw.post("/v1/timebank/members", charity.apiKey, {
      nationalId: syntheticNationalId(83_001),
      creditLimit: 60,
    });
    ok(member, 201);
    ok(await gw.post("/v1/timebank/members", charity.apiKey, { creditLimit: 60 }), 400);
    ok(await gw.post("/v1/timebank/members", registrar.apiKey, { creditLimit: 60 }), 403);
    const memberPath = `/v1/timebank/members/${member.body.memberRef}`;
    ok(await gw.get(memberPath, charity.apiKey), 200);
    ok(await gw.get(`/v1/timebank/members/0x${"ab".repeat(32)}`, charity.apiKey), 404);
    // Its coordinator puts the member on the volunteers' leaderboard and takes it off; no month is closed.
    const memberOptIn = (alias: string) =>
      gw
        .http()
        .put(`${memberPath}/recognition`)
        .set("Authorization", `Bearer ${charity.apiKey}`)
        .send({ alias });
    const memberOptOut = () =>
      gw.http().delete(`${memberPath}/recognition`).set("Authorization", `Bearer ${charity.apiKey}`);
    // Moved to a new custodial key; a proof without its wallet refused; another move under the key refused.
    ok(
      await gw.post(`${memberPath}/wallet-rebinding`, charity.apiKey, {
        idempotencyKey: "openapi-rebind-0001",
      }),
      200,
    );
    ok(
      await gw.post(`${memberPath}/wallet-rebinding`, charity.apiKey, {
        signature: `0x${"11".repeat(65)}`,
        idempotencyKey: "openapi-rebind-0002",
      }),
      400,
    );
    ok(
      await gw.post(`/v1/timebank/members/0x${"ab".repeat(32)}/wallet-rebinding`, charity.apiKey, {
        idempotencyKey: "openapi-rebind-0003",
      }),
      404,
    );
    ok(gw.record(await memberOptIn("Openapi Volunteer")), 200);
    ok(gw.record(await memberOptIn("\u202eevil")), 400);
    ok(gw.record(await memberOptOut()), 204);
    ok(gw.record(await memberOptOut()), 404);
    ok(await gw.get(`${memberPath}/recognition/2026-01`, charity.apiKey), 404);
    ok(await gw.get(`${memberPath}/recognition/2026-1`, charity.apiKey), 400);
    ok(
      await gw.post(`${memberPath}/changes`, charity.apiKey, {
        action: "suspend",
        idempotencyKey: "openapi-suspend-0001",
      }),
      200,
    );
    ok(
      await gw.post(`${memberPath}/changes`, charity.apiKey, {
        action: "suspend",
        idempotencyKey: "openapi-suspend-0002",
      }),
      409,
    );
    // Services: one confirmed by the recipient's PIN, one by the coordinator; a donation to the pool.
    const admitWithPin = async (seed: number) => {
      const res = await gw.post("/v1/timebank/members", charity.apiKey, {
        nationalId: syntheticNationalId(seed),
        creditLimit: 60,
        pin: "482913",
      });
      ok(res, 201);
      return res.body.memberRef as string;
    };
    const giver = await admitWithPin(83_002);
    const recipient = await admitWithPin(83_003);
    const openService = (key: string) =>
      gw.post("/v1/timebank/services", charity.apiKey, {
        giver,
        recipient,
        minutes: 30,
        category: "tutoring",
        idempotencyKey: key,
      });
    const service = await openService("openapi-service-0001");
    ok(service, 201);
    ok(await openService("openapi-service-0001"), 200);
    ok(await gw.post("/v1/timebank/services", charity.apiKey, { giver, recipient }), 400);
    const servicePath = `/v1/timebank/services/${service.body.serviceId}`;
    ok(await gw.get(servicePath, charity.apiKey), 200);
    ok(await gw.get("/v1/timebank/services/svc_00000000-0000-4000-8000-000000000000", charity.apiKey), 404);
    ok(await gw.post(`${servicePath}/confirmation`, charity.apiKey, { pin: "975310" }), 401);
    ok(await gw.post(`${servicePath}/confirmation`, charity.apiKey, { pin: "482913" }), 200);
    ok(await gw.post(`${servicePath}/confirmation`, charity.apiKey, { pin: "482913" }), 409);
    ok(await gw.post(`${servicePath}/sms-code`, charity.apiKey, {}), 409);
    const texted = await gw.post("/v1/timebank/members", charity.apiKey, {
      nationalId: syntheticNationalId(83_004),
      creditLimit: 60,
      phone: "09127654321",
    });
    ok(texted, 201);
    const textedService = await gw.post("/v1/timebank/services", charity.apiKey, {
      giver,
      recipient: texted.body.memberRef,
      minutes: 10,
      category: "care",
      idempotencyKey: "openapi-service-sms-1",
    });
    ok(textedService, 201);
    ok(
      await gw.post(`/v1/timebank/services/${textedService.body.serviceId}/sms-code`, charity.apiKey, {}),
      201,
    );
    const second = await openService("openapi-service-0002");
    ok(second, 201);
    const secondPath = `/v1/timebank/services/${second.body.serviceId}/coordinator-confirmation`;
    ok(await gw.post(secondPath, charity.apiKey, { payer: "pool" }), 409);
    ok(await gw.post(secondPath, charity.apiKey, { payer: "recipient" }), 200);
    const donations = `/v1/timebank/members/${giver}/donations`;
    ok(
      await gw.post(donations, charity.apiKey, {
        minutes: 10,
        pin: "482913",
        idempotencyKey: "openapi-donate-0001",
      }),
      201,
    );
    ok(await gw.post(donations, charity.apiKey, { minutes: 10 }), 400);
    // The pool now holds the 10 donated minutes: it pays a 10-minute service in a batch.
    const third = await gw.post("/v1/timebank/services", charity.apiKey, {
      giver,
      recipient,
      minutes: 10,
      category: "care",
      idempotencyKey: "openapi-service-0003",
    });
    ok(third, 201);
    const batch = "/v1/timebank/services/coordinator-confirmations";
    ok(await gw.post(batch, charity.apiKey, { serviceIds: [third.body.serviceId], payer: "pool" }), 200);
    ok(await gw.post(batch, charity.apiKey, { serviceIds: [], payer: "pool" }), 400);
    ok(await gw.post(`/v1/timebank/members/${giver}/access`, charity.apiKey, { phone: "09120001122" }), 200);
    ok(await gw.post(`/v1/timebank/members/${giver}/access`, charity.apiKey, {}), 400);
    ok(await gw.get(`/v1/timebank/members/${giver}/history`, charity.apiKey), 200);
    ok(await gw.get("/v1/timebank/pool", auditor.apiKey), 200);
    ok(await gw.get("/v1/timebank/members?limit=1", charity.apiKey), 200);
    ok(await gw.get("/v1/timebank/members?limit=0", charity.apiKey), 400);
    ok(await gw.get(`/v1/timebank/services?member=${giver}`, charity.apiKey), 200);
    ok(await gw.get("/v1/timebank/services?state=x", charity.apiKey), 400);
    // A member's own routes: its coordinator's one-time link opens its session, which reads and gives its word.
    const loginLinks = (ref: string) => `/v1/timebank/members/${ref}/login-links`;
    ok(await gw.post(loginLinks(recipient), charity.apiKey, { minutes: 0 }), 400);
    const signIn = async (ref: string) => {
      const made = await gw.post(loginLinks(ref), charity.apiKey, {});
      ok(made, 201);
      const opened = await gw.post("/v1/member/sessions", undefined, { token: made.body.path.split("#")[1] });
      ok(opened, 201);
      ok(await gw.post("/v1/member/sessions", undefined, { token: made.body.path.split("#")[1] }), 401);
      return opened.body.token as string;
    };
    ok(await gw.post("/v1/member/sessions", undefined, {}), 400);
    const session = await signIn(recipient);
    ok(await gw.get("/v1/member", session), 200);
    ok(await gw.get("/v1/member", undefined), 401);
    ok(await gw.get("/v1/member/history", session), 200);
    // The recipient, at its credit limit, serves the giver 10 minutes; the giver signs in to confirm them.
    const fourth = await gw.post("/v1/timebank/services", charity.apiKey, {
      giver: recipient,
      recipient: giver,
      minutes: 10,
      category: "care",
      idempotencyKey: "openapi-service-0004",
    });
    ok(fourth, 201);
    const giverSession = await signIn(giver);
    ok(await gw.get("/v1/member/services", giverSession), 200);
    const ownLog = { recipient, minutes: 5, category: "care", idempotencyKey: "openapi-own-service-1" };
    ok(await gw.post("/v1/member/services", giverSession, ownLog), 201);
    ok(await gw.post("/v1/member/services", giverSession, ownLog), 200);
    ok(await gw.post("/v1/member/services", giverSession, { ...ownLog, minutes: 0 }), 400);
    const own = `/v1/member/services/${fourth.body.serviceId}`;
    ok(await gw.post(`${own}/sms-code`, giverSession, {}), 201);
    ok(await gw.post(`${own}/confirmation`, giverSession, { pin: "975310" }), 401);
    ok(await gw.post(`${own}/confirmation`, giverSession, {}), 400);
    ok(await gw.post(`${own}/confirmation`, session, { pin: "482913" }), 404);
    ok(await gw.post(`${own}/confirmation`, giverSession, { pin: "482913" }), 200);
    ok(
      await gw.post("/v1/member/services/svc_00000000-0000-4000-8000-000000000000/confirmation", session, {
        pin: "482913",
      }),
      404,
    );
    // A service another member received: 404, as an unknown one.
    ok(await gw.post(`/v1/member/services/${textedService.body.serviceId}/sms-code`, session, {}), 404);
    ok(await gw.post("/v1/member/donations", session, { minutes: 1 }), 400);
    ok(
      await gw.post("/v1/member/donations", giverSession, {
        minutes: 1,
        pin: "482913",
        idempotencyKey: "openapi-own-donation-1",
      }),
      201,
    );
    ok(
      gw.record(await gw.http().delete("/v1/member/session").set("Authorization", `Bearer ${session}`)),
      204,
    );
    ok(await gw.get("/v1/member", session), 401);
    // Nazr-e bimeh: an insurer's insurance programme, a mandate proposed for the sample's first household,
    // a code texted, accepted by the head's PIN, a premium redeemed (alone, then refused twice in a period,
    // and in a batch of one in a second programme period's stead), revoked.
    const insurer = await registerOrganisation(gw, "vendor");
    const insuranceId = await createProgramme(gw, charity, {
      name: "OpenAPI insurance",
      layer: "insurance",
      vendorOrgIds: [insurer.orgId],
    });
    await give(gw, donor, insuranceId, "10000000");
    const insured = await gw.postCsv(
      `/v1/programmes/${insuranceId}/disbursements`,
      charity.apiKey,
      disbursementCsv([[head!, "1000000"]]),
      `dsb-${randomUUID()}`,
    );
    ok(insured, 202);
    await gw.services.outbox.drain();
    const period = Number(await gw.services.system.ledger.currentPeriod(insuranceId));
    const proposal = {
      programmeId: insuranceId,
      householdRef: householdRefs[0],
      premiumPerPeriod: "5000",
      firstPeriod: period,
      lastPeriod: period + 1,
      idempotencyKey: "openapi-mandate-0001",
    };
    const proposed = await gw.post("/v1/mandates", insurer.apiKey, proposal);
    ok(proposed, 201);
    ok(await gw.post("/v1/mandates", insurer.apiKey, proposal), 200);
    ok(await gw.post("/v1/mandates", insurer.apiKey, { ...proposal, premiumPerPeriod: "0" }), 400);
    const mandatePath = `/v1/mandates/${proposed.body.mandateId}`;
    ok(await gw.get(mandatePath, auditor.apiKey), 200);
    ok(await gw.get("/v1/mandates/mdt_00000000-0000-4000-8000-000000000000", auditor.apiKey), 404);
    ok(await gw.get(`/v1/mandates?householdRef=${householdRefs[0]}`, charity.apiKey), 200);
    ok(await gw.get("/v1/mandates?limit=0", charity.apiKey), 400);
    ok(await gw.post(`${mandatePath}/sms-code`, insurer.apiKey, { purpose: "accept" }), 201);
    ok(await gw.post(`${mandatePath}/sms-code`, insurer.apiKey, { purpose: "later" }), 400);
    ok(
      await gw.post("/v1/wallets/pins", registrar.apiKey, {
        beneficiaryRef: proposed.body.beneficiaryRef,
        pin: "482913",
      }),
      204,
    );
    ok(await gw.post(`${mandatePath}/acceptance`, insurer.apiKey, {}), 400);
    ok(await gw.post(`${mandatePath}/acceptance`, insurer.apiKey, { pin: "482913" }), 200);
    ok(await gw.post(`${mandatePath}/acceptance`, insurer.apiKey, { pin: "482913" }), 409);
    const premiumBatch = "/v1/mandates/premiums";
    ok(
      await gw.post(premiumBatch, insurer.apiKey, {
        premiums: [{ mandateId: proposed.body.mandateId }],
        idempotencyKey: "openapi-premiums-0001",
      }),
      201,
    );
    ok(await gw.post(premiumBatch, insurer.apiKey, { premiums: [] }), 400);
    ok(
      await gw.post(`${mandatePath}/premiums`, insurer.apiKey, { idempotencyKey: "openapi-premium-0002" }),
      409,
    );
    ok(await gw.post(`${mandatePath}/premiums`, insurer.apiKey, {}), 400);
    ok(await gw.post(`${mandatePath}/revocation`, insurer.apiKey, { pin: "482913" }), 200);
    ok(await gw.post(`${mandatePath}/revocation`, insurer.apiKey, { pin: "482913" }), 409);
    // The regulator's programme-book writes: an admission and a pause, each then refused as unchanged.
    const groupId = await createExclusivityGroup(gw, 30, 1);
    const admit = (group: number, body: object) =>
      gw.post(`/v1/exclusivity-groups/${group}/admissions`, gw.regulatorKey, body);
    const admission = { charityOrgIds: [charity.orgId], admitted: true };
    ok(await admit(groupId, { ...admission, idempotencyKey: "openapi-admit-1" }), 200);
    ok(await admit(groupId, { ...admission, idempotencyKey: "openapi-admit-2" }), 409);
    ok(await admit(groupId, {}), 400);
    ok(await admit(999, { ...admission, idempotencyKey: "openapi-admit-3" }), 404);
    const pause = (programme: number, body: object, key = gw.regulatorKey) =>
      gw.post(`/v1/programmes/${programme}/pause`, key, body);
    ok(await pause(programmeId, { paused: true, idempotencyKey: "openapi-pause-1" }), 200);
    ok(await pause(programmeId, { paused: true, idempotencyKey: "openapi-pause-2" }), 409);
    ok(await pause(programmeId, { paused: false, idempotencyKey: "openapi-pause-3" }, charity.apiKey), 409);
    ok(await pause(programmeId, { paused: false, idempotencyKey: "openapi-pause-4" }), 200);
    ok(await pause(programmeId, {}), 400);
    ok(await pause(999_999, { paused: true, idempotencyKey: "openapi-pause-5" }), 404);
    ok(await pause(programmeId, { paused: true, idempotencyKey: "openapi-pause-6" }, donor.apiKey), 403);
    // A duplicate review: the registrar's enrolled person listed in a new household by the charity.
    const held = await gw.postCsv(
      "/v1/households/imports",
      charity.apiKey,
      `household_key,national_id,is_head,job_code,postal_code\nH-9,${syntheticNationalId(82_009)},1,employee,1234567891\nH-9,${syntheticNationalId(82_001)},0,employee,\n`,
      `openapi-review-${randomUUID()}`,
    );
    ok(held, 201);
    const reviewRow = held.body.reviews[0].rowNo as number;
    const resolve = (importId: string, body: object) =>
      gw.post(`/v1/households/imports/${importId}/reviews/${reviewRow}/resolution`, charity.apiKey, body);
    ok(await resolve(held.body.importId, { decision: "merge" }), 200);
    ok(await resolve(held.body.importId, { decision: "reject" }), 409);
    ok(await resolve(held.body.importId, {}), 400);
    ok(await resolve("imp_unknown", { decision: "reject" }), 404);
    // The pages' chain relay, the one route of the pages in this document (the pages themselves are not).
    const relay = async (body: object | string) =>
      gw.record(await gw.http().post("/app/chain-rpc").type("json").send(body));
    ok(await relay({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }), 200);
    // The node's own error (a block it has not mined), passed on with 200 as the document says.
    const ahead = await relay({
      jsonrpc: "2.0",
      id: 3,
      method: "eth_call",
      params: [{ to: gw.services.operator, data: "0x12345678" }, "0xffffffffffff"],
    });
    ok(ahead, 200);
    expect(ahead.body.error.code).to.be.a("number");
    ok(await relay({ jsonrpc: "2.0", id: 2, method: "eth_sendTransaction", params: [{}] }), 400);
    ok(await relay(JSON.stringify({ method: "eth_chainId", pad: "x".repeat(5_000) })), 413);
    ok(await relay("{not json"), 400);
    ok(gw.record(await gw.http().post("/app/chain-rpc").type("form").send({ method: "eth_chainId" })), 415);

    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const answered = new Set([...gw.conformance.checked].map((entry) => entry.replace(/ \d+$/, "")));
    expect(documented.filter((operation) => !answered.has(operation))).to.deep.equal([]);
  });
});
