import { expect } from "chai";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import path from "node:path";
import request from "supertest";
import { createLoginLink, findApiKey, revokeApiKey } from "../../../src/apiKeys";
import {
  bootE2e,
  countRows,
  registerOrganisation,
  removeDataDir,
  type E2eGateway,
  type Organisation,
} from "../e2e/harness";
import { csrfOf } from "./webWorld";

type Agent = ReturnType<typeof request.agent>;
const BIN = path.join(__dirname, "..", "..", "..", "bin", "sintech.js");
const TOKEN = /#(stl_[A-Za-z0-9_-]{43})$/;

/** Runs the real CLI in its own process against the gateway's data folder. */
function sintech(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env.PATH ?? "", ...env }, timeout: 200_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * One-time login links over HTTP against a whole gateway: minted by a key holder for its own organisation
 * (or by the operator's CLI), opened (a page that spends nothing), consumed once into the same session
 * cookie a key gives, and refused when used, expired, altered, without the form's token, or after its key
 * was revoked; never in a log line. And the regulator's grant form: a double submit registers one
 * organisation, a repeat answers it without its key, refusals name the field and write nothing.
 */
describe("web: one-time login links and the regulator's grant form over HTTP", function () {
  this.timeout(480_000);
  let gw: E2eGateway;
  let charity: Organisation;
  let otherCharity: Organisation;
  let donor: Organisation;
  const tokens: string[] = [];
  const db = () => gw.services.store.sqlite;
  const sessions = () => countRows(gw, "web_sessions");

  /** A browser-like visitor on the link's page, in English (Persian is the default, checked once below). */
  async function visitor(): Promise<{ agent: Agent; csrf: string }> {
    const agent = request.agent(gw.url);
    const opened = await agent.get("/app/login/link");
    expect(opened.status).to.equal(200);
    await english(agent, csrfOf(opened.text));
    return { agent, csrf: csrfOf((await agent.get("/app/login/link")).text) };
  }
  async function english(agent: Agent, csrf: string): Promise<void> {
    const switched = await agent.post("/app/language").type("form").send({ csrf, lang: "en", back: "/app" });
    expect(switched.status).to.equal(303);
  }
  async function mint(apiKey: string, body: object = {}): Promise<string> {
    const res = await gw.post("/v1/login-links", apiKey, body);
    expect(res.status, res.text).to.equal(201);
    const token = TOKEN.exec(res.body.path)![1]!;
    tokens.push(token);
    return token;
  }
  const use = (agent: Agent, csrf: string, token: string) =>
    agent.post("/app/login/link").type("form").send({ csrf, token });

  before(async () => {
    gw = await bootE2e();
    charity = await registerOrganisation(gw, "charity");
    otherCharity = await registerOrganisation(gw, "charity");
    donor = await registerOrganisation(gw, "donor");
  });
  after(async () => {
    await gw?.stop();
    if (gw) removeDataDir(gw.dataDir);
  });

  it("mints a link for the caller's own organisation and role, keeping only a keyed hash of its token", async () => {
    const res = await gw.post("/v1/login-links", charity.apiKey, {});
    expect(res.status, res.text).to.equal(201);
    expect(res.body.path).to.match(/^\/app\/login\/link#stl_[A-Za-z0-9_-]{43}$/);
    const token = TOKEN.exec(res.body.path)![1]!;
    tokens.push(token);
    const minutes = (Date.parse(res.body.expiresAt) - Date.now()) / 60_000;
    expect(minutes).to.be.within(14, 15.01);
    const row = db().prepare("SELECT * FROM login_links ORDER BY created_at DESC LIMIT 1").get() as Record<
      string,
      unknown
    >;
    const key = findApiKey(db(), charity.apiKey)!;
    expect(row).to.include({ org_id: charity.orgId, role: "charity", key_id: key.id, used_at: null });
    // A keyed hash: neither the token nor its plain SHA-256 is stored.
    expect(JSON.stringify(row)).to.not.include(token);
    expect(row.token_hash).to.not.equal(createHash("sha256").update(token).digest("hex"));

    // No way to name another organisation, nor a life past an hour: refused, nothing written.
    const before = countRows(gw, "login_links");
    const other = await gw.post("/v1/login-links", charity.apiKey, { orgId: otherCharity.orgId });
    expect(other.status).to.equal(400);
    const long = await gw.post("/v1/login-links", charity.apiKey, { minutes: 61 });
    expect(long.status).to.equal(400);
    expect(long.body.error.field).to.equal("minutes");
    expect((await gw.post("/v1/login-links", undefined, {})).status).to.equal(401);
    expect(countRows(gw, "login_links")).to.equal(before);
  });

  it("opens on a page whose button posts the token: opening (a preview, a prefetch) spends nothing", async () => {
    const token = await mint(charity.apiKey);
    for (let i = 0; i < 2; i++) {
      const page = await request(gw.url).get("/app/login/link");
      expect(page.status).to.equal(200);
      expect(page.text).to.include("ورود با پیوند یک‌بارمصرف");
      expect(page.text).to.include('<form method="post" action="/app/login/link"');
      expect(page.text).to.include('<script src="/app/static/login-link.js" defer></script>');
      expect(page.headers["referrer-policy"]).to.equal("no-referrer");
      expect(page.headers["cache-control"]).to.equal("no-store");
    }
    expect(db().prepare("SELECT used_at FROM login_links WHERE used_at IS NOT NULL").all()).to.have.length(0);
    const script = await request(gw.url).get("/app/static/login-link.js");
    expect(script.status).to.equal(200);
    expect(script.text).to.include("history.replaceState");
    // Still good after being opened.
    const { agent, csrf } = await visitor();
    expect((await use(agent, csrf, token)).status).to.equal(303);
  });

  it("signs in once with the same session cookie as a key; the same link again is refused and opens nothing", async () => {
    const token = await mint(charity.apiKey);
    const before = sessions();
    const { agent, csrf } = await visitor();
    const noToken = await agent.post("/app/login/link").type("form").send({ token });
    expect(noToken.status).to.equal(403);
    expect(sessions()).to.equal(before);

    const signed = await use(agent, csrf, token);
    expect(signed.status, signed.text).to.equal(303);
    expect(signed.headers.location).to.equal("/app/charity");
    const cookie = (signed.headers["set-cookie"] as unknown as string[]).find((c) =>
      c.startsWith("sintech_session="),
    )!;
    expect(cookie).to.match(/; Path=\/app; SameSite=Strict; HttpOnly; Max-Age=28800$/);
    expect(sessions()).to.equal(before + 1);
    const session = db()
      .prepare("SELECT org_id, role, key_id FROM web_sessions ORDER BY created_at DESC LIMIT 1")
      .get();
    expect(session).to.deep.equal({
      org_id: charity.orgId,
      role: "charity",
      key_id: findApiKey(db(), charity.apiKey)!.id,
    });
    const home = await agent.get("/app/charity");
    expect(home.status).to.equal(200);
    // The session's forms carry its own CSRF token, not the visitor's.
    expect(csrfOf(home.text)).to.not.equal(csrf);

    const again = await visitor();
    const reused = await use(again.agent, again.csrf, token);
    expect(reused.status).to.equal(410);
    expect(reused.text).to.include("already used");
    expect(reused.text).to.include("<code>token</code>");
    expect(reused.headers["set-cookie"] ?? []).to.not.satisfy((c: string[]) =>
      c.some((v) => v.startsWith("sintech_session=") && !v.startsWith("sintech_session=;")),
    );
    expect(sessions()).to.equal(before + 1);
  });

  it("refuses an expired link and an altered token with a clear page, and the altered one's original still works", async () => {
    const key = findApiKey(db(), charity.apiKey)!;
    const principal = { keyId: key.id, orgId: key.orgId, role: key.role };
    const old = createLoginLink(db(), gw.services.organisations.peppers, principal, {
      now: new Date(Date.now() - 16 * 60_000),
    });
    const before = sessions();
    const { agent, csrf } = await visitor();
    const expired = await use(agent, csrf, TOKEN.exec(old.path)![1]!);
    expect(expired.status).to.equal(410);
    expect(expired.text).to.include("has expired");

    const token = await mint(charity.apiKey);
    const last = token.at(-1) === "A" ? "B" : "A";
    for (const tampered of [token.slice(0, -1) + last, token.slice(0, -1), "stk_" + token.slice(4), ""]) {
      const res = await use(agent, csrf, tampered);
      expect(res.status, tampered).to.equal(401);
      expect(res.text).to.include("not valid");
      expect(res.text).to.include('aria-invalid="true"');
    }
    expect(sessions()).to.equal(before);
    expect((await use(agent, csrf, token)).status).to.equal(303);
  });

  it("signs in as the organisation and role that made the link, never another; a revoked key's link is refused", async () => {
    const theirs = await mint(otherCharity.apiKey);
    const donors = await mint(donor.apiKey);
    const a = await visitor();
    expect((await use(a.agent, a.csrf, theirs)).headers.location).to.equal("/app/charity");
    const session = db()
      .prepare("SELECT org_id FROM web_sessions ORDER BY created_at DESC LIMIT 1")
      .pluck()
      .get();
    expect(session).to.equal(otherCharity.orgId);
    const b = await visitor();
    expect((await use(b.agent, b.csrf, donors)).headers.location).to.equal("/app/donor");
    // The donor's link opened a donor's session: the charity's page stays closed to it.
    expect((await b.agent.get("/app/charity")).status).to.equal(403);

    const revocable = await registerOrganisation(gw, "vendor");
    const token = await mint(revocable.apiKey);
    revokeApiKey(db(), findApiKey(db(), revocable.apiKey)!.id);
    const c = await visitor();
    const before = sessions();
    const refused = await use(c.agent, c.csrf, token);
    expect(refused.status).to.equal(401);
    expect(refused.text).to.include("revoked");
    expect(sessions()).to.equal(before);
  });

  // Each CLI run starts the TypeScript sources through ts-node: tens of seconds on a busy machine.
  it("the operator's CLI makes a link for an organisation that the running gateway honours; an unknown one is refused", async () => {
    const made = await sintech(["login-link", "--org", charity.orgId, "--minutes", "5"], {
      DATA_DIR: gw.dataDir,
      SINTECH_URL: gw.url,
    });
    expect(made.code, made.stderr).to.equal(0);
    const [link, expiry] = made.stdout.trim().split("\n");
    expect(link).to.match(new RegExp(`^${gw.url}/app/login/link#stl_[A-Za-z0-9_-]{43}$`));
    expect(expiry).to.match(/^expires 20\d\d-/);
    tokens.push(TOKEN.exec(link!)![1]!);
    const { agent, csrf } = await visitor();
    const signed = await use(agent, csrf, TOKEN.exec(link!)![1]!);
    expect(signed.headers.location).to.equal("/app/charity");
    // Its sessions hang on a key of their own, whose plaintext nobody was shown.
    const keys = db()
      .prepare("SELECT count(*) FROM api_keys WHERE org_id = ? AND label = 'login links (CLI)'")
      .pluck()
      .get(charity.orgId);
    expect(keys).to.equal(1);

    const before = countRows(gw, "login_links");
    const unknown = await sintech(["login-link", "--org", "org_000000000000"], { DATA_DIR: gw.dataDir });
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.include('No organisation "org_000000000000" is registered');
    const tooLong = await sintech(["login-link", "--org", charity.orgId, "--minutes", "90"], {
      DATA_DIR: gw.dataDir,
    });
    expect(tooLong.code).to.equal(2);
    expect(countRows(gw, "login_links")).to.equal(before);
  });

  describe("the regulator's grant form", () => {
    let agent: Agent;
    let csrf: string;
    /** What a grant writes: the organisation, its key, its licence's chain job, its idempotency key twice. */
    const counts = () =>
      ["organisations", "api_keys", "chain_jobs", "organisation_requests", "idempotency_keys"].map((table) =>
        countRows(gw, table),
      );
    const plusOne = (before: number[]) => before.map((count) => count + 1);
    const form = (fields: Record<string, string | string[]>) =>
      agent.post("/app/regulator/organisations").type("form").send(fields);

    before(async () => {
      agent = request.agent(gw.url);
      const login = await agent.get("/app/login");
      const signed = await agent
        .post("/app/login")
        .type("form")
        .send({ csrf: csrfOf(login.text), apiKey: gw.regulatorKey });
      expect(signed.status).to.equal(303);
      await english(agent, csrfOf((await agent.get("/app/regulator")).text));
      csrf = csrfOf((await agent.get("/app/regulator")).text);
    });

    it("registers one organisation for a form sent twice at once, shows its key once in the body, and a later repeat says so without it", async () => {
      const page = await agent.get("/app/regulator");
      expect(page.text).to.include('action="/app/regulator/organisations"');
      const idempotencyKey = /name="idempotencyKey" value="(web-[0-9a-f-]{36}-grant)"/.exec(page.text)![1]!;
      const fields = {
        csrf,
        idempotencyKey,
        name: "Grant Form Relief",
        role: "charity",
        layers: ["relief", "support"],
        categories: "۱, 2، 3",
        validDays: "۳۰",
      };
      const before = counts();
      const [first, second] = await Promise.all([form(fields), form(fields)]);
      expect(first.status, first.text).to.equal(201);
      expect(second.status, second.text).to.equal(201);
      const keyOf = (text: string) =>
        /<code id="granted-key" dir="ltr">(stk_[A-Za-z0-9_-]{43})<\/code>/.exec(text)?.[1];
      expect(keyOf(first.text)).to.be.a("string");
      expect(keyOf(second.text)).to.equal(keyOf(first.text));
      expect(first.headers.location).to.equal(undefined);
      expect(first.headers["cache-control"]).to.equal("no-store");
      expect(counts()).to.deep.equal(plusOne(before));
      const orgId = /data-org="(org_[0-9a-f]{12})"/.exec(first.text)![1]!;
      const org = db()
        .prepare("SELECT name, role, layers, categories FROM organisations WHERE org_id = ?")
        .get(orgId);
      expect(org).to.deep.equal({ name: "Grant Form Relief", role: "charity", layers: 3, categories: "14" });
      // The key works, and it is in no log line.
      expect((await gw.get("/v1/programmes", keyOf(first.text))).status).to.equal(200);
      expect(gw.logLines.join("\n")).to.not.include(keyOf(first.text)!);

      const repeat = await form(fields);
      expect(repeat.status).to.equal(200);
      expect(repeat.text).to.include("already sent");
      expect(repeat.text).to.include(`data-org="${orgId}"`);
      expect(keyOf(repeat.text)).to.equal(undefined);
      const reused = await form({ ...fields, name: "Another Name" });
      expect(reused.status).to.equal(409);
      expect(reused.text).to.include("<code>idempotencyKey</code>");
      expect(counts()).to.deep.equal(plusOne(before));
    });

    it("refuses a name with control or bidi characters, an unknown role, no layer or bad days, naming the field and writing nothing", async () => {
      const base = {
        csrf,
        name: "Valid Name",
        role: "vendor",
        layers: ["relief"],
        categories: "0",
        validDays: "365",
      };
      const before = counts();
      const cases: [Record<string, string | string[]>, string][] = [
        [{ name: "Evil\u202Egnp.exe" }, "name"],
        [{ name: "Bell\u0007Name" }, "name"],
        [{ role: "overlord" }, "role"],
        [{ layers: [] }, "layers"],
        [{ categories: "256" }, "categories"],
        [{ validDays: "ten" }, "validDays"],
      ];
      for (const [index, [change, field]] of cases.entries()) {
        const res = await form({ ...base, ...change, idempotencyKey: `web-refused-${index}-${field}` });
        expect(res.status, `${field}: ${res.text.slice(0, 200)}`).to.equal(400);
        expect(res.text).to.include(`<code>${field}`);
        // The form is shown again as sent, beside the refusal.
        expect(res.text).to.include('id="grant"');
      }
      expect(counts()).to.deep.equal(before);
      const noCsrf = await agent
        .post("/app/regulator/organisations")
        .type("form")
        .send({ ...base, idempotencyKey: "web-no-csrf-0001", csrf: undefined });
      expect(noCsrf.status).to.equal(403);
      expect(counts()).to.deep.equal(before);
    });

    it("the API route takes the same key: a repeat answers the same organisation without its key, another body 409", async () => {
      const body = { name: "API Repeat Relief", role: "charity", idempotencyKey: "api-register-0001" };
      const before = counts();
      const first = await gw.post("/v1/organisations", gw.regulatorKey, body);
      expect(first.status, first.text).to.equal(201);
      expect(first.body.apiKey).to.match(/^stk_/);
      const again = await gw.post("/v1/organisations", gw.regulatorKey, body);
      expect(again.status).to.equal(200);
      expect(again.body).to.deep.equal({ organisation: first.body.organisation, apiKey: null });
      const other = await gw.post("/v1/organisations", gw.regulatorKey, { ...body, role: "vendor" });
      expect(other.status).to.equal(409);
      expect(other.body.error).to.include({ field: "idempotencyKey", code: "idempotency_key_reused" });
      const bad = await gw.post("/v1/organisations", gw.regulatorKey, { ...body, idempotencyKey: "short" });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.field).to.equal("idempotencyKey");
      expect(counts()).to.deep.equal(plusOne(before));
      // Without a key, as before: each call registers anew.
      const plain = { name: "API Plain Relief", role: "donor" };
      const a = await gw.post("/v1/organisations", gw.regulatorKey, plain);
      const b = await gw.post("/v1/organisations", gw.regulatorKey, plain);
      expect(a.body.organisation.orgId).to.not.equal(b.body.organisation.orgId);
    });

    it("is the regulator's only", async () => {
      const login = await request.agent(gw.url);
      const page = await login.get("/app/login");
      await login
        .post("/app/login")
        .type("form")
        .send({ csrf: csrfOf(page.text), apiKey: charity.apiKey });
      const own = csrfOf((await login.get("/app/charity")).text);
      const before = counts();
      const res = await login.post("/app/regulator/organisations").type("form").send({
        csrf: own,
        name: "Not Allowed",
        role: "charity",
        layers: "relief",
        idempotencyKey: "web-charity-0001",
      });
      expect(res.status).to.equal(403);
      expect(counts()).to.deep.equal(before);
    });
  });

  it("writes no link's token in any log line", () => {
    expect(tokens.length).to.be.at.least(7);
    const logs = gw.logLines.join("\n");
    for (const token of tokens) expect(logs).to.not.include(token);
    expect(logs).to.include('"route":"/app/login/link"');
  });
});
