import { expect } from "chai";
import { Wallet, type TypedDataDomain, type TypedDataField } from "ethers";
import request from "supertest";
import { syntheticNationalId } from "../../../src/identity";
import { count } from "../../../src/web/i18n/format";
import { textOf } from "../../../src/web/i18n/texts";
import { untilIndexed } from "../e2e/harness";
import { csrfOf } from "./webWorld";
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

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/**
 * Issue 12: a time-bank member's own page. Its coordinator makes a one-time sign-in link on the member's page
 * (the address and a QR code, shown once); the member opens it, presses the button, and reads its account, what
 * moved its minutes and what waits for its word, confirms a service it received with its PIN and donates to the
 * pool. Over HTTP on a whole gateway: what the page shows is what the chain holds; the member's forms need its
 * own session's CSRF token; a link works once; signing out ends the session.
 */
describe("web: a time-bank member's own page, signed in with its coordinator's link", function () {
  this.timeout(300_000);
  let world: TimebankWorld;
  let coordinator: { agent: Agent; csrf: string };
  const db = () => world.gw.services.store.sqlite;
  const rows = (table: string) => db().prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

  before(async () => {
    world = await timebankWorld(966_000);
    coordinator = await signedInAgent(world, world.coordinator.apiKey);
  });
  after(() => stopTimebankWorld(world));

  /** The coordinator makes the member a link on its page; answers the link's path (`/app/member/login#stm_…`). */
  async function makeLink(memberRef: string): Promise<string> {
    const res = await coordinator.agent
      .post(`/app/timebank/members/${memberRef}/login-link`)
      .type("form")
      .send({ csrf: coordinator.csrf });
    expect(res.status, res.text).to.equal(200);
    expect(res.headers["cache-control"]).to.equal("no-store");
    const url = /<code id="login-link-url">([^<]+)<\/code>/.exec(res.text)![1]!;
    expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/app\/member\/login#stm_[A-Za-z0-9_-]{43}$/);
    expect(res.text).to.include('<svg class="qr"');
    return url.slice(url.indexOf("/app/"));
  }

  /** A fresh browser opens the link and presses the button: a member session cookie. */
  async function openLink(path: string): Promise<{ agent: Agent; res: request.Response }> {
    const agent = request.agent(world.gw.url);
    const form = await agent.get(path.split("#")[0]!);
    expect(form.status).to.equal(200);
    expect(form.text).to.include('src="/app/static/login-link.js"');
    const res = await agent
      .post("/app/member/login")
      .type("form")
      .send({ csrf: csrfOf(form.text), token: path.split("#")[1] });
    return { agent, res };
  }

  it("makes the link on the coordinator's member page, once per press; without the session's token nothing is made", async () => {
    const before = rows("member_login_links");
    const refused = await coordinator.agent
      .post(`/app/timebank/members/${world.recipient}/login-link`)
      .type("form")
      .send({});
    expect(refused.status).to.equal(403);
    expect(rows("member_login_links")).to.equal(before);
    const page = await coordinator.agent.get(`/app/timebank/members/${world.recipient}`);
    expect(page.text).to.include(`action="/app/timebank/members/${world.recipient}/login-link"`);
    // No public address configured: the link is shown, never texted.
    expect(page.text).to.not.include('value="sms"');
    const texted = await world.gw.post(
      `/v1/timebank/members/${world.recipient}/login-links`,
      world.coordinator.apiKey,
      {
        send: "sms",
      },
    );
    expect(texted.status, texted.text).to.equal(409);
    expect(texted.body.error).to.include({ field: "send", code: "public_url_unset" });
    expect(page.text).to.not.include("#stm_");
    await makeLink(world.recipient);
    expect(rows("member_login_links")).to.equal(before + 1);
    // Another coordinator's member: the 404 of an unknown one, nothing made.
    const foreign = await coordinator.agent
      .post(`/app/timebank/members/${world.foreignMember}/login-link`)
      .type("form")
      .send({ csrf: coordinator.csrf });
    expect(foreign.status).to.equal(404);
    expect(rows("member_login_links")).to.equal(before + 1);
  });

  it("signs the member in once per link, and shows its account, history and waiting services as the chain holds them", async () => {
    const stranger = await request(world.gw.url).get("/app/member");
    expect(stranger.status).to.equal(303);
    expect(stranger.headers.location).to.equal("/app/member/login");
    // An organisation's page session is not a member's.
    expect((await coordinator.agent.get("/app/member")).status).to.equal(303);

    const path = await makeLink(world.recipient);
    const { agent, res } = await openLink(path);
    expect(res.status, res.text).to.equal(303);
    expect(res.headers.location).to.equal("/app/member");
    const cookie = (res.headers["set-cookie"] as unknown as string[]).find((c) =>
      c.startsWith("sintech_member="),
    )!;
    expect(cookie).to.include("HttpOnly").and.include("SameSite=Strict").and.include("Path=/app");
    const again = await openLink(path);
    expect(again.res.status).to.equal(410);
    expect(again.res.text).to.include('id="form-error"');

    await untilIndexed(world.gw);
    const page = await agent.get("/app/member");
    expect(page.status, page.text).to.equal(200);
    const account = (await world.gw.get(`/v1/timebank/members/${world.recipient}`, world.coordinator.apiKey))
      .body as { wallet: string; balance: number; creditLimit: number };
    expect(page.text).to.include(world.recipient).and.include(account.wallet);
    expect(textAfter(page.text, 'data-minutes="balance"')).to.equal(count(account.balance, "fa"));
    expect(textAfter(page.text, 'data-minutes="creditLimit"')).to.equal(count(account.creditLimit, "fa"));
    const coordinatorName = db()
      .prepare("SELECT name FROM organisations WHERE org_id = ?")
      .pluck()
      .get(world.coordinator.orgId) as string;
    expect(page.text).to.include(coordinatorName);
    const history = (
      await world.gw.get(`/v1/timebank/members/${world.recipient}/history`, world.coordinator.apiKey)
    ).body as { entries: unknown[] };
    const table = /<table id="history">[\s\S]*?<\/table>/.exec(page.text)![0];
    expect(table.match(/<tr data-kind="/g)).to.have.length(history.entries.length);
    expect(page.text).to.include('id="as-of"');
    // The service waiting for its word, with a form of its own page; nothing of another coordinator's.
    expect(page.text).to.include(`action="/app/member/services/${world.openServiceId}/confirmation"`);
    expect(page.text).to.not.include(world.foreignMember);
    expect(page.text).to.not.include("/app/timebank/services/");
  });

  it("takes the member's word with its own session's token: a wrong PIN is refused, its PIN confirms, a donation goes to the pool", async () => {
    const { agent } = await openLink(await makeLink(world.recipient));
    const page = await agent.get("/app/member");
    const memberCsrf = csrfOf(
      /<form[^>]*action="\/app\/member\/services[\s\S]*?<\/form>/.exec(page.text)![0],
    );
    const path = `/app/member/services/${world.openServiceId}/confirmation`;
    const before = timebankCounts(world);
    // The visitor's token (the language form's) is not the member session's: refused, nothing written.
    const visitorCsrf = csrfOf(
      /<form method="post" action="\/app\/language"[\s\S]*?<\/form>/.exec(page.text)![0],
    );
    expect(visitorCsrf).to.not.equal(memberCsrf);
    for (const csrf of ["", visitorCsrf]) {
      const refused = await agent
        .post(path)
        .type("form")
        .send(form({ csrf, pin: TIMEBANK_PIN }));
      expect(refused.status).to.equal(403);
    }
    const wrong = await agent
      .post(path)
      .type("form")
      .send(form({ csrf: memberCsrf, pin: "000000" }));
    expect(wrong.status).to.equal(401);
    expect(wrong.text).to.include('id="form-error"');
    expect(timebankCounts(world)).to.deep.equal(before);

    const balance = async () =>
      (await world.gw.get(`/v1/timebank/members/${world.recipient}`, world.coordinator.apiKey)).body
        .balance as number;
    const was = await balance();
    const confirmed = await agent
      .post(path)
      .type("form")
      .send(form({ csrf: memberCsrf, pin: TIMEBANK_PIN }));
    expect(confirmed.status, confirmed.text).to.equal(303);
    expect(confirmed.headers.location).to.equal("/app/member?done=memberConfirmed");
    expect(await balance()).to.equal(was - 15);
    const after = await agent.get("/app/member?done=memberConfirmed");
    expect(after.text).to.include(textOf("fa", "tbMemberConfirmed"));
    expect(after.text).to.not.include(`action="${path}"`);

    // The giver donates 5 of its earned minutes to the pool from its own page.
    const giver = await openLink(await makeLink(world.giver));
    const giverPage = await giver.agent.get("/app/member");
    const donateForm = /<form[^>]*id="donate-form"[\s\S]*?<\/form>/.exec(giverPage.text)![0];
    expect(donateForm).to.include('action="/app/member/donations"');
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(donateForm)![1]!;
    const pool = async () => Number(await world.gw.services.system.timeBank.poolBalance());
    const poolBefore = await pool();
    const donated = await giver.agent
      .post("/app/member/donations")
      .type("form")
      .send(form({ csrf: csrfOf(donateForm), minutes: "۵", pin: TIMEBANK_PIN, idempotencyKey: key, to: "" }));
    expect(donated.status, donated.text).to.equal(303);
    expect(await pool()).to.equal(poolBefore + 5);
  });

  it("gives a member that holds its own wallet what its wallet app signs, and takes the signature", async () => {
    const wallet = Wallet.createRandom();
    const res = await world.gw.post("/v1/timebank/members", world.coordinator.apiKey, {
      nationalId: syntheticNationalId(966_500),
      creditLimit: 120,
      wallet: wallet.address,
    });
    expect(res.status, res.text).to.equal(201);
    const own = res.body.memberRef as string;
    const opened = await world.gw.post("/v1/timebank/services", world.coordinator.apiKey, {
      giver: world.giver,
      recipient: own,
      minutes: 12,
      category: "tutoring",
      idempotencyKey: "web-member-wallet-0001",
    });
    expect(opened.status, opened.text).to.equal(201);
    const serviceId = opened.body.serviceId as string;
    const { agent } = await openLink(await makeLink(own));
    const page = await agent.get("/app/member");
    const card = new RegExp(`<div class="card" data-service="${serviceId}">[\\s\\S]*?</form>`).exec(
      page.text,
    )![0];
    expect(card).to.include('<svg class="qr"');
    expect(card).to.include(`action="/app/member/services/${serviceId}/confirmation"`);
    expect(card).to.include('name="signature"');
    expect(card).to.not.include('name="pin"');
    // The typed data on the page is what the wallet signs: read from the page, signed, and accepted.
    const pre = /<pre dir="ltr" id="[^"]+">([\s\S]*?)<\/pre>/.exec(card)![1]!;
    const typed = JSON.parse(
      pre
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&amp;/g, "&"),
    ) as {
      domain: TypedDataDomain;
      types: Record<string, TypedDataField[]>;
      message: Record<string, unknown>;
    };
    const csrf = csrfOf(card);
    const path = `/app/member/services/${serviceId}/confirmation`;
    const before = timebankCounts(world);
    const stranger = await Wallet.createRandom().signTypedData(typed.domain, typed.types, typed.message);
    const refused = await agent
      .post(path)
      .type("form")
      .send(form({ csrf, signature: stranger }));
    expect(refused.status).to.equal(400);
    expect(refused.text).to.include(textOf("fa", "tbRefusal_not_signer"));
    expect(timebankCounts(world)).to.deep.equal(before);
    const signature = await wallet.signTypedData(typed.domain, typed.types, typed.message);
    const confirmed = await agent.post(path).type("form").send(form({ csrf, signature }));
    expect(confirmed.status, confirmed.text).to.equal(303);
    expect(Number((await world.gw.services.system.timeBank.accountOf(wallet.address)).balance)).to.equal(-12);
  });

  it("lets the coordinator set a member's PIN and move it to a new key from its page; an empty form writes nothing", async () => {
    const admitted = await world.gw.post("/v1/timebank/members", world.coordinator.apiKey, {
      nationalId: syntheticNationalId(966_600),
      creditLimit: 120,
      pin: TIMEBANK_PIN,
    });
    expect(admitted.status, admitted.text).to.equal(201);
    const ref = admitted.body.memberRef as string;
    const page = await coordinator.agent.get(`/app/timebank/members/${ref}`);
    expect(page.text).to.include('id="access-form"').and.include('id="rebind-form"');
    const post = (path: string, fields: Record<string, string>) =>
      coordinator.agent
        .post(`/app/timebank/members/${ref}/${path}`)
        .type("form")
        .send(form({ csrf: coordinator.csrf, ...fields }));
    const before = timebankCounts(world);
    const empty = await post("access", { pin: "", phone: "" });
    expect(empty.status).to.equal(400);
    expect(/id="form-error"[\s\S]*?<code>([^<]+)<\/code>/.exec(empty.text)?.[1]).to.equal("pin");
    expect(timebankCounts(world)).to.deep.equal(before);

    const set = await post("access", { pin: "۷۳۹۱۶۴", phone: "" });
    expect(set.status, set.text).to.equal(303);
    expect(set.headers.location).to.equal(`/app/timebank/members/${ref}?done=accessSet`);
    // The old PIN no longer unlocks the key; the new one does, confirming a minute the member received.
    const served = await world.gw.post("/v1/timebank/services", world.coordinator.apiKey, {
      giver: world.giver,
      recipient: ref,
      minutes: 1,
      category: "care",
      idempotencyKey: "web-access-served-01",
    });
    expect(served.status, served.text).to.equal(201);
    const confirm = (pin: string) =>
      world.gw.post(`/v1/timebank/services/${served.body.serviceId}/confirmation`, world.coordinator.apiKey, {
        pin,
      });
    expect((await confirm(TIMEBANK_PIN)).status).to.equal(401);
    expect((await confirm("739164")).status).to.equal(200);

    const { agent } = await openLink(await makeLink(ref));
    expect((await agent.get("/app/member")).status).to.equal(200);
    const oldWallet = (await world.gw.get(`/v1/timebank/members/${ref}`, world.coordinator.apiKey)).body
      .wallet;
    const key = /name="idempotencyKey" value="([^"]+-rebind)"/.exec(page.text)![1]!;
    const moved = await post("wallet-rebinding", { idempotencyKey: key });
    expect(moved.status, moved.text).to.equal(303);
    const account = (await world.gw.get(`/v1/timebank/members/${ref}`, world.coordinator.apiKey)).body;
    expect(account.wallet).to.not.equal(oldWallet);
    expect(Number((await world.gw.services.system.timeBank.accountOf(account.wallet)).balance)).to.equal(-1);
    // The member's session ended with the move: it signs in again with a new link.
    expect((await agent.get("/app/member")).status).to.equal(303);
  });

  it("shows the member its own code, and logs a service it gave to the member whose code it types", async () => {
    const { agent } = await openLink(await makeLink(world.giver));
    const page = await agent.get("/app/member");
    expect(/<code id="member-code-ref">([^<]+)<\/code>/.exec(page.text)![1]).to.equal(world.giver);
    const logForm = /<form[^>]*id="log-service-form"[\s\S]*?<\/form>/.exec(page.text)![0];
    const fields = {
      csrf: csrfOf(logForm),
      idempotencyKey: /name="idempotencyKey" value="([^"]+)"/.exec(logForm)![1]!,
      recipient: world.recipient,
      minutes: "۷",
      category: "repairs",
    };
    const before = timebankCounts(world);
    const refused = await agent
      .post("/app/member/services")
      .type("form")
      .send(form({ ...fields, minutes: "0" }));
    expect(refused.status).to.equal(400);
    expect(timebankCounts(world)).to.deep.equal(before);
    const logged = await agent.post("/app/member/services").type("form").send(form(fields));
    expect(logged.status, logged.text).to.equal(303);
    expect(logged.headers.location).to.equal("/app/member?done=logged");
    const row = db()
      .prepare(
        "SELECT giver_ref, recipient_ref, duration, state FROM timebank_services WHERE idempotency_key LIKE ?",
      )
      .get(`%${fields.idempotencyKey}`);
    expect(row).to.deep.equal({
      giver_ref: world.giver,
      recipient_ref: world.recipient,
      duration: 7,
      state: "open",
    });
  });

  it("signs the member out: its session ends and the page asks for a new link", async () => {
    const { agent } = await openLink(await makeLink(world.giver));
    const page = await agent.get("/app/member");
    const logout = /<form method="post" action="\/app\/member\/logout"[\s\S]*?<\/form>/.exec(page.text)![0];
    const sessions = rows("member_sessions");
    const out = await agent
      .post("/app/member/logout")
      .type("form")
      .send(form({ csrf: csrfOf(logout) }));
    expect(out.status).to.equal(200);
    expect(out.text).to.include(textOf("fa", "memberSignedOut"));
    expect(rows("member_sessions")).to.equal(sessions - 1);
    const back = await agent.get("/app/member");
    expect(back.status).to.equal(303);
    expect(back.headers.location).to.equal("/app/member/login");
  });
});
