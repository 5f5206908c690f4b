import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Response } from "supertest";
import { countRows, removeDataDir, writeDigits } from "./harness";
import {
  deliveryWorld,
  openDelivery,
  PIN,
  settled,
  type DeliveryHousehold,
  type DeliveryWorld,
} from "./deliveryFixture";

const SECRET = "ussd-e2e-shared-secret-0123456789abcdef";
const SCREEN_LIMIT = 182;
const PERSIAN_DIGIT = /[\u06f0-\u06f9]/;

/**
 * The USSD face over real HTTP, the embedded chain and SQLite, as an aggregator drives it: every callback
 * carries the session's whole input so far; the gateway answers `CON`/`END` screens of at most 182
 * characters. Households are found by their members' phone numbers through the keyed phone index only.
 */
describe("e2e: the USSD menu for feature phones", function () {
  let world: DeliveryWorld;
  /** Every 200 answer the aggregator received. */
  const screens: string[] = [];

  before(async () => {
    world = await deliveryWorld(5, 640_001, { env: { SINTECH_USSD_SECRET: SECRET } });
  });
  after(async () => {
    await world?.gw.stop();
    if (world) removeDataDir(world.gw.dataDir);
  });

  /** How aggregators write the caller: E.164 with its plus. */
  const international = (household: DeliveryHousehold) => `+98${household.phone.slice(1)}`;

  async function callback(
    sessionId: string,
    phoneNumber: string,
    text: string,
    { form = false, secret = SECRET as string | null } = {},
  ): Promise<Response> {
    let test = world.gw.http().post("/v1/ussd");
    if (secret !== null) test = test.set("X-USSD-Secret", secret);
    const body = { sessionId, serviceCode: "*384*7#", phoneNumber, text };
    const res = world.gw.record(await (form ? test.type("form").send(body) : test.send(body)));
    if (res.status === 200) {
      expect(res.headers["content-type"]).to.match(/^text\/plain/);
      expect(res.text).to.match(/^(CON|END) /);
      expect(res.text.length, res.text).to.be.at.most(SCREEN_LIMIT);
      screens.push(res.text);
    }
    return res;
  }

  /** A session driven input by input, as a person on a feature phone does. */
  function session(household: DeliveryHousehold, form = false) {
    const sessionId = `ATUid_${randomUUID()}`;
    const typed: string[] = [];
    return {
      sessionId,
      start: () => callback(sessionId, international(household), "", { form }),
      async type(input: string) {
        typed.push(input);
        const res = await callback(sessionId, international(household), typed.join("*"), { form });
        expect(res.status, res.text).to.equal(200);
        return res.text;
      },
    };
  }

  /** A household's first session: English chosen, then its first pending delivery opened. */
  async function firstDeliveryInEnglish(household: DeliveryHousehold) {
    const caller = session(household);
    await caller.start();
    await caller.type("2");
    await caller.type("1");
    expect(await caller.type("1")).to.include("1 Accept");
    return caller;
  }

  const sessionRows = () => countRows(world.gw, "ussd_sessions");

  it("refuses a caller without the aggregator's secret, writing nothing", async () => {
    const before = sessionRows();
    for (const secret of [null, "wrong-secret-wrong-secret-wrong-secret"]) {
      const res = await callback(`ATUid_${randomUUID()}`, international(world.households[0]!), "", {
        secret,
      });
      expect(res.status, res.text).to.equal(401);
      expect(res.body.error.name).to.equal("UnauthenticatedError");
    }
    expect(sessionRows()).to.equal(before);
  });

  it("answers an unknown or malformed number with a polite END that reveals nothing, storing nothing", async () => {
    const before = sessionRows();
    const unknown = await callback(`ATUid_${randomUUID()}`, "+989350000001", "");
    const malformed = await callback(`ATUid_${randomUUID()}`, "not-a-number", "1*1");
    expect(unknown.status).to.equal(200);
    expect(unknown.text).to.match(/^END /);
    expect(malformed.text).to.equal(unknown.text);
    expect(unknown.text).to.not.match(/deliver|PIN|household/i);
    expect(sessionRows()).to.equal(before);
  });

  it("refuses a callback missing a field, naming it, and a body that is neither a form nor JSON", async () => {
    const res = world.gw.record(
      await world.gw.http().post("/v1/ussd").set("X-USSD-Secret", SECRET).send({ sessionId: "x", text: "" }),
    );
    expect(res.status, res.text).to.equal(400);
    expect(res.body.error.field).to.be.oneOf(["serviceCode", "phoneNumber"]);
    const text = world.gw.record(
      await world.gw.http().post("/v1/ussd").set("X-USSD-Secret", SECRET).type("text/plain").send("1*1"),
    );
    expect(text.status).to.equal(415);
  });

  it("accepts a delivery by USSD with the PIN (a form callback, English): it is redeemed on chain", async () => {
    const household = world.households[0]!;
    const delivery = await openDelivery(world, { householdRef: household.householdRef, amount: "125000" });
    const later = await openDelivery(world, { householdRef: household.householdRef, amount: "50000" });
    const caller = session(household, true);
    const first = await caller.start();
    expect(first.text).to.match(/^CON /).and.include("English").and.include("فارسی");
    const main = await caller.type("2");
    expect(main).to.equal("CON Sin Tech aid\n1 Pending deliveries\n2 Last receipts\n3 Language");
    const list = await caller.type("1");
    expect(list).to.include("Pending deliveries").and.include("E2E vendor").and.include("125,000");
    const detail = await caller.type("1");
    expect(detail).to.include("E2E winter food basket").and.include("food basket").and.include("1 Accept");
    expect(await caller.type("1")).to.include("Enter your PIN");
    const done = await caller.type(PIN);
    expect(done).to.match(/^END Thank you/);
    // The aggregator retries the last callback: the ended session is not replayed into a new menu, where
    // the same keys would now choose the other delivery.
    const retried = await callback(caller.sessionId, international(household), `2*1*1*1*${PIN}`, {
      form: true,
    });
    expect(retried.text).to.equal("END This session is over. Dial again to start.");
    expect((await settled(world, later.deliveryId)).state).to.equal("open");

    const redeemed = await settled(world, delivery.deliveryId);
    expect(redeemed.state).to.equal("redeemed");
    expect(redeemed.acceptance).to.deep.equal({ channel: "ussd", by: household.headRef });
    const receipt = await world.gw.services.provider.getTransactionReceipt(redeemed.redemption!.txHash);
    expect(receipt!.status).to.equal(1);

    // The household reads it back in its last receipts; its language is remembered for the next session.
    const again = session(household);
    expect((await again.start()).text).to.equal(main);
    const receipts = await again.type("2");
    expect(receipts).to.include("Last receipts").and.include("125,000").and.include("paid");
  });

  it("disputes a delivery with a reason and the PIN: it is never redeemed", async () => {
    const household = world.households[1]!;
    const delivery = await openDelivery(world, { householdRef: household.householdRef });
    const caller = await firstDeliveryInEnglish(household);
    expect(await caller.type("2"))
      .to.include("Not received")
      .and.include("Wrong amount");
    expect(await caller.type("3")).to.include("Enter your PIN");
    expect(await caller.type(PIN)).to.match(/^END Your dispute is recorded/);
    const disputed = await settled(world, delivery.deliveryId);
    expect(disputed.state).to.equal("disputed");
    expect(disputed.redemption).to.equal(null);
    expect(
      world.gw.services.store.sqlite
        .prepare("SELECT status FROM household_receipts WHERE delivery_id = ?")
        .pluck()
        .get(delivery.deliveryId),
    ).to.equal(undefined);
  });

  it("goes back with 0 and to the main menu with 00, and pages long lists with 9", async () => {
    const household = world.households[2]!;
    for (let i = 0; i < 5; i++) {
      await openDelivery(world, { householdRef: household.householdRef, amount: String(10_000 + i) });
    }
    const caller = session(household);
    await caller.start();
    const main = await caller.type("2");
    const firstPage = await caller.type("1");
    expect(firstPage).to.include("9 More").and.include("10,000");
    const secondPage = await caller.type("9");
    expect(secondPage).to.include("9 More").and.not.include("10,000");
    let lastPage = secondPage;
    while (lastPage.includes("9 More")) lastPage = await caller.type("9");
    expect(lastPage).to.include("10,004").and.include("0 Back");
    expect(await caller.type("0"), "0 on a later page goes to the page before").to.not.equal(lastPage);
    let page = "";
    for (let back = 0; back < 3 && page !== firstPage; back++) page = await caller.type("0");
    expect(page, "0 walks back to the first page").to.equal(firstPage);
    const detail = await caller.type("1");
    expect(detail).to.include("10,000").and.include("1 Accept");
    expect(await caller.type("1")).to.include("Enter your PIN");
    expect(await caller.type("0"), "0 goes back to the delivery").to.equal(detail);
    expect(await caller.type("0"), "and again to the list").to.equal(firstPage);
    expect(await caller.type("00")).to.equal(main);
    expect(await caller.type("7")).to.equal(`CON Invalid choice.\n${main.slice(4)}`);
    expect(await caller.type("3")).to.include("English");
    expect(await caller.type("2")).to.equal(main);
  });

  it("starts a session over once it timed out", async () => {
    const household = world.households[2]!;
    const caller = session(household);
    await caller.start();
    const list = await caller.type("1");
    expect(list).to.include("Pending deliveries");
    // The 180 seconds pass: the stored session's expiry moves into the past.
    world.gw.services.store.sqlite.prepare("UPDATE ussd_sessions SET expires_at = ?").run(Date.now() - 1);
    const after = await caller.type("1");
    expect(after).to.equal("CON Sin Tech aid\n1 Pending deliveries\n2 Last receipts\n3 Language");
    expect(await caller.type("1"), "the new session goes on from the main menu").to.equal(list);
  });

  it("counts wrong PINs towards the wallet's limit and locks it, leaving the delivery open", async () => {
    const household = world.households[3]!;
    const delivery = await openDelivery(world, { householdRef: household.householdRef });
    const caller = await firstDeliveryInEnglish(household);
    await caller.type("1");
    const answers: string[] = [];
    for (let attempt = 0; attempt < 5; attempt++) answers.push(await caller.type("000111"));
    expect(answers.slice(0, 4)).to.deep.equal(
      ["4 tries", "3 tries", "2 tries", "1 try"].map(
        (left) => `CON Wrong PIN. ${left} left.\nEnter your PIN\n0 Back`,
      ),
    );
    expect(answers[4]).to.match(/^END Too many wrong PINs/);
    const locked = world.gw.services.store.sqlite
      .prepare("SELECT locked_until FROM access_secrets WHERE beneficiary_ref = ?")
      .pluck()
      .get(household.headRef);
    expect(locked).to.be.a("string");

    // Even the right PIN is refused while the wallet is locked.
    const next = session(household);
    await next.start();
    await next.type("1");
    await next.type("1");
    await next.type("1");
    expect(await next.type(PIN)).to.match(/^END Too many wrong PINs/);
    expect((await settled(world, delivery.deliveryId)).state).to.equal("open");
  });

  it("speaks Persian with Persian digits, and takes Persian digits typed by the caller", async () => {
    const household = world.households[4]!;
    const delivery = await openDelivery(world, { householdRef: household.householdRef, amount: "250000" });
    const caller = session(household);
    await caller.start();
    const main = await caller.type(writeDigits("1", "persian"));
    expect(main).to.equal("CON کمک سین‌تک\n۱ تحویل‌های در انتظار\n۲ رسیدهای اخیر\n۳ زبان");
    const list = await caller.type("۱");
    expect(list).to.include("تحویل‌های در انتظار").and.include("۲۵۰٬۰۰۰");
    expect(list).to.not.match(/[0-9]/);
    const detail = await caller.type("۱");
    expect(detail).to.include("سبد غذا").and.include("۱ تأیید").and.include("۲ اعتراض");
    expect(await caller.type("۱")).to.include("رمز");
    expect(await caller.type(writeDigits(PIN, "persian"))).to.match(/^END سپاس/);
    expect((await settled(world, delivery.deliveryId)).state).to.equal("redeemed");
    const receipts = session(household);
    await receipts.start();
    const ledger = await receipts.type("۲");
    expect(ledger).to.match(PERSIAN_DIGIT).and.include("پرداخت");
  });

  it("keeps every screen within 182 characters", () => {
    expect(screens.length).to.be.above(40);
    for (const screen of screens) expect(screen.length, screen).to.be.at.most(SCREEN_LIMIT);
  });

  it("never writes a phone number in logs, database rows, the database files or answers", async () => {
    const forms = world.households.flatMap((household) => [
      household.phone,
      household.phone.slice(1),
      writeDigits(household.phone, "persian"),
    ]);
    const db = world.gw.services.store.sqlite;
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all() as string[];
    const rows = tables.map((table) => JSON.stringify(db.prepare(`SELECT * FROM ${table}`).all())).join("\n");
    expect(countRows(world.gw, "phone_refs")).to.equal(world.households.length);
    db.pragma("wal_checkpoint(TRUNCATE)");
    const files = readdirSync(world.gw.dataDir)
      .filter((name) => /\.(db|sqlite)(-wal)?$/.test(name))
      .map((name) => readFileSync(path.join(world.gw.dataDir, name)).toString("latin1"));
    expect(files.length).to.be.above(0);
    for (const value of forms) {
      const where = `phone ${value.slice(0, 4)}…`;
      expect(
        world.gw.logLines.some((line) => line.includes(value)),
        `${where} in a log line`,
      ).to.equal(false);
      expect(rows.includes(value), `${where} in a database row`).to.equal(false);
      expect(
        files.some((file) => file.includes(value)),
        `${where} in a database file`,
      ).to.equal(false);
      expect(
        screens.some((screen) => screen.includes(value)),
        `${where} in an answer`,
      ).to.equal(false);
      expect(
        world.gw.responses.some((body) => body.includes(value)),
        `${where} in a response`,
      ).to.equal(false);
    }
    expect(world.gw.logLines.some((line) => line.includes("ussd callback"))).to.equal(true);
  });
});
