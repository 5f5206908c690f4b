import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { amount, digits } from "../../../src/web/i18n/format";
import { textOf } from "../../../src/web/i18n/texts";
import { removeDataDir } from "../e2e/harness";
import {
  currentPeriod,
  mandateWorld,
  PIN,
  PREMIUM,
  tableCounts,
  type MandateWorld,
} from "../mandates/mandateFixture";
import { browserVisits, type Lang, type Size } from "./browserVisit";
import { startWithChromium } from "./launchChromium";

interface MandateBody {
  mandateId: string;
  state: string;
  chainMandateId: string | null;
  typedData: {
    domain: Record<string, unknown>;
    types: Record<string, { name: string; type: string }[]>;
    message: Record<string, unknown>;
  } | null;
  premiums: { deliveryId: string; period: number; state: string; redemption: { txHash: string } | null }[];
}

/** Persian at a phone's width, English at a desktop's: the journey's two runs, each with its own household. */
const RUNS: { lang: Lang; size: Size; household: number }[] = [
  { lang: "fa", size: "phone", household: 1 },
  { lang: "en", size: "desktop", household: 2 },
];

/**
 * The insurer's journey in a real browser against a whole gateway (anvil, SQLite, outbox), in Persian at 360 px
 * and English at 1280 px: it proposes a mandate with the form (periods typed in the page's digits), a member
 * accepts it by PIN on the insurer's screen, the insurer redeems this period's premium (read back from the chain:
 * the premium's delivery redeemed by DeliveryRedeemed) and the member revokes it by PIN (PremiumMandates says
 * revoked), and the charity reads it on its read-only mandates page; a proposal's page follows a wallet's acceptance in place without a reload. axe-core on every page,
 * screenshots, no request outside the gateway, no CSP violation, and no PIN in any page.
 */
describe("web: the insurer's premium-mandate journey in a browser", function () {
  this.timeout(300_000);
  let world: MandateWorld;
  let browser: Browser;
  let period: number;
  const { visit, accessibility, shot, finish, signIn } = browserVisits(
    () => browser,
    () => world.gw.url,
  );
  const mandate = async (mandateId: string) =>
    (await world.gw.get(`/v1/mandates/${mandateId}`, world.insurer.apiKey)).body as MandateBody;
  /** Sends a form with the keyboard (its button focused, then Enter) and waits for the page it leads to. */
  async function send(
    page: Page,
    form: ReturnType<Page["locator"]>,
    expected: string | RegExp,
  ): Promise<void> {
    await form.locator('button[type="submit"]').focus();
    await Promise.all([page.waitForURL(expected), page.keyboard.press("Enter")]);
  }

  before(async () => {
    await startWithChromium(mandateWorld(3, 985_001), (started) => {
      world = started.world!;
      browser = started.browser!;
    });
    period = await currentPeriod(world);
  });
  after(async () => {
    await browser?.close();
    if (world) {
      await world.gw.stop();
      removeDataDir(world.gw.dataDir);
    }
  });

  RUNS.forEach(({ lang, size, household }) => {
    it(`insurer (${lang}, ${size}): proposes, a member accepts by PIN, redeems this period's premium, a member revokes by PIN`, async () => {
      const v = await visit(size);
      const { page } = v;
      await signIn(page, lang, world.insurer.apiKey, "/app/insurer");
      expect(await page.locator("html").getAttribute("dir")).to.equal(lang === "fa" ? "rtl" : "ltr");
      await accessibility(page, "insurer's mandates");
      await shot(page, `insurer-${lang}-${size}`);

      // A refusal first: the premium above the programme's cap, named, nothing written.
      const propose = page.locator("#propose-form");
      const { householdRef } = world.households[household]!;
      await propose.locator('input[name="programmeId"]').fill(digits(world.programmeId, lang));
      await propose.locator('input[name="householdRef"]').fill(householdRef);
      await propose.locator('input[name="premiumPerPeriod"]').fill(digits(99_999_999, lang));
      await propose.locator('input[name="firstPeriod"]').fill(digits(period, lang));
      await propose.locator('input[name="lastPeriod"]').fill(digits(period + 3, lang));
      const before = tableCounts(world.gw);
      await send(page, propose, "**/app/insurer/mandates");
      expect(await page.locator("#form-error code").textContent()).to.equal("premiumPerPeriod");
      expect(await page.locator("#form-error").textContent()).to.include(
        textOf(lang, "insRefusal_above_cap"),
      );
      expect(tableCounts(world.gw)).to.deep.equal(before);
      await accessibility(page, "refused proposal");
      await shot(page, `insurer-refused-${lang}-${size}`);
      v.problems = v.problems.filter((problem) => !/status of 400/.test(problem));

      // The same form, kept as typed, with the premium put right.
      expect(await page.locator('#propose-form input[name="householdRef"]').inputValue()).to.equal(
        householdRef,
      );
      await page.locator('#propose-form input[name="premiumPerPeriod"]').fill(digits(PREMIUM, lang));
      await send(
        page,
        page.locator("#propose-form"),
        /\/app\/insurer\/mandates\/mdt_[0-9a-f-]{36}\?done=proposed$/,
      );
      const mandateId = /(mdt_[0-9a-f-]{36})/.exec(page.url())![1]!;
      expect(await page.locator(".notice").textContent()).to.equal(textOf(lang, "insDone_proposed"));
      expect(await page.locator("#mandate").getAttribute("data-follow")).to.equal(
        `/app/insurer/mandates/${mandateId}`,
      );
      expect(await page.locator("svg.qr").isVisible()).to.equal(true);
      expect(await page.locator('#mandate-state [data-money="premium"]').textContent()).to.equal(
        amount(PREMIUM, lang),
      );
      await accessibility(page, "proposed mandate");
      await shot(page, `insurer-proposed-${lang}-${size}`);

      // The member accepts by its PIN, typed on the insurer's screen.
      const accept = page.locator("#accept-form");
      await accept.locator('input[name="code"]').fill(PIN);
      await send(page, accept, `**/app/insurer/mandates/${mandateId}?done=accepted`);
      expect(await page.locator(".notice").textContent()).to.equal(textOf(lang, "insDone_accepted"));
      const accepted = await mandate(mandateId);
      expect(accepted.state).to.equal("accepted");
      expect((await world.gw.services.system.mandates.mandate(accepted.chainMandateId!)).revoked).to.equal(
        false,
      );
      expect(await page.content()).to.not.include(PIN);
      await accessibility(page, "accepted mandate");

      // This period's premium, redeemed and read back from the chain.
      await send(page, page.locator("#premium-form"), `**/app/insurer/mandates/${mandateId}?done=redeemed`);
      await page.locator('#mandate [data-state="redeemed"]').waitFor({ timeout: 30_000 });
      const [premium] = (await mandate(mandateId)).premiums;
      expect(premium).to.deep.include({ period, state: "redeemed" });
      const receipt = await world.gw.services.provider.getTransactionReceipt(premium!.redemption!.txHash);
      const ledger = world.gw.services.system.ledger;
      const redeemed = receipt!.logs
        .map((log) => ledger.interface.parseLog(log))
        .filter((event) => event?.name === "DeliveryRedeemed");
      expect(redeemed).to.have.length(1);
      expect(redeemed[0]!.args.householdRef).to.equal(householdRef);
      expect(redeemed[0]!.args.vendor.toLowerCase()).to.equal(world.insurer.address.toLowerCase());
      const row = page.locator(`#premiums tr[data-premium="${premium!.deliveryId}"]`);
      expect(await row.locator("[data-state]").textContent()).to.equal(textOf(lang, "premiumState_redeemed"));
      expect(await page.locator('#mandate-state [data-this-period="redeemed"]').textContent()).to.equal(
        digits(1, lang),
      );
      expect(await page.locator("#period-taken").textContent()).to.equal(textOf(lang, "insPeriodTaken"));
      expect(await page.locator("#premium-form").count()).to.equal(0);
      await accessibility(page, "premium redeemed");
      await shot(page, `insurer-redeemed-${lang}-${size}`);

      // A member revokes it by its PIN.
      const revoke = page.locator("#revoke-form");
      await revoke.locator('input[name="code"]').fill(PIN);
      await send(page, revoke, `**/app/insurer/mandates/${mandateId}?done=revoked`);
      expect(await page.locator(".notice").textContent()).to.equal(textOf(lang, "insDone_revoked"));
      expect((await world.gw.services.system.mandates.mandate(accepted.chainMandateId!)).revoked).to.equal(
        true,
      );
      expect(await page.locator("#mandate-state").getAttribute("data-state")).to.equal("revoked");
      expect(await page.content()).to.not.include(PIN);
      await accessibility(page, "revoked mandate");
      await shot(page, `insurer-revoked-${lang}-${size}`);

      // Back on the list: the mandate reads revoked, with this period's premium redeemed.
      await page.goto(`${world.gw.url}/app/insurer`);
      const listed = page.locator(`#mandates tr[data-mandate="${mandateId}"]`);
      expect(await listed.locator("[data-state]").textContent()).to.equal(
        textOf(lang, "mandateState_revoked"),
      );
      expect(await listed.locator('[data-this-period="redeemed"]').textContent()).to.equal(digits(1, lang));
      await finish(v);

      // The charity's read-only copy of its households' mandates: the same mandate, revoked, and no form.
      const c = await visit(size);
      await signIn(c.page, lang, world.charity.apiKey, "/app/charity/mandates");
      const copy = c.page.locator(`#mandates tr[data-mandate="${mandateId}"]`);
      expect(await copy.locator("[data-state]").textContent()).to.equal(textOf(lang, "mandateState_revoked"));
      expect(await c.page.locator("#mandates input").count()).to.equal(0);
      await accessibility(c.page, "charity's mandates");
      await shot(c.page, `charity-mandates-${lang}-${size}`);
      await finish(c);
    });
  });

  it("follows a proposal in place while the member's own wallet signs it elsewhere, without a reload", async () => {
    const v = await visit("phone");
    const { page } = v;
    await signIn(page, "fa", world.insurer.apiKey, "/app/insurer");
    const proposed = await world.gw.post("/v1/mandates", world.insurer.apiKey, {
      programmeId: world.programmeId,
      householdRef: world.households[0]!.householdRef,
      premiumPerPeriod: PREMIUM,
      firstPeriod: period,
      lastPeriod: period + 2,
      idempotencyKey: "web-browser-follow-0001",
    });
    expect(proposed.status, proposed.text).to.equal(201);
    const mandateId = proposed.body.mandateId as string;
    await page.goto(`${world.gw.url}/app/insurer/mandates/${mandateId}`);
    await page.evaluate(() => document.documentElement.setAttribute("data-loaded", "once"));
    const { typedData } = proposed.body as MandateBody;
    const signature = await world.phoneWallet.signTypedData(
      typedData!.domain,
      typedData!.types,
      typedData!.message,
    );
    const res = await world.gw.post(`/v1/mandates/${mandateId}/acceptance`, world.insurer.apiKey, {
      signature,
    });
    expect(res.status, res.text).to.equal(200);
    await page.locator('#mandate-state[data-state="accepted"]').waitFor({ timeout: 30_000 });
    expect(await page.locator("html").getAttribute("data-loaded")).to.equal("once");
    expect(await page.locator("#mandate-follow").textContent()).to.equal(
      textOf("fa", "mandateState_accepted"),
    );
    expect(await page.locator("#mandate").getAttribute("data-follow")).to.equal(null);
    await accessibility(page, "followed to accepted");
    await shot(page, "insurer-followed-fa-phone");
    await finish(v);
  });
});
