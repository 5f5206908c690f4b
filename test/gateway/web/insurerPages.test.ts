import { expect } from "chai";
import request from "supertest";
import { amount, digits } from "../../../src/web/i18n/format";
import { textOf } from "../../../src/web/i18n/texts";
import { removeDataDir } from "../e2e/harness";
import {
  currentPeriod,
  lastCode,
  mandateWorld,
  PIN,
  PREMIUM,
  proposalBody,
  tableCounts,
  type MandateWorld,
} from "../mandates/mandateFixture";
import { signedInAgent, type Agent } from "./timebankWorld";

/** A form as a browser sends it: a repeated field (ticked boxes) once per value. */
function form(fields: Record<string, unknown>): string {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields))
    for (const one of Array.isArray(value) ? value : [value]) body.append(name, String(one));
  return body.toString();
}
/** The field a page's refusal names. */
const fieldOf = (html: string) => /id="form-error"[\s\S]*?<code>([^<]+)<\/code>/.exec(html)?.[1];
/** The HTML of one table row, by the attribute that names it. */
function rowOf(html: string, attribute: string): string {
  const match = new RegExp(`<tr ${attribute}>([\\s\\S]*?)</tr>`).exec(html);
  expect(match, `row ${attribute}`).to.not.equal(null);
  return match![1]!;
}

interface MandateBody {
  mandateId: string;
  state: string;
  chainMandateId: string | null;
  acceptance: { channel: string } | null;
  revocation: { channel: string } | null;
  premiums: {
    deliveryId: string;
    period: number;
    state: string;
    notice: string;
    redemption: { txHash: string } | null;
  }[];
}

/**
 * The insurer's premium-mandate pages over HTTP on a whole gateway (anvil, SQLite, outbox): proposing, accepting by
 * PIN and by SMS code, redeeming this period's premiums in one batch and revoking, each form calling the use-case
 * its route calls, the chain asked after each; a refused form names the field and writes nothing (no row, no job, no
 * block), a form without the session's token is refused; another insurer sees nothing of this one's (404), every
 * other role is refused (403), and no PIN, code or phone is written back into a page. The charity reads its
 * households' mandates, read only.
 */
describe("web: insurer pages for premium mandates over HTTP", function () {
  this.timeout(300_000);
  let world: MandateWorld;
  let insurer: { agent: Agent; csrf: string };
  let period: number;
  const proposed: string[] = [];
  const mandate = async (mandateId: string) =>
    (await world.gw.get(`/v1/mandates/${mandateId}`, world.insurer.apiKey)).body as MandateBody;

  /** Posts a form as `who`; expects the refusal `status` naming `field`, with nothing written. */
  async function refused(
    path: string,
    fields: Record<string, unknown>,
    status: number,
    field: string,
    who = insurer,
  ) {
    const before = tableCounts(world.gw);
    const block = await world.gw.services.provider.getBlockNumber();
    const res = await who.agent
      .post(path)
      .type("form")
      .send(form({ csrf: who.csrf, ...fields }));
    expect(res.status, res.text.slice(0, 3000)).to.equal(status);
    expect(fieldOf(res.text), res.text.slice(0, 3000)).to.equal(field);
    expect(res.text).to.include('role="alert"');
    expect(tableCounts(world.gw)).to.deep.equal(before);
    expect(await world.gw.services.provider.getBlockNumber()).to.equal(block);
    return res;
  }
  const post = (path: string, fields: Record<string, unknown>, who = insurer) =>
    who.agent
      .post(path)
      .type("form")
      .send(form({ csrf: who.csrf, ...fields }));
  const proposalFields = (index: number, overrides: Record<string, unknown> = {}) => {
    const body = proposalBody(world, index, period, period + 5, overrides);
    return { ...body, idempotencyKey: `web-${body.idempotencyKey as string}` };
  };

  before(async () => {
    world = await mandateWorld(3, 980_001);
    period = await currentPeriod(world);
    insurer = await signedInAgent(world, world.insurer.apiKey);
  });
  after(async () => {
    await world?.gw.stop();
    if (world) removeDataDir(world.gw.dataDir);
  });

  it("sends a stranger to sign in and refuses donors, auditors, registrars and charities (403)", async () => {
    const stranger = await request(world.gw.url).get("/app/insurer");
    expect(stranger.status).to.equal(303);
    expect(stranger.headers.location).to.equal("/app/login?next=%2Fapp%2Finsurer");
    for (const key of [
      world.donor.apiKey,
      world.auditor.apiKey,
      world.registrar.apiKey,
      world.charity.apiKey,
    ]) {
      const { agent } = await signedInAgent(world, key);
      const res = await agent.get("/app/insurer");
      expect(res.status, res.text).to.equal(403);
      expect(res.text).to.include(textOf("fa", "forbidden"));
      const detail = await agent.get(
        `/app/insurer/mandates/mdt_${"0".repeat(8)}-0000-4000-8000-${"0".repeat(12)}`,
      );
      expect(detail.status).to.equal(403);
    }
    const home = await insurer.agent.get("/app/insurer");
    expect(home.status, home.text).to.equal(200);
    expect(home.text).to.include(textOf("fa", "insNoMandates"));
  });

  it("proposes a mandate with the form: its page shows the terms, the QR of what the wallet signs, and the list has it", async () => {
    const fields = proposalFields(1);
    const res = await post("/app/insurer/mandates", fields);
    expect(res.status, res.text).to.equal(303);
    const mandateId = /\/app\/insurer\/mandates\/(mdt_[0-9a-f-]{36})\?done=proposed$/.exec(
      res.headers.location,
    )![1]!;
    proposed.push(mandateId);
    const row = world.gw.services.store.sqlite
      .prepare(
        "SELECT state, household_ref, premium, first_period FROM premium_mandates WHERE mandate_key = ?",
      )
      .get(mandateId) as { state: string; household_ref: string; first_period: number };
    expect(row).to.include({
      state: "proposed",
      household_ref: world.households[1]!.householdRef,
      first_period: period,
    });
    const page = await insurer.agent.get(res.headers.location);
    expect(page.status).to.equal(200);
    expect(page.text).to.include(textOf("fa", "insDone_proposed"));
    expect(page.text).to.include('<svg class="qr"');
    expect(page.text).to.include(`data-follow="/app/insurer/mandates/${mandateId}"`);
    expect(page.text).to.include("StandingMandate");
    expect(page.text).to.include(`data-period="current">${digits(period, "fa")}`);
    // The same form again (a double click): the same mandate.
    const again = await post("/app/insurer/mandates", fields);
    expect(again.headers.location).to.equal(res.headers.location);
    const list = await insurer.agent.get("/app/insurer");
    const listed = rowOf(list.text, `data-mandate="${mandateId}"`);
    expect(listed).to.include(textOf("fa", "mandateState_proposed"));
    expect(listed).to.include(amount(PREMIUM, "fa"));
    // Only an accepted mandate can be ticked for this period's premiums.
    expect(listed).to.not.include('name="mandateIds"');
  });

  it("refuses a bad proposal naming the field, with nothing written, and a form without the session's token", async () => {
    const cap = await refused(
      "/app/insurer/mandates",
      proposalFields(2, { premiumPerPeriod: "99999999" }),
      400,
      "premiumPerPeriod",
    );
    expect(cap.text).to.include(textOf("fa", "insRefusal_above_cap"));
    // What was typed is shown again (references and numbers only).
    expect(cap.text).to.include(`value="${world.households[2]!.householdRef}"`);
    await refused(
      "/app/insurer/mandates",
      proposalFields(2, { programmeId: world.reliefProgrammeId }),
      400,
      "programmeId",
    );
    await refused("/app/insurer/mandates", proposalFields(2, { lastPeriod: period - 1 }), 400, "lastPeriod");
    await refused(
      "/app/insurer/mandates",
      proposalFields(2, { householdRef: "0x1234" }),
      400,
      "householdRef",
    );
    await refused("/app/insurer/mandates", proposalFields(2, { firstPeriod: "abc" }), 400, "firstPeriod");
    const before = tableCounts(world.gw);
    const missing = await insurer.agent
      .post("/app/insurer/mandates")
      .type("form")
      .send(form(proposalFields(2)));
    expect(missing.status).to.equal(403);
    const forged = await insurer.agent
      .post("/app/insurer/mandates")
      .type("form")
      .send(form({ ...proposalFields(2), csrf: "x".repeat(43) }));
    expect(forged.status).to.equal(403);
    expect(forged.text).to.include(textOf("fa", "csrf"));
    expect(tableCounts(world.gw)).to.deep.equal(before);
  });

  it("shows another insurer nothing of this one's mandates: the 404 of an unknown mandate, its forms refused with nothing written", async () => {
    const other = await signedInAgent(world, world.otherVendor.apiKey);
    const mandateId = proposed[0]!;
    const list = await other.agent.get("/app/insurer");
    expect(list.status).to.equal(200);
    expect(list.text).to.not.include(mandateId);
    const detail = await other.agent.get(`/app/insurer/mandates/${mandateId}`);
    expect(detail.status).to.equal(404);
    const before = tableCounts(world.gw);
    const accept = await post(
      `/app/insurer/mandates/${mandateId}/acceptance`,
      { proofKind: "pin", code: PIN },
      other,
    );
    expect(accept.status).to.equal(404);
    expect(accept.text).to.not.include(PIN);
    const code = await post(`/app/insurer/mandates/${mandateId}/sms-code`, { purpose: "accept" }, other);
    expect(code.status).to.equal(404);
    const batch = await post(
      "/app/insurer/premiums",
      { mandateIds: mandateId, idempotencyKey: "web-other-0001" },
      other,
    );
    expect(batch.status).to.equal(404);
    expect(fieldOf(batch.text)).to.equal("premiums[0].mandateId");
    expect(tableCounts(world.gw)).to.deep.equal(before);
    expect((await mandate(mandateId)).state).to.equal("proposed");
  });

  it("accepts by the member's PIN (a wrong one refused naming pin, never shown back), and the mandate is on chain", async () => {
    const mandateId = proposed[0]!;
    const path = `/app/insurer/mandates/${mandateId}/acceptance`;
    const wrong = await refused(path, { proofKind: "pin", code: "111999" }, 401, "pin");
    expect(wrong.text).to.include(textOf("fa", "insRefusal_pin_incorrect"));
    expect(wrong.text).to.not.include("111999");
    await refused(path, { proofKind: "fingerprint", code: PIN }, 400, "proofKind");
    const res = await post(path, { proofKind: "pin", code: PIN });
    expect(res.status, res.text).to.equal(303);
    expect(res.headers.location).to.equal(`/app/insurer/mandates/${mandateId}?done=accepted`);
    expect(res.headers.location).to.not.include(PIN);
    const view = await mandate(mandateId);
    expect(view.state).to.equal("accepted");
    expect(view.acceptance).to.deep.include({ channel: "pin" });
    const onChain = await world.gw.services.system.mandates.mandate(view.chainMandateId!);
    expect(onChain.insurer.toLowerCase()).to.equal(world.insurer.address.toLowerCase());
    const page = await insurer.agent.get(res.headers.location);
    expect(page.text).to.include(textOf("fa", "insDone_accepted"));
    expect(page.text).to.not.include(PIN);
    expect(page.text).to.include('action="/app/insurer/mandates/' + mandateId + '/revocation"');
    // A second acceptance: the mandate is no longer proposed.
    await refused(path, { proofKind: "pin", code: PIN }, 409, "mandateId");
  });

  it("accepts by an SMS code sent from the page, with neither code nor phone written into the page or the address", async () => {
    const res = await post("/app/insurer/mandates", proposalFields(2));
    const mandateId = /(mdt_[0-9a-f-]{36})/.exec(res.headers.location)![1]!;
    proposed.push(mandateId);
    const sent = await post(`/app/insurer/mandates/${mandateId}/sms-code`, { purpose: "accept" });
    expect(sent.status, sent.text).to.equal(303);
    expect(sent.headers.location).to.equal(`/app/insurer/mandates/${mandateId}?done=codeSent`);
    const phone = world.households[2]!.phone;
    const code = lastCode(world.gw, phone);
    const page = await insurer.agent.get(sent.headers.location);
    expect(page.text).to.include(textOf("fa", "insDone_codeSent"));
    for (const secret of [code, phone]) expect(page.text).to.not.include(secret);
    await refused(`/app/insurer/mandates/${mandateId}/sms-code`, { purpose: "later" }, 400, "purpose");
    const accepted = await post(`/app/insurer/mandates/${mandateId}/acceptance`, {
      proofKind: "smsCode",
      code,
    });
    expect(accepted.status, accepted.text).to.equal(303);
    expect(accepted.headers.location).to.not.include(code);
    expect((await mandate(mandateId)).acceptance).to.deep.include({ channel: "sms" });
  });

  it("redeems this period's premium under the ticked accepted mandates in one batch, read back from the chain", async () => {
    await refused("/app/insurer/premiums", { idempotencyKey: "web-batch-none-0001" }, 400, "premiums");
    const res = await post("/app/insurer/premiums", {
      mandateIds: proposed,
      idempotencyKey: "web-batch-0001",
    });
    expect(res.status, res.text).to.equal(303);
    expect(res.headers.location).to.equal("/app/insurer?done=redeemed");
    await world.gw.services.outbox.drain();
    const txs = new Set<string>();
    for (const [index, mandateId] of proposed.entries()) {
      const [premium] = (await mandate(mandateId)).premiums;
      expect(premium, mandateId).to.deep.include({ period, state: "redeemed" });
      const receipt = await world.gw.services.provider.getTransactionReceipt(premium!.redemption!.txHash);
      const ledger = world.gw.services.system.ledger;
      const events = receipt!.logs
        .map((log) => ledger.interface.parseLog(log))
        .filter(
          (event) =>
            event?.name === "DeliveryRedeemed" &&
            event.args.householdRef === world.households[index + 1]!.householdRef,
        );
      expect(events, mandateId).to.have.length(1);
      txs.add(premium!.redemption!.txHash);
    }
    expect(txs.size, "one redeemBatch").to.equal(1);
    const list = await insurer.agent.get(res.headers.location);
    expect(list.text).to.include(textOf("fa", "insDone_redeemed"));
    const row = rowOf(list.text, `data-mandate="${proposed[0]}"`);
    expect(row).to.match(/data-this-period="redeemed">۱</);
    // A second premium this period: refused naming the mandate, with the ledger's reason, nothing written.
    const again = await refused(
      `/app/insurer/mandates/${proposed[0]}/premiums`,
      { idempotencyKey: "web-single-0001" },
      409,
      "mandateId",
    );
    expect(again.text).to.include(textOf("fa", "insRefusal_ReceiptNonceUsed"));
    const detail = await insurer.agent.get(`/app/insurer/mandates/${proposed[0]}`);
    const premium = (await mandate(proposed[0]!)).premiums[0]!;
    const premiumRow = rowOf(detail.text, `data-premium="${premium.deliveryId}"`);
    expect(premiumRow).to.include(textOf("fa", "premiumState_redeemed"));
    expect(premiumRow).to.include(`data-notice="${premium.notice}"`);
    // One premium a period: the page offers no second one, and says why.
    expect(detail.text).to.include(textOf("fa", "insPeriodTaken"));
    expect(detail.text).to.not.include('id="premium-form"');
  });

  it("revokes by the member's PIN, on chain; a revoked mandate's next premium is refused naming it", async () => {
    const mandateId = proposed[0]!;
    await refused(
      `/app/insurer/mandates/${mandateId}/revocation`,
      { proofKind: "pin", code: "000111" },
      401,
      "pin",
    );
    const res = await post(`/app/insurer/mandates/${mandateId}/revocation`, { proofKind: "pin", code: PIN });
    expect(res.status, res.text).to.equal(303);
    expect(res.headers.location).to.equal(`/app/insurer/mandates/${mandateId}?done=revoked`);
    const view = await mandate(mandateId);
    expect(view.state).to.equal("revoked");
    expect((await world.gw.services.system.mandates.mandate(view.chainMandateId!)).revoked).to.equal(true);
    const page = await insurer.agent.get(res.headers.location);
    expect(page.text).to.include(textOf("fa", "insDone_revoked"));
    expect(page.text).to.not.include('data-follow="');
    await refused(
      `/app/insurer/mandates/${mandateId}/revocation`,
      { proofKind: "pin", code: PIN },
      409,
      "mandateId",
    );
    await refused(
      "/app/insurer/premiums",
      { mandateIds: mandateId, idempotencyKey: "web-batch-revoked-1" },
      409,
      "premiums[0].mandateId",
    );
  });

  it("lets the household's charity read its households' mandates, read only; another charity sees none", async () => {
    const charity = await signedInAgent(world, world.charity.apiKey);
    const home = await charity.agent.get("/app/charity");
    expect(home.text).to.include('href="/app/charity/mandates"');
    const list = await charity.agent.get("/app/charity/mandates");
    expect(list.status, list.text).to.equal(200);
    for (const mandateId of proposed) {
      const row = rowOf(list.text, `data-mandate="${mandateId}"`);
      expect(row).to.include(world.insurer.orgId);
      expect(row).to.not.include("<a ");
    }
    expect(list.text).to.not.include('<form method="post" action="/app/insurer');
    const other = await signedInAgent(world, world.otherCharity.apiKey);
    const none = await other.agent.get("/app/charity/mandates");
    expect(none.status).to.equal(200);
    for (const mandateId of proposed) expect(none.text).to.not.include(mandateId);
    expect((await insurer.agent.get("/app/charity/mandates")).status).to.equal(403);
  });

  it("pages the list newest first with an older link", async () => {
    for (let i = 0; i < 20; i++) {
      const res = await world.gw.post(
        "/v1/mandates",
        world.insurer.apiKey,
        proposalBody(world, 1, period, period + 1),
      );
      expect(res.status, res.text).to.equal(201);
    }
    const first = await insurer.agent.get("/app/insurer");
    const ids = [...first.text.matchAll(/<tr data-mandate="(mdt_[0-9a-f-]{36})">/g)].map((match) => match[1]);
    expect(ids).to.have.length(20);
    expect(ids).to.not.include(proposed[0]);
    const older = /href="(\/app\/insurer\?before=mdt_[0-9a-f-]{36})"/.exec(first.text)![1]!;
    expect(older).to.equal(`/app/insurer?before=${ids[19]}`);
    const second = await insurer.agent.get(older);
    const rest = [...second.text.matchAll(/<tr data-mandate="(mdt_[0-9a-f-]{36})">/g)].map(
      (match) => match[1],
    );
    expect(rest).to.deep.equal([proposed[1], proposed[0]]);
    expect(second.text).to.include(textOf("fa", "insNewest"));
  });
});
