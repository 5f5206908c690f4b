import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import {
  bootE2e,
  countRows,
  registerOrganisation,
  removeDataDir,
  type E2eGateway,
  type Organisation,
} from "../e2e/harness";
import { browserVisits, RUNS, type Lang, type Visit } from "./browserVisit";
import { startWithChromium } from "./launchChromium";

interface World {
  gw: E2eGateway;
  charity: Organisation;
  donor: Organisation;
}

async function world(): Promise<World> {
  const gw = await bootE2e();
  return {
    gw,
    charity: await registerOrganisation(gw, "charity"),
    donor: await registerOrganisation(gw, "donor"),
  };
}

/**
 * In a real browser, in Persian and English, at 360 and 1280 px, axe-core on every page: the pages every
 * visitor meets (home, sign-in, not found, not for this role), signing in with a one-time link (its token
 * moved from the fragment into the form and out of the address, spent by the button, refused the second
 * time), and the regulator granting a licence with the page's form (one organisation for a double click,
 * its key shown once, a refusal naming the field).
 */
describe("web: visitor pages, one-time link login and the grant form in a browser", function () {
  this.timeout(300_000);
  let w: World;
  let browser: Browser;
  const { visit, accessibility, shot, finish, signIn } = browserVisits(
    () => browser,
    () => w.gw.url,
  );

  before(async () => {
    await startWithChromium(world(), (started) => {
      w = started.world!;
      browser = started.browser!;
    });
  });
  after(async () => {
    await browser?.close();
    if (w) {
      await w.gw.stop();
      removeDataDir(w.gw.dataDir);
    }
  });

  /**
   * The browser reports each page answered with an error status on its console: the ones this journey asked
   * for are taken off the list, one each, so any other error still fails `finish`.
   */
  function expectedRefusals(v: Visit, statuses: number[]): void {
    for (const status of statuses) {
      const at = v.problems.findIndex((problem) => problem.includes(`status of ${status} `));
      expect(at, `the ${status} page`).to.be.at.least(0);
      v.problems.splice(at, 1);
    }
  }

  /** Switches the page's language with its own form when English is asked for. */
  async function inLanguage(page: Page, lang: Lang): Promise<void> {
    if (lang === "en") {
      await page.locator('form[action="/app/language"] button').click();
      await page.locator('html[dir="ltr"]').waitFor();
    }
    expect(await page.locator("html").getAttribute("lang")).to.equal(lang);
  }

  for (const { lang, size } of RUNS) {
    it(`visitor pages (${lang}, ${size}): home, sign-in, not found and not for this role are axe-clean`, async () => {
      const v = await visit(size);
      const { page } = v;
      await page.goto(`${w.gw.url}/app`);
      await inLanguage(page, lang);
      await accessibility(page, "home");
      await shot(page, `home-${lang}-${size}`);
      await page.goto(`${w.gw.url}/app/login`);
      await accessibility(page, "sign-in");
      await shot(page, `login-${lang}-${size}`);
      const missing = await page.goto(`${w.gw.url}/app/no-such-page`);
      expect(missing!.status()).to.equal(404);
      await accessibility(page, "not found");
      await shot(page, `not-found-${lang}-${size}`);
      await page.goto(`${w.gw.url}/app/login`);
      await page.locator("#apiKey").fill(w.donor.apiKey);
      await page.keyboard.press("Enter");
      await page.waitForURL((url) => url.pathname === "/app/donor");
      const forbidden = await page.goto(`${w.gw.url}/app/regulator`);
      expect(forbidden!.status()).to.equal(403);
      expect(await page.locator("html").getAttribute("lang")).to.equal(lang);
      await accessibility(page, "not for this role");
      await shot(page, `forbidden-${lang}-${size}`);
      expectedRefusals(v, [404, 403]);
      await finish(v);
    });
  }

  for (const { lang, size } of RUNS) {
    it(`one-time link (${lang}, ${size}): opening fills the form and clears the address, the button signs in once, a second use is refused`, async () => {
      const minted = await w.gw.post("/v1/login-links", w.charity.apiKey, {});
      expect(minted.status, minted.text).to.equal(201);
      const token = (minted.body.path as string).split("#")[1]!;
      const v = await visit(size);
      const { page } = v;
      await page.goto(`${w.gw.url}/app`);
      await inLanguage(page, lang);
      await page.goto(`${w.gw.url}${minted.body.path}`);
      const field = page.locator("#linkToken");
      await page.waitForFunction(
        () => (document.getElementById("linkToken") as HTMLInputElement).value !== "",
      );
      expect(await field.inputValue()).to.equal(token);
      // The token left the address bar (and the history) once in the form.
      expect(page.url()).to.equal(`${w.gw.url}/app/login/link`);
      expect(await page.evaluate(() => location.hash)).to.equal("");
      await accessibility(page, "one-time link");
      await shot(page, `login-link-${lang}-${size}`);
      await page.locator("#linkSubmit").click();
      await page.waitForURL((url) => url.pathname === "/app/charity");
      expect(await page.locator(".account strong").textContent()).to.equal(
        lang === "fa" ? "خیریه" : "charity",
      );
      // No request the page made carried the token.
      expect(v.requests.filter((url) => url.includes(token))).to.deep.equal([]);
      await finish(v);

      const again = await visit(size);
      await again.page.goto(`${w.gw.url}/app`);
      await inLanguage(again.page, lang);
      await again.page.goto(`${w.gw.url}${minted.body.path}`);
      await again.page.waitForFunction(
        () => (document.getElementById("linkToken") as HTMLInputElement).value !== "",
      );
      const [answer] = await Promise.all([
        again.page.waitForResponse((res) => res.request().method() === "POST"),
        again.page.locator("#linkSubmit").click(),
      ]);
      expect(answer.status()).to.equal(410);
      await again.page.locator("#form-error").waitFor();
      expect(await again.page.locator("#form-error").textContent()).to.include("token");
      await accessibility(again.page, "a used link");
      await shot(again.page, `login-link-used-${lang}-${size}`);
      expectedRefusals(again, [410]);
      await finish(again);
    });
  }

  for (const { lang, size } of RUNS) {
    it(`grant form (${lang}, ${size}): a double click registers one organisation and shows its key once; a bidi name is refused naming the field`, async () => {
      const v = await visit(size);
      const { page } = v;
      await signIn(page, lang, w.gw.regulatorKey, "/app/regulator", "/app/regulator");
      await accessibility(page, "regulator with the grant form");
      const before = countRows(w.gw, "organisations");
      await page.locator("#grant-name").fill(`Browser Grant ${lang} ${size}`);
      await page.locator("#grant-role").selectOption("vendor");
      await Promise.all([
        page.waitForURL("**/app/regulator/organisations"),
        page.locator('#grant button[type="submit"]').dblclick(),
      ]);
      await page.locator("#granted").waitFor();
      expect(countRows(w.gw, "organisations")).to.equal(before + 1);
      const orgId = await page.locator("#granted").getAttribute("data-org");
      const shown = await page.locator("#granted-key").count();
      if (shown === 1) {
        expect(await page.locator("#granted-key").textContent()).to.match(/^stk_[A-Za-z0-9_-]{43}$/);
      } else {
        // The second click reached the gateway after the first had ended: the same organisation, no key.
        expect(await page.locator("p.notice").count()).to.equal(1);
      }
      expect(page.url()).to.not.include("stk_");
      expect(
        w.gw.services.store.sqlite
          .prepare("SELECT role FROM organisations WHERE org_id = ?")
          .pluck()
          .get(orgId),
      ).to.equal("vendor");
      await accessibility(page, "licence granted");
      await shot(page, `grant-answer-${lang}-${size}`);

      await page.goto(`${w.gw.url}/app/regulator`);
      await page.locator("#grant-name").fill("Evil\u202Egnp.exe");
      await Promise.all([
        page.waitForURL("**/app/regulator/organisations"),
        page.locator('#grant button[type="submit"]').click(),
      ]);
      expect(await page.locator("#form-error code").textContent()).to.equal("name");
      expect(await page.locator("#grant-name").inputValue()).to.equal("Evil\u202Egnp.exe");
      expect(countRows(w.gw, "organisations")).to.equal(before + 1);
      await accessibility(page, "grant refused");
      await shot(page, `grant-refused-${lang}-${size}`);
      expectedRefusals(v, [400]);
      await finish(v);
    });
  }
});
