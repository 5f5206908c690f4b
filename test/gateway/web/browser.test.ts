import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import type { DeliveryReceipt } from "../../../src/wallets";
import { AidLedger__factory } from "../../../typechain-types";
import { digits } from "../../../src/web/i18n/format";
import { openDelivery, PIN, settled, smsCodesTo } from "../e2e/deliveryFixture";
import { countRows } from "../e2e/harness";
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

  const { visit, accessibility, shot, finish, signIn, tabTo, skipToContent } = browserVisits(
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
    it(`donor (${lang}, ${size}): with the keyboard alone, looks up the gift, reads the chart and table, verifies a Merkle proof and a delivery on chain`, async () => {
      const v = await visit(size);
      const { page } = v;
      await signIn(page, lang, world.donor.apiKey, "/app/donor", "/app/login?next=/app/donor");
      await accessibility(page, "donor lookup");
      // Past the skip link, the gift id's field is the content's first stop and its button the next;
      // Shift+Tab comes back to the field.
      await skipToContent(page);
      expect(await tabTo(page, "#giftId")).to.deep.equal(["input#giftId"]);
      expect(await tabTo(page, 'form[action="/app/donor/gift"] button')).to.have.length(1);
      expect(await tabTo(page, "#giftId", { backwards: true })).to.deep.equal(["input#giftId"]);
      await page.keyboard.type(String(world.giftIds[0]));
      await Promise.all([page.waitForURL("**/app/donor/gift?giftId=*"), page.keyboard.press("Enter")]);
      expect(await page.locator("html").getAttribute("lang")).to.equal(lang);
      expect(await page.locator("svg.chart").isVisible()).to.equal(true);
      const given = await page.locator(".flow tfoot td").first().textContent();
      expect(given).to.equal(lang === "fa" ? "۲۰٬۰۰۰٬۰۰۰" : "20,000,000");
      const dateText = await page.locator(".summary tr:nth-child(2) td").textContent();
      // The Solar Hijri year in Persian digits (14xx), the Gregorian one in English.
      expect(dateText).to.match(lang === "fa" ? /۱۴۰[0-9۰-۹]/ : /20[0-9]{2}/);

      // The proof's button pressed with Space, then the delivery's check (before it on the page) with Enter.
      const proof = page.locator("button.verify-proof").first();
      await skipToContent(page);
      await tabTo(page, "button.verify-proof");
      await page.keyboard.press("Space");
      const proofResult = page.locator(`#${await proof.getAttribute("aria-describedby")}`);
      await proofResult.locator("xpath=self::*[@class='ok' or @class='bad']").waitFor({ timeout: 10_000 });
      expect(await proofResult.getAttribute("class"), (await proofResult.textContent()) ?? "").to.equal("ok");
      // The delivery: its transaction, event, digest and signature, each checked in the page.
      const checks = await checkDelivery(page, async () => {
        await skipToContent(page);
        await tabTo(page, "button.verify-tx");
        await page.keyboard.press("Enter");
      });
      expect(checks.result, checks.items.join(" | ")).to.equal("ok");
      expect(checks.items.map((item) => item.split(" ")[0])).to.deep.equal(["ok", "ok", "ok", "ok"]);
      expect(checks.texts[3]).to.include(lang === "fa" ? "درست:" : "Passed:");
      await accessibility(page, "gift timeline");
      await shot(page, `donor-timeline-${lang}-${size}`);
      // One call for the proof; four for the delivery's transaction, receipt, chain id and ledger domain,
      // then the ecrecover precompile and the registry's wallet, both at the transaction's block.
      const relayed = v.requests.filter((url) => url.endsWith("/app/chain-rpc"));
      expect(relayed.length).to.equal(7);

      // The gift's webhook form, with the keyboard: a URL the API refuses first, named, nothing written.
      const webhooks = () => countRows(world.gw, "webhooks");
      const before = webhooks();
      const sendWebhook = async (url: string) => {
        await skipToContent(page);
        await tabTo(page, "#webhookUrl");
        await page.keyboard.type(url);
        await Promise.all([page.waitForEvent("load"), page.keyboard.press("Enter")]);
      };
      await sendWebhook("ftp://example.org/");
      expect(await page.locator("#form-error code").textContent()).to.equal("url");
      expect(await page.locator("#webhookUrl").getAttribute("aria-invalid")).to.equal("true");
      expect(webhooks()).to.equal(before);
      await accessibility(page, "webhook refused");
      v.problems = v.problems.filter((problem) => !/status of 400/.test(problem));
      // Then one it takes: its signing secret on the answer page once, in no log (and no screenshot of it).
      const hook = `http://127.0.0.1:9/browser-${lang}-${size}`;
      await sendWebhook(hook);
      const secret = (await page.locator("#webhook-secret").textContent()) ?? "";
      expect(/^whsec_[A-Za-z0-9_-]{43}$/.test(secret), "the secret's shape").to.equal(true);
      expect(webhooks()).to.equal(before + 1);
      const row = world.gw.services.store.sqlite
        .prepare("SELECT org_id, url, gift_id FROM webhooks ORDER BY rowid DESC LIMIT 1")
        .get();
      expect(row).to.deep.equal({ org_id: world.donor.orgId, url: hook, gift_id: world.giftIds[0] });
      expect(
        world.gw.logLines.some((line) => line.includes(secret)),
        "the secret in a log",
      ).to.equal(false);
      await accessibility(page, "webhook registered");

      // A cash gift by its receipt code and secret: a wrong secret is answered like no code, then the right one.
      const { code, secret: receiptSecret, giftId: cashGiftId } = world.cashGift;
      const sendReceipt = async (typed: string) => {
        await skipToContent(page);
        await tabTo(page, "#code");
        await page.keyboard.type(code);
        await tabTo(page, "#secret");
        await page.keyboard.type(typed);
        await Promise.all([page.waitForEvent("load"), page.keyboard.press("Enter")]);
      };
      await page.goto(`${world.gw.url}/app/donor`);
      await sendReceipt("nope");
      expect(await page.locator("#form-error code").textContent()).to.equal("code");
      await accessibility(page, "receipt code refused");
      v.problems = v.problems.filter((problem) => !/status of 404/.test(problem));
      // The refusal is the unknown code's page, without the forms: back to them.
      await page.goto(`${world.gw.url}/app/donor`);
      await sendReceipt(receiptSecret);
      expect(await page.locator("h1").textContent()).to.include(digits(cashGiftId, lang));
      expect(await page.content()).to.not.include(receiptSecret);
      await accessibility(page, "cash gift by receipt code");
      await shot(page, `donor-receipt-${lang}-${size}`);
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

  it("donor: a signature changed in the transaction's data fails the signature check, the digest still holds", async () => {
    const v = await visit("phone");
    const { page } = v;
    await signIn(page, "en", world.donor.apiKey, "/app/donor", "/app/login?next=/app/donor");
    await page.goto(`${world.gw.url}/app/donor/gift?giftId=${world.giftIds[0]}`);
    // As if the chain's answer carried another signature: one byte of r changed, the receipt untouched.
    await tamperTransaction(page, (item) => {
      const signature = item.beneficiarySignature;
      const flipped = (parseInt(signature.slice(10, 12), 16) ^ 0x5a).toString(16).padStart(2, "0");
      return { ...item, beneficiarySignature: signature.slice(0, 10) + flipped + signature.slice(12) };
    });
    const checks = await checkDelivery(page);
    expect(checks.result).to.equal("bad");
    expect(checks.items.map((item) => item.split(" ")[0])).to.deep.equal(["ok", "ok", "ok", "bad"]);
    expect(checks.texts[3]).to.include("Failed:");
    await accessibility(page, "gift timeline with a failed signature check");
    await finish(v);
  });

  it("donor: a node that keeps no state for the transaction's block is asked at the latest block instead", async () => {
    const v = await visit("phone");
    const { page } = v;
    await signIn(page, "en", world.donor.apiKey, "/app/donor", "/app/login?next=/app/donor");
    await page.goto(`${world.gw.url}/app/donor/gift?giftId=${world.giftIds[0]}`);
    // As a pruning node answers a call at an old block: its own JSON-RPC error, which the relay passes on.
    const blocks: string[] = [];
    await page.route("**/app/chain-rpc", async (route) => {
      const request = route.request().postDataJSON() as { id: number; method: string; params: unknown[] };
      const block = request.method === "eth_call" ? String(request.params[1]) : undefined;
      if (block) blocks.push(block);
      if (block && block !== "latest")
        return route.fulfill({
          json: { jsonrpc: "2.0", id: request.id, error: { code: -32000, message: "missing trie node" } },
        });
      return route.fulfill({ response: await route.fetch() });
    });
    const checks = await checkDelivery(page);
    expect(checks.result, checks.items.join(" | ")).to.equal("ok");
    // The domain at latest; the precompile and the registry at the block, refused, then at latest.
    expect(blocks.filter((block) => block === "latest").length).to.equal(3);
    expect(blocks.filter((block) => block !== "latest").length).to.equal(2);
    await finish(v);
  });

  it("donor: another redemption id on the page, or a receipt field changed in the transaction, fails the digest", async () => {
    const v = await visit("phone");
    const { page } = v;
    await signIn(page, "fa", world.donor.apiKey, "/app/donor", "/app/login?next=/app/donor");
    await page.goto(`${world.gw.url}/app/donor/gift?giftId=${world.giftIds[0]}`);
    const button = page.locator("button.verify-tx").first();
    const real = (await button.getAttribute("data-redemption"))!;
    // As if the gateway had named another redemption: no event carries it and no receipt hashes to it.
    await button.evaluate((element: HTMLElement) => (element.dataset.redemption = `0x${"cd".repeat(32)}`));
    const named = await checkDelivery(page);
    expect(named.result).to.equal("bad");
    expect(named.items.map((item) => item.split(" ")[0])).to.deep.equal(["ok", "bad", "bad", "bad"]);
    expect(named.texts[1]).to.include("نادرست:");

    // The real id, but the receipt's amount in the transaction's data one unit more: its digest misses it.
    await button.evaluate((element: HTMLElement, id: string) => (element.dataset.redemption = id), real);
    await tamperTransaction(page, (item) => ({
      ...item,
      receipt: { ...item.receipt, amount: item.receipt.amount + 1n },
    }));
    const changed = await checkDelivery(page);
    expect(changed.result).to.equal("bad");
    expect(changed.items.map((item) => item.split(" ")[0])).to.deep.equal(["ok", "ok", "bad", "bad"]);
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
    // Half the runs take the household's SMS code, half its PIN.
    const proof = run % 2 === 0 ? "smsCode" : "pin";
    it(`vendor (${lang}, ${size}): with the keyboard alone, opens a delivery, shows its QR, takes the ${proof === "pin" ? "PIN" : "SMS code"}, sees it redeemed and in the day's list`, async () => {
      const v = await visit(size);
      const { page } = v;
      const household = world.households[run % world.households.length]!;
      await signIn(page, lang, world.vendor.apiKey, "/app/vendor");
      await accessibility(page, "counter");
      // The counter's form, field by field in the order it reads, the household's handle by its reference.
      await skipToContent(page);
      expect(await tabTo(page, "#programmeId")).to.deep.equal(["input#programmeId"]);
      await page.keyboard.type(String(world.programmeId));
      expect(await tabTo(page, "#handle")).to.deep.equal(["input[handleKind=householdRef]", "input#handle"]);
      expect(await page.locator('input[name="handleKind"][value="householdRef"]').isChecked()).to.equal(true);
      await page.keyboard.type(household.householdRef);
      expect(await tabTo(page, "#amount")).to.deep.equal(["input#amount"]);
      await page.keyboard.type("120");
      expect(await tabTo(page, "#item")).to.deep.equal(["select#item"]);
      // A closed select takes its choice from the arrow keys: bread is the second item.
      await page.keyboard.press("Home");
      await page.keyboard.press("ArrowDown");
      expect(await page.locator("#item").inputValue()).to.equal("bread");
      const submit = 'form[action="/app/vendor/deliveries"] button[type="submit"]';
      expect(await tabTo(page, submit)).to.have.length(2);
      await Promise.all([page.waitForURL("**/app/vendor/deliveries/dlv_*"), page.keyboard.press("Enter")]);
      const deliveryPath = new URL(page.url()).pathname;
      expect(await page.locator("svg.qr").isVisible()).to.equal(true);
      const box = (await page.locator("svg.qr").boundingBox())!;
      expect(box.width).to.be.at.most(SIZES[size].width);
      await accessibility(page, "open delivery");
      await shot(page, `vendor-open-${lang}-${size}`);

      const sms = `form[action="${deliveryPath}/sms-code"] button`;
      await skipToContent(page);
      const toSms = await tabTo(page, sms);
      // The refresh link comes before the buttons, and nothing else does but links.
      expect(toSms[0]).to.equal(`a#refresh[${deliveryPath}]`);
      let code = PIN;
      if (proof === "smsCode") {
        await Promise.all([page.waitForURL("**?sent=1"), page.keyboard.press("Enter")]);
        expect(await page.locator(".notice").isVisible()).to.equal(true);
        code = smsCodesTo(world.gw, household.phone).at(-1)!;
        await skipToContent(page);
        await tabTo(page, sms);
      }
      // The proof's kind is a radio group: Tab enters it on the chosen one, an arrow key chooses the other.
      expect(await tabTo(page, 'input[name="proofKind"]')).to.deep.equal(["input[proofKind=smsCode]"]);
      if (proof === "pin") {
        await page.keyboard.press("ArrowDown");
        expect(await page.locator('input[name="proofKind"][value="pin"]').isChecked()).to.equal(true);
      }
      expect(await tabTo(page, "#proofCode")).to.deep.equal(["input#proofCode"]);
      await page.keyboard.type(code);
      expect(await tabTo(page, `form[action="${deliveryPath}/acceptance"] button`)).to.have.length(1);
      await page.keyboard.press("Enter");
      await page.locator('[data-state="redeemed"]').waitFor({ timeout: 30_000 });
      await accessibility(page, "redeemed delivery");
      await shot(page, `vendor-redeemed-${lang}-${size}`);

      // Back to the counter by its link, where the day's list has the delivery.
      await skipToContent(page);
      await tabTo(page, 'a[href="/app/vendor"]:not(nav a)');
      await Promise.all([
        page.waitForURL((url) => url.pathname === "/app/vendor"),
        page.keyboard.press("Enter"),
      ]);
      expect(await page.locator(`a[href="${deliveryPath}"]`).count()).to.equal(1);
      await shot(page, `vendor-today-${lang}-${size}`);
      await finish(v);
    });
  });
});

/** A signed receipt as the ledger's `redeem` and `redeemBatch` take it. */
interface SignedItem {
  receipt: DeliveryReceipt;
  beneficiarySignature: string;
  fieldAgentSignature: string;
}

/**
 * Answers the page's `eth_getTransactionByHash` with the chain's transaction whose receipts `change` rewrote
 * (re-encoded with the ledger's ABI), everything else through to the real relay.
 */
async function tamperTransaction(page: Page, change: (item: SignedItem) => SignedItem): Promise<void> {
  const ledger = AidLedger__factory.createInterface();
  await page.unroute("**/app/chain-rpc");
  await page.route("**/app/chain-rpc", async (route) => {
    const request = route.request().postDataJSON() as { method: string };
    const response = await route.fetch();
    if (request.method !== "eth_getTransactionByHash") return route.fulfill({ response });
    const answer = (await response.json()) as { result: { input: string } };
    const call = ledger.parseTransaction({ data: answer.result.input })!;
    const plain = (item: unknown) => {
      const [receipt, beneficiarySignature, fieldAgentSignature] = item as [unknown[], string, string];
      const [programmeId, beneficiaryRef, householdRef, vendor, amount, evidenceHash, nonce, deadline] =
        receipt as [bigint, string, string, string, bigint, string, bigint, bigint];
      return change({
        receipt: { programmeId, beneficiaryRef, householdRef, vendor, amount, evidenceHash, nonce, deadline },
        beneficiarySignature,
        fieldAgentSignature,
      });
    };
    const input =
      call.name === "redeem"
        ? (() => {
            const item = plain([call.args[0], call.args[1], call.args[2]]);
            return ledger.encodeFunctionData("redeem", [
              item.receipt,
              item.beneficiarySignature,
              item.fieldAgentSignature,
            ]);
          })()
        : ledger.encodeFunctionData("redeemBatch", [(call.args[0] as unknown[]).map(plain)]);
    await route.fulfill({ response, json: { ...answer, result: { ...answer.result, input } } });
  });
}

/**
 * Presses the first delivery's check (a click unless `press` says how) and reads its result and each
 * check's class and words.
 */
async function checkDelivery(
  page: Page,
  press?: () => Promise<void>,
): Promise<{ result: string | null; items: string[]; texts: string[] }> {
  const button = page.locator("button.verify-tx").first();
  const resultId = (await button.getAttribute("aria-describedby"))!;
  await page.evaluate((id) => {
    const output = document.getElementById(id)!;
    output.className = "";
    output.textContent = "";
  }, resultId);
  await (press ? press() : button.click());
  const result = page.locator(`#${resultId}`);
  await result.locator("xpath=self::*[@class='ok' or @class='bad']").waitFor({ timeout: 15_000 });
  const list = page.locator(`#${resultId}-checks li`);
  const classes = await list.evaluateAll((items) => items.map((item) => item.className));
  const texts = await list.allTextContents();
  return {
    result: await result.getAttribute("class"),
    items: classes.map((name, i) => `${name} ${texts[i]}`),
    texts,
  };
}
