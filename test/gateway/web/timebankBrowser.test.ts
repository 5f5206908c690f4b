import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { syntheticNationalId } from "../../../src/identity";
import { count, digits } from "../../../src/web/i18n/format";
import { textOf } from "../../../src/web/i18n/texts";
import { untilIndexed } from "../e2e/harness";
import { browserVisits, RUNS, type Lang } from "./browserVisit";
import { startWithChromium } from "./launchChromium";
import {
  stopTimebankWorld,
  timebankCounts,
  timebankWorld,
  TIMEBANK_PIN,
  type TimebankWorld,
} from "./timebankWorld";

const SEED = 961_000;

/**
 * The coordinator's time-bank journey in a real browser against a whole gateway, in Persian and English, at
 * phone and desktop sizes: it reads its members and the pool, admits a member with the form (Persian digits
 * typed in Persian), opens a service for it and confirms it for the recipient, confirms two ticked services in
 * one batch, meets a refusal naming the field with nothing written, and reads a member's page; the chain is
 * asked after each write. axe-core on every page, screenshots, forms sent with the keyboard, no request
 * outside the gateway, no CSP violation.
 */
describe("web: the time bank coordinator's journey in a browser", function () {
  this.timeout(300_000);
  let world: TimebankWorld;
  let browser: Browser;
  const { visit, accessibility, shot, finish, signIn, keyboardFollow } = browserVisits(
    () => browser,
    () => world.gw.url,
  );
  const member = async (ref: string) =>
    (await world.gw.get(`/v1/timebank/members/${ref}`, world.coordinator.apiKey)).body as {
      balance: number;
      creditLimit: number;
      wallet: string;
    };
  /** Digits as a person types them on a keyboard of the page's language. */
  const typed = (value: number, lang: Lang) => digits(value, lang);
  /** Sends a form with the keyboard (its button focused, then Enter) and waits for the page it leads to. */
  async function send(page: Page, form: ReturnType<Page["locator"]>, expected: string): Promise<void> {
    await form.locator('button[type="submit"]').focus();
    await Promise.all([page.waitForURL(expected), page.keyboard.press("Enter")]);
  }

  before(async () => {
    await startWithChromium(timebankWorld(SEED), (started) => {
      world = started.world!;
      browser = started.browser!;
    });
  });
  after(async () => {
    await browser?.close();
    await stopTimebankWorld(world);
  });

  RUNS.forEach(({ lang, size }, run) => {
    it(`coordinator (${lang}, ${size}): admits a member, opens a service for it and confirms it, reads the pool and a member's page`, async () => {
      const v = await visit(size);
      const { page } = v;
      await signIn(page, lang, world.coordinator.apiKey, "/app/timebank", "/app/timebank");
      expect(await page.locator("html").getAttribute("dir")).to.equal(lang === "fa" ? "rtl" : "ltr");
      await accessibility(page, "time bank");
      const pool = Number(await world.gw.services.system.timeBank.poolBalance());
      expect(await page.locator('#pool [data-minutes="pool"]').textContent()).to.equal(count(pool, lang));
      expect(await page.locator('svg[aria-labelledby="pool-title"]').isVisible()).to.equal(true);
      const giver = await member(world.giver);
      expect(
        await page
          .locator(`#members tr[data-member="${world.giver}"] [data-minutes="balance"]`)
          .textContent(),
      ).to.equal(count(giver.balance, lang));
      await shot(page, `timebank-${lang}-${size}`);

      // Admit a member: the limit typed in the page's digits; the national ID is never shown back.
      const nationalId = syntheticNationalId(SEED + 100 + run);
      const admit = page.locator("#admit-form");
      await admit.locator('input[name="nationalId"]').fill(nationalId);
      await admit.locator('input[name="creditLimit"]').fill(typed(60, lang));
      await admit.locator('input[name="pin"]').fill(TIMEBANK_PIN);
      await send(page, admit, "**/app/timebank/members/*?done=admitted");
      const ref = /\/app\/timebank\/members\/(0x[0-9a-f]{64})/.exec(page.url())![1]!;
      expect(await page.locator(".notice").textContent()).to.equal(textOf(lang, "tbAdmitted"));
      expect(await page.content()).to.not.include(nationalId);
      const admitted = await member(ref);
      const onChain = await world.gw.services.system.timeBank.accountOf(admitted.wallet);
      expect([Number(onChain.status), Number(onChain.creditLimit)]).to.deep.equal([1, 60]);
      expect(await page.locator('#account [data-minutes="creditLimit"]').textContent()).to.equal(
        count(60, lang),
      );
      await accessibility(page, "new member's page");
      await shot(page, `timebank-member-new-${lang}-${size}`);

      // Open a service the giver gave the new member, then confirm it for the recipient: 15 minutes move.
      await keyboardFollow(page, "/app/timebank");
      if (run === 1) {
        // A refusal first: zero minutes, named, nothing written.
        const before = timebankCounts(world);
        const form = page.locator("#open-service-form");
        await form.locator('select[name="recipient"]').selectOption(ref);
        await form.locator('input[name="minutes"]').fill(typed(0, lang));
        await send(page, form, "**/app/timebank/services");
        expect(await page.locator("#form-error code").textContent()).to.equal("minutes");
        expect(timebankCounts(world)).to.deep.equal(before);
        await accessibility(page, "refused service");
        await shot(page, `timebank-refused-${lang}-${size}`);
        v.problems = v.problems.filter((problem) => !/status of 400/.test(problem));
      }
      const open = page.locator("#open-service-form");
      await open.locator('select[name="giver"]').selectOption(world.giver);
      await open.locator('select[name="recipient"]').selectOption(ref);
      await open.locator('input[name="minutes"]').fill(typed(15, lang));
      await open.locator('select[name="category"]').selectOption("companionship");
      await send(page, open, "**/app/timebank?done=opened");
      expect(await page.locator(".notice").textContent()).to.equal(textOf(lang, "tbOpened"));
      const serviceId = world.gw.services.store.sqlite
        .prepare("SELECT service_id FROM timebank_services WHERE recipient_ref = ? AND state = 'open'")
        .pluck()
        .get(ref) as string;
      const row = page.locator(`#pending tr[data-service="${serviceId}"]`);
      expect(await row.locator("[data-state]").textContent()).to.equal(textOf(lang, "serviceState_open"));
      expect(await row.textContent()).to.include(textOf(lang, "category_companionship"));
      await accessibility(page, "time bank with a waiting service");
      await row.locator('select[name="payer"]').selectOption("recipient");
      await send(page, row.locator("form"), "**/app/timebank?done=confirmed");
      expect(await page.locator(".notice").textContent()).to.equal(textOf(lang, "tbConfirmed"));
      expect(await page.locator(`#pending tr[data-service="${serviceId}"]`).count()).to.equal(0);
      expect((await member(ref)).balance).to.equal(-15);
      expect((await member(world.giver)).balance).to.equal(giver.balance + 15);

      if (run === 2) {
        // Two services ticked and confirmed in one batch, the recipient paying: all of them at once.
        const ids: string[] = [];
        for (const minutes of [4, 6]) {
          const res = await world.gw.post("/v1/timebank/services", world.coordinator.apiKey, {
            giver: world.giver,
            recipient: ref,
            minutes,
            category: "paperwork",
            idempotencyKey: `web-tb-browser-batch-${minutes}`,
          });
          expect(res.status, res.text).to.equal(201);
          ids.push(res.body.serviceId as string);
        }
        await page.goto(`${world.gw.url}/app/timebank`);
        for (const id of ids) {
          await page.locator(`#pending tr[data-service="${id}"] input[type="checkbox"]`).focus();
          await page.keyboard.press("Space");
        }
        const batch = page.locator("#batch-form");
        await batch.locator('select[name="payer"]').selectOption("recipient");
        await send(page, batch, "**/app/timebank?done=confirmed");
        const states = world.gw.services.store.sqlite
          .prepare(`SELECT state FROM timebank_services WHERE service_id IN (?, ?)`)
          .pluck()
          .all(...ids);
        expect(states).to.deep.equal(["confirmed", "confirmed"]);
        expect((await member(ref)).balance).to.equal(-25);
        await accessibility(page, "time bank after a batch");
      }

      if (run === 3) {
        // The new member confirms a service it received with its PIN, typed on its coordinator's screen.
        const res = await world.gw.post("/v1/timebank/services", world.coordinator.apiKey, {
          giver: world.giver,
          recipient: ref,
          minutes: 9,
          category: "transport",
          idempotencyKey: "web-tb-browser-word-0001",
        });
        expect(res.status, res.text).to.equal(201);
        await page.goto(`${world.gw.url}/app/timebank/members/${ref}`);
        const row = page.locator(`#received tr[data-service="${res.body.serviceId}"]`);
        await row.locator('input[name="pin"]').fill(TIMEBANK_PIN);
        await send(page, row.locator("form").first(), `**/app/timebank/members/${ref}?done=memberConfirmed`);
        expect(await page.locator(".notice").textContent()).to.equal(textOf(lang, "tbMemberConfirmed"));
        expect((await member(ref)).balance).to.equal(-24);
        expect(await page.locator('#account [data-minutes="balance"]').textContent()).to.equal(
          count(-24, lang),
        );
        await accessibility(page, "member after confirming with its PIN");
        await shot(page, `timebank-member-word-${lang}-${size}`);
      }

      // The giver's page, reached by the keyboard: what it earned, paid and donated, chart and table.
      if (run === 3) await page.goto(`${world.gw.url}/app/timebank`);
      // Its history is the indexer's: the writes above are read before the page and the API are compared.
      await untilIndexed(world.gw);
      await keyboardFollow(page, `/app/timebank/members/${world.giver}`);
      const history = (
        await world.gw.get(`/v1/timebank/members/${world.giver}/history`, world.coordinator.apiKey)
      ).body as { entries: { kind: string; minutes: number }[] };
      const earned = history.entries
        .filter((entry) => entry.kind === "earned")
        .reduce((total, entry) => total + entry.minutes, 0);
      expect(await page.locator('#member-minutes [data-minutes="earned"]').textContent()).to.equal(
        count(earned, lang),
      );
      expect(await page.locator('#member-minutes [data-minutes="balance"]').textContent()).to.equal(
        count((await member(world.giver)).balance, lang),
      );
      expect(await page.locator("#history tbody tr").count()).to.equal(history.entries.length);
      expect(await page.locator('svg[aria-labelledby="member-minutes-title"]').isVisible()).to.equal(true);
      await accessibility(page, "giver's page");
      await shot(page, `timebank-member-${lang}-${size}`);
      if (run === 0) {
        // The giver donates 5 earned minutes to the pool with its PIN.
        const poolBefore = Number(await world.gw.services.system.timeBank.poolBalance());
        const donate = page.locator("#donate-form");
        await donate.locator('input[name="minutes"]').fill(typed(5, lang));
        await donate.locator('input[name="pin"]').fill(TIMEBANK_PIN);
        await send(page, donate, `**/app/timebank/members/${world.giver}?done=donated`);
        expect(await page.locator(".notice").textContent()).to.equal(textOf(lang, "tbDonationDone"));
        expect(Number(await world.gw.services.system.timeBank.poolBalance())).to.equal(poolBefore + 5);
        await accessibility(page, "giver after a donation");
      }
      await finish(v);
    });
  });
});
