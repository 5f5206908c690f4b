import { expect } from "chai";
import {
  concat,
  dataSlice,
  getAddress,
  keccak256,
  Signature,
  toBeHex,
  toUtf8Bytes,
  Wallet,
  zeroPadValue,
} from "ethers";
import request from "supertest";
import { PERSIAN_REFUSALS } from "../../../src/web/i18n/refusals";
import { createApiKey, revokeApiKey } from "../../../src/apiKeys";
import { cookieHeader } from "../../../src/web/cookies";
import { PAGE_CSP } from "../../../src/web/pageState";
import { digits } from "../../../src/web/i18n/format";
import { countRows } from "../e2e/harness";
import { smsCodesTo } from "../e2e/deliveryFixture";
import { cookiesOf, readStream } from "./eventStream";
import { csrfOf, stopWebWorld, until, webWorld, type WebWorld } from "./webWorld";

type Agent = ReturnType<typeof request.agent>;

/**
 * The pages over HTTP against a whole gateway: headers (CSP, cookies), sign-in and out, CSRF refusals that
 * write nothing, the language switch, role refusals, session expiry and revocation, the donor's lookups,
 * the vendor's counter from opening a delivery to its redemption, and the read-only chain relay.
 */
describe("web: pages over HTTP", function () {
  this.timeout(240_000);
  let world: WebWorld;
  const db = () => world.gw.services.store.sqlite;
  const sessions = () => countRows(world.gw, "web_sessions");

  /** A browser-like visitor: cookies kept, the CSRF token read from the page it opened. */
  async function visitor(): Promise<{ agent: Agent; csrf: string }> {
    const agent = request.agent(world.gw.url);
    const home = await agent.get("/app");
    expect(home.status).to.equal(200);
    return { agent, csrf: csrfOf(home.text) };
  }
  async function signedIn(apiKey: string): Promise<{ agent: Agent; csrf: string }> {
    const { agent, csrf } = await visitor();
    const res = await agent.post("/app/login").type("form").send({ csrf, apiKey });
    expect(res.status, res.text).to.equal(303);
    const page = await agent.get("/app");
    return { agent, csrf: csrfOf(page.text) };
  }

  before(async () => {
    world = await webWorld(951_000);
  });
  after(() => stopWebWorld(world));

  it("serves Persian right-to-left by default under a strict CSP, with no inline script or style", async () => {
    const res = await request(world.gw.url).get("/app");
    expect(res.status).to.equal(200);
    expect(res.headers["content-type"]).to.match(/^text\/html/);
    expect(res.headers["content-security-policy"]).to.equal(PAGE_CSP);
    expect(PAGE_CSP).to.include("script-src 'self'").and.not.include("unsafe");
    expect(res.text).to.include('<html lang="fa" dir="rtl">');
    expect(res.text).to.not.match(/<script(?![^>]*\bsrc=)/);
    expect(res.text).to.not.match(/\sstyle=|<style/);
    expect(res.text).to.not.match(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    const cookie = (res.headers["set-cookie"] as unknown as string[]).find((c) =>
      c.startsWith("sintech_csrf="),
    )!;
    expect(cookie).to.match(/; Path=\/app; SameSite=Strict; HttpOnly$/);
    // The API keeps its own stricter policy.
    expect((await request(world.gw.url).get("/health")).headers["content-security-policy"]).to.include(
      "default-src 'none'",
    );
  });

  it("marks cookies Secure on https", () => {
    expect(cookieHeader("sintech_session", "x", { secure: true, maxAgeSeconds: 60 })).to.equal(
      "sintech_session=x; Path=/app; SameSite=Strict; HttpOnly; Secure; Max-Age=60",
    );
  });

  it("serves the static scripts and styles, and a page for what does not exist", async () => {
    const script = await request(world.gw.url).get("/app/static/verify.js");
    expect(script.status).to.equal(200);
    expect(script.headers["content-type"]).to.match(/^text\/javascript/);
    const missing = await request(world.gw.url).get("/app/static/evil.js");
    expect(missing.status).to.equal(404);
    expect(missing.headers["content-type"]).to.match(/^text\/html/);
  });

  it("switches the language with a POST form, remembers it, and refuses a switch without the token", async () => {
    const { agent, csrf } = await visitor();
    const refused = await agent.post("/app/language").type("form").send({ lang: "en", back: "/app/donor" });
    expect(refused.status).to.equal(403);
    expect(refused.headers["set-cookie"] ?? []).to.not.satisfy((c: string[]) =>
      c.some((v) => v.startsWith("sintech_lang")),
    );
    const switched = await agent
      .post("/app/language")
      .type("form")
      .send({ csrf, lang: "en", back: "/app/donor" });
    expect(switched.status).to.equal(303);
    expect(switched.headers.location).to.equal("/app/donor");
    expect(String(switched.headers["set-cookie"])).to.match(
      /sintech_lang=en; Path=\/app; SameSite=Strict; HttpOnly; Max-Age=31536000/,
    );
    const english = await agent.get("/app/donor");
    expect(english.text).to.include('<html lang="en" dir="ltr">');
    expect(english.text).to.include("Follow a gift");
    const elsewhere = await agent
      .post("/app/language")
      .type("form")
      .send({ csrf, lang: "fa", back: "//evil.example/x" });
    expect(elsewhere.headers.location).to.equal("/app");
    const upward = await agent
      .post("/app/language")
      .type("form")
      .send({ csrf, lang: "fa", back: "/app/../v1/organisations" });
    expect(upward.headers.location).to.equal("/app");
    const bad = await agent.post("/app/language").type("form").send({ csrf, lang: "de", back: "/app" });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include("lang");
  });

  it("exchanges a valid API key for a session cookie; refuses a bad key or a missing token, writing nothing", async () => {
    const before = sessions();
    const { agent, csrf } = await visitor();
    const noToken = await agent.post("/app/login").type("form").send({ apiKey: world.vendor.apiKey });
    expect(noToken.status).to.equal(403);
    const otherToken = await agent
      .post("/app/login")
      .type("form")
      .send({ csrf: "x".repeat(43), apiKey: world.vendor.apiKey });
    expect(otherToken.status).to.equal(403);
    const badKey = await agent
      .post("/app/login")
      .type("form")
      .send({ csrf, apiKey: "stk_" + "a".repeat(43) });
    expect(badKey.status).to.equal(401);
    expect(badKey.text).to.include('aria-invalid="true"');
    expect(sessions()).to.equal(before);

    const ok = await agent.post("/app/login").type("form").send({ csrf, apiKey: world.vendor.apiKey });
    expect(ok.status).to.equal(303);
    expect(ok.headers.location).to.equal("/app/vendor");
    const cookie = (ok.headers["set-cookie"] as unknown as string[]).find((c) =>
      c.startsWith("sintech_session="),
    )!;
    expect(cookie).to.match(
      /^sintech_session=[A-Za-z0-9_-]{43}; Path=\/app; SameSite=Strict; HttpOnly; Max-Age=28800$/,
    );
    expect(sessions()).to.equal(before + 1);
    const id = /^sintech_session=([^;]+)/.exec(cookie)![1]!;
    expect(JSON.stringify(db().prepare("SELECT * FROM web_sessions").all())).to.not.include(id);
    expect(JSON.stringify(db().prepare("SELECT * FROM web_sessions").all())).to.not.include(
      world.vendor.apiKey,
    );
    // The session has its own CSRF token: the visitor's no longer passes.
    const counter = await agent.get("/app/vendor");
    expect(counter.status).to.equal(200);
    expect(csrfOf(counter.text)).to.not.equal(csrf);
    const stale = await agent.post("/app/logout").type("form").send({ csrf });
    expect(stale.status).to.equal(403);
  });

  it("sends strangers to sign in and back, and refuses other roles with 403", async () => {
    const anonymous = await request(world.gw.url).get("/app/vendor");
    expect(anonymous.status).to.equal(303);
    expect(anonymous.headers.location).to.equal("/app/login?next=%2Fapp%2Fvendor");
    const donor = await signedIn(world.donor.apiKey);
    expect((await donor.agent.get("/app/vendor")).status).to.equal(403);
    const opened = await donor.agent.post("/app/vendor/deliveries").type("form").send({ csrf: donor.csrf });
    expect(opened.status).to.equal(403);
    const vendor = await signedIn(world.vendor.apiKey);
    expect((await vendor.agent.get(`/app/donor/gift?giftId=${world.giftIds[0]}`)).status).to.equal(403);
    // Signing in from the login page's link comes back to where it was asked for.
    const { agent, csrf } = await visitor();
    const back = await agent
      .post("/app/login")
      .type("form")
      .send({ csrf, apiKey: world.vendor.apiKey, next: "/app/vendor" });
    expect(back.headers.location).to.equal("/app/vendor");
  });

  it("ends a session at logout, at expiry and when its key is revoked", async () => {
    const a = await signedIn(world.vendor.apiKey);
    const before = sessions();
    const out = await a.agent.post("/app/logout").type("form").send({ csrf: a.csrf });
    expect(out.status).to.equal(303);
    expect(sessions()).to.equal(before - 1);
    expect((await a.agent.get("/app/vendor")).status).to.equal(303);

    const b = await signedIn(world.vendor.apiKey);
    db()
      .prepare("UPDATE web_sessions SET expires_at = ?")
      .run(new Date(Date.now() - 1000).toISOString());
    const expired = await b.agent.get("/app/vendor");
    expect(expired.status).to.equal(303);
    expect(String(expired.headers["set-cookie"])).to.include(
      "sintech_session=; Path=/app; SameSite=Strict; HttpOnly; Max-Age=0",
    );

    const extra = createApiKey(db(), { orgId: world.vendor.orgId, role: "vendor", label: "web revocation" });
    const c = await signedIn(extra.key);
    expect((await c.agent.get("/app/vendor")).status).to.equal(200);
    expect(revokeApiKey(db(), extra.record.id)).to.equal(true);
    expect((await c.agent.get("/app/vendor")).status).to.equal(303);
  });

  it("shows a signed-in donor its gift's timeline, chart and proofs; a foreign gift is the 404 of an unknown one", async () => {
    const donor = await signedIn(world.donor.apiKey);
    const res = await donor.agent.get(`/app/donor/gift?giftId=${world.giftIds[0]}`);
    expect(res.status, res.text).to.equal(200);
    expect(res.text).to.include('<svg class="chart"');
    expect(res.text).to.include('class="verify-proof"');
    expect(res.text).to.include(`data-tx="${world.redemptionTx}"`);
    expect(res.text).to.include(
      `data-anchor="${String(world.gw.services.anchoring.anchor.target).toLowerCase()}"`,
    );
    expect(res.text).to.include("۱٬۵۰۰"); // the delivery's amount, in Persian digits
    expect(res.text).to.include("توزیع کالا"); // the anchored confirmation's kind
    expect(res.text).to.include('<script src="/app/static/verify.js" defer>');
    const foreign = await donor.agent.get(`/app/donor/gift?giftId=${world.cashGift.giftId}`);
    const unknown = await donor.agent.get("/app/donor/gift?giftId=999999");
    expect(foreign.status).to.equal(404);
    expect(unknown.status).to.equal(404);
    const bad = await donor.agent.get("/app/donor/gift?giftId=12abc");
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include("<code>giftId</code>");
    // The refusal in the page's language, by its code: Persian words here, the use-case's sentence in English.
    expect(bad.text).to.include(`${PERSIAN_REFUSALS.invalid_id} (invalid_id)`);
    expect(bad.text).to.not.include("Enter the gift id");
    expect(unknown.text).to.include(`${PERSIAN_REFUSALS.not_found} (not_found)`);
    await donor.agent
      .post("/app/language")
      .type("form")
      .send({ csrf: donor.csrf, lang: "en", back: "/app/donor" });
    const english = await donor.agent.get("/app/donor/gift?giftId=12abc");
    expect(english.text).to.include("Enter the gift id in plain decimal digits. (invalid_id)");
    await donor.agent
      .post("/app/language")
      .type("form")
      .send({ csrf: donor.csrf, lang: "fa", back: "/app/donor" });
  });

  it("opens a cash gift by receipt code and secret sent in a form, and a wrong secret like no code", async () => {
    const { agent, csrf } = await visitor();
    const { code, secret, giftId } = world.cashGift;
    const noToken = await agent.post("/app/donor/receipt").type("form").send({ code, secret });
    expect(noToken.status).to.equal(403);
    const ok = await agent.post("/app/donor/receipt").type("form").send({ csrf, code, secret });
    expect(ok.status, ok.text).to.equal(200);
    expect(ok.text).to.include(`<h1>کمک ${digits(giftId, "fa")}</h1>`);
    expect(ok.text).to.not.include(secret);
    // The language switch on a form's answer goes back to the form, not to a POST address.
    expect(ok.text).to.include('name="back" value="/app/donor"');
    const wrong = await agent.post("/app/donor/receipt").type("form").send({ csrf, code, secret: "nope" });
    expect(wrong.status).to.equal(404);
    expect(wrong.text).to.include("<code>code</code>");
    expect(wrong.text).to.include(`${PERSIAN_REFUSALS.not_found} (not_found)`);
  });

  it("follows a cash gift live with the grant its receipt left in a cookie: the secret in no address, cookie or log", async () => {
    const { agent, csrf } = await visitor();
    const { code, secret, giftId } = world.cashGift;
    const opened = await agent.post("/app/donor/receipt").type("form").send({ csrf, code, secret });
    expect(opened.status, opened.text).to.equal(200);
    const events = `/app/donor/gifts/${giftId}/events`;
    expect(opened.text).to.include(`data-events="${events}"`);
    expect(opened.text).to.include('<script src="/app/static/follow.js" defer>');
    const setCookies = opened.headers["set-cookie"] as unknown as string[];
    const watch = setCookies.find((c) => c.startsWith("sintech_watch="))!;
    expect(watch).to.match(/; Path=\/app; SameSite=Strict; HttpOnly; Max-Age=28800$/);
    expect(watch).to.not.include(secret).and.not.include(code);
    const grant = cookiesOf(watch);

    const stream = await readStream(world.gw.url, events, grant);
    expect(stream.status).to.equal(200);
    expect(stream.contentType).to.match(/^text\/event-stream/);
    // Another gift, no grant, a tampered grant and a forged expiry are all answered as an unknown gift.
    const value = grant.slice("sintech_watch=".length);
    const [id, expires, version, mac] = decodeURIComponent(value).split(".");
    const refusals = [
      [`/app/donor/gifts/${world.giftIds[0]}/events`, grant],
      [events, ""],
      [events, `sintech_watch=${id}.${expires}.${version}.${mac!.slice(0, -2)}AA`],
      [events, `sintech_watch=${id}.${Number(expires) + 3600}.${version}.${mac}`],
      [events, `sintech_watch=${id}.100.${version}.${mac}`],
    ] as const;
    for (const [path, cookie] of refusals) {
      const refused = await readStream(world.gw.url, path, cookie);
      expect(refused.status, `${path} ${cookie}`).to.equal(404);
      expect(refused.contentType).to.match(/^text\/html/);
    }
    expect(world.gw.logLines.join("\n")).to.not.include(secret);
  });

  it("streams a gift's events to a session that may read it, after the event the page shows; others get 404", async () => {
    const login = async (apiKey: string) => {
      const { agent, csrf } = await visitor();
      const res = await agent.post("/app/login").type("form").send({ csrf, apiKey });
      expect(res.status).to.equal(303);
      return cookiesOf(res.headers["set-cookie"] as unknown as string[]);
    };
    const donor = await login(world.donor.apiKey);
    const path = `/app/donor/gifts/${world.giftIds[0]}/events`;
    const all = await readStream(world.gw.url, path, donor);
    expect(all.status).to.equal(200);
    const ids = [...all.text.matchAll(/^id: (evt_[0-9a-f]{32})$/gm)].map((m) => m[1]!);
    expect(all.text).to.include("event: gift.delivered");
    expect(ids.length).to.be.at.least(1);
    const after = await readStream(world.gw.url, `${path}?after=${ids.at(-1)}`, donor);
    expect(after.status).to.equal(200);
    expect(after.text).to.not.include("event: ");
    const page = await request(world.gw.url)
      .get(`/app/donor/gift?giftId=${world.giftIds[0]}`)
      .set("Cookie", donor);
    expect(page.text).to.include(`data-after="${ids.at(-1)}"`);
    for (const cookie of [await login(world.vendor.apiKey), ""]) {
      expect((await readStream(world.gw.url, path, cookie)).status).to.equal(404);
    }
    expect((await readStream(world.gw.url, "/app/donor/gifts/0x1/events", donor)).status).to.equal(404);
  });

  it("registers a signed-in donor's webhook from the gift's page, showing its secret once; bad input writes nothing", async () => {
    const webhooks = () => countRows(world.gw, "webhooks");
    const donor = await signedIn(world.donor.apiKey);
    const giftId = world.giftIds[0]!;
    const page = await donor.agent.get(`/app/donor/gift?giftId=${giftId}`);
    expect(page.text).to.include('action="/app/donor/webhooks"');
    const before = webhooks();
    const noToken = await donor.agent
      .post("/app/donor/webhooks")
      .type("form")
      .send({ giftId: String(giftId), url: "http://127.0.0.1:9/hook", scope: "gift" });
    expect(noToken.status).to.equal(403);
    const bad = await donor.agent
      .post("/app/donor/webhooks")
      .type("form")
      .send({ csrf: donor.csrf, giftId: String(giftId), url: "ftp://example.org/", scope: "gift" });
    expect(bad.status, bad.text).to.equal(400);
    expect(bad.text).to.include("<code>url</code>");
    expect(bad.text).to.include('aria-invalid="true"');
    const foreign = await donor.agent
      .post("/app/donor/webhooks")
      .type("form")
      .send({ csrf: donor.csrf, giftId: String(world.cashGift.giftId), url: "http://127.0.0.1:9/x" });
    expect(foreign.status).to.equal(404);
    expect(webhooks()).to.equal(before);

    const ok = await donor.agent
      .post("/app/donor/webhooks")
      .type("form")
      .send({ csrf: donor.csrf, giftId: String(giftId), url: "http://127.0.0.1:9/hook", scope: "gift" });
    expect(ok.status, ok.text).to.equal(201);
    const secret = /id="webhook-secret" dir="ltr">(whsec_[A-Za-z0-9_-]{43})</.exec(ok.text)![1]!;
    const row = db().prepare("SELECT org_id, url, gift_id FROM webhooks ORDER BY rowid DESC LIMIT 1").get();
    expect(row).to.deep.equal({ org_id: world.donor.orgId, url: "http://127.0.0.1:9/hook", gift_id: giftId });
    expect(world.gw.logLines.join("\n")).to.not.include(secret);
    const all = await donor.agent
      .post("/app/donor/webhooks")
      .type("form")
      .send({ csrf: donor.csrf, giftId: String(giftId), url: "http://127.0.0.1:9/all", scope: "all" });
    expect(all.status).to.equal(201);
    expect(db().prepare("SELECT gift_id FROM webhooks ORDER BY rowid DESC LIMIT 1").pluck().get()).to.equal(
      null,
    );

    const charity = await signedIn(world.charity.apiKey);
    const refused = await charity.agent
      .post("/app/donor/webhooks")
      .type("form")
      .send({ csrf: charity.csrf, giftId: String(giftId), url: "http://127.0.0.1:9/hook" });
    expect(refused.status).to.equal(403);
    expect(webhooks()).to.equal(before + 2);
  });

  it("refuses a vendor's bad form with the field named, writing nothing, and never shows a typed national ID", async () => {
    const vendor = await signedIn(world.vendor.apiKey);
    const before = countRows(world.gw, "deliveries");
    const base = {
      csrf: vendor.csrf,
      programmeId: String(world.programmeId),
      handleKind: "householdRef",
      handle: world.households[1]!.householdRef,
      amount: "100",
      item: "food-basket",
      quantity: "1",
      idempotencyKey: "web-test-bad-0001",
    };
    const open = (overrides: Record<string, string>) =>
      vendor.agent
        .post("/app/vendor/deliveries")
        .type("form")
        .send({ ...base, ...overrides });
    for (const [field, value] of [
      ["amount", "abc"],
      ["item", "cash"],
      ["handleKind", "name"],
      ["programmeId", "four"],
      ["quantity", "-1"],
    ] as const) {
      const refused = await open({ [field]: value });
      expect(refused.status, field).to.equal(400);
      expect(refused.text, field).to.include(`<code>${field}</code>`);
    }
    const nationalId = "0012345679";
    const typed = await open({ handleKind: "nationalId", handle: nationalId, amount: "abc" });
    expect(typed.status).to.equal(400);
    expect(typed.text).to.not.include(nationalId);
    const noToken = await vendor.agent
      .post("/app/vendor/deliveries")
      .type("form")
      .send({ ...base, csrf: undefined });
    expect(noToken.status).to.equal(403);
    expect(countRows(world.gw, "deliveries")).to.equal(before);
    expect(world.gw.logLines.join("\n")).to.not.include(nationalId);
  });

  it("takes a vendor from opening a delivery to its redemption: QR, SMS code, a wrong code refused, redeemed", async () => {
    const vendor = await signedIn(world.vendor.apiKey);
    const household = world.households[1]!;
    const form = {
      csrf: vendor.csrf,
      programmeId: String(world.programmeId),
      handleKind: "nationalId",
      handle: household.nationalId,
      amount: "250",
      item: "rice",
      quantity: "2",
      idempotencyKey: "web-test-open-0001",
    };
    const opened = await vendor.agent.post("/app/vendor/deliveries").type("form").send(form);
    expect(opened.status, opened.text).to.equal(303);
    const path = opened.headers.location as string;
    expect(path).to.match(/^\/app\/vendor\/deliveries\/dlv_[0-9a-f-]{36}$/);
    expect(path).to.not.include(household.nationalId);
    const page = await vendor.agent.get(path);
    expect(page.text).to.include('<svg class="qr"');
    expect(page.text).to.include('data-state="open"');
    expect(page.text).to.include("برنج × ۲"); // rice, as Persian says it
    expect(page.text).to.not.include(household.nationalId);

    const sent = await vendor.agent.post(`${path}/sms-code`).type("form").send({ csrf: vendor.csrf });
    expect(sent.status).to.equal(303);
    expect(sent.headers.location).to.equal(`${path}?sent=1`);
    const code = smsCodesTo(world.gw, household.phone).at(-1)!;
    const wrongCode = code === "000000" ? "111111" : "000000";
    const wrong = await vendor.agent
      .post(`${path}/acceptance`)
      .type("form")
      .send({ csrf: vendor.csrf, proofKind: "smsCode", code: wrongCode });
    expect(wrong.status).to.equal(401);
    expect(wrong.text).to.include('role="alert"');
    expect(wrong.text).to.include(`${PERSIAN_REFUSALS.code_incorrect} (code_incorrect)`);
    const accepted = await vendor.agent
      .post(`${path}/acceptance`)
      .type("form")
      .send({ csrf: vendor.csrf, proofKind: "smsCode", code });
    expect(accepted.status, accepted.text).to.equal(303);
    await world.gw.services.outbox.drain();
    const redeemed = await until("the delivery redeemed", async () => {
      const res = await vendor.agent.get(path);
      return res.text.includes('data-state="redeemed"') ? res : undefined;
    });
    expect(redeemed.text).to.not.include('<svg class="qr"');
    const counter = await vendor.agent.get("/app/vendor");
    expect(counter.text).to.include(path);
    // The same form sent twice opens one delivery.
    const again = await vendor.agent.post("/app/vendor/deliveries").type("form").send(form);
    expect(again.headers.location).to.equal(path);
    // Another vendor's session cannot open it.
    const other = await signedIn(world.otherVendor.apiKey);
    expect((await other.agent.get(path)).status).to.equal(404);
    expect(world.gw.logLines.join("\n")).to.not.include(household.nationalId);
  });

  it("relays read calls to the chain unchanged and refuses anything that writes", async () => {
    const relay = (body: unknown) =>
      request(world.gw.url)
        .post("/app/chain-rpc")
        .send(body as object);
    const chainId = await relay({ jsonrpc: "2.0", id: 7, method: "eth_chainId", params: [] });
    expect(chainId.status).to.equal(200);
    expect(chainId.body).to.deep.equal({
      jsonrpc: "2.0",
      id: 7,
      result: `0x${world.gw.services.chainId.toString(16)}`,
    });
    const receipt = await relay({
      jsonrpc: "2.0",
      id: 1,
      method: "eth_getTransactionReceipt",
      params: [world.redemptionTx],
    });
    expect(receipt.body.result.status).to.equal("0x1");
    // The transaction itself, whose calldata carries the receipt and signature the page checks.
    const tx = await relay({
      jsonrpc: "2.0",
      id: 2,
      method: "eth_getTransactionByHash",
      params: [world.redemptionTx],
    });
    expect(tx.status).to.equal(200);
    expect(tx.body.result.hash).to.equal(world.redemptionTx);
    expect(tx.body.result.to.toLowerCase()).to.equal(
      String(world.gw.services.system.ledger.target).toLowerCase(),
    );
    // The ecrecover precompile answers like any contract: a digest and signature give their signer.
    const signer = Wallet.createRandom();
    const digest = keccak256(toUtf8Bytes("relay"));
    const signature = Signature.from(signer.signingKey.sign(digest));
    const recovered = await relay({
      jsonrpc: "2.0",
      id: 3,
      method: "eth_call",
      params: [
        {
          to: "0x0000000000000000000000000000000000000001",
          data: concat([digest, zeroPadValue(toBeHex(signature.v), 32), signature.r, signature.s]),
        },
        "latest",
      ],
    });
    expect(getAddress(dataSlice(recovered.body.result, 12))).to.equal(signer.address);
    // A call the node answers with an error (a block it has not mined) is its answer, not a relay failure.
    const ahead = await relay({
      jsonrpc: "2.0",
      id: 4,
      method: "eth_call",
      params: [{ to: world.gw.services.operator, data: "0x12345678" }, "0xffffffffffff"],
    });
    expect(ahead.status, ahead.text).to.equal(200);
    expect(ahead.body.error.code).to.be.a("number");
    expect(ahead.body).to.not.have.property("result");
    for (const refused of [
      { method: "eth_getTransactionByHash", params: ["0x1234"] },
      { method: "eth_getTransactionByHash", params: [world.redemptionTx, true] },
      { method: "eth_sendRawTransaction", params: ["0x00"] },
      { method: "eth_sendTransaction", params: [{}] },
      {
        method: "eth_call",
        params: [
          { to: world.gw.services.operator, data: "0x12345678", from: world.gw.services.operator },
          "latest",
        ],
      },
      { method: "anvil_setBalance", params: [] },
    ]) {
      const res = await relay({ jsonrpc: "2.0", id: 1, ...refused });
      expect(res.status, refused.method).to.equal(400);
      expect(res.body.error.code).to.equal(-32601);
    }
    // A body it cannot read is a JSON-RPC error too, never the pages' HTML error page.
    const garbled = await request(world.gw.url).post("/app/chain-rpc").type("json").send("{not json");
    expect([garbled.status, garbled.type, garbled.body.error?.code]).to.deep.equal([
      400,
      "application/json",
      -32700,
    ]);
    const large = await request(world.gw.url)
      .post("/app/chain-rpc")
      .type("json")
      .send(JSON.stringify({ method: "eth_chainId", pad: "x".repeat(5_000) }));
    expect([large.status, large.type, large.body.error?.code]).to.deep.equal([
      413,
      "application/json",
      -32600,
    ]);
  });
});
