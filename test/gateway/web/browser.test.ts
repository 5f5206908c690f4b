import { expect } from "chai";
import type { Browser } from "playwright-core";
import { openDelivery, PIN, settled, smsCodesTo } from "../e2e/deliveryFixture";
import { browserVisits, RUNS, SIZES } from "./browserVisit";
import { startWithChromium } from "./launchChromium";
import { stopWebWorld, webWorld, type WebWorld } from "./webWorld";

/**
 * The two roles' journeys in a real browser (the Chromium that @sparticuz/chromium ships in npm) against a
 * whole gateway: in Persian and English, at phone and desktop sizes; axe-core on every page; screenshots
 * kept under test-artifacts/web; no request outside the gateway, no CSP violation.
 */
describe("web: donor and vendor journeys in a browser", function () {
  this.timeout(240_000);
  let world: WebWorld;
  let browser: Browser;

  const { visit, accessibility, shot, finish, signIn } = browserVisits(
    () => browser,
    () => world.gw.url,
  );

  before(async () => {
    // Both at once; whichever succeeds is kept, so `after` stops it even if the other failed.
    await startWithChromium(webWorld(952_000), (started) => {
      world = started.world!;
      browser = started.browser!;
    });
  });
  after(async () => {
    await browser?.close();
    await stopWebWorld(world);
  });

  for (const { lang, size } of RUNS) {
    it(`donor (${lang}, ${size}): looks up the gift, reads the chart and table, verifies a Merkle proof and a delivery on chain`, async () => {
      const v = await visit(size);
      const { page } = v;
      await signIn(page, lang, world.donor.apiKey, "/app/donor", "/app/login?next=/app/donor");
      await accessibility(page, "donor lookup");
      await page.locator("#giftId").fill(String(world.giftIds[0]));
      await page.locator('form[action="/app/donor/gift"] button').click();
      await page.waitForURL("**/app/donor/gift?giftId=*");
      expect(await page.locator("html").getAttribute("lang")).to.equal(lang);
      expect(await page.locator("svg.chart").isVisible()).to.equal(true);
      const given = await page.locator(".flow tfoot td").first().textContent();
      expect(given).to.equal(lang === "fa" ? "۲۰٬۰۰۰٬۰۰۰" : "20,000,000");
      const dateText = await page.locator(".summary tr:nth-child(2) td").textContent();
      // The Solar Hijri year in Persian digits (14xx), the Gregorian one in English.
      expect(dateText).to.match(lang === "fa" ? /۱۴۰[0-9۰-۹]/ : /20[0-9]{2}/);

      const proof = page.locator("button.verify-proof").first();
      await proof.click();
      const proofResult = page.locator(`#${await proof.getAttribute("aria-describedby")}`);
      await proofResult.locator("xpath=self::*[@class='ok' or @class='bad']").waitFor({ timeout: 10_000 });
      expect(await proofResult.getAttribute("class"), (await proofResult.textContent()) ?? "").to.equal("ok");
      const tx = page.locator("button.verify-tx").first();
      await tx.click();
      const txResult = page.locator(`#${await tx.getAttribute("aria-describedby")}`);
      await txResult.locator("xpath=self::*[@class='ok' or @class='bad']").waitFor({ timeout: 10_000 });
      expect(await txResult.getAttribute("class")).to.equal("ok");
      await accessibility(page, "gift timeline");
      await shot(page, `donor-timeline-${lang}-${size}`);
      const relayed = v.requests.filter((url) => url.endsWith("/app/chain-rpc"));
      expect(relayed.length).to.equal(2);
      await finish(v);
    });
  }

  it("donor: a tampered proof is caught in the browser, not taken on the gateway's word", async () => {
    const v = await visit("phone");
    const { page } = v;
    await signIn(page, "fa", world.donor.apiKey, "/app/donor", "/app/login?next=/app/donor");
    await page.locator("#giftId").fill(String(world.giftIds[0]));
    await page.locator('form[action="/app/donor/gift"] button').click();
    await page.waitForURL("**/app/donor/gift?giftId=*");
    const proof = page.locator("button.verify-proof").first();
    // As if the gateway had answered another confirmation's hash: the root it shows is then not reached.
    await proof.evaluate((button: HTMLElement) => (button.dataset.hash = `0x${"ab".repeat(32)}`));
    await proof.click();
    const result = page.locator(`#${await proof.getAttribute("aria-describedby")}`);
    await result.locator("xpath=self::*[@class='ok' or @class='bad']").waitFor({ timeout: 10_000 });
    expect(await result.getAttribute("class")).to.equal("bad");
    await finish(v);
  });

  for (const { lang, size } of [RUNS[0]!, RUNS[1]!]) {
    it(`donor (${lang}, ${size}): the gift's page shows a notice when a delivery paid from it is confirmed on chain`, async () => {
      const v = await visit(size);
      const { page } = v;
      await signIn(page, lang, world.donor.apiKey, "/app/donor", "/app/login?next=/app/donor");
      await page.goto(`${world.gw.url}/app/donor/gift?giftId=${world.giftIds[0]}`);
      const state = page.locator("#live-state");
      await state.filter({ hasText: /\S/ }).waitFor({ timeout: 10_000 });
      // What the page already shows is not announced again.
      expect(await page.locator("#live-notices .notice").count()).to.equal(0);

      const household = world.households[1]!;
      const delivery = await openDelivery(world, { householdRef: household.householdRef, amount: "40" });
      const accepted = await world.gw.post(
        `/v1/deliveries/${delivery.deliveryId}/acceptance`,
        world.vendor.apiKey,
        { pin: PIN },
      );
      expect(accepted.status, accepted.text).to.equal(200);
      const done = await settled(world, delivery.deliveryId);
      expect(done.state).to.equal("redeemed");

      const notice = page.locator('#live-notices .notice[data-event="gift.delivered"]');
      await notice.first().waitFor({ timeout: 30_000 });
      expect(await notice.count()).to.equal(1);
      expect(await notice.textContent()).to.include(lang === "fa" ? "۴۰" : "40");
      await accessibility(page, "gift timeline with a live notice");
      await shot(page, `donor-live-notice-${lang}-${size}`);
      const streams = v.requests.filter((url) => url.includes(`/app/donor/gifts/${world.giftIds[0]}/events`));
      expect(streams.length).to.be.at.least(1);
      await finish(v);
    });
  }

  for (const { lang, size } of [RUNS[1]!, RUNS[0]!]) {
    it(`vendor (${lang}, ${size}): an open delivery's page follows it in place while the household signs elsewhere, up to redeemed`, async () => {
      const v = await visit(size);
      const { page } = v;
      const household = world.households[1]!;
      const delivery = await openDelivery(world, { householdRef: household.householdRef, amount: "30" });
      await signIn(page, lang, world.vendor.apiKey, "/app/vendor");
      await page.goto(`${world.gw.url}/app/vendor/deliveries/${delivery.deliveryId}`);
      expect(await page.locator("#delivery").getAttribute("data-delivery-state")).to.equal("open");
      await page.locator("#proofCode").fill("12");
      // A mark on this document: it is still there after the state moved on only if the page was not reloaded.
      await page.evaluate(() => ((window as unknown as { followed: boolean }).followed = true));
      await page.waitForTimeout(2_500);
      // While nothing changed, what the vendor typed stays.
      expect(await page.locator("#proofCode").inputValue()).to.equal("12");

      // The household accepts away from the counter (as a wallet scanning the QR would), by PIN here.
      const accepted = await world.gw.post(
        `/v1/deliveries/${delivery.deliveryId}/acceptance`,
        world.vendor.apiKey,
        {
          pin: PIN,
        },
      );
      expect(accepted.status, accepted.text).to.equal(200);
      await page.locator('#delivery[data-delivery-state="redeemed"]').waitFor({ timeout: 30_000 });
      expect(await page.evaluate(() => (window as unknown as { followed?: boolean }).followed)).to.equal(
        true,
      );
      expect(await page.locator("svg.qr").count()).to.equal(0);
      expect(await page.locator("#delivery-follow").textContent()).to.not.equal("");
      await accessibility(page, "an open delivery followed to redeemed");
      await shot(page, `vendor-followed-${lang}-${size}`);
      await finish(v);
    });
  }

  RUNS.forEach(({ lang, size }, run) => {
    it(`vendor (${lang}, ${size}): opens a delivery, shows its QR, takes the SMS code, sees it redeemed and in the day's list`, async () => {
      const v = await visit(size);
      const { page } = v;
      const household = world.households[run % world.households.length]!;
      await signIn(page, lang, world.vendor.apiKey, "/app/vendor");
      await accessibility(page, "counter");
      await page.locator("#programmeId").fill(String(world.programmeId));
      await page.locator('input[name="handleKind"][value="householdRef"]').check();
      await page.locator("#handle").fill(household.householdRef);
      await page.locator("#amount").fill("120");
      await page.locator("#item").selectOption("bread");
      await page.locator('form[action="/app/vendor/deliveries"] button[type="submit"]').click();
      await page.waitForURL("**/app/vendor/deliveries/dlv_*");
      const deliveryPath = new URL(page.url()).pathname;
      expect(await page.locator("svg.qr").isVisible()).to.equal(true);
      const box = (await page.locator("svg.qr").boundingBox())!;
      expect(box.width).to.be.at.most(SIZES[size].width);
      await accessibility(page, "open delivery");
      await shot(page, `vendor-open-${lang}-${size}`);

      await page.locator(`form[action="${deliveryPath}/sms-code"] button`).click();
      await page.waitForURL("**?sent=1");
      expect(await page.locator(".notice").isVisible()).to.equal(true);
      const code = smsCodesTo(world.gw, household.phone).at(-1)!;
      await page.locator("#proofCode").fill(code);
      await page.locator(`form[action="${deliveryPath}/acceptance"] button`).click();
      await page.locator('[data-state="redeemed"]').waitFor({ timeout: 30_000 });
      await accessibility(page, "redeemed delivery");
      await shot(page, `vendor-redeemed-${lang}-${size}`);

      await page.goto(`${world.gw.url}/app/vendor`);
      expect(await page.locator(`a[href="${deliveryPath}"]`).count()).to.equal(1);
      await shot(page, `vendor-today-${lang}-${size}`);
      await finish(v);
    });
  });
});
