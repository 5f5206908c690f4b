import { expect } from "chai";
import {
  bootE2e,
  countRows,
  registerOrganisation,
  removeDataDir,
  type E2eGateway,
  type Organisation,
} from "./harness";

/**
 * The regulator's licence changes through the API on a whole gateway: suspend, reinstate, revoke with its
 * delay (cancel, or finalise only once it is over), each read back from the chain; refusals the registry
 * would give answer 409 naming its error and queue nothing; bad input 400 naming the field.
 */
describe("e2e: licence changes (POST /v1/organisations/{orgId}/licence-changes)", function () {
  this.timeout(120_000);
  let gw: E2eGateway;
  let vendor: Organisation;
  let donor: Organisation;
  let step = 0;
  const change = (org: Organisation, body: Record<string, unknown>, key = gw.regulatorKey) =>
    gw.post(`/v1/organisations/${org.orgId}/licence-changes`, key, {
      idempotencyKey: `licence-test-${++step}`,
      ...body,
    });
  const jobs = () => countRows(gw, "chain_jobs");

  before(async () => {
    gw = await bootE2e();
    vendor = await registerOrganisation(gw, "vendor");
    donor = await registerOrganisation(gw, "donor");
  });
  after(async () => {
    await gw?.stop();
    if (gw) removeDataDir(gw.dataDir);
  });

  it("suspends an active licence and reinstates it, as the chain then holds it", async () => {
    const suspended = await change(vendor, { action: "suspend", findingId: 7 });
    expect(suspended.status, suspended.text).to.equal(200);
    expect(suspended.body).to.include({ orgId: vendor.orgId, status: "suspended" });
    expect(await gw.services.system.licences.isActive(vendor.address, 2)).to.equal(false);
    const reinstated = await change(vendor, { action: "reinstate" });
    expect(reinstated.status, reinstated.text).to.equal(200);
    expect(reinstated.body.status).to.equal("active");
  });

  it("refuses a change the registry would refuse with 409 naming its error, queueing nothing", async () => {
    const before = jobs();
    const res = await change(vendor, { action: "reinstate" });
    expect(res.status, res.text).to.equal(409);
    expect(res.body.error).to.include({
      name: "ChainRefusedError",
      code: "LicenceStatusInvalid",
      field: "action",
    });
    expect(jobs()).to.equal(before);
  });

  it("proposes a revocation that is final only after the delay; it can be cancelled until then", async () => {
    const proposed = await change(vendor, { action: "revoke", findingId: 9 });
    expect(proposed.status, proposed.text).to.equal(200);
    expect(proposed.body.status).to.equal("revocation_pending");
    const finalAt = Date.parse(proposed.body.revocationFinalAt);
    const delay = Number(await gw.services.system.licences.REVOCATION_DELAY()) * 1000;
    expect(finalAt - Date.now()).to.be.within(delay - 120_000, delay + 120_000);
    const before = jobs();
    const early = await change(vendor, { action: "finalise_revocation" });
    expect(early.status, early.text).to.equal(409);
    expect(early.body.error.code).to.equal("LicenceRevocationDelayNotOver");
    expect(jobs()).to.equal(before);
    const cancelled = await change(vendor, { action: "cancel_revocation" });
    expect(cancelled.status, cancelled.text).to.equal(200);
    expect(cancelled.body.status).to.equal("active");
  });

  it("answers a repeated request from its job, and refuses its key for another change", async () => {
    const body = { action: "suspend", idempotencyKey: "licence-replay-0001" };
    const first = await gw.post(`/v1/organisations/${vendor.orgId}/licence-changes`, gw.regulatorKey, body);
    expect(first.status, first.text).to.equal(200);
    const before = jobs();
    const again = await gw.post(`/v1/organisations/${vendor.orgId}/licence-changes`, gw.regulatorKey, body);
    expect(again.status, again.text).to.equal(200);
    expect(again.body.status).to.equal("suspended");
    expect(jobs()).to.equal(before);
    const other = await gw.post(`/v1/organisations/${vendor.orgId}/licence-changes`, gw.regulatorKey, {
      ...body,
      action: "reinstate",
    });
    expect(other.status, other.text).to.equal(409);
    expect(other.body.error.field).to.equal("idempotencyKey");
    expect(jobs()).to.equal(before);
  });

  it("refuses bad input naming the field, a donor (no licence) and an unknown organisation, writing nothing", async () => {
    const before = jobs();
    const bad = await change(vendor, { action: "delete" });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.field).to.equal("action");
    const badFinding = await change(vendor, { action: "suspend", findingId: -1 });
    expect(badFinding.status).to.equal(400);
    expect(badFinding.body.error.field).to.equal("findingId");
    const noLicence = await change(donor, { action: "suspend" });
    expect(noLicence.status).to.equal(400);
    expect(noLicence.body.error.field).to.equal("orgId");
    const unknown = await gw.post("/v1/organisations/org_000000000000/licence-changes", gw.regulatorKey, {
      action: "suspend",
      idempotencyKey: "licence-unknown-0001",
    });
    expect(unknown.status).to.equal(404);
    const malformed = await gw.post("/v1/organisations/x/licence-changes", gw.regulatorKey, {
      action: "suspend",
      idempotencyKey: "licence-malformed-1",
    });
    expect(malformed.status).to.equal(400);
    expect(malformed.body.error.field).to.equal("orgId");
    expect(jobs()).to.equal(before);
  });
  it("finalises a revocation once its delay is over: revoked for good", async () => {
    const other = await registerOrganisation(gw, "field_agent");
    const proposed = await change(other, { action: "revoke", findingId: 11 });
    expect(proposed.body.status, proposed.text).to.equal("revocation_pending");
    const delay = Number(await gw.services.system.licences.REVOCATION_DELAY());
    await gw.services.provider.send("evm_increaseTime", [delay + 1]);
    await gw.services.provider.send("evm_mine", []);
    const finalised = await change(other, { action: "finalise_revocation" });
    expect(finalised.status, finalised.text).to.equal(200);
    expect(finalised.body.status).to.equal("revoked");
    const reinstate = await change(other, { action: "reinstate" });
    expect(reinstate.status).to.equal(409);
    expect(reinstate.body.error.code).to.equal("LicenceRevoked");
  });
});
