import { expect } from "chai";
import { randomUUID } from "node:crypto";
import type { Browser } from "playwright-core";
import { sampleHouseholdsCsv } from "../../../src/households";
import { syntheticNationalId } from "../../../src/identity";
import { count } from "../../../src/web/i18n/format";
import { textOf } from "../../../src/web/i18n/texts";
import { HOME } from "../../../src/web/sessionPages";
import { householdBody } from "../e2e/harness";
import { browserVisits, RUNS } from "./browserVisit";
import { enrolmentWorld, PAGE_SIZE, type EnrolmentWorld } from "./enrolmentWorld";
import { startWithChromium } from "./launchChromium";
import { stopWebWorld } from "./webWorld";

/**
 * The gateway's one pause between an import's slices, held shut until the page has seen the import running:
 * under load a 3,000-row import could end before the page first loaded. The module object's export is read at
 * each call, so replacing it holds the import (and any other long job) at its next slice.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pause = require("../../../src/yieldToEventLoop") as { yieldToEventLoop: () => Promise<void> };
function holdLongJobs(): () => void {
  const original = pause.yieldToEventLoop;
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  pause.yieldToEventLoop = () => gate.then(original);
  return () => {
    pause.yieldToEventLoop = original;
    open();
  };
}

/**
 * Issue 11 in a real browser against a whole gateway, in Persian and English at 360 and 1280 px: the
 * charity's imports and an import's report checked against the API, registration runs and a run's bar
 * followed in place to done, a running import followed in place, every list paged with the keyboard alone,
 * axe-core clean on each page; another charity and other roles refused.
 */
describe("web: the charity's enrolment progress and paged lists in a browser", function () {
  this.timeout(300_000);
  let world: EnrolmentWorld;
  let browser: Browser;
  const { visit, accessibility, shot, finish, signIn, keyboardFollow } = browserVisits(
    () => browser,
    () => world.gw.url,
  );

  before(async () => {
    await startWithChromium(enrolmentWorld(963_000), (started) => {
      world = started.world!;
      browser = started.browser!;
    });
  });
  after(async () => {
    await browser?.close();
    await stopWebWorld(world);
  });

  RUNS.forEach(({ lang, size }, run) => {
    it(`charity (${lang}, ${size}): pages its imports and runs with the keyboard, reads an import's report as the API gives it, and follows a job to done`, async () => {
      const v = await visit(size);
      const { page } = v;
      const url = world.gw.url;
      await signIn(page, lang, world.charity.apiKey, "/app/charity", "/app/charity");
      // Newest first as the database holds them now: earlier runs of this test add a run and an import.
      const newest = (sql: string) =>
        world.gw.services.store.sqlite.prepare(sql).pluck().all(world.charity.orgId) as string[];
      const importIds = newest("SELECT import_id FROM imports WHERE org_id = ? ORDER BY rowid DESC");
      const registrationIds = newest(
        "SELECT registration_id FROM registration_runs WHERE org_id = ? ORDER BY rowid DESC",
      );
      expect(importIds.indexOf(world.reportImportId)).to.be.within(PAGE_SIZE, 2 * PAGE_SIZE - 1);
      await accessibility(page, "charity home with imports and runs");
      expect(await page.locator("#imports tbody tr").count()).to.equal(PAGE_SIZE);
      expect(await page.locator("#registrations tbody tr").count()).to.equal(PAGE_SIZE);
      await shot(page, `charity-enrolment-home-${lang}-${size}`);

      // Older imports, then back to the newest, with the keyboard alone.
      await keyboardFollow(page, `/app/charity/imports?before=${importIds[PAGE_SIZE - 1]}`);
      expect(
        await page
          .locator("#imports tbody tr")
          .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-import"))),
      ).to.deep.equal(importIds.slice(PAGE_SIZE, 2 * PAGE_SIZE));
      await accessibility(page, "older imports");
      await keyboardFollow(page, "/app/charity/imports");
      expect(await page.locator("#imports tbody tr").count()).to.equal(PAGE_SIZE);

      // The report import is on the older page.
      await page.goto(`${url}/app/charity/imports?before=${importIds[PAGE_SIZE - 1]}`);
      await keyboardFollow(page, `/app/charity/imports/${world.reportImportId}`);
      const api = (await world.gw.get(`/v1/households/imports/${world.reportImportId}`, world.charity.apiKey))
        .body;
      const fact = (name: string) => page.locator(`#import-counts [data-count="${name}"]`).textContent();
      expect(await fact("rows")).to.equal(count(api.counts.rows, lang));
      expect(await fact("enrolled")).to.equal(count(api.counts.enrolled, lang));
      expect(await fact("refused")).to.equal(count(api.counts.invalid, lang));
      expect(await fact("held")).to.equal(count(api.counts.duplicate + api.counts.held, lang));
      const bar = page.locator("#job progress");
      expect(await bar.getAttribute("value")).to.equal(String(api.counts.rows));
      expect(await page.locator('#refused tr[data-row="3"] [data-reason]').textContent()).to.equal(
        textOf(lang, "importReason_checksum"),
      );
      expect(await page.locator("#refused tbody tr").count()).to.equal(PAGE_SIZE);
      await accessibility(page, "import report");
      await shot(page, `charity-import-${lang}-${size}`);
      // The report's next rows, by the keyboard, up to the duplicates and their buttons.
      let next = await page.locator('#refused a[rel="next"]').getAttribute("href");
      while (next) {
        await keyboardFollow(page, next);
        next = (await page.locator('#refused a[rel="next"]').count())
          ? await page.locator('#refused a[rel="next"]').getAttribute("href")
          : null;
      }
      expect(
        await page.locator(`#refused form[action^="/app/charity/reviews/${world.reportImportId}/"]`).count(),
      ).to.be.greaterThan(0);
      await accessibility(page, "import report, last rows with review buttons");

      // Older registration runs from the home.
      await page.goto(`${url}/app/charity`);
      await keyboardFollow(page, `/app/charity/registrations?before=${registrationIds[PAGE_SIZE - 1]}`);
      expect(
        await page
          .locator("#registrations tbody tr")
          .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-registration"))),
      ).to.deep.equal(registrationIds.slice(PAGE_SIZE, 2 * PAGE_SIZE));
      await accessibility(page, "older registration runs");

      // The other lists' older pages, each reached by the keyboard from the home.
      for (const list of ["disbursements", "reviews", "disputes"]) {
        await page.goto(`${url}/app/charity`);
        const older = await page
          .locator(`section[aria-labelledby="${list}-heading"] a[rel="next"]`)
          .getAttribute("href");
        expect(older, list).to.match(new RegExp(`^/app/charity/${list}\\?before=`));
        await keyboardFollow(page, older!);
        await accessibility(page, `older ${list}`);
      }

      // A finished registration run's page, in every run's language and size.
      await page.goto(`${url}/app/charity/registrations/${world.registrationIds[0]}`);
      expect(await page.locator("#job").getAttribute("data-job-state")).to.equal("done");
      await accessibility(page, "finished registration run");

      if (run === 0) {
        // A new registration run opened at once: its bar followed in place to done.
        const enrolled = await world.gw.post(
          "/v1/households",
          world.charity.apiKey,
          householdBody([syntheticNationalId(964_000)]),
        );
        expect(enrolled.status, enrolled.text).to.equal(201);
        // The chain mines nothing until the page has shown the run running and polled it: then it does.
        const automine = (on: boolean) => world.gw.services.provider.send("evm_setAutomine", [on]);
        await automine(false);
        let path: string;
        let registrationId: string;
        try {
          const started = await world.gw.post("/v1/households/registrations", world.charity.apiKey);
          expect(started.status, started.text).to.equal(202);
          registrationId = started.body.registrationId as string;
          path = `/app/charity/registrations/${registrationId}`;
          await page.goto(`${url}${path}`);
          expect(await page.locator("#job").getAttribute("data-job-state")).to.equal("running");
          expect(await page.locator("#job progress").getAttribute("value")).to.equal("0");
          await accessibility(page, "running registration run");
          for (let i = 0; i < 100 && v.requests.filter((r) => r === `${url}${path}`).length < 3; i++)
            await new Promise((resolve) => setTimeout(resolve, 100));
        } finally {
          await automine(true);
          await world.gw.services.provider.send("evm_mine", []);
        }
        await page.locator('#job[data-job-state="done"]').waitFor({ timeout: 60_000 });
        // Polled in place: no navigation, fetches of the same page.
        expect(v.requests.filter((r) => r === `${url}${path}`).length).to.be.greaterThan(2);
        const runBar = page.locator("#job progress");
        expect(await runBar.getAttribute("value")).to.equal(await runBar.getAttribute("max"));
        const done = (
          await world.gw.get(`/v1/households/registrations/${registrationId}`, world.charity.apiKey)
        ).body;
        expect(done.state).to.equal("done");
        expect(await runBar.getAttribute("value")).to.equal(
          String(done.progress.done + done.progress.refused),
        );
        await accessibility(page, "registration run");
        await shot(page, `charity-registration-${lang}-${size}`);
      }
      if (run === 1) {
        // A large import opened while it runs: the page follows its rows in place to the end.
        const sample = sampleHouseholdsCsv({
          households: 3_000,
          seed: 78,
          firstIdSeed: 7_300_000,
          maxMembers: 2,
        });
        const release = holdLongJobs();
        let upload: ReturnType<typeof world.gw.postCsv>;
        let path: string;
        try {
          upload = world.gw.postCsv(
            "/v1/households/imports",
            world.charity.apiKey,
            sample.csv,
            `browser-big-${randomUUID()}`,
          );
          const db = world.gw.services.store.sqlite;
          let importId: string | undefined;
          for (let i = 0; i < 200 && !importId; i++) {
            importId = db
              .prepare("SELECT import_id FROM imports WHERE org_id = ? AND status = 'running'")
              .pluck()
              .get(world.charity.orgId) as string | undefined;
            if (!importId) await new Promise((resolve) => setTimeout(resolve, 50));
          }
          expect(importId, "a running import").to.be.a("string");
          path = `/app/charity/imports/${importId}`;
          await page.goto(`${url}${path}`);
          expect(await page.locator("#job").getAttribute("data-job-state")).to.equal("running");
          await accessibility(page, "running import");
        } finally {
          release();
        }
        await page.locator('#job[data-job-state="done"]').waitFor({ timeout: 120_000 });
        expect((await upload).status).to.equal(201);
        const importBar = page.locator("#job progress");
        expect(await importBar.getAttribute("value")).to.equal(String(sample.rowCount));
        expect(await importBar.getAttribute("max")).to.equal(String(sample.rowCount));
        expect(v.requests.filter((request) => request === `${url}${path}`).length).to.be.greaterThan(1);
        await accessibility(page, "import followed to its end");
      }
      await finish(v);
    });
  });

  it("enrolment pages: refuse every other role, and show a charity nothing of another's", async () => {
    const v = await visit("phone");
    const { page } = v;
    const paths = [
      "/app/charity/imports",
      `/app/charity/imports/${world.reportImportId}`,
      "/app/charity/registrations",
      `/app/charity/registrations/${world.registrationIds[0]}`,
      "/app/charity/reviews",
    ];
    const others = Object.entries({
      vendor: world.vendor.apiKey,
      donor: world.donor.apiKey,
      auditor: world.auditor.apiKey,
      field_agent: world.fieldAgent.apiKey,
      registrar: world.registrar.apiKey,
      regulator: world.gw.regulatorKey,
    });
    for (const [role, apiKey] of others) {
      await page.context().clearCookies();
      await signIn(page, "fa", apiKey, HOME[role] ?? "/app", "/app/login");
      for (const path of paths) {
        const res = await page.goto(`${world.gw.url}${path}`);
        expect(res!.status(), `${role} ${path}`).to.equal(403);
      }
    }
    await page.context().clearCookies();
    await signIn(page, "en", world.otherCharity.apiKey, "/app/charity", "/app/charity");
    expect(
      await page
        .locator("#imports tbody tr")
        .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-import"))),
    ).to.deep.equal([world.otherImportId]);
    for (const path of paths.filter((path) => /\/(imports|registrations)\/./.test(path))) {
      const res = await page.goto(`${world.gw.url}${path}`);
      expect(res!.status(), path).to.equal(404);
      await accessibility(page, `another charity's ${path}`);
    }
    v.problems = v.problems.filter((problem) => !/status of 40[34]/.test(problem));
    await finish(v);
  });
});
