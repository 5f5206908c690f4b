import { expect } from "chai";
import {
  bootE2e,
  countRows,
  createExclusivityGroup,
  createProgramme,
  registerOrganisation,
  removeDataDir,
  type E2eGateway,
  type Organisation,
} from "./harness";

const OTHER_ROLES = ["charity", "vendor", "field_agent", "auditor", "registrar", "donor"] as const;

/**
 * The regulator's programme-book writes through the API on a whole gateway: admitting charities to an
 * exclusivity group (regulator only) and pausing a programme (the regulator, or its own charity), each read
 * back from the chain; every role that must be refused is, and a refusal leaves no job row and sends no
 * transaction; refusals the ledger would give answer 409 naming its error; bad input 400 naming the field.
 */
describe("e2e: exclusivity-group admission and programme pause (the regulator's programme-book writes)", function () {
  this.timeout(180_000);
  let gw: E2eGateway;
  const orgs = {} as Record<(typeof OTHER_ROLES)[number], Organisation>;
  let otherCharity: Organisation;
  let groupId: number;
  let programmeId: number;
  let step = 0;
  const key = () => `rules-test-${++step}`;
  const admit = (body: Record<string, unknown>, apiKey = gw.regulatorKey, group: number | string = groupId) =>
    gw.post(`/v1/exclusivity-groups/${group}/admissions`, apiKey, { idempotencyKey: key(), ...body });
  const pause = (
    body: Record<string, unknown>,
    apiKey = gw.regulatorKey,
    programme: number | string = programmeId,
  ) => gw.post(`/v1/programmes/${programme}/pause`, apiKey, { idempotencyKey: key(), ...body });
  /** What a refusal must leave as it was: the outbox's rows and every sender's nonce. */
  const written = async () => {
    const provider = gw.services.provider;
    const senders = [gw.services.operator, orgs.charity.address, otherCharity.address];
    return {
      jobs: countRows(gw, "chain_jobs"),
      nonces: await Promise.all(senders.map((address) => provider.getTransactionCount(address))),
    };
  };
  const admitted = (charity: Organisation) =>
    gw.services.system.ledger.isAdmittedToGroup(groupId, charity.address);
  const onChain = async () => {
    const programme = await gw.services.system.ledger.programme(programmeId);
    return { paused: programme.paused, pausedByRegulator: programme.pausedByRegulator };
  };

  before(async () => {
    gw = await bootE2e();
    for (const role of OTHER_ROLES) orgs[role] = await registerOrganisation(gw, role);
    otherCharity = await registerOrganisation(gw, "charity");
    groupId = await createExclusivityGroup(gw, 30, 1);
    programmeId = await createProgramme(gw, orgs.charity);
  });
  after(async () => {
    await gw?.stop();
    if (gw) removeDataDir(gw.dataDir);
  });

  it("admits charities to a group and withdraws one, as the chain then holds it", async () => {
    const res = await admit({ charityOrgIds: [orgs.charity.orgId, otherCharity.orgId], admitted: true });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.groupId).to.equal(groupId);
    expect(res.body.admitted).to.have.members([
      orgs.charity.address.toLowerCase(),
      otherCharity.address.toLowerCase(),
    ]);
    expect(await admitted(orgs.charity)).to.equal(true);
    const withdrawn = await admit({ charityOrgIds: [otherCharity.orgId], admitted: false });
    expect(withdrawn.status, withdrawn.text).to.equal(200);
    expect(withdrawn.body.admitted).to.deep.equal([orgs.charity.address.toLowerCase()]);
    expect(await admitted(otherCharity)).to.equal(false);
  });

  it("refuses an admission the ledger would refuse with 409 naming its error, writing nothing", async () => {
    const before = await written();
    const again = await admit({ charityOrgIds: [orgs.charity.orgId], admitted: true });
    expect(again.status, again.text).to.equal(409);
    expect(again.body.error).to.include({
      name: "ChainRefusedError",
      code: "ExclusivityGroupAdmissionUnchanged",
      field: "charityOrgIds",
    });
    expect(await written()).to.deep.equal(before);
  });

  it("refuses every role but the regulator an admission, and bad input naming the field, writing nothing", async () => {
    const before = await written();
    for (const role of OTHER_ROLES) {
      const res = await admit({ charityOrgIds: [otherCharity.orgId], admitted: true }, orgs[role].apiKey);
      expect(res.status, `${role}: ${res.text}`).to.equal(403);
      expect(res.body.error.name).to.equal("ForbiddenError");
    }
    const none = await gw.post(`/v1/exclusivity-groups/${groupId}/admissions`, undefined, {});
    expect(none.status).to.equal(401);
    const cases: [Record<string, unknown>, number | string, number, string][] = [
      [{ charityOrgIds: [], admitted: true }, groupId, 400, "charityOrgIds"],
      [
        { charityOrgIds: [otherCharity.orgId, otherCharity.orgId], admitted: true },
        groupId,
        400,
        "charityOrgIds",
      ],
      [{ charityOrgIds: [otherCharity.orgId], admitted: "yes" }, groupId, 400, "admitted"],
      [{ charityOrgIds: [orgs.vendor.orgId], admitted: true }, groupId, 400, "charityOrgIds[0]"],
      [{ charityOrgIds: ["org_000000000000"], admitted: true }, groupId, 404, "charityOrgIds[0]"],
      [{ charityOrgIds: [otherCharity.orgId], admitted: true }, 999, 404, "groupId"],
      [{ charityOrgIds: [otherCharity.orgId], admitted: true }, 2 ** 40, 404, "groupId"],
      [{ charityOrgIds: [otherCharity.orgId], admitted: true }, "0x1", 400, "groupId"],
    ];
    for (const [body, group, status, field] of cases) {
      const res = await admit(body, gw.regulatorKey, group);
      expect(res.status, `${JSON.stringify(body)} ${group}: ${res.text}`).to.equal(status);
      expect(res.body.error.field, res.text).to.equal(field);
    }
    expect(await written()).to.deep.equal(before);
  });

  it("answers a repeated admission from its job, and refuses its key for another request", async () => {
    const body = {
      charityOrgIds: [otherCharity.orgId],
      admitted: true,
      idempotencyKey: "rules-replay-admit-1",
    };
    const path = `/v1/exclusivity-groups/${groupId}/admissions`;
    const first = await gw.post(path, gw.regulatorKey, body);
    expect(first.status, first.text).to.equal(200);
    const before = await written();
    const again = await gw.post(path, gw.regulatorKey, body);
    expect(again.status, again.text).to.equal(200);
    expect(again.body.admitted).to.include(otherCharity.address.toLowerCase());
    const other = await gw.post(path, gw.regulatorKey, { ...body, admitted: false });
    expect(other.status, other.text).to.equal(409);
    expect(other.body.error.field).to.equal("idempotencyKey");
    expect(await written()).to.deep.equal(before);
  });

  it("pauses a programme as the regulator; its charity cannot lift that pause, the regulator can", async () => {
    const paused = await pause({ paused: true });
    expect(paused.status, paused.text).to.equal(200);
    expect(paused.body).to.deep.equal({ programmeId, paused: true, pausedByRegulator: true });
    expect(await onChain()).to.deep.equal({ paused: true, pausedByRegulator: true });
    const before = await written();
    const lift = await pause({ paused: false }, orgs.charity.apiKey);
    expect(lift.status, lift.text).to.equal(409);
    expect(lift.body.error).to.include({ code: "ProgrammePausedByRegulator", field: "paused" });
    const twice = await pause({ paused: true });
    expect(twice.status, twice.text).to.equal(409);
    expect(twice.body.error).to.include({ code: "ProgrammePauseUnchanged", field: "paused" });
    expect(await written()).to.deep.equal(before);
    const resumed = await pause({ paused: false });
    expect(resumed.status, resumed.text).to.equal(200);
    expect(await onChain()).to.deep.equal({ paused: false, pausedByRegulator: false });
  });

  it("lets the programme's own charity pause and resume it, signed by its key; the regulator may take over", async () => {
    const nonce = await gw.services.provider.getTransactionCount(orgs.charity.address);
    const paused = await pause({ paused: true }, orgs.charity.apiKey);
    expect(paused.status, paused.text).to.equal(200);
    expect(paused.body).to.deep.equal({ programmeId, paused: true, pausedByRegulator: false });
    expect(await gw.services.provider.getTransactionCount(orgs.charity.address)).to.equal(nonce + 1);
    const resumed = await pause({ paused: false }, orgs.charity.apiKey);
    expect(resumed.body, resumed.text).to.deep.equal({
      programmeId,
      paused: false,
      pausedByRegulator: false,
    });
    expect((await pause({ paused: true }, orgs.charity.apiKey)).status).to.equal(200);
    const takeOver = await pause({ paused: true });
    expect(takeOver.status, takeOver.text).to.equal(200);
    expect(takeOver.body.pausedByRegulator).to.equal(true);
    expect((await pause({ paused: false })).status).to.equal(200);
  });

  it("refuses another charity and every other role a pause, and bad input naming the field, writing nothing", async () => {
    const before = await written();
    const foreign = await pause({ paused: true }, otherCharity.apiKey);
    expect(foreign.status, foreign.text).to.equal(403);
    expect(foreign.body.error).to.include({ field: "programmeId", code: "not_your_programme" });
    for (const role of ["vendor", "field_agent", "auditor", "registrar", "donor"] as const) {
      const res = await pause({ paused: true }, orgs[role].apiKey);
      expect(res.status, `${role}: ${res.text}`).to.equal(403);
      expect(res.body.error.name).to.equal("ForbiddenError");
    }
    expect((await gw.post(`/v1/programmes/${programmeId}/pause`, undefined, {})).status).to.equal(401);
    const bad = await pause({ paused: "yes" });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.field).to.equal("paused");
    const noKey = await gw.post(`/v1/programmes/${programmeId}/pause`, gw.regulatorKey, { paused: true });
    expect(noKey.status).to.equal(400);
    expect(noKey.body.error.field).to.equal("idempotencyKey");
    const unknown = await pause({ paused: true }, gw.regulatorKey, 999_999);
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.field).to.equal("programmeId");
    const malformed = await pause({ paused: true }, gw.regulatorKey, "04");
    expect(malformed.status).to.equal(400);
    expect(malformed.body.error.field).to.equal("programmeId");
    expect(await written()).to.deep.equal(before);
    expect(await onChain()).to.deep.equal({ paused: false, pausedByRegulator: false });
  });
});
