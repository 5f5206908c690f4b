import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { count } from "../../../src/web/i18n/format";
import { textOf } from "../../../src/web/i18n/texts";
import { untilIndexed } from "../e2e/harness";
import { browserVisits, RUNS } from "./browserVisit";
import { startWithChromium } from "./launchChromium";
import { stopTimebankWorld, timebankWorld, TIMEBANK_PIN, type TimebankWorld } from "./timebankWorld";

/**
 * A time-bank member's own journey in a real browser, in Persian and English, at phone and desktop sizes: it
 * opens the one-time link its coordinator made (the page's script moves the token from the address into the
 * form and drops it from the address bar), signs in with the keyboard, reads its minutes as the chain holds
 * them, confirms a service it received with its PIN, and signs out. axe-core on every page, screenshots, no
 * request outside the gateway, no CSP violation.
 */
describe("web: a time-bank member's own page in a browser", function () {
  this.timeout(300_000);
  let world: TimebankWorld;
  let browser: Browser;
  const { visit, accessibility, shot, finish } = browserVisits(
    () => browser,
    () => world.gw.url,
  );
  const balance = async () =>
    (await world.gw.get(`/v1/timebank/members/${world.recipient}`, world.coordinator.apiKey)).body
      .balance as number;
  async function send(page: Page, button: ReturnType<Page["locator"]>, expected: string): Promise<void> {
    await button.focus();
    await Promise.all([page.waitForURL(expected), page.keyboard.press("Enter")]);
  }

  before(async () => {
    await startWithChromium(timebankWorld(967_000), (started) => {
      world = started.world!;
      browser = started.browser!;
    });
  });
  after(async () => {
    await browser?.close();
    await stopTimebankWorld(world);
  });

  RUNS.forEach(({ lang, size }, run) => {
    it(`member (${lang}, ${size}): opens its link, reads its minutes, confirms a service with its PIN, signs out`, async () => {
      const v = await visit(size);
      const { page } = v;
      const service = await world.gw.post("/v1/timebank/services", world.coordinator.apiKey, {
        giver: world.giver,
        recipient: world.recipient,
        minutes: 5,
        category: "care",
        idempotencyKey: `web-member-browser-${run}`,
      });
      expect(service.status, service.text).to.equal(201);
      const made = await world.gw.post(
        `/v1/timebank/members/${world.recipient}/login-links`,
        world.coordinator.apiKey,
        {},
      );
      expect(made.status, made.text).to.equal(201);
      if (lang === "en") {
        await page.goto(`${world.gw.url}/app/member/login`);
        await send(page, page.locator('form[action="/app/language"] button'), "**/app/member/login");
        await page.locator('html[dir="ltr"]').waitFor();
      }
      await page.goto(`${world.gw.url}${made.body.path}`);
      const token = (made.body.path as string).split("#")[1]!;
      expect(await page.locator("#linkToken").inputValue()).to.equal(token);
      expect(page.url(), "the token is dropped from the address").to.not.include("#");
      await accessibility(page, "member sign-in");
      await send(page, page.locator("#linkSubmit"), "**/app/member");

      await untilIndexed(world.gw);
      await page.reload();
      expect(await page.locator("html").getAttribute("dir")).to.equal(lang === "fa" ? "rtl" : "ltr");
      const before = await balance();
      expect(await page.locator('#account [data-minutes="balance"]').textContent()).to.equal(
        count(before, lang),
      );
      expect(await page.locator('svg[aria-labelledby="member-minutes-title"]').isVisible()).to.equal(true);
      await accessibility(page, "member page");
      await shot(page, `timebank-own-${lang}-${size}`);

      const row = page.locator(`#received tr[data-service="${service.body.serviceId}"]`);
      await row.locator('input[name="pin"]').fill(TIMEBANK_PIN);
      await send(
        page,
        row.locator('form button[type="submit"]').first(),
        "**/app/member?done=memberConfirmed",
      );
      expect(await page.locator(".notice").textContent()).to.equal(textOf(lang, "tbMemberConfirmed"));
      expect(await balance()).to.equal(before - 5);
      expect(await page.locator('#account [data-minutes="balance"]').textContent()).to.equal(
        count(before - 5, lang),
      );
      await accessibility(page, "member page after confirming");

      await send(page, page.locator("#member-logout button"), "**/app/member/logout");
      expect(await page.locator("main").textContent()).to.include(textOf(lang, "memberSignedOut"));
      await accessibility(page, "member signed out");
      await finish(v);
    });
  });
});
