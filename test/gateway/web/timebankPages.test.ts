import { expect } from "chai";
import request from "supertest";
import { syntheticNationalId } from "../../../src/identity";
import { readFileSync } from "node:fs";
import path from "node:path";
import { count, digits } from "../../../src/web/i18n/format";
import { textOf } from "../../../src/web/i18n/texts";
import {
  signedInAgent,
  stopTimebankWorld,
  timebankCounts,
  textAfter,
  timebankWorld,
  TIMEBANK_PIN,
  type Agent,
  type TimebankWorld,
} from "./timebankWorld";

/** The HTML of one table row, by the attribute that names it. */
function rowOf(html: string, attribute: string): string {
  const match = new RegExp(`<tr ${attribute}>([\\s\\S]*?)</tr>`).exec(html);
  expect(match, `row ${attribute}`).to.not.equal(null);
  return match![1]!;
}
/** A form as a browser sends it: a repeated field (ticked checkboxes) once per value. */
function form(fields: Record<string, unknown>): string {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields))
    for (const one of Array.isArray(value) ? value : [value]) body.append(name, String(one));
  return body.toString();
}
/** The field a page's refusal names. */
const fieldOf = (html: string) => /id="form-error"[\s\S]*?<code>([^<]+)<\/code>/.exec(html)?.[1];

/**
 * The time bank's coordinator pages over HTTP on a whole gateway (anvil, SQLite, outbox): what they show is what
 * the chain holds; every form changes the chain and the database as its route would, a bad form names the field
 * and writes nothing, a form without the session's token is refused; every other role is refused, a stranger is
 * sent to sign in, a charity that is not a coordinator is refused, and one coordinator sees nothing of another's.
 */
describe("web: time bank coordinator pages over HTTP", function () {
  this.timeout(300_000);
  let world: TimebankWorld;
  let coordinator: { agent: Agent; csrf: string };
  const timeBank = () => world.gw.services.system.timeBank;
  const member = async (ref: string) =>
    (await world.gw.get(`/v1/timebank/members/${ref}`, world.coordinator.apiKey)).body as {
      balance: number;
      creditLimit: number;
      status: string;
      wallet: string;
    };
  const serviceState = (serviceId: string) =>
    world.gw.services.store.sqlite
      .prepare("SELECT state, confirmed_by AS confirmedBy FROM timebank_services WHERE service_id = ?")
      .get(serviceId) as { state: string; confirmedBy: string | null };

  /** Posts a form as the coordinator; expects the refusal `status` naming `field`, with nothing written. */
  async function refused(path: string, fields: Record<string, unknown>, status: number, field: string) {
    const before = timebankCounts(world);
    const res = await coordinator.agent
      .post(path)
      .type("form")
      .send(form({ csrf: coordinator.csrf, ...fields }));
    expect(res.status, res.text).to.equal(status);
    expect(fieldOf(res.text), res.text.slice(0, 2000)).to.equal(field);
    expect(res.text).to.include('role="alert"');
    expect(timebankCounts(world)).to.deep.equal(before);
    return res;
  }
  /** Posts a form without the session's token: 403, nothing written. */
  async function csrfRefused(path: string, fields: Record<string, unknown>) {
    const before = timebankCounts(world);
    const missing = await coordinator.agent.post(path).type("form").send(form(fields));
    expect(missing.status).to.equal(403);
    const forged = await coordinator.agent
      .post(path)
      .type("form")
      .send(form({ ...fields, csrf: "x".repeat(43) }));
    expect(forged.status).to.equal(403);
    expect(forged.text).to.include(textOf("fa", "csrf"));
    expect(timebankCounts(world)).to.deep.equal(before);
  }
  const opened = (giver: string, recipient: string, minutes: number, key: string) =>
    world.gw.post("/v1/timebank/services", world.coordinator.apiKey, {
      giver,
      recipient,
      minutes,
      category: "tutoring",
      idempotencyKey: key,
    });

  before(async () => {
    world = await timebankWorld(960_000);
    coordinator = await signedInAgent(world, world.coordinator.apiKey);
  });
  after(() => stopTimebankWorld(world));

  it("shows the coordinator its members with balances and limits, the waiting services and the pool, as the chain holds them", async () => {
    const res = await coordinator.agent.get("/app/timebank");
    expect(res.status, res.text).to.equal(200);
    expect(res.text).to.include('<html lang="fa" dir="rtl">');
    expect(res.text).to.include(textOf("fa", "timebankMembersNoLogin"));
    for (const ref of [world.giver, world.recipient, world.self]) {
      const row = rowOf(res.text, `data-member="${ref}"`);
      const account = await member(ref);
      expect(textAfter(row, 'data-minutes="balance"'), ref).to.equal(count(account.balance, "fa"));
      expect(textAfter(row, 'data-minutes="creditLimit"'), ref).to.equal(count(account.creditLimit, "fa"));
      expect(row).to.include(`href="/app/timebank/members/${ref}"`);
    }
    expect((await member(world.giver)).balance).to.equal(45);
    expect((await member(world.recipient)).balance).to.equal(-60);
    expect(res.text).to.not.include(world.foreignMember);
    const waiting = rowOf(res.text, `data-service="${world.openServiceId}"`);
    expect(textAfter(waiting, "data-state=")).to.equal(textOf("fa", "serviceState_open"));
    expect(waiting).to.include(`form="batch-form"`);
    // The pool: 25 donated, 10 paid, 15 held; the chart has its table beside it; both entries are this
    // coordinator's giver's, so they link to its page.
    expect(Number(await timeBank().poolBalance())).to.equal(15);
    expect(textAfter(res.text, 'data-minutes="donated"')).to.equal(count(25, "fa"));
    expect(textAfter(res.text, 'data-minutes="paid"')).to.equal(count(10, "fa"));
    expect(textAfter(res.text, 'data-minutes="pool"')).to.equal(count(15, "fa"));
    expect(res.text).to.include('<svg class="chart"').and.include('aria-labelledby="pool-title"');
    const history = /<table id="pool-history">[\s\S]*?<\/table>/.exec(res.text)![0];
    expect(history.match(/<tr data-kind="/g)).to.have.length(2);
    expect(history.indexOf('data-kind="paid"')).to.be.lessThan(history.indexOf('data-kind="donated"'));
    expect(history).to.include(`href="/app/timebank/members/${world.giver}"`);
    // Members a page at a time in ref order: after the first ref, the others, and a link back to the first page.
    const refs = [world.giver, world.recipient, world.self].sort();
    const later = await coordinator.agent.get(`/app/timebank?after=${refs[0]}`);
    expect(later.status, later.text).to.equal(200);
    expect(later.text).to.not.include(`data-member="${refs[0]}"`);
    for (const ref of refs.slice(1)) expect(later.text).to.include(`data-member="${ref}"`);
    expect(later.text).to.include(`<a href="/app/timebank">${textOf("fa", "tbFirstPage")}</a>`);
    expect(res.text).to.not.include(textOf("fa", "tbNextPage"));
    const badAfter = await coordinator.agent.get("/app/timebank?after=0x12");
    expect(badAfter.status).to.equal(400);
    expect(fieldOf(badAfter.text)).to.equal("after");
    // English on request, the same figures in ASCII digits.
    const switched = await coordinator.agent
      .post("/app/language")
      .type("form")
      .send(form({ csrf: coordinator.csrf, lang: "en", back: "/app/timebank" }));
    expect(switched.headers.location).to.equal("/app/timebank");
    const english = await coordinator.agent.get("/app/timebank");
    expect(english.text).to.include('<html lang="en" dir="ltr">');
    expect(textAfter(english.text, 'data-minutes="pool"')).to.equal("15");
    await coordinator.agent
      .post("/app/language")
      .type("form")
      .send(form({ csrf: coordinator.csrf, lang: "fa", back: "/app/timebank" }));
  });

  it("shows a member's page: its account, minutes earned, paid and donated, and its pending services, as its history route", async () => {
    const res = await coordinator.agent.get(`/app/timebank/members/${world.giver}`);
    expect(res.status, res.text).to.equal(200);
    const history = (
      await world.gw.get(`/v1/timebank/members/${world.giver}/history`, world.coordinator.apiKey)
    ).body as { entries: { kind: string; minutes: number }[] };
    const sum = (kind: string) =>
      history.entries
        .filter((entry) => entry.kind === kind)
        .reduce((total, entry) => total + entry.minutes, 0);
    expect([sum("earned"), sum("paid"), sum("donated")]).to.deep.equal([70, 0, 25]);
    expect(textAfter(res.text, 'data-minutes="earned"')).to.equal(count(70, "fa"));
    expect(textAfter(res.text, 'data-minutes="donated"')).to.equal(count(25, "fa"));
    expect(textAfter(res.text, 'data-minutes="paid"')).to.equal(count(0, "fa"));
    const table = /<table id="history">[\s\S]*?<\/table>/.exec(res.text)![0];
    expect(table.match(/<tr data-kind="/g)).to.have.length(history.entries.length);
    expect(table).to.include(textOf("fa", "tbByPool"));
    expect(table).to.include(textOf("fa", "tbToPool"));
    expect(res.text).to.include(`data-status="active"`);
    expect(res.text).to.not.include(TIMEBANK_PIN);
    // The recipient paid for the first service; its open one is not on chain yet, so nothing is pending there.
    const recipientPage = await coordinator.agent.get(`/app/timebank/members/${world.recipient}`);
    expect(textAfter(recipientPage.text, 'data-minutes="paid"')).to.equal(count(60, "fa"));
    expect(textAfter(recipientPage.text, 'data-minutes="balance"')).to.equal(count(-60, "fa"));
    expect(recipientPage.text).to.include(textOf("fa", "tbNoMemberPending"));
  });

  it("admits a member with the form: on chain and in the database; bad input names the field and writes nothing; no token, no write", async () => {
    const nationalId = syntheticNationalId(960_500);
    await csrfRefused("/app/timebank/members", { nationalId, creditLimit: "30" });
    for (const [form, field] of [
      [{ nationalId, creditLimit: "" }, "creditLimit"],
      [{ nationalId, creditLimit: "ten" }, "creditLimit"],
      [{ nationalId, creditLimit: "4294967296" }, "creditLimit"],
      [{ nationalId: "12345", creditLimit: "30" }, "nationalId"],
      [{ nationalId: "", creditLimit: "30" }, "nationalId"],
      [{ nationalId, creditLimit: "30", wallet: "0x1234" }, "wallet"],
      [{ nationalId, creditLimit: "30", pin: "1234" }, "pin"],
      [{ nationalId, creditLimit: "30", phone: "12" }, "phone"],
    ] as const) {
      const res = await refused("/app/timebank/members", form, 400, field);
      expect(res.text, field).to.not.include(nationalId);
    }
    const before = await world.gw.get("/v1/timebank/members?limit=100", world.coordinator.apiKey);
    // Persian digits in the limit, as a Persian keyboard types them.
    const res = await coordinator.agent
      .post("/app/timebank/members")
      .type("form")
      .send(form({ csrf: coordinator.csrf, nationalId, creditLimit: "۳۰", pin: TIMEBANK_PIN, phone: "" }));
    expect(res.status, res.text).to.equal(303);
    const [, ref] = /^\/app\/timebank\/members\/(0x[0-9a-f]{64})\?done=admitted$/.exec(res.headers.location)!;
    const admitted = await member(ref!);
    expect(admitted).to.include({ status: "active", creditLimit: 30, balance: 0 });
    const onChain = await timeBank().accountOf(admitted.wallet);
    expect([Number(onChain.status), Number(onChain.creditLimit)]).to.deep.equal([1, 30]);
    const after = await world.gw.get("/v1/timebank/members?limit=100", world.coordinator.apiKey);
    expect(after.body.members.length).to.equal(before.body.members.length + 1);
    const db = world.gw.services.store.sqlite;
    expect(db.prepare("SELECT custody FROM timebank_members WHERE member_ref = ?").pluck().get(ref)).to.equal(
      "custodial",
    );
    expect(db.prepare("SELECT 1 FROM access_secrets WHERE beneficiary_ref = ?").get(ref)).to.not.equal(
      undefined,
    );
    const landed = await coordinator.agent.get(res.headers.location);
    expect(landed.text).to.include(textOf("fa", "tbAdmitted"));
    expect(landed.text).to.not.include(nationalId);
    // The same person again: 409 naming the national ID, nothing written, the ID not shown back.
    const again = await refused(
      "/app/timebank/members",
      { nationalId, creditLimit: "30" },
      409,
      "nationalId",
    );
    expect(again.text).to.not.include(nationalId);
    expect(world.gw.logLines.join("\n")).to.not.include(nationalId);
  });

  it("changes a member's limit and status with its form, as the chain then holds them; refusals name the field", async () => {
    const path = `/app/timebank/members/${world.self}/changes`;
    await csrfRefused(path, { action: "suspend", idempotencyKey: "web-tb-change-0001" });
    await refused(
      path,
      { action: "set_credit_limit", creditLimit: "", idempotencyKey: "web-tb-change-0002" },
      400,
      "creditLimit",
    );
    await refused(
      path,
      { action: "suspend", creditLimit: "5", idempotencyKey: "web-tb-change-0003" },
      400,
      "creditLimit",
    );
    await refused(path, { action: "sell", idempotencyKey: "web-tb-change-0004" }, 400, "action");
    await refused(path, { action: "suspend", idempotencyKey: "" }, 400, "idempotencyKey");
    const limit = await coordinator.agent
      .post(path)
      .type("form")
      .send(
        form({
          csrf: coordinator.csrf,
          action: "set_credit_limit",
          creditLimit: "240",
          idempotencyKey: "web-tb-change-0005",
        }),
      );
    expect(limit.status, limit.text).to.equal(303);
    expect(limit.headers.location).to.equal(`/app/timebank/members/${world.self}?done=changed`);
    const wallet = (await member(world.self)).wallet;
    expect(Number((await timeBank().accountOf(wallet)).creditLimit)).to.equal(240);
    const suspend = await coordinator.agent
      .post(path)
      .type("form")
      .send(form({ csrf: coordinator.csrf, action: "suspend", idempotencyKey: "web-tb-change-0006" }));
    expect(suspend.status, suspend.text).to.equal(303);
    expect(Number((await timeBank().accountOf(wallet)).status)).to.equal(2);
    const page = await coordinator.agent.get(suspend.headers.location);
    expect(page.text).to.include(textOf("fa", "tbChanged"));
    expect(textAfter(page.text, 'data-minutes="creditLimit"')).to.equal(count(240, "fa"));
    expect(page.text).to.include('data-status="suspended"');
    // Suspending a suspended member: the TimeBank's refusal, shown on the member's page, nothing queued.
    const twice = await refused(
      path,
      { action: "suspend", idempotencyKey: "web-tb-change-0007" },
      409,
      "action",
    );
    expect(twice.text).to.include(`${textOf("fa", "tbRefusal_MemberStatusInvalid")} (MemberStatusInvalid)`);
    expect(twice.text).to.include(`id="change-form"`);
    const back = await coordinator.agent
      .post(path)
      .type("form")
      .send(form({ csrf: coordinator.csrf, action: "reinstate", idempotencyKey: "web-tb-change-0008" }));
    expect(back.status, back.text).to.equal(303);
    expect(Number((await timeBank().accountOf(wallet)).status)).to.equal(1);
  });

  it("opens a service with its form and confirms it for the recipient; the minutes move on chain; refusals name the field", async () => {
    await csrfRefused("/app/timebank/services", {
      giver: world.giver,
      recipient: world.recipient,
      minutes: "20",
      category: "care",
      idempotencyKey: "web-tb-open-0001",
    });
    const service = (overrides: Record<string, string>) => ({
      giver: world.giver,
      recipient: world.recipient,
      minutes: "20",
      category: "care",
      idempotencyKey: "web-tb-open-0002",
      ...overrides,
    });
    await refused("/app/timebank/services", service({ minutes: "0" }), 400, "minutes");
    await refused("/app/timebank/services", service({ minutes: "1441" }), 400, "minutes");
    await refused("/app/timebank/services", service({ category: "gardening" }), 400, "category");
    await refused("/app/timebank/services", service({ recipient: world.giver }), 400, "recipient");
    await refused("/app/timebank/services", service({ recipient: world.foreignMember }), 404, "recipient");
    await refused("/app/timebank/services", service({ giver: world.self }), 409, "giver");
    const res = await coordinator.agent
      .post("/app/timebank/services")
      .type("form")
      .send(form({ csrf: coordinator.csrf, ...service({}) }));
    expect(res.status, res.text).to.equal(303);
    expect(res.headers.location).to.equal("/app/timebank?done=opened");
    const serviceId = world.gw.services.store.sqlite
      .prepare("SELECT service_id FROM timebank_services WHERE idempotency_key = ?")
      .pluck()
      .get(`${world.coordinator.orgId}:web-tb-open-0002`) as string;
    expect(serviceState(serviceId)).to.deep.equal({ state: "open", confirmedBy: null });

    const confirmPath = `/app/timebank/services/${serviceId}/coordinator-confirmation`;
    await csrfRefused(confirmPath, { payer: "recipient" });
    await refused(confirmPath, { payer: "nobody" }, 400, "payer");
    await refused(
      `/app/timebank/services/svc_${"0".repeat(8)}-0000-0000-0000-${"0".repeat(12)}/coordinator-confirmation`,
      { payer: "recipient" },
      404,
      "serviceId",
    );
    const [giverBefore, recipientBefore] = [await member(world.giver), await member(world.recipient)];
    const confirmed = await coordinator.agent
      .post(confirmPath)
      .type("form")
      .send(form({ csrf: coordinator.csrf, payer: "recipient" }));
    expect(confirmed.status, confirmed.text).to.equal(303);
    expect(confirmed.headers.location).to.equal("/app/timebank?done=confirmed");
    expect(serviceState(serviceId)).to.deep.equal({ state: "confirmed", confirmedBy: "coordinator" });
    expect((await member(world.giver)).balance).to.equal(giverBefore.balance + 20);
    expect((await member(world.recipient)).balance).to.equal(recipientBefore.balance - 20);
    // Confirmed already: 409 naming the service, nothing written.
    await refused(confirmPath, { payer: "recipient" }, 409, "serviceId");
    const page = await coordinator.agent.get("/app/timebank");
    expect(page.text).to.not.include(`data-service="${serviceId}"`);
  });

  it("confirms the ticked services in one call with the batch form, all or none; the pool refusing more than it holds writes nothing", async () => {
    const [first, second] = await Promise.all([
      opened(world.giver, world.recipient, 5, "web-tb-batch-0001"),
      opened(world.giver, world.recipient, 6, "web-tb-batch-0002"),
    ]);
    const ids = [first.body.serviceId as string, second.body.serviceId as string];
    const big = await opened(world.giver, world.recipient, 500, "web-tb-batch-0003");
    const path = "/app/timebank/services/coordinator-confirmations";
    await csrfRefused(path, { serviceIds: ids, payer: "pool" });
    await refused(path, { payer: "pool" }, 400, "serviceIds");
    await refused(path, { serviceIds: [ids[0], "svc_nonsense"], payer: "pool" }, 400, "serviceIds[1]");
    // The pool holds 15: the big one with them is more than it holds.
    await refused(path, { serviceIds: [...ids, big.body.serviceId], payer: "pool" }, 409, "payer");
    expect(ids.map((id) => serviceState(id).state)).to.deep.equal(["open", "open"]);
    const poolBefore = Number(await timeBank().poolBalance());
    const giverBefore = (await member(world.giver)).balance;
    const res = await coordinator.agent
      .post(path)
      .type("form")
      .send(form({ csrf: coordinator.csrf, serviceIds: ids, payer: "pool" }));
    expect(res.status, res.text).to.equal(303);
    expect(ids.map((id) => serviceState(id))).to.deep.equal([
      { state: "confirmed", confirmedBy: "pool" },
      { state: "confirmed", confirmedBy: "pool" },
    ]);
    expect(Number(await timeBank().poolBalance())).to.equal(poolBefore - 11);
    expect((await member(world.giver)).balance).to.equal(giverBefore + 11);
    const page = await coordinator.agent.get("/app/timebank?done=confirmed");
    expect(page.text).to.include(textOf("fa", "tbConfirmed"));
    expect(textAfter(page.text, 'data-minutes="pool"')).to.equal(count(poolBefore - 11, "fa"));
  });

  it("takes the member's word at its coordinator's screen: its PIN or SMS code confirms a service it received, its PIN donates earned minutes; refusals name the field", async () => {
    const phone = "09121234567";
    const admitted = await world.gw.post("/v1/timebank/members", world.coordinator.apiKey, {
      nationalId: syntheticNationalId(960_700),
      creditLimit: 60,
      pin: TIMEBANK_PIN,
      phone,
    });
    expect(admitted.status, admitted.text).to.equal(201);
    const phoned = admitted.body.memberRef as string;
    const [byPin, bySms] = [
      (await opened(world.giver, world.recipient, 7, "web-tb-word-0001")).body.serviceId as string,
      (await opened(world.giver, phoned, 8, "web-tb-word-0002")).body.serviceId as string,
    ];
    const page = await coordinator.agent.get(`/app/timebank/members/${world.recipient}`);
    expect(rowOf(page.text, `data-service="${byPin}"`)).to.include('name="pin"');
    expect(rowOf(page.text, `data-service="${byPin}"`)).to.not.include('name="smsCode"');
    expect(page.text).to.include('id="donate-form"');
    const selfPage = await coordinator.agent.get(`/app/timebank/members/${world.self}`);
    expect(selfPage.text).to.include(textOf("fa", "tbSelfCustodiedWord"));
    expect(selfPage.text).to.not.include('id="donate-form"');

    const confirmPath = `/app/timebank/services/${byPin}/confirmation`;
    await csrfRefused(confirmPath, { pin: TIMEBANK_PIN });
    await refused(confirmPath, {}, 400, "signature");
    const wrong = await refused(confirmPath, { pin: "975310" }, 401, "pin");
    expect(wrong.text).to.include(`${textOf("fa", "tbRefusal_wrong_pin")} (pin_incorrect)`);
    expect(wrong.text).to.include('id="received"');
    const [giverBefore, recipientBefore] = [await member(world.giver), await member(world.recipient)];
    const confirmed = await coordinator.agent
      .post(confirmPath)
      .type("form")
      .send(form({ csrf: coordinator.csrf, pin: TIMEBANK_PIN }));
    expect(confirmed.status, confirmed.text).to.equal(303);
    expect(confirmed.headers.location).to.equal(
      `/app/timebank/members/${world.recipient}?done=memberConfirmed`,
    );
    expect(serviceState(byPin)).to.deep.equal({ state: "confirmed", confirmedBy: "pin" });
    expect((await member(world.giver)).balance).to.equal(giverBefore.balance + 7);
    expect((await member(world.recipient)).balance).to.equal(recipientBefore.balance - 7);
    expect(confirmed.text).to.not.include(TIMEBANK_PIN);

    // By SMS: the member without a phone cannot be texted; the one with a phone gets a code, a wrong one refused.
    const unphoned = await opened(world.giver, world.recipient, 3, "web-tb-word-0003");
    await refused(`/app/timebank/services/${unphoned.body.serviceId}/sms-code`, {}, 409, "serviceId");
    await csrfRefused(`/app/timebank/services/${bySms}/sms-code`, {});
    const sent = await coordinator.agent
      .post(`/app/timebank/services/${bySms}/sms-code`)
      .type("form")
      .send(form({ csrf: coordinator.csrf }));
    expect(sent.status, sent.text).to.equal(303);
    expect(sent.headers.location).to.equal(`/app/timebank/members/${phoned}?done=codeSent`);
    const outbox = readFileSync(path.join(world.gw.dataDir, "sms-outbox.jsonl"), "utf8").trim().split("\n");
    const code = /\b([0-9]{6})\b/.exec((JSON.parse(outbox.at(-1)!) as { text: string }).text)![1]!;
    const phonePage = await coordinator.agent.get(sent.headers.location);
    expect(phonePage.text).to.include(textOf("fa", "tbCodeSent"));
    expect(rowOf(phonePage.text, `data-service="${bySms}"`)).to.include('name="smsCode"');
    const wrongCode = code === "000000" ? "111111" : "000000";
    await refused(`/app/timebank/services/${bySms}/confirmation`, { smsCode: wrongCode }, 401, "smsCode");
    const bySmsDone = await coordinator.agent
      .post(`/app/timebank/services/${bySms}/confirmation`)
      .type("form")
      .send(form({ csrf: coordinator.csrf, smsCode: digits(code, "fa") }));
    expect(bySmsDone.status, bySmsDone.text).to.equal(303);
    expect(serviceState(bySms)).to.deep.equal({ state: "confirmed", confirmedBy: "sms" });
    expect((await member(phoned)).balance).to.equal(-8);

    // A donation of earned minutes with the donor's PIN, to the pool.
    const donations = `/app/timebank/members/${world.giver}/donations`;
    const giverNow = (await member(world.giver)).balance;
    const donation = (fields: Record<string, string>) => ({
      minutes: "5",
      pin: TIMEBANK_PIN,
      to: "",
      idempotencyKey: "web-tb-donation-0001",
      ...fields,
    });
    await csrfRefused(donations, donation({}));
    await refused(donations, donation({ minutes: "0" }), 400, "minutes");
    await refused(donations, donation({ minutes: String(giverNow + 1) }), 409, "minutes");
    await refused(donations, donation({ to: world.giver }), 400, "to");
    await refused(donations, donation({ pin: "" }), 400, "pin");
    await refused(donations, donation({ pin: "975310" }), 401, "pin");
    await refused(`/app/timebank/members/${world.self}/donations`, donation({}), 409, "memberRef");
    const poolBefore = Number(await timeBank().poolBalance());
    const donated = await coordinator.agent
      .post(donations)
      .type("form")
      .send(form({ csrf: coordinator.csrf, ...donation({}) }));
    expect(donated.status, donated.text).to.equal(303);
    expect(donated.headers.location).to.equal(`/app/timebank/members/${world.giver}?done=donated`);
    expect(Number(await timeBank().poolBalance())).to.equal(poolBefore + 5);
    expect((await member(world.giver)).balance).to.equal(giverNow - 5);
    const toMember = await coordinator.agent
      .post(donations)
      .type("form")
      .send(
        form({ csrf: coordinator.csrf, ...donation({ to: phoned, idempotencyKey: "web-tb-donation-0002" }) }),
      );
    expect(toMember.status, toMember.text).to.equal(303);
    expect((await member(phoned)).balance).to.equal(-3);
    expect(world.gw.logLines.join("\n")).to.not.include(TIMEBANK_PIN);
  });

  it("refuses every other role (403) on every page and form, sends a stranger to sign in, and a charity that is no coordinator", async () => {
    const paths = ["/app/timebank", `/app/timebank/members/${world.giver}`];
    const writes: [string, Record<string, unknown>][] = [
      ["/app/timebank/members", { nationalId: syntheticNationalId(960_600), creditLimit: "30" }],
      [
        `/app/timebank/members/${world.giver}/changes`,
        { action: "suspend", idempotencyKey: "web-tb-role-0001" },
      ],
      [
        "/app/timebank/services",
        {
          giver: world.giver,
          recipient: world.recipient,
          minutes: "5",
          category: "care",
          idempotencyKey: "web-tb-role-0002",
        },
      ],
      [`/app/timebank/services/${world.openServiceId}/coordinator-confirmation`, { payer: "recipient" }],
      [
        "/app/timebank/services/coordinator-confirmations",
        { serviceIds: [world.openServiceId], payer: "recipient" },
      ],
      [`/app/timebank/services/${world.openServiceId}/confirmation`, { pin: TIMEBANK_PIN }],
      [`/app/timebank/services/${world.openServiceId}/sms-code`, {}],
      [
        `/app/timebank/members/${world.giver}/donations`,
        { minutes: "1", pin: TIMEBANK_PIN, idempotencyKey: "web-tb-role-0003" },
      ],
    ];
    const before = timebankCounts(world);
    for (const [role, apiKey] of [
      ...Object.entries(world.others),
      ["charity (not a coordinator)", world.plainCharity.apiKey],
    ]) {
      const { agent, csrf } = await signedInAgent(world, apiKey);
      for (const path of paths) {
        const res = await agent.get(path);
        expect(res.status, `${role} ${path}`).to.equal(403);
      }
      // With the session's own valid token: refused for the role, not the token.
      for (const [path, fields] of writes) {
        const res = await agent
          .post(path)
          .type("form")
          .send(form({ csrf, ...fields }));
        expect(res.status, `${role} ${path}`).to.equal(403);
      }
    }
    const notCoordinator = await (
      await signedInAgent(world, world.plainCharity.apiKey)
    ).agent.get("/app/timebank");
    expect(fieldOf(notCoordinator.text)).to.equal("authorization");
    expect(notCoordinator.text).to.include(textOf("fa", "tbRefusal_not_coordinator"));
    expect(timebankCounts(world)).to.deep.equal(before);
    for (const path of paths) {
      const stranger = await request(world.gw.url).get(path);
      expect(stranger.status, path).to.equal(303);
      expect(stranger.headers.location).to.equal(`/app/login?next=${encodeURIComponent(path)}`);
    }
    const strangerWrite = await request(world.gw.url)
      .post("/app/timebank/members")
      .type("form")
      .send(form({ creditLimit: "1" }));
    expect(strangerWrite.status).to.equal(303);
    expect(timebankCounts(world)).to.deep.equal(before);
  });

  it("shows one coordinator nothing of another's members or services: lists without them, their pages and forms the 404 of unknown ones", async () => {
    const other = await signedInAgent(world, world.otherCoordinator.apiKey);
    const home = await other.agent.get("/app/timebank");
    expect(home.status, home.text).to.equal(200);
    expect(home.text).to.include(`data-member="${world.foreignMember}"`);
    for (const ref of [world.giver, world.recipient, world.self]) expect(home.text).to.not.include(ref);
    expect(home.text).to.not.include(world.openServiceId);
    // The pool is shared: its entries show, but the donor and giver are not this coordinator's to name.
    const history = /<table id="pool-history">[\s\S]*?<\/table>/.exec(home.text)![0];
    expect(history).to.include(textOf("fa", "tbOtherMember"));
    expect(history).to.not.include("/app/timebank/members/");
    const before = timebankCounts(world);
    const foreignPage = await other.agent.get(`/app/timebank/members/${world.giver}`);
    expect(foreignPage.status).to.equal(404);
    expect(fieldOf(foreignPage.text)).to.equal("memberRef");
    expect(foreignPage.text).to.not.include('id="account"');
    const writes: [string, Record<string, unknown>, string][] = [
      [
        `/app/timebank/members/${world.giver}/changes`,
        { action: "suspend", idempotencyKey: "web-tb-foreign-0001" },
        "memberRef",
      ],
      [
        `/app/timebank/services/${world.openServiceId}/coordinator-confirmation`,
        { payer: "recipient" },
        "serviceId",
      ],
      [
        "/app/timebank/services/coordinator-confirmations",
        { serviceIds: [world.openServiceId], payer: "recipient" },
        "serviceIds[0]",
      ],
      [`/app/timebank/services/${world.openServiceId}/confirmation`, { pin: TIMEBANK_PIN }, "serviceId"],
      [`/app/timebank/services/${world.openServiceId}/sms-code`, {}, "serviceId"],
      [
        `/app/timebank/members/${world.giver}/donations`,
        { minutes: "1", pin: TIMEBANK_PIN, idempotencyKey: "web-tb-foreign-0003" },
        "memberRef",
      ],
      [
        "/app/timebank/services",
        {
          giver: world.foreignMember,
          recipient: world.giver,
          minutes: "5",
          category: "care",
          idempotencyKey: "web-tb-foreign-0002",
        },
        "recipient",
      ],
    ];
    for (const [path, fields, field] of writes) {
      const res = await other.agent
        .post(path)
        .type("form")
        .send(form({ csrf: other.csrf, ...fields }));
      expect(res.status, path).to.equal(404);
      expect(fieldOf(res.text), path).to.equal(field);
      expect(res.text, path).to.include(textOf("fa", "tbRefusal_not_found"));
    }
    expect(timebankCounts(world)).to.deep.equal(before);
    expect(serviceState(world.openServiceId).state).to.equal("open");
    expect((await member(world.giver)).status).to.equal("active");
  });
});
