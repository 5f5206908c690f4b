import { expect } from "chai";
import { createHash } from "node:crypto";
import { Wallet, type TypedDataDomain, type TypedDataField } from "ethers";
import { ROLES, type Role } from "../../../src/apiKeys";
import { syntheticNationalId } from "../../../src/identity";
import {
  bootE2e,
  countRows,
  registerOrganisation,
  removeDataDir,
  type E2eGateway,
  type Organisation,
  untilIndexed,
} from "../e2e/harness";
import { textsTo } from "../mandates/mandateFixture";
import { admitMember, refusedWritingNothing, seedTimeBank, TIMEBANK_PIN } from "./timebankFixture";

/**
 * Issue 12: members had no read or word of their own; they hold no API key, and their coordinator relayed
 * everything. Now a coordinator makes a member a one-time sign-in link, the link opens a member session, and
 * the session reads the member's own account, history and waiting services, and gives its word (PIN or SMS
 * code) and its donations. On a whole gateway: links spent once, refused when used, expired or altered;
 * sessions that act for their one member only, refuse API keys, end on sign-out and on removal.
 */
describe("timebank: a member signs in with its coordinator's link and reads and acts for itself", function () {
  this.timeout(240_000);
  let gw: E2eGateway;
  let coordinator: Organisation;
  let other: Organisation;
  let giver: string;
  let recipient: string;
  let openServiceId: string;
  const keys = {} as Record<Role, string>;
  const PUBLIC_URL = "https://aid.example.org";
  const TABLES = [
    "member_login_links",
    "member_sessions",
    "chain_jobs",
    "timebank_services",
    "timebank_otps",
    "access_secrets",
  ];
  const counts = () => Object.fromEntries(TABLES.map((table) => [table, countRows(gw, table)]));

  const link = async (org: Organisation, memberRef: string, body: Record<string, unknown> = {}) =>
    gw.post(`/v1/timebank/members/${memberRef}/login-links`, org.apiKey, body);
  const tokenOf = (path: string) => path.slice(path.indexOf("#") + 1);
  /** A session for the member, through its coordinator's link. */
  const signIn = async (memberRef: string): Promise<string> => {
    const made = await link(coordinator, memberRef);
    expect(made.status, made.text).to.equal(201);
    const opened = await gw.post("/v1/member/sessions", undefined, { token: tokenOf(made.body.path) });
    expect(opened.status, opened.text).to.equal(201);
    return opened.body.token as string;
  };

  before(async () => {
    gw = await bootE2e({ env: { SINTECH_PUBLIC_URL: PUBLIC_URL } });
    coordinator = await registerOrganisation(gw, "charity");
    other = await registerOrganisation(gw, "charity");
    for (const org of [coordinator, other]) {
      const res = await gw.post("/v1/timebank/coordinators", gw.regulatorKey, { orgId: org.orgId });
      expect(res.status, res.text).to.equal(201);
    }
    ({ giver, recipient, openServiceId } = await seedTimeBank(gw, coordinator, 964_000));
    for (const role of ROLES)
      keys[role] = role === "regulator" ? gw.regulatorKey : (await registerOrganisation(gw, role)).apiKey;
    keys.charity = coordinator.apiKey;
  });
  after(async () => {
    await gw?.stop();
    if (gw) removeDataDir(gw.dataDir);
  });

  it("makes a single-use link kept only as a keyed hash; another coordinator's member is 404, bad input names the field", async () => {
    const made = await link(coordinator, recipient, { minutes: 10 });
    expect(made.status, made.text).to.equal(201);
    expect(made.body.path).to.match(/^\/app\/member\/login#stm_[A-Za-z0-9_-]{43}$/);
    expect(made.body.memberRef).to.equal(recipient);
    expect(Date.parse(made.body.expiresAt) - Date.now()).to.be.within(9 * 60_000, 10 * 60_000 + 5_000);
    // Neither the token nor its plain SHA-256 is stored.
    const token = tokenOf(made.body.path);
    const stored = JSON.stringify(gw.services.store.sqlite.prepare("SELECT * FROM member_login_links").all());
    expect(stored).to.not.include(token);
    expect(stored).to.not.include(createHash("sha256").update(token).digest("hex"));

    await refusedWritingNothing(counts, () => link(other, recipient), 404, "memberRef");
    await refusedWritingNothing(counts, () => link(coordinator, `0x${"cd".repeat(32)}`), 404, "memberRef");
    for (const minutes of [0, 61, 1.5, "15"])
      await refusedWritingNothing(counts, () => link(coordinator, recipient, { minutes }), 400, "minutes");
    await refusedWritingNothing(counts, () => link(coordinator, recipient, { send: "email" }), 400, "send");
  });

  it("texts the link to a member's phone on file instead of answering it, at the gateway's public address", async () => {
    // The recipient has no phone on file: nothing is made or sent.
    await refusedWritingNothing(
      counts,
      () => link(coordinator, recipient, { send: "sms" }),
      409,
      "send",
      "no_phone",
    );
    const phone = "09121234567";
    const texted = await admitMember(gw, coordinator, syntheticNationalId(964_700), {
      pin: TIMEBANK_PIN,
      phone,
    });
    const sent = await link(coordinator, texted, { send: "sms", minutes: 5 });
    expect(sent.status, sent.text).to.equal(201);
    expect(sent.body).to.include({ memberRef: texted, path: null, sentBy: "sms" });
    const [text] = textsTo(gw, phone).slice(-1);
    const match = /(https:\/\/aid\.example\.org\/app\/member\/login#(stm_[A-Za-z0-9_-]{43}))$/.exec(text!);
    expect(match, text).to.not.equal(null);
    expect(text).to.include("5 minutes");
    const opened = await gw.post("/v1/member/sessions", undefined, { token: match![2] });
    expect(opened.status, opened.text).to.equal(201);
    expect(opened.body.memberRef).to.equal(texted);
  });

  it("opens a session once per link; a used, expired or altered link is refused and opens nothing", async () => {
    const made = await link(coordinator, recipient);
    const token = tokenOf(made.body.path);
    const open = (t: unknown) => gw.post("/v1/member/sessions", undefined, { token: t });
    const opened = await open(token);
    expect(opened.status, opened.text).to.equal(201);
    expect(opened.body.token).to.match(/^stms_[A-Za-z0-9_-]{43}$/);
    expect(opened.body.memberRef).to.equal(recipient);
    await refusedWritingNothing(counts, () => open(token), 401, "token", "link_used");
    await refusedWritingNothing(
      counts,
      () => open(`${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`),
      401,
      "token",
      "link_unknown",
    );
    await refusedWritingNothing(counts, () => open("stk_not_a_link"), 401, "token", "link_unknown");
    await refusedWritingNothing(counts, () => gw.post("/v1/member/sessions", undefined, {}), 400, "token");

    const late = await link(coordinator, recipient, { minutes: 1 });
    gw.services.store.sqlite
      .prepare("UPDATE member_login_links SET expires_at = ? WHERE used_at IS NULL")
      .run(new Date(Date.now() - 1000).toISOString());
    await refusedWritingNothing(counts, () => open(tokenOf(late.body.path)), 401, "token", "link_expired");

    // Two requests racing with one link: one session.
    const raced = tokenOf((await link(coordinator, recipient)).body.path);
    const answers = await Promise.all([open(raced), open(raced), open(raced)]);
    expect(answers.map((a) => a.status).sort()).to.deep.equal([201, 401, 401]);
  });

  it("reads the member's own account, its history as its coordinator reads it, and the services waiting for its word", async () => {
    const session = await signIn(recipient);
    const account = await gw.get("/v1/member", session);
    expect(account.status, account.text).to.equal(200);
    expect(account.body).to.include({
      memberRef: recipient,
      custody: "custodial",
      status: "active",
      balance: -60,
      pin: true,
    });
    expect(account.body.coordinatorName).to.be.a("string").and.not.equal("");
    const onChain = await gw.services.system.timeBank.accountOf(account.body.wallet);
    expect(Number(onChain.balance)).to.equal(account.body.balance);

    await untilIndexed(gw);
    const own = await gw.get("/v1/member/history", session);
    const relayed = await gw.get(`/v1/timebank/members/${recipient}/history`, coordinator.apiKey);
    expect(own.status, own.text).to.equal(200);
    expect(own.body).to.deep.equal(relayed.body);
    expect(
      own.body.entries.map((e: { kind: string; minutes: number }) => `${e.kind} ${e.minutes}`),
    ).to.deep.equal(["paid 60"]);

    const waiting = await gw.get("/v1/member/services", session);
    expect(waiting.status, waiting.text).to.equal(200);
    expect(waiting.body.services.map((s: { serviceId: string }) => s.serviceId)).to.deep.equal([
      openServiceId,
    ]);
    // The giver of that service sees none waiting for its own word.
    const giverSession = await signIn(giver);
    expect((await gw.get("/v1/member/services", giverSession)).body.services).to.deep.equal([]);
  });

  it("confirms a service it received with its PIN and donates with it; another member's service is 404, nothing written", async () => {
    const session = await signIn(recipient);
    const giverSession = await signIn(giver);
    const confirm = (as: string, body: unknown) =>
      gw.post(`/v1/member/services/${openServiceId}/confirmation`, as, body);
    // The giver cannot confirm the service it gave, by any proof.
    await refusedWritingNothing(counts, () => confirm(giverSession, { pin: TIMEBANK_PIN }), 404, "serviceId");
    await refusedWritingNothing(counts, () => confirm(session, {}), 400, "signature");
    await refusedWritingNothing(counts, () => confirm(session, { signature: "0x00" }), 400, "signature");
    const wrong = await confirm(session, { pin: "000000" });
    expect(wrong.status, wrong.text).to.equal(401);
    expect(wrong.body.error).to.include({ field: "pin", code: "pin_incorrect" });

    const before = Number((await gw.get("/v1/member", session)).body.balance);
    const confirmed = await confirm(session, { pin: TIMEBANK_PIN });
    expect(confirmed.status, confirmed.text).to.equal(200);
    expect(confirmed.body).to.include({ serviceId: openServiceId, state: "confirmed", confirmedBy: "pin" });
    expect((await gw.get("/v1/member", session)).body.balance).to.equal(before - 15);
    expect((await gw.get("/v1/member/services", session)).body.services).to.deep.equal([]);

    const pool = async () => Number(await gw.services.system.timeBank.poolBalance());
    const poolBefore = await pool();
    const donation = { minutes: 5, pin: TIMEBANK_PIN, idempotencyKey: "member-self-donation-0001" };
    await refusedWritingNothing(
      counts,
      () => gw.post("/v1/member/donations", giverSession, { ...donation, minutes: 0 }),
      400,
      "minutes",
    );
    const donated = await gw.post("/v1/member/donations", giverSession, donation);
    expect(donated.status, donated.text).to.equal(201);
    expect(donated.body.donor.memberRef).to.equal(giver);
    expect(await pool()).to.equal(poolBefore + 5);
  });

  it("logs a service the member gave to the member whose code it was shown; the recipient confirms it from its own session", async () => {
    const giverSession = await signIn(giver);
    const log = (body: Record<string, unknown>) => gw.post("/v1/member/services", giverSession, body);
    const body = { recipient, minutes: 10, category: "transport", idempotencyKey: "member-own-log-0001" };
    await refusedWritingNothing(
      counts,
      () => log({ ...body, recipient: giver }),
      400,
      "recipient",
      "self_service",
    );
    await refusedWritingNothing(
      counts,
      () => log({ ...body, recipient: `0x${"cd".repeat(32)}` }),
      404,
      "recipient",
    );
    await refusedWritingNothing(counts, () => log({ ...body, giver: recipient }), 400, "giver");
    await refusedWritingNothing(counts, () => log({ ...body, minutes: 0 }), 400, "minutes");
    const logged = await log(body);
    expect(logged.status, logged.text).to.equal(201);
    expect(logged.body).to.include({ giver, recipient, minutes: 10, state: "open" });
    const again = await log(body);
    expect(again.status).to.equal(200);
    expect(again.body).to.include({ serviceId: logged.body.serviceId, replayed: true });

    const recipientSession = await signIn(recipient);
    const waiting = (await gw.get("/v1/member/services", recipientSession)).body.services as {
      serviceId: string;
    }[];
    expect(waiting.map((s) => s.serviceId)).to.include(logged.body.serviceId);
    const before = (await gw.get("/v1/member", giverSession)).body.balance as number;
    const confirmed = await gw.post(
      `/v1/member/services/${logged.body.serviceId}/confirmation`,
      recipientSession,
      {
        pin: TIMEBANK_PIN,
      },
    );
    expect(confirmed.status, confirmed.text).to.equal(200);
    expect((await gw.get("/v1/member", giverSession)).body.balance).to.equal(before + 10);
  });

  it("takes the signature of a member that holds its own wallet, from the typed data its waiting service carries", async () => {
    const wallet = Wallet.createRandom();
    const own = await admitMember(gw, coordinator, syntheticNationalId(964_800), { wallet: wallet.address });
    const opened = await gw.post("/v1/timebank/services", coordinator.apiKey, {
      giver,
      recipient: own,
      minutes: 20,
      category: "care",
      idempotencyKey: "member-self-wallet-0001",
    });
    expect(opened.status, opened.text).to.equal(201);
    const session = await signIn(own);
    const [waiting] = (await gw.get("/v1/member/services", session)).body.services as {
      serviceId: string;
      confirmation: {
        domain: TypedDataDomain;
        types: Record<string, TypedDataField[]>;
        message: Record<string, unknown>;
      };
    }[];
    expect(waiting!.serviceId).to.equal(opened.body.serviceId);
    const { domain, types, message } = waiting!.confirmation;
    const path = `/v1/member/services/${waiting!.serviceId}/confirmation`;
    // A stranger's signature, and a PIN for a wallet the gateway does not hold: refused, nothing written.
    const stranger = await Wallet.createRandom().signTypedData(domain, types, message);
    await refusedWritingNothing(
      counts,
      () => gw.post(path, session, { signature: stranger }),
      400,
      "signature",
      "not_signer",
    );
    await refusedWritingNothing(
      counts,
      () => gw.post(path, session, { pin: TIMEBANK_PIN }),
      409,
      "pin",
      "sign_with_own_wallet",
    );
    const signature = await wallet.signTypedData(domain, types, message);
    const confirmed = await gw.post(path, session, { signature });
    expect(confirmed.status, confirmed.text).to.equal(200);
    expect(confirmed.body).to.include({ state: "confirmed", confirmedBy: "wallet" });
    expect(Number((await gw.services.system.timeBank.accountOf(wallet.address)).balance)).to.equal(-20);
  });

  it("refuses every member route without a session or with any organisation's API key, and lets a session through", async () => {
    const session = await signIn(giver);
    const doc = (await gw.get("/openapi.json")).body as {
      paths: Record<string, Record<string, { "x-member"?: boolean; security?: unknown }>>;
    };
    const routes = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, operation]) => operation["x-member"] === true)
        .map(([method, operation]) => ({ method, path, operation })),
    );
    expect(routes.map((r) => `${r.method.toUpperCase()} ${r.path}`)).to.have.members([
      "DELETE /v1/member/session",
      "GET /v1/member",
      "GET /v1/member/history",
      "GET /v1/member/services",
      "POST /v1/member/services",
      "POST /v1/member/services/{serviceId}/confirmation",
      "POST /v1/member/services/{serviceId}/sms-code",
      "POST /v1/member/donations",
    ]);
    const concrete = (path: string) =>
      path.replace("{serviceId}", "svc_00000000-0000-4000-8000-000000000000");
    for (const { method, path, operation } of routes) {
      expect(operation.security, path).to.deep.equal([{ memberSession: [] }]);
      for (const caller of ["none", ...ROLES] as const) {
        const before = counts();
        let test = gw.http()[method as "get" | "post" | "delete"](concrete(path));
        if (caller !== "none") test = test.set("Authorization", `Bearer ${keys[caller]}`);
        const res = gw.record(method === "get" ? await test : await test.send({}));
        const label = `${caller} → ${method.toUpperCase()} ${path}: ${res.status} ${res.text}`;
        expect(res.status, label).to.equal(401);
        expect(res.body.error.name, label).to.equal("UnauthenticatedError");
        expect(counts(), label).to.deep.equal(before);
      }
      if (method === "delete") continue;
      const res = gw.record(
        method === "get"
          ? await gw.http().get(concrete(path)).set("Authorization", `Bearer ${session}`)
          : await gw.http().post(concrete(path)).set("Authorization", `Bearer ${session}`).send({}),
      );
      expect(res.status, `${path}: ${res.text}`).to.not.be.oneOf([401, 403]);
      expect(res.status, `${path}: ${res.text}`).to.be.below(500);
    }
    // A member session is no API key: the coordinator's routes refuse it.
    expect((await gw.get(`/v1/timebank/members/${giver}`, session)).status).to.equal(401);
  });

  it("ends a session on sign-out, and every session and unspent link of a member its coordinator removes", async () => {
    const session = await signIn(giver);
    const out = await gw.http().delete("/v1/member/session").set("Authorization", `Bearer ${session}`);
    expect(out.status, out.text).to.equal(204);
    expect((await gw.get("/v1/member", session)).status).to.equal(401);

    const leaving = await admitMember(gw, coordinator, syntheticNationalId(964_900), { pin: TIMEBANK_PIN });
    const leavingSession = await signIn(leaving);
    const unspent = tokenOf((await link(coordinator, leaving)).body.path);
    const removed = await gw.post(`/v1/timebank/members/${leaving}/changes`, coordinator.apiKey, {
      action: "remove",
      idempotencyKey: "member-self-remove-0001",
    });
    expect(removed.status, removed.text).to.equal(200);
    expect((await gw.get("/v1/member", leavingSession)).status).to.equal(401);
    const late = await gw.post("/v1/member/sessions", undefined, { token: unspent });
    expect(late.status, late.text).to.equal(401);
    await refusedWritingNothing(counts, () => link(coordinator, leaving), 409, "memberRef", "member_removed");
  });

  it("ends a member's sessions when it is suspended or moved to a new wallet, and makes no link while it is suspended or a removal is queued", async () => {
    const change = (memberRef: string, action: string, key: string) =>
      gw.post(`/v1/timebank/members/${memberRef}/changes`, coordinator.apiKey, {
        action,
        idempotencyKey: key,
      });
    const paused = await admitMember(gw, coordinator, syntheticNationalId(964_901), { pin: TIMEBANK_PIN });
    const pausedSession = await signIn(paused);
    const unspent = tokenOf((await link(coordinator, paused)).body.path);
    expect((await change(paused, "suspend", "member-self-suspend-0001")).status).to.equal(200);
    expect((await gw.get("/v1/member", pausedSession)).status).to.equal(401);
    expect((await gw.post("/v1/member/sessions", undefined, { token: unspent })).status).to.equal(401);
    await refusedWritingNothing(
      counts,
      () => link(coordinator, paused),
      409,
      "memberRef",
      "member_not_active",
    );
    expect((await change(paused, "reinstate", "member-self-reinstate-0001")).status).to.equal(200);
    expect((await link(coordinator, paused)).status).to.equal(201);

    // A removal queued but not yet on chain: no link, whose session would outlive it.
    const job = gw.services.store.sqlite
      .prepare(
        `INSERT INTO chain_jobs (idempotency_key, kind, from_address, to_address, data, status, created_at, updated_at)
         VALUES (?, 'timebank.remove', '0x0', '0x0', '0x', 'signed', 'now', 'now')`,
      )
      .run(`timebank-member:${paused}:member-self-remove-queued`).lastInsertRowid;
    try {
      await refusedWritingNothing(
        counts,
        () => link(coordinator, paused),
        409,
        "memberRef",
        "member_change_pending",
      );
    } finally {
      gw.services.store.sqlite.prepare("DELETE FROM chain_jobs WHERE job_id = ?").run(job);
    }

    const moving = await admitMember(gw, coordinator, syntheticNationalId(964_902), { pin: TIMEBANK_PIN });
    const movingSession = await signIn(moving);
    const moved = await gw.post(`/v1/timebank/members/${moving}/wallet-rebinding`, coordinator.apiKey, {
      idempotencyKey: "member-self-rebind-0001",
    });
    expect(moved.status, moved.text).to.equal(200);
    expect((await gw.get("/v1/member", movingSession)).status).to.equal(401);
    const again = await signIn(moving);
    expect((await gw.get("/v1/member", again)).body.wallet).to.equal(moved.body.wallet);
  });
});
