import { expect } from "chai";
import { countRows, registerOrganisation, removeDataDir, type Organisation } from "./harness";
import { deliveryWorld, openDelivery, PIN, settled, type DeliveryWorld } from "./deliveryFixture";

const UNITS = 10n ** 18n;
const CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
const REPORT_CID = "bafkreiaxnnnb7qz2focittuqq3ya25q7rcv3bqynnczfzao6fgmuxqhmny";

/**
 * A dispute's whole path over real HTTP, the embedded chain and SQLite: the household disputes, the
 * programme's charity answers, and an auditor or the regulator resolves the flag on chain, the held credit
 * going back to the programme (upheld) or to the vendor (dismissed), read back from the ledger.
 */
describe("e2e: disputes answered by the charity and flags resolved on chain", function () {
  let world: DeliveryWorld;
  let suspendedAuditor: Organisation;
  const answerOf = (deliveryId: string, key: string, body: object) =>
    world.gw.post(`/v1/deliveries/${deliveryId}/dispute-answer`, key, body);
  const resolve = (deliveryId: string, key: string, body: object) =>
    world.gw.post(`/v1/deliveries/${deliveryId}/flag-resolution`, key, body);
  const tables = ["deliveries", "dispute_answers", "flag_resolutions", "chain_jobs", "access_log"];
  const counts = () => Object.fromEntries(tables.map((table) => [table, countRows(world.gw, table)]));
  /** The chain's own count of what every resolver sent: no transaction leaves a refused request. */
  const nonces = async () => {
    const { provider, operator } = world.gw.services;
    return Promise.all(
      [world.auditor.address, suspendedAuditor.address, operator].map((address) =>
        provider.getTransactionCount(address, "pending"),
      ),
    );
  };

  /** A delivery of household `index` the household disputed before redemption, with `reason`. */
  async function disputedBefore(index: number, reason = "not_received") {
    const delivery = await openDelivery(world, {
      householdRef: world.households[index]!.householdRef,
      amount: "500",
    });
    const res = await world.gw.post(`/v1/deliveries/${delivery.deliveryId}/dispute`, world.vendor.apiKey, {
      pin: PIN,
      reason,
    });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.state).to.equal("disputed");
    return delivery;
  }

  /** A delivery of household `index`, redeemed, then flagged on chain by the household with `reason`. */
  async function flaggedAfter(index: number, amount: string, reason: string) {
    const delivery = await openDelivery(world, {
      householdRef: world.households[index]!.householdRef,
      amount,
    });
    const accepted = await world.gw.post(
      `/v1/deliveries/${delivery.deliveryId}/acceptance`,
      world.vendor.apiKey,
      { pin: PIN },
    );
    expect(accepted.status, accepted.text).to.equal(200);
    expect((await settled(world, delivery.deliveryId)).state).to.equal("redeemed");
    const flagged = await world.gw.post(
      `/v1/deliveries/${delivery.deliveryId}/dispute`,
      world.vendor.apiKey,
      {
        pin: PIN,
        reason,
      },
    );
    expect(flagged.status, flagged.text).to.equal(200);
    expect((await settled(world, delivery.deliveryId)).flag).to.equal("flagged");
    return delivery;
  }

  before(async () => {
    world = await deliveryWorld(4, 530_001);
    suspendedAuditor = await registerOrganisation(world.gw, "auditor");
    const suspended = await world.gw.post(
      `/v1/organisations/${suspendedAuditor.orgId}/licence-changes`,
      world.gw.regulatorKey,
      { action: "suspend", idempotencyKey: "disputes-suspend-auditor" },
    );
    expect(suspended.status, suspended.text).to.equal(200);
  });
  after(async () => {
    await world?.gw.stop();
    if (world) removeDataDir(world.gw.dataDir);
  });

  describe("the charity's answer", () => {
    it("records the programme's charity's answer with who and when and an access-log entry; the same again answers the same, another is 409", async () => {
      const { gw, charity } = world;
      const delivery = await disputedBefore(0, "wrong_item");
      const before = counts();
      const res = await answerOf(delivery.deliveryId, charity.apiKey, {
        answer: "redelivered",
        evidenceCid: CID,
      });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.state).to.equal("disputed");
      expect(res.body.dispute.reason).to.equal("wrong_item");
      expect(res.body.dispute.answer).to.include({
        answer: "redelivered",
        evidenceCid: CID,
        answeredBy: charity.orgId,
      });
      expect(Date.parse(res.body.dispute.answer.answeredAt)).to.be.closeTo(Date.now(), 60_000);
      expect(res.body.dispute.resolution).to.equal(null);
      expect(counts()).to.deep.equal({
        ...before,
        dispute_answers: before.dispute_answers! + 1,
        access_log: before.access_log! + 1,
      });
      const logged = gw.services.store.sqlite
        .prepare(
          "SELECT org_id, role, action, subject, grounds FROM access_log ORDER BY entry_id DESC LIMIT 1",
        )
        .get();
      expect(logged).to.deep.equal({
        org_id: charity.orgId,
        role: "charity",
        action: "delivery.dispute_answer",
        subject: world.households[0]!.householdRef,
        grounds: `programme:${world.programmeId}`,
      });

      const again = await answerOf(delivery.deliveryId, charity.apiKey, {
        answer: "redelivered",
        evidenceCid: CID,
      });
      expect(again.status, again.text).to.equal(200);
      expect(again.body.dispute).to.deep.equal(res.body.dispute);
      const other = await answerOf(delivery.deliveryId, charity.apiKey, { answer: "household_mistaken" });
      expect(other.status, other.text).to.equal(409);
      expect(other.body.error).to.include({ code: "already_answered", field: "answer" });
      const noEvidence = await answerOf(delivery.deliveryId, charity.apiKey, { answer: "redelivered" });
      expect(noEvidence.status, noEvidence.text).to.equal(409);
      expect(counts()).to.deep.equal({
        ...before,
        dispute_answers: before.dispute_answers! + 1,
        access_log: before.access_log! + 1,
      });
      // The auditor who resolves reads the answer beside the household's reason.
      const read = await gw.get(`/v1/deliveries/${delivery.deliveryId}`, world.auditor.apiKey);
      expect(read.body.dispute).to.deep.equal(res.body.dispute);
    });

    it("refuses another charity (404), vendors and donors (403), a delivery nobody disputed (409) and bad input naming the field, writing nothing", async () => {
      const { charity, otherCharity, vendor, donor, auditor } = world;
      const delivery = await disputedBefore(1);
      const undisputed = await openDelivery(world, {
        householdRef: world.households[1]!.householdRef,
        amount: "5",
      });
      const before = counts();
      const body = { answer: "vendor_at_fault" };
      const foreign = await answerOf(delivery.deliveryId, otherCharity.apiKey, body);
      expect(foreign.status, foreign.text).to.equal(404);
      expect(foreign.body.error.field).to.equal("deliveryId");
      for (const org of [vendor, donor, auditor]) {
        const refused = await answerOf(delivery.deliveryId, org.apiKey, body);
        expect(refused.status, refused.text).to.equal(403);
      }
      const unknown = await answerOf("dlv_00000000-0000-4000-8000-000000000000", charity.apiKey, body);
      expect(unknown.status, unknown.text).to.equal(404);
      const nothing = await answerOf(undisputed.deliveryId, charity.apiKey, body);
      expect(nothing.status, nothing.text).to.equal(409);
      expect(nothing.body.error).to.include({ code: "not_disputed", field: "deliveryId" });
      const bad: [object, string][] = [
        [{ answer: "the household lied" }, "answer"],
        [{}, "answer"],
        [{ answer: "other", evidenceCid: "Reza Ahmadi 09121234567" }, "evidenceCid"],
        [{ answer: "other", note: "free text" }, "note"],
      ];
      for (const [input, field] of bad) {
        const res = await answerOf(delivery.deliveryId, charity.apiKey, input);
        expect(res.status, res.text).to.equal(400);
        expect(res.body.error.field, res.text).to.equal(field);
        expect(res.text).to.not.include("09121234567");
      }
      expect(counts()).to.deep.equal(before);
    });
  });

  describe("the flag's resolution", () => {
    it("an auditor upholds a flag: the held credit returns to the programme, read back from the chain; the same request answers the same", async () => {
      const { gw, charity, auditor, vendor, programmeId } = world;
      const { ledger } = gw.services.system;
      const delivery = await flaggedAfter(2, "40000", "not_received");
      const answered = await answerOf(delivery.deliveryId, charity.apiKey, { answer: "vendor_at_fault" });
      expect(answered.status, answered.text).to.equal(200);
      const credit = await ledger.creditOf(programmeId, vendor.address);
      const funds = await ledger.fundsOf(programmeId);
      const jobs = countRows(gw, "chain_jobs");
      const [auditorNonce] = await nonces();

      const body = { upheld: true, reportCid: REPORT_CID, idempotencyKey: "uphold-household-2" };
      const res = await resolve(delivery.deliveryId, auditor.apiKey, body);
      expect(res.status, res.text).to.equal(200);
      expect(res.body.flag).to.equal("upheld");
      expect(res.body.dispute.reason).to.equal("not_received");
      expect(res.body.dispute.answer.answer).to.equal("vendor_at_fault");
      const resolution = res.body.dispute.resolution;
      expect(resolution).to.include({
        upheld: true,
        held: "40000",
        returnedTo: "programme",
        reportCid: REPORT_CID,
        resolvedBy: auditor.orgId,
        resolverRole: "auditor",
      });
      expect(resolution.txHash).to.match(/^0x[0-9a-f]{64}$/);
      // The chain: the dispute upheld by the auditor's own key, the hold gone back to the programme's budget.
      expect(Number(await ledger.disputeStatus(delivery.redemptionId))).to.equal(2);
      const tx = await gw.services.provider.getTransaction(resolution.txHash);
      expect(tx!.from.toLowerCase()).to.equal(auditor.address.toLowerCase());
      const [event] = await ledger.queryFilter(ledger.filters.RedemptionFlagResolved(delivery.redemptionId));
      expect(event!.args.upheld).to.equal(true);
      expect(event!.args.reportCid).to.equal(REPORT_CID);
      const after = await ledger.creditOf(programmeId, vendor.address);
      expect(after.held).to.equal(credit.held - 40_000n * UNITS);
      expect(after.pendingLatest + after.pendingEarlier + after.collectable).to.equal(
        credit.pendingLatest + credit.pendingEarlier + credit.collectable,
      );
      const fundsAfter = await ledger.fundsOf(programmeId);
      expect(fundsAfter.paid).to.equal(funds.paid - 40_000n * UNITS);
      expect(fundsAfter.held).to.equal(funds.held - 40_000n * UNITS);
      expect(countRows(gw, "chain_jobs")).to.equal(jobs + 1);
      expect((await nonces())[0]).to.equal(auditorNonce! + 1);

      // The same request again: the same answer, nothing sent. The same key with another body: 409.
      const again = await resolve(delivery.deliveryId, auditor.apiKey, body);
      expect(again.status, again.text).to.equal(200);
      expect(again.body.dispute).to.deep.equal(res.body.dispute);
      const reused = await resolve(delivery.deliveryId, auditor.apiKey, { ...body, upheld: false });
      expect(reused.status, reused.text).to.equal(409);
      expect(reused.body.error).to.include({ code: "idempotency_key_reused", field: "idempotencyKey" });
      expect(countRows(gw, "chain_jobs")).to.equal(jobs + 1);
      expect((await nonces())[0]).to.equal(auditorNonce! + 1);

      // The household's own ledger: the receipt the chain took back shows disputed.
      const receipts = await gw.get(
        `/v1/household-receipts/${world.households[2]!.householdRef}`,
        charity.apiKey,
      );
      const receipt = receipts.body.receipts.find(
        (entry: { deliveryId: string }) => entry.deliveryId === delivery.deliveryId,
      );
      expect(receipt.status).to.equal("disputed");
      // The vendor and the charity see it as the chain holds it.
      for (const reader of [vendor, charity]) {
        const read = await gw.get(`/v1/deliveries/${delivery.deliveryId}`, reader.apiKey);
        expect(read.body.flag).to.equal("upheld");
        expect(read.body.dispute.resolution.returnedTo).to.equal("programme");
      }
    });

    it("the regulator dismisses a flag: the held credit goes back to the vendor, read back from the chain", async () => {
      const { gw, vendor, programmeId } = world;
      const { ledger } = gw.services.system;
      const delivery = await flaggedAfter(3, "30000", "wrong_amount");
      const credit = await ledger.creditOf(programmeId, vendor.address);
      const funds = await ledger.fundsOf(programmeId);
      const res = await resolve(delivery.deliveryId, gw.regulatorKey, {
        upheld: false,
        idempotencyKey: "dismiss-household-3",
      });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.flag).to.equal("dismissed");
      expect(res.body.dispute).to.deep.include({ reason: "wrong_amount", answer: null });
      expect(res.body.dispute.resolution).to.include({
        upheld: false,
        held: "30000",
        returnedTo: "vendor",
        reportCid: null,
        resolvedBy: "regulator",
        resolverRole: "regulator",
      });
      expect(Number(await ledger.disputeStatus(delivery.redemptionId))).to.equal(3);
      const tx = await gw.services.provider.getTransaction(res.body.dispute.resolution.txHash);
      expect(tx!.from.toLowerCase()).to.equal(gw.services.operator.toLowerCase());
      const after = await ledger.creditOf(programmeId, vendor.address);
      expect(after.held).to.equal(credit.held - 30_000n * UNITS);
      expect(after.pendingLatest + after.pendingEarlier + after.collectable).to.equal(
        credit.pendingLatest + credit.pendingEarlier + credit.collectable + 30_000n * UNITS,
      );
      expect((await ledger.fundsOf(programmeId)).paid).to.equal(funds.paid);
      const receipts = await gw.get(
        `/v1/household-receipts/${world.households[3]!.householdRef}`,
        world.charity.apiKey,
      );
      const receipt = receipts.body.receipts.find(
        (entry: { deliveryId: string }) => entry.deliveryId === delivery.deliveryId,
      );
      expect(receipt.status).to.equal("redeemed");
    });

    it("refuses a delivery not flagged, a flag already resolved, a suspended auditor and the wrong roles, with no job and no transaction", async () => {
      const { gw, auditor, charity, vendor, donor, fieldAgent } = world;
      const notFlagged = await disputedBefore(0);
      const flagged = await flaggedAfter(1, "20000", "poor_quality");
      const upheld = await resolve(flagged.deliveryId, auditor.apiKey, {
        upheld: true,
        idempotencyKey: "uphold-household-1",
      });
      expect(upheld.status, upheld.text).to.equal(200);
      const before = counts();
      const sent = await nonces();

      const notYet = await resolve(notFlagged.deliveryId, auditor.apiKey, {
        upheld: true,
        idempotencyKey: "resolve-not-flagged",
      });
      expect(notYet.status, notYet.text).to.equal(409);
      expect(notYet.body.error).to.include({
        name: "ChainRefusedError",
        code: "DisputeStatusInvalid",
        field: "deliveryId",
      });
      for (const key of [auditor.apiKey, gw.regulatorKey]) {
        const twice = await resolve(flagged.deliveryId, key, {
          upheld: false,
          idempotencyKey: "resolve-again-1",
        });
        expect(twice.status, twice.text).to.equal(409);
        expect(twice.body.error.code).to.equal("DisputeStatusInvalid");
      }
      // A still-open flag, and an auditor whose licence the regulator suspended: the ledger's refusal.
      const open = await flaggedAfter(2, "10000", "not_received");
      const afterFlag = counts();
      const unlicensed = await resolve(open.deliveryId, suspendedAuditor.apiKey, {
        upheld: true,
        idempotencyKey: "resolve-suspended",
      });
      expect(unlicensed.status, unlicensed.text).to.equal(409);
      expect(unlicensed.body.error.code).to.equal("ResolverUnauthorized");
      for (const org of [charity, vendor, donor, fieldAgent]) {
        const refused = await resolve(open.deliveryId, org.apiKey, {
          upheld: true,
          idempotencyKey: "resolve-role",
        });
        expect(refused.status, refused.text).to.equal(403);
      }
      const bad: [object, string][] = [
        [{ idempotencyKey: "resolve-bad-input" }, "upheld"],
        [{ upheld: "yes", idempotencyKey: "resolve-bad-input" }, "upheld"],
        [
          { upheld: true, reportCid: "the vendor is a thief", idempotencyKey: "resolve-bad-input" },
          "reportCid",
        ],
        [{ upheld: true }, "idempotencyKey"],
      ];
      for (const [input, field] of bad) {
        const res = await resolve(open.deliveryId, auditor.apiKey, input);
        expect(res.status, res.text).to.equal(400);
        expect(res.body.error.field, res.text).to.equal(field);
      }
      const unknown = await resolve("dlv_00000000-0000-4000-8000-000000000000", auditor.apiKey, {
        upheld: true,
        idempotencyKey: "resolve-unknown",
      });
      expect(unknown.status, unknown.text).to.equal(404);
      expect(counts()).to.deep.equal(afterFlag);
      // Only the flag of `open` was sent since (by the household's custodial wallet): no resolver sent anything.
      expect(await nonces()).to.deep.equal(sent);
      expect(afterFlag.chain_jobs).to.equal(before.chain_jobs! + 2);
      expect(Number(await gw.services.system.ledger.disputeStatus(open.redemptionId))).to.equal(1);
      const read = await gw.get(`/v1/deliveries/${open.deliveryId}`, auditor.apiKey);
      expect(read.body.flag).to.equal("flagged");
      expect(read.body.dispute.resolution).to.equal(null);
    });
  });
});
