import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { formatUnits } from "ethers";
import type { Browser, Page } from "playwright-core";
import { amount, calendarDay, count, tehranDay } from "../../../src/web/i18n/format";
import { textOf } from "../../../src/web/i18n/texts";
import { persianRefusal } from "../../../src/web/i18n/refusals";
import { rowReason } from "../../../src/web/i18n/rowReasons";
import { HOME } from "../../../src/web/sessionPages";
import { writeFileSync } from "node:fs";
import path_ from "node:path";
import { countRows, disbursementCsv } from "../e2e/harness";
import { ARTIFACTS, browserVisits, RUNS } from "./browserVisit";
import { startWithChromium } from "./launchChromium";
import { roleWorld, type RoleWorld } from "./roleWorld";
import { stopWebWorld } from "./webWorld";

/**
 * The charity's, the regulator's and the auditor's journeys in a real browser against a whole gateway, in
 * Persian and English, at phone and desktop sizes: axe-core on every page, screenshots, links followed
 * with the keyboard alone, no request outside the gateway, and each page refusing the wrong roles.
 */
describe("web: charity, regulator and auditor journeys in a browser", function () {
  this.timeout(300_000);
  let world: RoleWorld;
  let browser: Browser;
  const { visit, accessibility, shot, finish, signIn, keyboardFollow, tabTo } = browserVisits(
    () => browser,
    () => world.gw.url,
  );

  /** Every role's key but `allowed`'s, by role name. */
  const othersThan = (...allowed: string[]) =>
    Object.entries({
      charity: world.charity.apiKey,
      vendor: world.vendor.apiKey,
      donor: world.donor.apiKey,
      auditor: world.auditor.apiKey,
      field_agent: world.fieldAgent.apiKey,
      registrar: world.registrar.apiKey,
      regulator: world.gw.regulatorKey,
    }).filter(([role]) => !allowed.includes(role));

  /** Signs in as each of `callers` in turn: every page of `paths` answers 403, and `alsoAs` runs as each. */
  async function refusedToEach(
    page: Page,
    lang: "fa" | "en",
    callers: [string, string][],
    paths: string[],
    alsoAs?: (role: string) => Promise<void>,
  ): Promise<void> {
    for (const [role, apiKey] of callers) {
      await page.context().clearCookies();
      await signIn(page, lang, apiKey, HOME[role] ?? "/app", "/app/login");
      for (const path of paths) {
        const res = await page.goto(`${world.gw.url}${path}`);
        expect(res!.status(), `${role} ${path}`).to.equal(403);
      }
      await alsoAs?.(role);
    }
  }

  /**
   * The page's deliveries-over-time table against the chain itself: the programme's DeliveryRedeemed events,
   * each dated by its block and grouped by the Tehran day, counted and summed; one bar per row, in the
   * page's digits. The indexer may be a poll behind the chain: the page is read again until it caught up.
   */
  async function deliveriesChartMatchesChain(page: Page, lang: "fa" | "en"): Promise<void> {
    const { ledger } = world.gw.services.system;
    const decimals = world.gw.services.indexer.decimals;
    const events = await ledger.queryFilter(ledger.filters.DeliveryRedeemed(undefined, world.programmeId));
    expect(events.length).to.be.above(0);
    const days = new Map<string, { deliveries: number; units: bigint }>();
    let units = 0n;
    for (const event of events) {
      const day = tehranDay(new Date((await event.getBlock()).timestamp * 1000));
      const entry = days.get(day) ?? { deliveries: 0, units: 0n };
      entry.deliveries++;
      entry.units += event.args.amount;
      units += event.args.amount;
      days.set(day, entry);
    }
    const whole = (value: bigint) => formatUnits(value, decimals).replace(/\.0$/, "");
    const expected = [
      ...[...days.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([day, entry]) => [day, String(entry.deliveries), whole(entry.units)]),
      ["total", String(events.length), whole(units)],
    ];
    const read = () =>
      page
        .locator("#deliveries-over-time tr[data-day]")
        .evaluateAll((rows) =>
          rows.map((row) => [
            row.getAttribute("data-day"),
            row.querySelector("[data-deliveries]")?.getAttribute("data-deliveries"),
            row.querySelector("[data-amount]")?.getAttribute("data-amount"),
          ]),
        );
    for (let tries = 0; JSON.stringify(await read()) !== JSON.stringify(expected) && tries < 20; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      await page.reload();
    }
    expect(await read()).to.deep.equal(expected);
    // The figures as the reader reads them, and one bar per day.
    const [firstDay, firstCount] = expected[0]!;
    const firstRow = page.locator(`#deliveries-over-time tr[data-day="${firstDay}"]`);
    expect(await firstRow.locator("th").textContent()).to.equal(calendarDay(firstDay!, lang));
    expect(await firstRow.locator("td").first().textContent()).to.equal(count(Number(firstCount), lang));
    const bars = page.locator('svg[aria-labelledby="deliveries-over-time-title"] rect.bar');
    expect(await bars.count()).to.equal(days.size);
  }

  before(async () => {
    // Both at once; whichever succeeds is kept, so `after` stops it even if the other failed.
    await startWithChromium(roleWorld(953_000), (started) => {
      world = started.world!;
      browser = started.browser!;
    });
  });
  after(async () => {
    await browser?.close();
    await stopWebWorld(world);
  });

  RUNS.forEach(({ lang, size }, run) => {
    it(`charity (${lang}, ${size}): reads its funds, follows a disbursement's progress and refused rows, the review list, disputes and under-coverage`, async () => {
      const v = await visit(size);
      const { page } = v;
      await signIn(page, lang, world.charity.apiKey, "/app/charity", "/app/charity");
      await accessibility(page, "charity home");
      const programme = (await world.gw.get(`/v1/programmes/${world.programmeId}`, world.charity.apiKey))
        .body;
      const funds = page.locator(`#funds-${world.programmeId}`);
      expect(await funds.locator('[data-money="whole"]').textContent()).to.equal(
        amount(programme.funds.given, lang),
      );
      expect(
        await page.locator(`svg[aria-labelledby="funds-${world.programmeId}-title"]`).isVisible(),
      ).to.equal(true);
      // Only its own: the other charity's programmes are not listed.
      const own = (await world.gw.get(`/v1/programmes?orgId=${world.charity.orgId}`, world.charity.apiKey))
        .body.programmes.length as number;
      expect(await page.locator('section.card[aria-labelledby^="programme-"]').count()).to.equal(own);
      expect(await page.locator("#reviews tbody tr").count()).to.equal(1);
      expect(await page.locator("#reviews tbody").textContent()).to.include(
        textOf(lang, "review_enrolled_elsewhere"),
      );
      // The dispute before redemption and the two flags after it.
      expect(await page.locator("#disputes tbody tr").count()).to.equal(3);
      await shot(page, `charity-home-${lang}-${size}`);

      if (run === 0) {
        // A disbursement with chain writes to make, opened at once: the bar is followed in place to done.
        const fresh = await world.gw.postCsv(
          `/v1/programmes/${world.freshProgrammeId}/disbursements`,
          world.charity.apiKey,
          disbursementCsv(world.households.map((household) => [household.nationalId, "10"])),
          `web-fresh-${randomUUID()}`,
        );
        expect(fresh.status, fresh.text).to.equal(202);
        const path = `/app/charity/disbursements/${fresh.body.disbursementId}`;
        await page.goto(`${world.gw.url}${path}`);
        const initial = await page.locator("#job").getAttribute("data-job-state");
        writeFileSync(path_.join(ARTIFACTS, "charity-progress-initial-state.txt"), `${initial}\n`);
        await page.locator('#job[data-job-state="done"]').waitFor({ timeout: 60_000 });
        const bar = page.locator("#job progress");
        expect(await bar.getAttribute("value")).to.equal(await bar.getAttribute("max"));
        if (initial === "running") {
          // The page polled itself and swapped the bar in place: no navigation, a fetch of the same page.
          expect(v.requests.filter((url) => url === `${world.gw.url}${path}`).length).to.be.greaterThan(1);
        }
        await accessibility(page, "running disbursement");
        await page.goto(`${world.gw.url}/app/charity`);
      }

      const detail = `/app/charity/disbursements/${world.refusedDisbursementId}`;
      await keyboardFollow(page, detail);
      expect(await page.locator('#job[data-job-state="done"]').count()).to.equal(1);
      const rows = page.locator("#refused tbody tr");
      expect(await rows.count()).to.equal(3);
      expect(await rows.first().locator("td").last().textContent()).to.equal(rowReason("format", lang));
      expect(await page.locator("#refused").textContent()).to.include(
        rowReason("HouseholdAlreadyCovered", lang),
      );
      await accessibility(page, "disbursement detail");
      await shot(page, `charity-disbursement-${lang}-${size}`);

      await page.goto(`${world.gw.url}/app/charity`);
      await keyboardFollow(page, `/app/charity/programmes/${world.programmeId}/coverage`);
      const report = (
        await world.gw.get(`/v1/programmes/${world.programmeId}/under-coverage`, world.charity.apiKey)
      ).body;
      expect(await page.locator('[data-coverage="eligible"]').textContent()).to.equal(
        count(report.eligible, lang),
      );
      expect(await page.locator('[data-coverage="uncovered"]').textContent()).to.equal(
        count(report.uncovered, lang),
      );
      expect(await page.locator("svg.chart").first().isVisible()).to.equal(true);
      await deliveriesChartMatchesChain(page, lang);
      await accessibility(page, "under-coverage");
      await shot(page, `charity-coverage-${lang}-${size}`);
      // The period picker by the keyboard: its labelled select, then its button, which reads the period chosen.
      await page.locator("body").focus();
      await tabTo(page, "#period-choice");
      expect(await page.locator("#period-choice").inputValue()).to.equal(String(report.period));
      expect(await tabTo(page, "#period-form button")).to.have.length(1);
      await Promise.all([
        page.waitForURL((url) => url.search === `?period=${report.period}`),
        page.keyboard.press("Enter"),
      ]);
      expect(await page.locator('[data-coverage="uncovered"]').textContent()).to.equal(
        count(report.uncovered, lang),
      );
      await accessibility(page, "under-coverage of a period picked");
      await finish(v);
    });
  });

  it("charity pages: refuse every other role, and show a charity nothing of another's", async () => {
    const v = await visit("phone");
    const { page } = v;
    const paths = [
      "/app/charity",
      `/app/charity/disbursements/${world.refusedDisbursementId}`,
      `/app/charity/programmes/${world.programmeId}/coverage`,
      `/app/charity/deliveries/${world.disputedDeliveryId}`,
    ];
    await refusedToEach(page, "en", othersThan("charity"), paths);
    await page.context().clearCookies();
    await signIn(page, "en", world.otherCharity.apiKey, "/app/charity", "/app/charity");
    expect(await page.locator('section.card[aria-labelledby^="programme-"]').count()).to.equal(0);
    expect(await page.locator("#reviews").count()).to.equal(0);
    for (const path of paths.slice(1)) {
      const res = await page.goto(`${world.gw.url}${path}`);
      expect(res!.status(), path).to.equal(404);
    }
    const bad = await page.goto(
      `${world.gw.url}/app/charity/programmes/${world.programmeId}/coverage?period=x`,
    );
    expect(bad!.status()).to.equal(400);
    expect(await page.locator("#form-error code").textContent()).to.equal("period");
    // The refusals above are what the browser logs as failed loads; nothing else may be.
    v.problems = v.problems.filter((problem) => !/status of 40[034]/.test(problem));
    await finish(v);
  });
  it("charity (fa, phone): resolves its import's duplicate review with the page's button; another charity and other roles cannot", async () => {
    const v = await visit("phone");
    const { page } = v;
    const db = world.gw.services.store.sqlite;
    const review = db
      .prepare("SELECT import_id AS importId, row_no AS rowNo FROM duplicate_reviews WHERE status = 'open'")
      .get() as { importId: string; rowNo: number };
    const action = `/app/charity/reviews/${review.importId}/${review.rowNo}`;
    const state = () =>
      db
        .prepare("SELECT status, resolution FROM duplicate_reviews WHERE import_id = ? AND row_no = ?")
        .get(review.importId, review.rowNo);
    const logged = () => countRows(world.gw, "access_log");
    const before = logged();
    // Another charity, with its own valid token: the 404 of an unknown import, nothing written.
    await signIn(page, "fa", world.otherCharity.apiKey, "/app/charity", "/app/charity");
    const csrf = await page.locator('input[name="csrf"]').first().getAttribute("value");
    const foreign = await page.request.post(`${world.gw.url}${action}`, {
      form: { csrf: csrf!, decision: "merge" },
    });
    expect(foreign.status()).to.equal(404);
    for (const [role, apiKey] of othersThan("charity")) {
      await page.context().clearCookies();
      await signIn(page, "fa", apiKey, HOME[role] ?? "/app", "/app/login");
      const refused = await page.request.post(`${world.gw.url}${action}`, {
        form: { csrf: "x", decision: "merge" },
      });
      expect(refused.status(), role).to.equal(403);
    }
    expect(state()).to.deep.equal({ status: "open", resolution: null });
    expect(logged()).to.equal(before);

    await page.context().clearCookies();
    await signIn(page, "fa", world.charity.apiKey, "/app/charity", "/app/charity");
    // Without the form's token: refused.
    const unsigned = await page.request.post(`${world.gw.url}${action}`, { form: { decision: "merge" } });
    expect(unsigned.status()).to.equal(403);
    await accessibility(page, "charity with a review to resolve");
    const merge = page.locator(`form[action="${action}"] button[value="merge"]`);
    expect(await merge.textContent()).to.equal(textOf("fa", "reviewMerge"));
    await merge.focus();
    await Promise.all([page.waitForURL("**/app/charity?resolved=1"), page.keyboard.press("Enter")]);
    expect(await page.locator(".notice").textContent()).to.equal(textOf("fa", "reviewResolved"));
    expect(await page.locator("#reviews").count()).to.equal(0);
    expect(state()).to.deep.equal({ status: "resolved", resolution: "merge" });
    expect(logged()).to.equal(before + 1);
    await accessibility(page, "charity after resolving a review");
    await shot(page, "charity-review-resolved-fa-phone");
    v.problems = v.problems.filter((problem) => !/status of 40[34]/.test(problem));
    await finish(v);
  });

  it("charity (en, desktop): pauses and resumes its own programme with the page's form; a regulator's pause, another charity and other roles cannot be moved", async () => {
    const v = await visit("desktop");
    const { page } = v;
    const { ledger } = world.gw.services.system;
    const action = "/app/charity/programme-pauses";
    const onChain = async (programmeId: number) => {
      const programme = await ledger.programme(programmeId);
      return [programme.paused, programme.pausedByRegulator];
    };
    const jobs = () => countRows(world.gw, "chain_jobs");
    const before = jobs();
    // Every other role, and the other charity with its own valid token on this charity's programme.
    for (const [role, apiKey] of othersThan("charity")) {
      await page.context().clearCookies();
      await signIn(page, "en", apiKey, HOME[role] ?? "/app", "/app/login");
      const refused = await page.request.post(`${world.gw.url}${action}`, {
        form: {
          csrf: "x",
          programmeId: String(world.freshProgrammeId),
          paused: "true",
          idempotencyKey: "web-x-1",
        },
      });
      expect(refused.status(), role).to.equal(403);
    }
    await page.context().clearCookies();
    await signIn(page, "en", world.otherCharity.apiKey, "/app/charity", "/app/charity");
    const foreignCsrf = await page.locator('input[name="csrf"]').first().getAttribute("value");
    const foreign = await page.request.post(`${world.gw.url}${action}`, {
      form: {
        csrf: foreignCsrf!,
        programmeId: String(world.freshProgrammeId),
        paused: "true",
        idempotencyKey: "web-x-2",
      },
    });
    expect(foreign.status()).to.equal(404);
    expect(jobs()).to.equal(before);
    expect(await onChain(world.freshProgrammeId)).to.deep.equal([false, false]);

    await page.context().clearCookies();
    await signIn(page, "en", world.charity.apiKey, "/app/charity", "/app/charity");
    const unsigned = await page.request.post(`${world.gw.url}${action}`, {
      form: { programmeId: String(world.freshProgrammeId), paused: "true", idempotencyKey: "web-x-3" },
    });
    expect(unsigned.status()).to.equal(403);
    expect(jobs()).to.equal(before);
    // Only its own programmes are offered.
    const offered = await page
      .locator('#pause-form select[name="programmeId"] option')
      .evaluateAll((options) => options.map((option) => Number((option as HTMLOptionElement).value)));
    const own = (await world.gw.get(`/v1/programmes?orgId=${world.charity.orgId}`, world.charity.apiKey)).body
      .programmes as { programmeId: number }[];
    expect(offered.sort()).to.deep.equal(own.map((programme) => programme.programmeId).sort());
    await accessibility(page, "charity with the pause form");

    const submit = async (programmeId: number, paused: boolean, expected: string) => {
      await page.goto(`${world.gw.url}/app/charity`);
      const form = page.locator("#pause-form");
      await form.locator('select[name="programmeId"]').selectOption(String(programmeId));
      await form.locator('select[name="paused"]').selectOption(String(paused));
      await form.locator("button").focus();
      await Promise.all([page.waitForURL(expected), page.keyboard.press("Enter")]);
    };
    for (const paused of [true, false]) {
      await submit(world.freshProgrammeId, paused, "**/app/charity?changed=pause");
      expect(await page.locator(".notice").textContent()).to.equal(textOf("en", "programmePauseChanged"));
      expect(await onChain(world.freshProgrammeId)).to.deep.equal([paused, false]);
    }
    expect(jobs()).to.equal(before + 2);
    // The programme the regulator paused: the ledger's refusal above the page, nothing queued.
    await submit(world.cosignedProgrammeId, false, `**${action}`);
    expect(await page.locator("#form-error code").textContent()).to.equal("paused");
    expect(await page.locator("#form-error").textContent()).to.include("only a regulator lifts it");
    expect(jobs()).to.equal(before + 2);
    expect(await onChain(world.cosignedProgrammeId)).to.deep.equal([true, true]);
    await accessibility(page, "charity after a refused resume");
    await shot(page, "charity-pause-en-desktop");
    v.problems = v.problems.filter((problem) => !/status of 40[349]/.test(problem));
    await finish(v);
  });

  /** What each run asks of the registrar's licence through its form, and what the page then shows. */
  const LICENCE_STEPS = [
    { action: "suspend", status: "suspended", refused: undefined },
    { action: "reinstate", status: "active", refused: undefined },
    { action: "reinstate", status: "active", refused: "LicenceStatusInvalid" },
    { action: "revoke", status: "revocation_pending", refused: undefined },
  ] as const;

  RUNS.forEach(({ lang, size }, run) => {
    it(`regulator (${lang}, ${size}): reads licences as the chain holds them, the groups and who may join, paused programmes; changes a licence with its form`, async () => {
      const v = await visit(size);
      const { page } = v;
      await signIn(page, lang, world.gw.regulatorKey, "/app/regulator", "/app/regulator");
      await accessibility(page, "regulator");
      const status = (org: { orgId: string }) =>
        page.locator(`#licences tr[data-org="${org.orgId}"] td[data-status]`).getAttribute("data-status");
      expect(await status(world.charity)).to.equal("active");
      expect(await status(world.otherVendor)).to.equal("suspended");
      expect(await status(world.fieldAgent)).to.equal("revocation_pending");
      expect(
        await page.locator(`#licences tr[data-org="${world.fieldAgent.orgId}"] td`).last().textContent(),
      ).to.not.equal("—");
      expect(await page.locator(`#licences tr[data-org="${world.donor.orgId}"]`).count()).to.equal(0);
      const group = page.locator(`#groups tr[data-group="${world.groupId}"]`);
      expect(await group.locator("code").first().getAttribute("title")).to.equal(
        world.charity.address.toLowerCase(),
      );
      expect(
        await page.locator(`#paused tr[data-programme="${world.cosignedProgrammeId}"]`).count(),
      ).to.equal(1);
      expect(await page.locator(`#paused tr[data-programme="${world.programmeId}"]`).count()).to.equal(0);
      await shot(page, `regulator-${lang}-${size}`);

      const step = LICENCE_STEPS[run]!;
      const form = page.locator(`form[action="/app/regulator/licences/${world.registrar.orgId}"]`);
      await form.locator("select").selectOption(step.action);
      await form.locator('input[name="findingId"]').fill("1");
      await form.locator("button").focus();
      await Promise.all([
        page.waitForURL(step.refused ? "**/app/regulator/licences/*" : "**/app/regulator?changed=1"),
        page.keyboard.press("Enter"),
      ]);
      if (step.refused) {
        expect(await page.locator("#form-error code").textContent()).to.equal("action");
        v.problems = v.problems.filter((problem) => !/status of 409/.test(problem));
      } else {
        expect(new URL(page.url()).search).to.equal("?changed=1");
        expect(await page.locator(".notice").textContent()).to.equal(textOf(lang, "licenceChanged"));
      }
      expect(await status(world.registrar)).to.equal(step.status);
      await accessibility(page, "regulator after a licence change");
      await finish(v);
    });
  });

  [RUNS[0]!, RUNS[3]!].forEach(({ lang, size }) => {
    it(`regulator (${lang}, ${size}): withdraws and re-admits a charity to a group and resumes and re-pauses a programme with the page's forms, as the chain then holds it`, async () => {
      const v = await visit(size);
      const { page } = v;
      const { ledger } = world.gw.services.system;
      await signIn(page, lang, world.gw.regulatorKey, "/app/regulator", "/app/regulator");
      const submit = async (form: ReturnType<Page["locator"]>, expected: string) => {
        await form.locator("button").focus();
        await Promise.all([page.waitForURL(expected), page.keyboard.press("Enter")]);
      };
      const groupForm = () =>
        page.locator(`form[action="/app/regulator/groups/${world.groupId}/admissions"]`);
      const groupRow = () => page.locator(`#groups tr[data-group="${world.groupId}"]`);
      // Each form from a fresh /app/regulator: the answer's address then differs from the page's own.
      const fresh = () => page.goto(`${world.gw.url}/app/regulator`);
      for (const admitted of [false, true]) {
        await fresh();
        await groupForm().locator('select[name="charityOrgId"]').selectOption(world.charity.orgId);
        await groupForm().locator('select[name="admitted"]').selectOption(String(admitted));
        await submit(groupForm(), "**/app/regulator?changed=group");
        expect(await page.locator(".notice").textContent()).to.equal(textOf(lang, "groupAdmissionChanged"));
        expect(await ledger.isAdmittedToGroup(world.groupId, world.charity.address)).to.equal(admitted);
        expect(
          await groupRow().locator(`code[title="${world.charity.address.toLowerCase()}"]`).count(),
        ).to.equal(admitted ? 1 : 0);
      }
      // Admitting a charity already admitted: the ledger's refusal above the tables, nothing queued.
      const jobs = countRows(world.gw, "chain_jobs");
      await fresh();
      await groupForm().locator('select[name="admitted"]').selectOption("true");
      await submit(groupForm(), `**/app/regulator/groups/${world.groupId}/admissions`);
      expect(await page.locator("#form-error code").textContent()).to.equal("charityOrgIds");
      // In the page's language, by the refusal's code: Persian words on the Persian page.
      const refusal = (await page.locator("#form-error p").first().textContent())!;
      const code = /\(([A-Za-z_]+)\)$/.exec(refusal)?.[1];
      if (lang === "fa")
        expect(refusal).to.equal(`${persianRefusal({ code, field: "charityOrgIds" })} (${code})`);
      else expect(refusal).to.not.match(/[\u0600-\u06FF]/u);
      expect(countRows(world.gw, "chain_jobs")).to.equal(jobs);
      v.problems = v.problems.filter((problem) => !/status of 409/.test(problem));
      await accessibility(page, "regulator after a refused admission");

      const pausedRow = () => page.locator(`#paused tr[data-programme="${world.cosignedProgrammeId}"]`);
      for (const paused of [false, true]) {
        await fresh();
        const form = page.locator("#pause-form");
        await form.locator('select[name="programmeId"]').selectOption(String(world.cosignedProgrammeId));
        await form.locator('select[name="paused"]').selectOption(String(paused));
        await submit(form, "**/app/regulator?changed=pause");
        expect(await page.locator(".notice").textContent()).to.equal(textOf(lang, "programmePauseChanged"));
        const onChain = await ledger.programme(world.cosignedProgrammeId);
        expect([onChain.paused, onChain.pausedByRegulator]).to.deep.equal([paused, paused]);
        expect(await pausedRow().count()).to.equal(paused ? 1 : 0);
      }
      await accessibility(page, "regulator after a pause");
      await shot(page, `regulator-forms-${lang}-${size}`);
      await finish(v);
    });
  });

  it("regulator page: refuses every other role", async () => {
    const v = await visit("phone");
    const { page } = v;
    await refusedToEach(page, "fa", othersThan("regulator"), ["/app/regulator"], async (role) => {
      const jobs = countRows(world.gw, "chain_jobs");
      const writes = [
        [`/app/regulator/licences/${world.vendor.orgId}`, { action: "suspend" }],
        [
          `/app/regulator/groups/${world.groupId}/admissions`,
          { charityOrgId: world.charity.orgId, admitted: "false" },
        ],
        ["/app/regulator/programme-pauses", { programmeId: String(world.programmeId), paused: "true" }],
      ] as const;
      for (const [path, form] of writes) {
        const write = await page.request.post(`${world.gw.url}${path}`, {
          form: { ...form, idempotencyKey: `web-refused-${role}`, csrf: "x" },
        });
        expect(write.status(), `${role} ${path}`).to.equal(403);
      }
      expect(countRows(world.gw, "chain_jobs"), role).to.equal(jobs);
    });
    // The regulator itself, without its form's token: refused, nothing queued.
    await page.context().clearCookies();
    await signIn(page, "fa", world.gw.regulatorKey, "/app/regulator", "/app/regulator");
    const jobs = countRows(world.gw, "chain_jobs");
    const forged = await page.request.post(`${world.gw.url}/app/regulator/licences/${world.vendor.orgId}`, {
      form: { action: "suspend", idempotencyKey: "web-forged-0001" },
    });
    expect(forged.status()).to.equal(403);
    for (const [path, form] of [
      [
        `/app/regulator/groups/${world.groupId}/admissions`,
        { charityOrgId: world.charity.orgId, admitted: "false" },
      ],
      ["/app/regulator/programme-pauses", { programmeId: String(world.programmeId), paused: "true" }],
    ] as const) {
      const unsigned = await page.request.post(`${world.gw.url}${path}`, {
        form: { ...form, idempotencyKey: "web-forged-0002" },
      });
      expect(unsigned.status(), path).to.equal(403);
    }
    expect(countRows(world.gw, "chain_jobs")).to.equal(jobs);
    await page.context().clearCookies();
    const stranger = await page.goto(`${world.gw.url}/app/regulator`);
    expect(new URL(page.url()).pathname, String(stranger?.status())).to.equal("/app/login");
    v.problems = v.problems.filter((problem) => !/status of 403/.test(problem));
    await finish(v);
  });
  RUNS.forEach(({ lang, size }, run) => {
    it(`auditor (${lang}, ${size}): reads findings and signed reports, drills down from a programme to a gift's proofs and a redemption's receipt checked on chain`, async () => {
      const v = await visit(size);
      const { page } = v;
      await signIn(page, lang, world.auditor.apiKey, "/app/auditor", "/app/auditor");
      await accessibility(page, "auditor");
      expect(await page.locator("#findings tbody tr").count()).to.equal(1);
      expect(await page.locator('#findings [data-severity="medium"]').textContent()).to.equal(
        textOf(lang, "severity_medium"),
      );
      expect(await page.locator("#reports tbody tr").count()).to.equal(1);
      await shot(page, `auditor-${lang}-${size}`);

      await keyboardFollow(page, `/app/auditor/programmes/${world.programmeId}`);
      await deliveriesChartMatchesChain(page, lang);
      await accessibility(page, "auditor programme");
      const receipt = page.locator("#redemptions a").first();
      expect(
        await page.locator(`#gifts a[href="/app/donor/gift?giftId=${world.giftIds[0]}"]`).count(),
      ).to.equal(1);
      await shot(page, `auditor-programme-${lang}-${size}`);

      // The programme's gifts and redemptions, each on its own page.
      const programmePath = `/app/auditor/programmes/${world.programmeId}`;
      await page.goto(`${world.gw.url}${programmePath}/gifts`);
      expect(
        await page.locator(`#gifts a[href="/app/donor/gift?giftId=${world.giftIds[0]}"]`).count(),
      ).to.equal(1);
      await accessibility(page, "auditor programme's gifts");
      await shot(page, `auditor-gifts-${lang}-${size}`);
      await page.goto(`${world.gw.url}${programmePath}/redemptions`);
      expect(await page.locator("#redemptions a").count()).to.be.greaterThan(0);
      await accessibility(page, "auditor programme's redemptions");
      await shot(page, `auditor-redemptions-${lang}-${size}`);
      await page.goto(`${world.gw.url}${programmePath}`);

      // Half the runs go on to a gift's timeline and its proofs, half to a receipt.
      if (run % 2 === 0) {
        await keyboardFollow(page, (await receipt.getAttribute("href"))!);
        await page.locator("button.verify-tx").click();
        const result = page.locator("#tx-result-receipt");
        await result.locator("xpath=self::*[@class='ok' or @class='bad']").waitFor({ timeout: 10_000 });
        expect(await result.getAttribute("class"), (await result.textContent()) ?? "").to.equal("ok");
        await accessibility(page, "receipt");
        await shot(page, `auditor-receipt-${lang}-${size}`);
      } else {
        await keyboardFollow(page, `/app/donor/gift?giftId=${world.giftIds[0]}`);
        const proof = page.locator("button.verify-proof").first();
        await proof.click();
        const result = page.locator(`#${await proof.getAttribute("aria-describedby")}`);
        await result.locator("xpath=self::*[@class='ok' or @class='bad']").waitFor({ timeout: 10_000 });
        expect(await result.getAttribute("class")).to.equal("ok");
        await accessibility(page, "auditor's gift timeline");
      }
      await finish(v);
    });
  });

  it("auditor pages: the regulator reads them too; every other role is refused", async () => {
    const v = await visit("desktop");
    const { page } = v;
    const delivery = (await world.gw.get(`/v1/deliveries/${world.disputedDeliveryId}`, world.auditor.apiKey))
      .body;
    const paths = [
      "/app/auditor",
      `/app/auditor/programmes/${world.programmeId}`,
      `/app/auditor/deliveries/${delivery.deliveryId}`,
    ];
    await refusedToEach(page, "en", othersThan("auditor", "regulator"), paths);
    await page.context().clearCookies();
    await signIn(page, "en", world.gw.regulatorKey, "/app/regulator", "/app/login");
    for (const path of paths) {
      const res = await page.goto(`${world.gw.url}${path}`);
      expect(res!.status(), path).to.equal(200);
    }
    const unknown = await page.goto(`${world.gw.url}/app/auditor/programmes/999999`);
    expect(unknown!.status()).to.equal(404);
    v.problems = v.problems.filter((problem) => !/status of 40[34]/.test(problem));
    await finish(v);
  });

  /** What the two charity runs answer: the dispute before redemption, then a flag with an evidence CID. */
  const ANSWERS = [
    { run: RUNS[0]!, target: () => world.disputedDeliveryId, answer: "household_mistaken", cid: "" },
    {
      run: RUNS[1]!,
      target: () => world.flaggedDeliveryIds[0],
      answer: "vendor_at_fault",
      cid: "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
    },
  ] as const;

  ANSWERS.forEach(({ run: { lang, size }, target, answer, cid }, index) => {
    it(`charity (${lang}, ${size}): answers a household's dispute with the page's form; another charity and other roles cannot`, async () => {
      const v = await visit(size);
      const { page } = v;
      const db = world.gw.services.store.sqlite;
      const deliveryId = target();
      const action = `/app/charity/disputes/${deliveryId}/answer`;
      const stored = () =>
        db
          .prepare(
            "SELECT answer, evidence_cid AS cid, answered_by AS org FROM dispute_answers WHERE delivery_id = ?",
          )
          .get(deliveryId);
      const written = () => [countRows(world.gw, "dispute_answers"), countRows(world.gw, "access_log")];
      const reason = (await world.gw.get(`/v1/deliveries/${deliveryId}`, world.charity.apiKey)).body.dispute
        .reason;
      // Read (and logged) before the baseline: the answer adds one entry of its own.
      const before = written();
      if (index === 0) {
        // Another charity, with its own valid token: the 404 of an unknown delivery. Every other role: 403.
        await signIn(page, lang, world.otherCharity.apiKey, "/app/charity", "/app/charity");
        const csrf = await page.locator('input[name="csrf"]').first().getAttribute("value");
        const foreign = await page.request.post(`${world.gw.url}${action}`, {
          form: { csrf: csrf!, answer },
        });
        expect(foreign.status()).to.equal(404);
        expect(await page.locator(`form[action="${action}"]`).count()).to.equal(0);
        for (const [role, apiKey] of othersThan("charity")) {
          await page.context().clearCookies();
          await signIn(page, lang, apiKey, HOME[role] ?? "/app", "/app/login");
          const refused = await page.request.post(`${world.gw.url}${action}`, {
            form: { csrf: "x", answer },
          });
          expect(refused.status(), role).to.equal(403);
        }
        await page.context().clearCookies();
      }
      await signIn(page, lang, world.charity.apiKey, "/app/charity", "/app/charity");
      const unsigned = await page.request.post(`${world.gw.url}${action}`, { form: { answer } });
      expect(unsigned.status()).to.equal(403);
      const form = () => page.locator(`form[action="${action}"]`);
      const row = page.locator(`#disputes tr[data-delivery="${deliveryId}"]`);
      expect(await row.textContent()).to.include(textOf(lang, `reason_${reason}` as never));
      await accessibility(page, "charity with disputes to answer");
      if (cid) {
        // Free text where a CID goes: refused above the page, naming the field, nothing written.
        await form().locator('select[name="answer"]').selectOption(answer);
        await form().locator('input[name="evidenceCid"]').fill("the vendor kept it");
        await form().locator("button").focus();
        await Promise.all([page.waitForURL(`**${action}`), page.keyboard.press("Enter")]);
        expect(await page.locator("#form-error code").textContent()).to.equal("evidenceCid");
        expect(written()).to.deep.equal(before);
        await accessibility(page, "charity after a refused answer");
        await page.goto(`${world.gw.url}/app/charity`);
      }
      await form().locator('select[name="answer"]').selectOption(answer);
      await form().locator('input[name="evidenceCid"]').fill(cid);
      await form().locator("button").focus();
      await Promise.all([page.waitForURL("**/app/charity?answered=1"), page.keyboard.press("Enter")]);
      expect(await page.locator(".notice").textContent()).to.equal(textOf(lang, "disputeAnswered"));
      expect(await form().count()).to.equal(0);
      expect(await row.locator("[data-answer]").getAttribute("data-answer")).to.equal(answer);
      expect(await row.textContent()).to.include(textOf(lang, `answer_${answer}`));
      expect(stored()).to.deep.equal({ answer, cid: cid || null, org: world.charity.orgId });
      expect(written()).to.deep.equal([before[0]! + 1, before[1]! + 1]);
      await accessibility(page, "charity after answering a dispute");
      await shot(page, `charity-dispute-answered-${lang}-${size}`);
      // The row links to the delivery's own page: the reason beside the answer given, no form left.
      await keyboardFollow(page, `/app/charity/deliveries/${deliveryId}`, 400);
      expect(await page.locator("#dispute [data-reason]").getAttribute("data-reason")).to.equal(reason);
      expect(await page.locator("#dispute [data-answer]").getAttribute("data-answer")).to.equal(answer);
      expect(await page.locator(`form[action="${action}"]`).count()).to.equal(0);
      expect(await page.locator("#delivery").textContent()).to.include(
        textOf(lang, `state_${index === 0 ? "disputed" : "redeemed"}`),
      );
      await accessibility(page, "charity's delivery page");
      await shot(page, `charity-delivery-${lang}-${size}`);
      v.problems = v.problems.filter((problem) => !/status of 40[0349]/.test(problem));
      await finish(v);
    });
  });

  /** What the two resolution runs do: an auditor upholds the first flag, the regulator dismisses the second. */
  const RESOLUTIONS = [
    {
      run: RUNS[0]!,
      target: () => world.flaggedDeliveryIds[0],
      who: "auditor",
      upheld: true,
      report: "bafkreiaxnnnb7qz2focittuqq3ya25q7rcv3bqynnczfzao6fgmuxqhmny",
    },
    { run: RUNS[1]!, target: () => world.flaggedDeliveryIds[1], who: "regulator", upheld: false, report: "" },
  ] as const;

  RESOLUTIONS.forEach(({ run: { lang, size }, target, who, upheld, report }, index) => {
    it(`${who} (${lang}, ${size}): resolves a flag with the delivery page's form, the charity's answer beside the household's reason, as the chain then holds it`, async () => {
      const v = await visit(size);
      const { page } = v;
      const { gw } = world;
      const { ledger } = gw.services.system;
      const deliveryId = target();
      const path = `/app/auditor/deliveries/${deliveryId}`;
      const action = `${path}/flag-resolution`;
      const signer = who === "auditor" ? world.auditor.address : gw.services.operator;
      const sent = () => gw.services.provider.getTransactionCount(signer, "pending");
      const jobs = () => countRows(gw, "chain_jobs");
      const [jobsBefore, nonceBefore] = [jobs(), await sent()];
      const api = (await gw.get(`/v1/deliveries/${deliveryId}`, world.auditor.apiKey)).body;
      if (index === 0) {
        for (const [role, apiKey] of othersThan("auditor", "regulator")) {
          await page.context().clearCookies();
          await signIn(page, lang, apiKey, HOME[role] ?? "/app", "/app/login");
          const refused = await page.request.post(`${gw.url}${action}`, {
            form: { csrf: "x", upheld: "true", idempotencyKey: "web-resolve-refused" },
          });
          expect(refused.status(), role).to.equal(403);
        }
        await page.context().clearCookies();
      }
      const key = who === "auditor" ? world.auditor.apiKey : gw.regulatorKey;
      await signIn(page, lang, key, HOME[who]!, "/app/login");
      await page.goto(`${gw.url}${path}`);
      expect(await page.locator("#dispute [data-reason]").getAttribute("data-reason")).to.equal(
        api.dispute.reason,
      );
      expect(await page.locator("#dispute").textContent()).to.include(
        api.dispute.answer
          ? textOf(lang, `answer_${api.dispute.answer.answer}` as never)
          : textOf(lang, "noAnswer"),
      );
      expect(await page.locator('#dispute [data-flag="flagged"]').count()).to.equal(1);
      await accessibility(page, "delivery with a flag to resolve");
      const form = page.locator("#resolve-form");
      if (!report) {
        // Free text where a CID goes: refused above the page, naming the field; no job, no transaction.
        await form.locator('input[name="reportCid"]').fill("the vendor is at fault");
        await form.locator("button").focus();
        await Promise.all([page.waitForURL(`**${action}`), page.keyboard.press("Enter")]);
        expect(await page.locator("#form-error code").textContent()).to.equal("reportCid");
        expect([jobs(), await sent()]).to.deep.equal([jobsBefore, nonceBefore]);
        await accessibility(page, "delivery after a refused resolution");
        await page.goto(`${gw.url}${path}`);
      }
      await form.locator('select[name="upheld"]').selectOption(String(upheld));
      await form.locator('input[name="reportCid"]').fill(report);
      await form.locator("button").focus();
      await Promise.all([page.waitForURL(`**${path}?resolved=1`), page.keyboard.press("Enter")]);
      expect(await page.locator(".notice").textContent()).to.equal(textOf(lang, "flagResolved"));
      expect(await form.count()).to.equal(0);
      const returnedTo = upheld ? "programme" : "vendor";
      expect(await page.locator("#resolution").getAttribute("data-returned-to")).to.equal(returnedTo);
      expect(await page.locator("#resolution").textContent()).to.include(
        textOf(lang, `returnedTo_${returnedTo}`),
      );
      expect(await page.locator("#dispute [data-flag]").getAttribute("data-flag")).to.equal(
        upheld ? "upheld" : "dismissed",
      );
      // The chain: resolved by the signer's own account, one job and one transaction.
      expect(Number(await ledger.disputeStatus(api.redemptionId))).to.equal(upheld ? 2 : 3);
      expect([jobs(), await sent()]).to.deep.equal([jobsBefore + 1, nonceBefore + 1]);
      const [event] = await ledger.queryFilter(ledger.filters.RedemptionFlagResolved(api.redemptionId));
      expect(event!.args.by.toLowerCase()).to.equal(signer.toLowerCase());
      expect(event!.args.reportCid).to.equal(report);
      await accessibility(page, "delivery after its flag was resolved");
      await shot(page, `${who}-flag-resolved-${lang}-${size}`);
      v.problems = v.problems.filter((problem) => !/status of 40[0349]/.test(problem));
      await finish(v);
    });
  });
  for (const { lang, size } of RUNS) {
    it(`vendor (${lang}, ${size}): the counter shows what is owed, collectable, held and collected per programme, from the chain`, async () => {
      const v = await visit(size);
      const { page } = v;
      await signIn(page, lang, world.vendor.apiKey, "/app/vendor");
      const { ledger } = world.gw.services.system;
      const owed = formatUnits(
        await ledger.owedTo(world.programmeId, world.vendor.address),
        world.gw.services.delivery.decimals,
      ).replace(/\.0$/, "");
      expect(Number(owed)).to.be.greaterThan(0);
      const row = page.locator(`#settlement tr[data-programme="${world.programmeId}"]`);
      expect(await row.locator('[data-money="owed"]').textContent()).to.equal(amount(owed, lang));
      await accessibility(page, "counter with settlement");
      await shot(page, `vendor-settlement-${lang}-${size}`);
      await finish(v);
    });
  }
});
