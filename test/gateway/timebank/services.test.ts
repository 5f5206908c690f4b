import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { Signature, Wallet } from "ethers";
import { syntheticNationalId } from "../../../src/identity/synthetic";
import {
  bootE2e,
  countRows,
  registerOrganisation,
  removeDataDir,
  type E2eGateway,
  type Organisation,
  untilIndexed,
} from "../e2e/harness";
import { refusedWritingNothing } from "./timebankFixture";

const TABLES = [
  "chain_jobs",
  "timebank_services",
  "timebank_members",
  "access_secrets",
  "timebank_vault",
  "timebank_vault_keys",
  "timebank_otps",
] as const;
const PIN = "482913";
const SECP256K1_N = BigInt("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");

interface TypedData {
  domain: { name: string; version: string; chainId: number; verifyingContract: string };
  types: Record<string, { name: string; type: string }[]>;
  message: Record<string, unknown>;
}

/**
 * Services and donations over HTTP on a whole gateway (real anvil, SQLite, outbox): a coordinator opens a
 * service, the recipient confirms by its own wallet's EIP-712 signature or its PIN (custodial), or the
 * coordinator confirms or has the pool pay; members donate earned credit. Refusals answer in the one error
 * shape naming the field and write nothing; the accounts and the pool always sum to zero.
 */
describe("timebank services: log, confirm (signature, PIN, coordinator, pool) and donate", function () {
  this.timeout(240_000);
  let gw: E2eGateway;
  let charity: Organisation;
  let other: Organisation;
  /** Custodial, with the PIN. */
  let giver: string;
  let recipient: string;
  /** Self-custodied by `phone`. */
  let own: string;
  const phone = Wallet.createRandom();
  const counts = () => Object.fromEntries(TABLES.map((table) => [table, countRows(gw, table)]));
  const balanceOf = async (ref: string) =>
    (await gw.get(`/v1/timebank/members/${ref}`, charity.apiKey)).body.balance as number;
  let step = 0;
  const open = (body: Record<string, unknown>, key = charity.apiKey) =>
    gw.post("/v1/timebank/services", key, {
      giver,
      recipient,
      minutes: 30,
      category: "care",
      idempotencyKey: `service-${++step}-0000`,
      ...body,
    });
  const confirm = (serviceId: string, body: object, key = charity.apiKey) =>
    gw.post(`/v1/timebank/services/${serviceId}/confirmation`, key, body);
  const byCoordinator = (serviceId: string, payer: string) =>
    gw.post(`/v1/timebank/services/${serviceId}/coordinator-confirmation`, charity.apiKey, { payer });
  const donate = (ref: string, body: Record<string, unknown>) =>
    gw.post(`/v1/timebank/members/${ref}/donations`, charity.apiKey, {
      pin: PIN,
      idempotencyKey: `donation-${++step}-0000`,
      ...body,
    });

  const refused = (
    send: Parameters<typeof refusedWritingNothing>[1],
    status: number,
    field: string,
    code?: string,
  ) => refusedWritingNothing(counts, send, status, field, code);

  async function zeroSum(refs: string[]) {
    const balances = await Promise.all(refs.map(balanceOf));
    const pool = Number(await gw.services.system.timeBank.poolBalance());
    expect(balances.reduce((a, b) => a + b, 0) + pool).to.equal(0);
  }

  before(async () => {
    gw = await bootE2e();
    charity = await registerOrganisation(gw, "charity");
    other = await registerOrganisation(gw, "charity");
    for (const org of [charity, other]) {
      const res = await gw.post("/v1/timebank/coordinators", gw.regulatorKey, { orgId: org.orgId });
      expect(res.status, res.text).to.equal(201);
    }
    const admit = async (body: Record<string, unknown>) => {
      const res = await gw.post("/v1/timebank/members", charity.apiKey, { creditLimit: 60, ...body });
      expect(res.status, res.text).to.equal(201);
      return res.body.memberRef as string;
    };
    giver = await admit({ nationalId: syntheticNationalId(130_001), pin: PIN });
    recipient = await admit({ nationalId: syntheticNationalId(130_002), pin: PIN });
    own = await admit({ nationalId: syntheticNationalId(130_003), wallet: phone.address });
  });
  after(async () => {
    await gw?.stop();
    if (gw) removeDataDir(gw.dataDir);
  });

  it("admission refuses a PIN with an own wallet, and a guessable PIN, writing nothing", async () => {
    await refused(
      () =>
        gw.post("/v1/timebank/members", charity.apiKey, {
          nationalId: syntheticNationalId(130_009),
          wallet: Wallet.createRandom().address,
          pin: PIN,
          creditLimit: 0,
        }),
      400,
      "pin",
      "not_custodial",
    );
    await refused(
      () =>
        gw.post("/v1/timebank/members", charity.apiKey, {
          nationalId: syntheticNationalId(130_009),
          pin: "1234",
          creditLimit: 0,
        }),
      400,
      "pin",
      "guessable",
    );
  });

  it("opens a service only as the chain would log it, and answers the recipient's typed data", async () => {
    await refused(() => open({ minutes: 0 }), 400, "minutes");
    await refused(() => open({ minutes: 24 * 60 + 1 }), 400, "minutes");
    await refused(() => open({ category: "massage" }), 400, "category");
    await refused(() => open({ evidenceHash: "0x12" }), 400, "evidenceHash");
    await refused(() => open({ idempotencyKey: "x" }), 400, "idempotencyKey");
    await refused(() => open({ giver: `0x${"ab".repeat(32)}` }), 404, "giver");
    await refused(() => open({ recipient: giver }), 400, "recipient", "self_service");
    await refused(() => open({ giver: own, recipient: giver }), 409, "giver", "giver_self_custodied");
    await refused(() => open({}, other.apiKey), 404, "giver");

    const opened = await open({ idempotencyKey: "service-open-0001", evidenceHash: `0x${"11".repeat(32)}` });
    expect(opened.status, opened.text).to.equal(201);
    expect(opened.body).to.include({ state: "open", minutes: 30, category: "care", replayed: false });
    expect(opened.body.confirmation.domain).to.include({
      name: "Sin Tech TimeBank",
      chainId: gw.services.chainId,
    });
    expect(opened.body.confirmation.message).to.include({ duration: 30, category: 0, nonce: 0 });
    const again = await open({ idempotencyKey: "service-open-0001", evidenceHash: `0x${"11".repeat(32)}` });
    expect(again.status, again.text).to.equal(200);
    expect(again.body).to.include({ serviceId: opened.body.serviceId, replayed: true });
    await refused(
      () => open({ idempotencyKey: "service-open-0001", minutes: 31 }),
      409,
      "idempotencyKey",
      "idempotency_key_reused",
    );
    const read = await gw.get(`/v1/timebank/services/${opened.body.serviceId}`, charity.apiKey);
    expect(read.status, read.text).to.equal(200);
    await refused(
      () => gw.get(`/v1/timebank/services/${opened.body.serviceId}`, other.apiKey),
      404,
      "serviceId",
    );
    await refused(() => gw.get(`/v1/timebank/services/svc_1`, charity.apiKey), 400, "serviceId");
  });

  it("a custodial recipient confirms by PIN; a wrong PIN or a second proof is refused, writing nothing", async () => {
    const opened = await open({});
    const id = opened.body.serviceId as string;
    await refused(() => confirm(id, {}), 400, "signature", "one_proof");
    await refused(() => confirm(id, { pin: PIN, signature: `0x${"11".repeat(65)}` }), 400, "signature");
    const before = counts();
    const wrong = await confirm(id, { pin: "975310" });
    expect(wrong.status, wrong.text).to.equal(401);
    expect(wrong.body.error).to.include({ field: "pin", code: "pin_incorrect" });
    // Only the attempt counter of the PIN moved; no job, no confirmation.
    expect(counts()).to.deep.equal(before);
    await refused(() => confirm(id, { pin: PIN }, other.apiKey), 404, "serviceId");

    const [giverBefore, recipientBefore] = [await balanceOf(giver), await balanceOf(recipient)];
    const confirmed = await confirm(id, { pin: PIN });
    expect(confirmed.status, confirmed.text).to.equal(200);
    expect(confirmed.body).to.include({ state: "confirmed", confirmedBy: "pin", confirmation: null });
    expect(confirmed.body.chainServiceId).to.match(/^0x[0-9a-f]{64}$/);
    expect(await balanceOf(giver)).to.equal(giverBefore + 30);
    expect(await balanceOf(recipient)).to.equal(recipientBefore - 30);
    await refused(() => confirm(id, { pin: PIN }), 409, "serviceId", "not_open");
    await zeroSum([giver, recipient, own]);
  });

  it("a self-custodied recipient confirms by its EIP-712 signature; replays, forgeries and malleable twins are refused", async () => {
    const opened = await open({ recipient: own, minutes: 20 });
    const id = opened.body.serviceId as string;
    const typed = opened.body.confirmation as TypedData;
    const sign = (
      wallet: { signTypedData: Wallet["signTypedData"] },
      change: Partial<TypedData["domain"]> = {},
      message = {},
    ) => wallet.signTypedData({ ...typed.domain, ...change }, typed.types, { ...typed.message, ...message });

    await refused(() => confirm(id, { pin: PIN }), 409, "pin", "sign_with_own_wallet");
    await refused(() => confirm(id, { signature: "0x1234" }), 400, "signature");
    const stranger = await sign(Wallet.createRandom());
    await refused(() => confirm(id, { signature: stranger }), 400, "signature", "not_signer");
    for (const change of [
      { chainId: typed.domain.chainId + 1 },
      { verifyingContract: Wallet.createRandom().address },
    ]) {
      const signature = await sign(phone, change);
      await refused(() => confirm(id, { signature }), 400, "signature", "not_signer");
    }
    await refused(() => confirm(id, { signature: "" }), 400, "signature");
    const expired = await sign(phone, {}, { deadline: Math.floor(Date.now() / 1000) - 10 });
    await refused(() => confirm(id, { signature: expired }), 400, "signature", "not_signer");
    const good = await sign(phone);
    const parsed = Signature.from(good);
    const highS = `0x${parsed.r.slice(2)}${(SECP256K1_N - BigInt(parsed.s)).toString(16).padStart(64, "0")}${
      parsed.v === 27 ? "1c" : "1b"
    }`;
    await refused(() => confirm(id, { signature: highS }), 400, "signature", "high_s");

    const confirmed = await confirm(id, { signature: good });
    expect(confirmed.status, confirmed.text).to.equal(200);
    expect(confirmed.body).to.include({ state: "confirmed", confirmedBy: "wallet" });
    expect(await balanceOf(own)).to.equal(-20);
    // The same signature again: on the same service (confirmed), and on a new service of the same terms
    // (the recipient's nonce moved on, so it no longer signs anything).
    await refused(() => confirm(id, { signature: good }), 409, "serviceId", "not_open");
    const twin = await open({ recipient: own, minutes: 20 });
    expect(twin.body.confirmation.message.nonce).to.equal(1);
    await refused(() => confirm(twin.body.serviceId, { signature: good }), 400, "signature", "not_signer");
    // Past its deadline (a day after it was opened): 410, and a fresh signature does not help.
    gw.services.store.sqlite
      .prepare("UPDATE timebank_services SET deadline = ? WHERE service_id = ?")
      .run(Math.floor(Date.now() / 1000) - 1, twin.body.serviceId);
    const late = await sign(phone, {}, { nonce: 1, deadline: Math.floor(Date.now() / 1000) - 1 });
    await refused(() => confirm(twin.body.serviceId, { signature: late }), 410, "serviceId", "expired");
    await zeroSum([giver, recipient, own]);
  });

  it("the coordinator confirms for a recipient (within its limit) or has the pool pay; donations fund the pool", async () => {
    // The recipient is at -30 of 60: 20 more fit, 40 do not.
    const fits = await open({ minutes: 20 });
    const tooMuch = await open({ minutes: 40 });
    await refused(
      () => byCoordinator(tooMuch.body.serviceId, "recipient"),
      409,
      "payer",
      "CreditLimitExceeded",
    );
    await refused(() => byCoordinator(tooMuch.body.serviceId, "pool"), 409, "payer", "PoolInsufficient");
    await refused(() => byCoordinator(tooMuch.body.serviceId, "nobody"), 400, "payer");
    const confirmed = await byCoordinator(fits.body.serviceId, "recipient");
    expect(confirmed.status, confirmed.text).to.equal(200);
    expect(confirmed.body).to.include({ state: "confirmed", confirmedBy: "coordinator" });
    expect(await balanceOf(recipient)).to.equal(-50);
    await refused(() => byCoordinator(fits.body.serviceId, "recipient"), 409, "serviceId", "not_open");

    // The giver earned 30 + 20 + 20 = 70 minutes; it donates 40 to the pool and 5 to the recipient.
    expect(await balanceOf(giver)).to.equal(70);
    await refused(() => donate(giver, { minutes: 71 }), 409, "minutes", "DonationExceedsCredit");
    await refused(
      () => donate(giver, { minutes: 71, pin: "975310" }),
      409,
      "minutes",
      "DonationExceedsCredit",
    );
    await refused(() => donate(giver, { minutes: 0 }), 400, "minutes");
    await refused(() => donate(giver, { minutes: 5, to: giver }), 400, "to", "self_donation");
    await refused(() => donate(giver, { minutes: 5, to: `0x${"ab".repeat(32)}` }), 404, "to");
    await refused(() => donate(own, { minutes: 5 }), 409, "memberRef", "donate_from_own_wallet");
    const toPool = await donate(giver, { minutes: 40 });
    expect(toPool.status, toPool.text).to.equal(201);
    expect(toPool.body).to.include({ to: null, minutes: 40 });
    const poolBefore = toPool.body.poolMinutes as number;
    const toMember = await donate(giver, { minutes: 5, to: recipient });
    expect(toMember.status, toMember.text).to.equal(201);
    expect(toMember.body).to.include({ to: recipient, poolMinutes: poolBefore });

    const paid = await byCoordinator(tooMuch.body.serviceId, "pool");
    expect(paid.status, paid.text).to.equal(200);
    expect(paid.body).to.include({ state: "confirmed", confirmedBy: "pool" });
    expect(Number(await gw.services.system.timeBank.poolBalance())).to.equal(poolBefore - 40);
    // The recipient did not pay for the pool's service: still -50, plus the 5 donated.
    expect(await balanceOf(recipient)).to.equal(-45);
    await zeroSum([giver, recipient, own]);
  });

  it("lists the coordinator's services and members (chain-read pages) and the pool; bad queries answer 400", async () => {
    const open = await gw.get("/v1/timebank/services?state=open", charity.apiKey);
    expect(open.status, open.text).to.equal(200);
    expect(open.body.services.length).to.be.greaterThan(0);
    for (const service of open.body.services) expect(service).to.include({ state: "open" });
    const confirmed = await gw.get(`/v1/timebank/services?state=confirmed&member=${own}`, charity.apiKey);
    expect(confirmed.body.services.map((s: { confirmedBy: string }) => s.confirmedBy)).to.deep.equal([
      "wallet",
    ]);
    expect((await gw.get("/v1/timebank/services", other.apiKey)).body.services).to.deep.equal([]);
    await refused(() => gw.get("/v1/timebank/services?state=paid", charity.apiKey), 400, "state");
    await refused(() => gw.get("/v1/timebank/services?limit=101", charity.apiKey), 400, "limit");

    const first = await gw.get("/v1/timebank/members?limit=2", charity.apiKey);
    expect(first.status, first.text).to.equal(200);
    expect(first.body.members).to.have.length(2);
    const rest = await gw.get(`/v1/timebank/members?limit=2&after=${first.body.next}`, charity.apiKey);
    expect(rest.body.next).to.equal(null);
    const refs = [...first.body.members, ...rest.body.members].map((m: { memberRef: string }) => m.memberRef);
    expect(refs).to.have.members([giver, recipient, own]);
    expect(refs).to.deep.equal([...refs].sort());
    await refused(() => gw.get("/v1/timebank/members?after=0x12", charity.apiKey), 400, "after");

    const auditor = await registerOrganisation(gw, "auditor");
    const pool = await gw.get("/v1/timebank/pool", auditor.apiKey);
    expect(pool.status, pool.text).to.equal(200);
    expect(pool.body.minutes).to.equal(Number(await gw.services.system.timeBank.poolBalance()));
  });

  it("a custodial recipient with a phone confirms by the SMS code bound to the service; the phone stays sealed", async () => {
    const phoneNumber = "09121234567";
    await refused(
      () =>
        gw.post("/v1/timebank/members", charity.apiKey, {
          nationalId: syntheticNationalId(130_010),
          wallet: Wallet.createRandom().address,
          phone: phoneNumber,
          creditLimit: 0,
        }),
      400,
      "phone",
      "not_custodial",
    );
    await refused(
      () =>
        gw.post("/v1/timebank/members", charity.apiKey, {
          nationalId: syntheticNationalId(130_010),
          phone: "12",
          creditLimit: 0,
        }),
      400,
      "phone",
    );
    const admitted = await gw.post("/v1/timebank/members", charity.apiKey, {
      nationalId: syntheticNationalId(130_011),
      phone: "0912 123 4567",
      creditLimit: 60,
    });
    expect(admitted.status, admitted.text).to.equal(201);
    expect(admitted.text).to.not.include(phoneNumber);
    const texted = admitted.body.memberRef as string;
    const codes = () => {
      const file = path.join(gw.dataDir, "sms-outbox.jsonl");
      if (!existsSync(file)) return [];
      return readFileSync(file, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { to: string; text: string })
        .filter((message) => message.to === phoneNumber)
        .map((message) => /\b([0-9]{6})\b/.exec(message.text)![1]!);
    };
    const smsCode = (id: string, key = charity.apiKey) =>
      gw.post(`/v1/timebank/services/${id}/sms-code`, key, {});

    const noPhone = await open({ minutes: 5 });
    await refused(() => smsCode(noPhone.body.serviceId), 409, "serviceId", "no_phone");
    const selfCustodied = await open({ recipient: own, minutes: 5 });
    await refused(() => smsCode(selfCustodied.body.serviceId), 409, "serviceId", "no_phone");

    const service = await open({ recipient: texted, minutes: 15 });
    const id = service.body.serviceId as string;
    await refused(() => smsCode(id, other.apiKey), 404, "serviceId");
    await refused(() => confirm(id, { smsCode: "123456" }), 409, "smsCode", "no_code");
    const sent = await smsCode(id);
    expect(sent.status, sent.text).to.equal(201);
    expect(sent.text).to.not.match(/\b[0-9]{6}\b/);
    const [code] = codes();
    expect(code).to.match(/^[0-9]{6}$/);
    const wrong = code === "000000" ? "000001" : "000000";
    const jobs = countRows(gw, "chain_jobs");
    const bad = await confirm(id, { smsCode: wrong });
    expect(bad.status, bad.text).to.equal(401);
    expect(bad.body.error).to.include({ field: "smsCode", code: "code_incorrect" });
    expect(countRows(gw, "chain_jobs")).to.equal(jobs);
    await refused(() => confirm(id, { smsCode: code, pin: PIN }), 400, "signature", "one_proof");
    const confirmed = await confirm(id, { smsCode: code });
    expect(confirmed.status, confirmed.text).to.equal(200);
    expect(confirmed.body).to.include({ state: "confirmed", confirmedBy: "sms" });
    expect(await balanceOf(texted)).to.equal(-15);
    // The code was bound to that service: another service of the same recipient has none.
    const next = await open({ recipient: texted, minutes: 5 });
    await refused(() => confirm(next.body.serviceId, { smsCode: code }), 409, "smsCode", "no_code");

    const sealed = gw.services.store.sqlite
      .prepare("SELECT ciphertext FROM timebank_vault WHERE member_ref = ?")
      .pluck()
      .get(texted) as Buffer;
    expect(sealed.toString("latin1")).to.not.include(phoneNumber);
    expect(gw.logLines.join("\n")).to.not.include(phoneNumber);
    expect(gw.responses.join("\n")).to.not.include(phoneNumber);
    await zeroSum([giver, recipient, own, texted]);
  });

  it("the coordinator confirms a batch in one call, all or none, with the limits checked on the sums", async () => {
    const admit = async (seed: number) => {
      const res = await gw.post("/v1/timebank/members", charity.apiKey, {
        nationalId: syntheticNationalId(seed),
        creditLimit: 30,
      });
      expect(res.status, res.text).to.equal(201);
      return res.body.memberRef as string;
    };
    const [a, b, c] = [await admit(130_021), await admit(130_022), await admit(130_023)];
    const service = async (to: string) =>
      (await open({ giver: a, recipient: to, minutes: 20 })).body.serviceId as string;
    const [s1, s2, s3] = [await service(b), await service(c), await service(b)];
    const batch = (serviceIds: string[], payer = "recipient") =>
      gw.post("/v1/timebank/services/coordinator-confirmations", charity.apiKey, { serviceIds, payer });

    await refused(() => batch([s1, s2, s3]), 409, "payer", "CreditLimitExceeded");
    await refused(() => batch([s1, s1]), 400, "serviceIds");
    await refused(() => batch([]), 400, "serviceIds");
    await refused(() => batch([s1, "svc_00000000-0000-4000-8000-000000000000"]), 404, "serviceIds[1]");
    await refused(() => batch([s3], "pool"), 409, "payer", "PoolInsufficient");
    const done = await batch([s1, s2]);
    expect(done.status, done.text).to.equal(200);
    expect(done.body.services.map((x: { state: string }) => x.state)).to.deep.equal([
      "confirmed",
      "confirmed",
    ]);
    const jobs = gw.services.store.sqlite
      .prepare("SELECT DISTINCT confirm_job_id FROM timebank_services WHERE service_id IN (?, ?)")
      .pluck()
      .all(s1, s2);
    expect(jobs).to.have.length(1);
    expect([await balanceOf(a), await balanceOf(b), await balanceOf(c)]).to.deep.equal([40, -20, -20]);
    await refused(() => batch([s1]), 409, "serviceIds[0]", "not_open");
    await zeroSum([giver, recipient, own, a, b, c, ...(await textedRefs())]);
  });

  it("another coordinator is told 404 and a charity not appointed 403 on every coordinator route, writing nothing", async () => {
    const stranger = await registerOrganisation(gw, "charity");
    const service = (await open({ minutes: 1 })).body.serviceId as string;
    const calls: [string, string, object][] = [
      [
        "POST",
        "/v1/timebank/services",
        { giver, recipient, minutes: 1, category: "care", idempotencyKey: "x-00000001" },
      ],
      ["GET", `/v1/timebank/services/${service}`, {}],
      ["POST", `/v1/timebank/services/${service}/sms-code`, {}],
      ["POST", `/v1/timebank/services/${service}/confirmation`, { pin: PIN }],
      ["POST", `/v1/timebank/services/${service}/coordinator-confirmation`, { payer: "recipient" }],
      [
        "POST",
        "/v1/timebank/services/coordinator-confirmations",
        { serviceIds: [service], payer: "recipient" },
      ],
      [
        "POST",
        `/v1/timebank/members/${giver}/donations`,
        { minutes: 1, pin: PIN, idempotencyKey: "x-00000002" },
      ],
      ["POST", `/v1/timebank/members/${giver}/access`, { pin: "582914" }],
      ["POST", `/v1/timebank/members/${giver}/changes`, { action: "suspend", idempotencyKey: "x-00000003" }],
      ["GET", `/v1/timebank/members/${giver}`, {}],
    ];
    for (const [method, url, body] of calls) {
      for (const [key, expected] of [
        [other.apiKey, 404],
        [stranger.apiKey, [403, 404]],
      ] as const) {
        const before = counts();
        const res = method === "GET" ? await gw.get(url, key) : await gw.post(url, key, body);
        const label = `${method} ${url}: ${res.text}`;
        if (Array.isArray(expected)) expect(res.status, label).to.be.oneOf(expected);
        else expect(res.status, label).to.equal(expected);
        if (res.status === 403) expect(res.body.error, label).to.include({ code: "not_coordinator" });
        expect(counts(), label).to.deep.equal(before);
      }
    }
    // The service is untouched: still open for its recipient.
    expect((await gw.get(`/v1/timebank/services/${service}`, charity.apiKey)).body).to.include({
      state: "open",
    });
  });

  it("a coordinator resets a custodial member's PIN or phone; removal deletes the PIN and shreds the phone", async () => {
    const access = (ref: string, body: object) =>
      gw.post(`/v1/timebank/members/${ref}/access`, charity.apiKey, body);
    await refused(() => access(recipient, {}), 400, "pin", "nothing_to_set");
    await refused(() => access(recipient, { pin: "1111" }), 400, "pin", "guessable");
    await refused(() => access(recipient, { phone: "12" }), 400, "phone");
    await refused(() => access(own, { pin: "582914" }), 409, "memberRef", "not_custodial");
    await refused(
      () => gw.post(`/v1/timebank/members/${recipient}/access`, other.apiKey, { pin: "582914" }),
      404,
      "memberRef",
    );
    const set = await access(recipient, { pin: "582914", phone: "09135550000" });
    expect(set.status, set.text).to.equal(200);
    expect(set.body).to.deep.equal({ memberRef: recipient, pin: true, phone: true });
    expect(set.text).to.not.include("09135550000");
    // The old PIN no longer unlocks the custodial key; the new one does.
    const service = await open({ minutes: 1 });
    const old = await confirm(service.body.serviceId, { pin: PIN });
    expect(old.status, old.text).to.equal(401);
    expect((await confirm(service.body.serviceId, { pin: "582914" })).body).to.include({
      state: "confirmed",
    });

    const removed = await gw.post(`/v1/timebank/members/${recipient}/changes`, charity.apiKey, {
      action: "remove",
      idempotencyKey: "remove-recipient-0001",
    });
    expect(removed.body).to.include({ status: "removed" });
    const db = gw.services.store.sqlite;
    expect(db.prepare("SELECT 1 FROM access_secrets WHERE beneficiary_ref = ?").get(recipient)).to.equal(
      undefined,
    );
    expect(db.prepare("SELECT 1 FROM timebank_vault_keys WHERE member_ref = ?").get(recipient)).to.equal(
      undefined,
    );
  });

  it("a member's history from the indexer's read of the chain's events: what it earned, paid and donated, and services pending with it", async () => {
    // The self-custodied member logs a service to the giver from its own wallet, outside the gateway.
    await gw.services.timebank.fundGas(phone.address);
    const giverWallet = (await gw.get(`/v1/timebank/members/${giver}`, charity.apiKey)).body.wallet as string;
    const timeBank = gw.services.system.timeBank.connect(phone.connect(gw.services.provider));
    await (await timeBank.logService(giverWallet, 25, 3, `0x${"00".repeat(32)}`)).wait();

    const indexed = await untilIndexed(gw);
    const history = await gw.get(`/v1/timebank/members/${giver}/history`, charity.apiKey);
    expect(history.status, history.text).to.equal(200);
    expect(history.body.asOfBlock).to.be.at.least(indexed);
    const kinds = (history.body.entries as { kind: string; minutes: number; pool: boolean }[]).map(
      (e) => `${e.kind}:${e.minutes}${e.pool ? ":pool" : ""}`,
    );
    expect(kinds).to.include.members(["earned:30", "earned:20", "donated:40:pool", "donated:5"]);
    const pending = (history.body.pending as { minutes: number; role: string; category: string }[]).find(
      (p) => p.minutes === 25,
    );
    expect(pending).to.include({ role: "received", category: "transport" });
    const balance = (history.body.entries as { kind: string; minutes: number }[]).reduce(
      (sum, e) => sum + (e.kind === "earned" || e.kind === "received_donation" ? e.minutes : -e.minutes),
      0,
    );
    expect(balance).to.equal(await balanceOf(giver));
    await refused(() => gw.get(`/v1/timebank/members/${giver}/history`, other.apiKey), 404, "memberRef");
  });

  /** Members admitted with a phone in the SMS test, for the zero sum. */
  async function textedRefs(): Promise<string[]> {
    const page = await gw.get("/v1/timebank/members?limit=100", charity.apiKey);
    return (page.body.members as { memberRef: string }[])
      .map((m) => m.memberRef)
      .filter((ref) => ![giver, recipient, own].includes(ref));
  }
});
