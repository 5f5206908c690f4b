import { expect } from "chai";
import { randomUUID } from "node:crypto";
import request from "supertest";
import { sampleHouseholdsCsv } from "../../../src/households";
import { count, digits } from "../../../src/web/i18n/format";
import { textOf } from "../../../src/web/i18n/texts";
import { openDelivery, PIN, settled } from "../e2e/deliveryFixture";
import { countRows, createProgramme, give } from "../e2e/harness";
import { enrolmentWorld, PAGE_SIZE, type EnrolmentWorld } from "./enrolmentWorld";
import { csrfOf, stopWebWorld, until } from "./webWorld";

type Agent = ReturnType<typeof request.agent>;

/** Text as the page escaped it, read back. */
const unescaped = (text: string) =>
  text
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
/** Every match of `pattern`'s first group in `text`. */
const all = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].map((match) => match[1]!);
/** The older page's link of the list named `label`, if any. */
const olderOf = (text: string) => /<a href="([^"]+)" rel="next">/.exec(text)?.[1]?.replace(/&amp;/g, "&");

/**
 * Issue 11 over HTTP against a whole gateway: the charity's household imports (list, counts, the report of
 * rows not enrolled with reasons in both languages, duplicates with their review buttons), its registration
 * runs, every list paged with a cursor to its end, and nothing of another charity's; checked against the API
 * and the database.
 */
describe("web: the charity's enrolment pages and paged lists over HTTP", function () {
  this.timeout(300_000);
  let world: EnrolmentWorld;
  const db = () => world.gw.services.store.sqlite;

  async function signedIn(apiKey: string, lang: "fa" | "en" = "en"): Promise<Agent> {
    const agent = request.agent(world.gw.url);
    const home = await agent.get("/app");
    const csrf = csrfOf(home.text);
    if (lang === "en")
      await agent.post("/app/language").type("form").send({ csrf, lang: "en", back: "/app" });
    const res = await agent.post("/app/login").type("form").send({ csrf, apiKey });
    expect(res.status, res.text).to.equal(303);
    return agent;
  }

  /** Follows the older links from `first` to the last page; every page's items by `pattern`. */
  async function walk(agent: Agent, first: string, pattern: RegExp): Promise<string[][]> {
    const pages: string[][] = [];
    for (let path: string | undefined = first; path;) {
      const res = await agent.get(path);
      expect(res.status, `${path}: ${res.text.slice(0, 300)}`).to.equal(200);
      pages.push(all(res.text, pattern));
      path = olderOf(res.text);
      expect(pages.length, "pages").to.be.below(20);
    }
    return pages;
  }

  before(async () => {
    world = await enrolmentWorld(961_000);
  });
  after(() => stopWebWorld(world));

  it("lists the charity's imports newest first with their counts, as the API reports them, and pages to the oldest", async () => {
    const agent = await signedIn(world.charity.apiKey);
    const pages = await walk(agent, "/app/charity/imports", /<tr data-import="([0-9a-f-]{36})">/g);
    expect(pages.map((page) => page.length)).to.deep.equal([PAGE_SIZE, 1]);
    const own = db()
      .prepare("SELECT import_id FROM imports WHERE org_id = ? ORDER BY rowid DESC")
      .pluck()
      .all(world.charity.orgId);
    expect(pages.flat()).to.deep.equal(own).and.to.deep.equal(world.importIds);
    expect(pages.flat()).to.not.include(world.otherImportId);

    // The home shows the first page and the older link to the list's own page.
    const home = await agent.get("/app/charity");
    expect(all(home.text, /<tr data-import="([0-9a-f-]{36})">/g)).to.deep.equal(pages[0]);
    expect(home.text).to.include(`href="/app/charity/imports?before=${pages[0]![PAGE_SIZE - 1]}"`);

    const last = await agent.get(`/app/charity/imports?before=${world.importIds[1]}`);
    const api = (await world.gw.get(`/v1/households/imports/${world.reportImportId}`, world.charity.apiKey))
      .body;
    const row = new RegExp(`<tr data-import="${world.reportImportId}">([\\s\\S]*?)</tr>`).exec(
      last.text,
    )![1]!;
    const cell = (name: string) => new RegExp(`data-count="${name}">([^<]*)<`).exec(row)![1];
    expect(cell("rows")).to.equal(count(api.counts.rows, "en"));
    expect(cell("enrolled")).to.equal(count(api.counts.enrolled, "en"));
    expect(cell("held")).to.equal(count(api.counts.duplicate + api.counts.held, "en"));
    expect(cell("refused")).to.equal(count(api.counts.invalid, "en"));
    expect(api.counts).to.include({ rows: 12, enrolled: 2, invalid: 3, duplicate: 4, held: 3 });
    // A newest link back to the first page, and none older.
    expect(last.text).to.include('<a href="/app/charity/imports">');
    expect(olderOf(last.text)).to.equal(undefined);
  });

  for (const lang of ["en", "fa"] as const) {
    it(`shows an import's report (${lang}): its bar and counts, every row not enrolled with its reason, paged, and the duplicates' review buttons`, async () => {
      const agent = await signedIn(world.charity.apiKey, lang);
      const path = `/app/charity/imports/${world.reportImportId}`;
      const logged = countRows(world.gw, "access_log");
      const first = await agent.get(path);
      expect(first.status).to.equal(200);
      // Recorded as the API's report read is.
      expect(countRows(world.gw, "access_log")).to.equal(logged + 1);
      const api = (await world.gw.get(path.replace("/app/charity", "/v1/households"), world.charity.apiKey))
        .body;
      expect(first.text).to.include('data-job-state="done"');
      expect(first.text).to.include(`<progress id="job-bar" max="12" value="12">`);
      expect(first.text).to.not.include("progress.js");
      const fact = (name: string) =>
        new RegExp(`<dd class="num" data-count="${name}">([^<]*)<`).exec(first.text)![1];
      expect(fact("rows")).to.equal(count(api.counts.rows, lang));
      expect(fact("refused")).to.equal(count(api.counts.invalid, lang));
      expect(fact("held")).to.equal(count(api.counts.duplicate + api.counts.held, lang));
      expect(fact("households")).to.equal(count(api.counts.householdsEnrolled, lang));

      const rows = (await walk(agent, path, /<tr data-row="([0-9]+)" data-status="[a-z_]+">/g)).flat();
      const expected = (api.rows as { rowNo: number; status: string }[])
        .filter((r) => r.status !== "enrolled")
        .map((r) => String(r.rowNo));
      expect(rows).to.deep.equal(expected);
      expect(rows).to.have.length(10);

      // Every reason, read page by page, in the page's language.
      const reasons = new Map<string, string>();
      for (let next: string | undefined = path; next;) {
        const res = await agent.get(next);
        for (const match of res.text.matchAll(
          /<tr data-row="([0-9]+)"[\s\S]*?<td data-reason>([^<]*)<\/td>/g,
        ))
          reasons.set(match[1]!, unescaped(match[2]!.trim()));
        next = olderOf(res.text);
      }
      const reasonOf = (rowNo: number) => reasons.get(String(rowNo));
      expect(reasonOf(3)).to.equal(textOf(lang, "importReason_checksum"));
      expect(reasonOf(4)).to.equal(textOf(lang, "importReason_missing_head"));
      expect(reasonOf(5)).to.equal(textOf(lang, "importReason_unknown_job_code"));
      expect(reasonOf(7)).to.equal(textOf(lang, "importReason_enrolled_elsewhere"));
      expect(reasonOf(6)).to.equal(textOf(lang, "importReason_household_held_for_review"));
      // The duplicates carry the review list's own form, coming back to this page.
      const page = (await agent.get(`${path}?after=6`)).text;
      expect(page).to.include(`action="/app/charity/reviews/${world.reportImportId}/7"`);
      expect(page).to.include('<input type="hidden" name="back" value="import" />');
      expect(page).to.include(`<th scope="row">${digits(7, lang)}</th>`);
    });
  }

  it("resolves a duplicate from the import's page and comes back to it", async () => {
    const agent = await signedIn(world.charity.apiKey);
    const path = `/app/charity/imports/${world.reportImportId}`;
    const page = await agent.get(`${path}?after=6`);
    const res = await agent
      .post(`/app/charity/reviews/${world.reportImportId}/7`)
      .type("form")
      .send({ csrf: csrfOf(page.text), decision: "reject", back: "import" });
    expect(res.status, res.text).to.equal(303);
    expect(res.headers.location).to.equal(`${path}?resolved=1`);
    const after = await agent.get(`${path}?after=6`);
    expect(after.text).to.include(textOf("en", "reviewRejected"));
    expect(after.text).to.not.include(`action="/app/charity/reviews/${world.reportImportId}/7"`);
    expect(
      db()
        .prepare("SELECT resolution FROM duplicate_reviews WHERE import_id = ? AND row_no = 7")
        .pluck()
        .get(world.reportImportId),
    ).to.equal("reject");
  });

  it("pages every list of the charity to its end: disbursements, registration runs, reviews and disputes", async () => {
    const agent = await signedIn(world.charity.apiKey, "fa");
    const lists = [
      {
        path: "/app/charity/disbursements",
        item: /<a href="\/app\/charity\/disbursements\/(dsb_[0-9a-f-]{36})">/g,
        sql: "SELECT disbursement_id FROM disbursements WHERE org_id = ? ORDER BY rowid DESC",
      },
      {
        path: "/app/charity/registrations",
        item: /<tr data-registration="(reg_[0-9a-f-]{36})">/g,
        sql: "SELECT registration_id FROM registration_runs WHERE org_id = ? ORDER BY rowid DESC",
      },
      {
        path: "/app/charity/reviews",
        item: /action="\/app\/charity\/reviews\/([0-9a-f-]{36}\/[0-9]+)"/g,
        sql: `SELECT r.import_id || '/' || r.row_no FROM duplicate_reviews r JOIN imports i USING (import_id)
                WHERE i.org_id = ? AND r.status = 'open' ORDER BY r.review_id DESC`,
      },
      {
        path: "/app/charity/disputes",
        item: /<tr data-delivery="(dlv_[0-9a-f-]{36})">/g,
        sql: `SELECT d.delivery_id FROM deliveries d JOIN programmes p USING (programme_id)
                WHERE p.org_id = ? AND (d.state = 'disputed' OR d.flag_state IS NOT NULL)
                ORDER BY d.created_at DESC, d.delivery_id DESC`,
      },
    ];
    for (const list of lists) {
      const pages = await walk(agent, list.path, list.item);
      const expected = db().prepare(list.sql).pluck().all(world.charity.orgId) as string[];
      expect(expected.length, list.path).to.be.above(PAGE_SIZE);
      expect(pages.flat(), list.path).to.deep.equal(expected);
      expect(
        pages.slice(0, -1).every((page) => page.length === PAGE_SIZE),
        list.path,
      ).to.equal(true);
    }
    expect((await walk(agent, "/app/charity/registrations", lists[1]!.item)).flat()).to.deep.equal(
      world.registrationIds,
    );
  });

  it("shows a registration run's bar as the API reports it", async () => {
    const agent = await signedIn(world.charity.apiKey);
    const [newest] = world.registrationIds;
    const page = await agent.get(`/app/charity/registrations/${newest}`);
    expect(page.status).to.equal(200);
    const api = (await world.gw.get(`/v1/households/registrations/${newest}`, world.charity.apiKey)).body;
    expect(api.state).to.equal("done");
    expect(page.text).to.include('data-job-state="done"');
    expect(page.text).to.include(
      `<progress id="job-bar" max="${api.progress.rows}" value="${api.progress.done + api.progress.refused}">`,
    );
    expect(page.text).to.include(
      `${textOf("en", "rowsRegistered")}\n      ${count(api.progress.done, "en")}`,
    );
  });

  it("follows a running import's rows as they are recorded, to its end", async () => {
    const agent = await signedIn(world.charity.apiKey);
    const sample = sampleHouseholdsCsv({
      households: 3_000,
      seed: 77,
      firstIdSeed: 7_100_000,
      maxMembers: 2,
    });
    const upload = world.gw.postCsv(
      "/v1/households/imports",
      world.charity.apiKey,
      sample.csv,
      `big-${randomUUID()}`,
    );
    const importId = await until("the import's row", async () => {
      const id = db()
        .prepare("SELECT import_id FROM imports WHERE org_id = ? AND status = 'running'")
        .pluck()
        .get(world.charity.orgId) as string | undefined;
      return id;
    });
    const running = await until("rows recorded while running", async () => {
      const res = await agent.get(`/app/charity/imports/${importId}`);
      const value = Number(/<progress id="job-bar" max="[0-9]+" value="([0-9]+)">/.exec(res.text)![1]);
      return res.text.includes('data-job-state="running"') && value > 0 ? res.text : undefined;
    });
    expect(running).to.include(`max="${sample.rowCount}"`);
    expect(running).to.include('<script src="/app/static/progress.js" defer></script>');
    const done = await upload;
    expect(done.status, done.text.slice(0, 300)).to.equal(201);
    const end = await agent.get(`/app/charity/imports/${importId}`);
    expect(end.text).to.include(
      `<progress id="job-bar" max="${sample.rowCount}" value="${sample.rowCount}">`,
    );
    expect(end.text).to.include('data-job-state="done"');
  });

  it("refuses other roles (403) and shows a charity nothing of another's (404); a bad cursor is 400 naming it", async () => {
    const paths = [
      "/app/charity/imports",
      `/app/charity/imports/${world.reportImportId}`,
      "/app/charity/registrations",
      `/app/charity/registrations/${world.registrationIds[0]}`,
      "/app/charity/disbursements",
      "/app/charity/reviews",
      "/app/charity/disputes",
    ];
    for (const apiKey of [
      world.vendor.apiKey,
      world.donor.apiKey,
      world.auditor.apiKey,
      world.registrar.apiKey,
      world.gw.regulatorKey,
    ]) {
      const agent = await signedIn(apiKey);
      for (const path of paths) expect((await agent.get(path)).status, path).to.equal(403);
    }
    const other = await signedIn(world.otherCharity.apiKey);
    const logged = countRows(world.gw, "access_log");
    for (const path of [
      `/app/charity/imports/${world.reportImportId}`,
      `/app/charity/registrations/${world.registrationIds[0]}`,
      `/app/charity/imports?before=${world.importIds[0]}`,
      `/app/charity/registrations?before=${world.registrationIds[0]}`,
      `/app/charity/disbursements?before=${db()
        .prepare("SELECT disbursement_id FROM disbursements WHERE org_id = ?")
        .pluck()
        .get(world.charity.orgId)}`,
      `/app/charity/reviews?before=${db()
        .prepare("SELECT max(review_id) FROM duplicate_reviews")
        .pluck()
        .get()}`,
      `/app/charity/disputes?before=${db()
        .prepare("SELECT delivery_id FROM deliveries WHERE state = 'disputed'")
        .pluck()
        .get()}`,
    ]) {
      const res = await other.get(path);
      expect(res.status, path).to.equal(404);
    }
    expect(countRows(world.gw, "access_log")).to.equal(logged);
    const own = await other.get("/app/charity/imports");
    expect(all(own.text, /<tr data-import="([0-9a-f-]{36})">/g)).to.deep.equal([world.otherImportId]);
    const runs = await other.get("/app/charity/registrations");
    expect(all(runs.text, /<tr data-registration="(reg_[0-9a-f-]{36})">/g)).to.deep.equal([
      world.otherRegistrationId,
    ]);
    // The API agrees: another charity's run is the 404 of an unknown one.
    const api = await world.gw.get(
      `/v1/households/registrations/${world.registrationIds[0]}`,
      world.otherCharity.apiKey,
    );
    expect(api.status).to.equal(404);
    for (const bad of [
      "/app/charity/imports?before=x",
      "/app/charity/disputes?before=1",
      "/app/charity/reviews?before=abc",
    ]) {
      const res = await other.get(bad);
      expect(res.status, bad).to.equal(400);
      expect(res.text).to.include("<code>before</code>");
    }
    const badAfter = await other.get(`/app/charity/imports/${world.otherImportId}?after=-1`);
    expect(badAfter.status).to.equal(400);
    expect(badAfter.text).to.include("<code>after</code>");
  });
  it("pages the auditor's lists of a programme's gifts and redemptions to their ends, in both languages", async () => {
    const { programmeId } = world;
    // A third gift and two more redemptions: each list then runs past a page of two.
    const giftId = await give(world.gw, world.donor, programmeId, "100000");
    await until("the new gift indexed", async () =>
      db().prepare("SELECT 1 FROM idx_gifts WHERE gift_id = ?").get(giftId) ? true : undefined,
    );
    for (const household of world.households) {
      const delivery = await openDelivery(world, { householdRef: household.householdRef, amount: "60" });
      const accepted = await world.gw.post(
        `/v1/deliveries/${delivery.deliveryId}/acceptance`,
        world.vendor.apiKey,
        { pin: PIN },
      );
      expect(accepted.status, accepted.text).to.equal(200);
      expect((await settled(world, delivery.deliveryId)).state).to.equal("redeemed");
    }
    const gifts = (
      db()
        .prepare("SELECT gift_id FROM idx_gifts WHERE programme_id = ? ORDER BY gift_id DESC")
        .pluck()
        .all(programmeId) as number[]
    ).map(String);
    const redemptions = db()
      .prepare(
        `SELECT delivery_id FROM deliveries WHERE programme_id = ? AND state = 'redeemed'
           ORDER BY created_at DESC, delivery_id DESC`,
      )
      .pluck()
      .all(programmeId) as string[];
    expect(gifts.length).to.be.above(PAGE_SIZE);
    expect(redemptions.length).to.be.above(PAGE_SIZE);
    const giftItem = /<a href="\/app\/donor\/gift\?giftId=([0-9]+)"/g;
    const redemptionItem = /<a href="\/app\/auditor\/deliveries\/(dlv_[0-9a-f-]{36})"/g;
    const programmePath = `/app/auditor/programmes/${programmeId}`;

    for (const [apiKey, lang] of [
      [world.auditor.apiKey, "en"],
      [world.gw.regulatorKey, "fa"],
    ] as const) {
      const agent = await signedIn(apiKey, lang);
      for (const [list, item, expected] of [
        ["gifts", giftItem, gifts],
        ["redemptions", redemptionItem, redemptions],
      ] as const) {
        const pages = await walk(agent, `${programmePath}/${list}`, item);
        expect(pages.flat(), list).to.deep.equal(expected);
        expect(
          pages.slice(0, -1).every((page) => page.length === PAGE_SIZE),
          list,
        ).to.equal(true);
        // The last page links back to the newest and to nothing older, in the page's language.
        const last = await agent.get(`${programmePath}/${list}?before=${expected[expected.length - 2]}`);
        expect(last.status).to.equal(200);
        expect(last.text).to.include(`<a href="${programmePath}/${list}">${textOf(lang, "newestPage")}</a>`);
        expect(olderOf(last.text)).to.equal(undefined);
      }
      // The programme's page shows the first page of each, with the link to the older.
      const home = await agent.get(programmePath);
      expect(home.status).to.equal(200);
      expect(all(home.text, giftItem)).to.deep.equal(gifts.slice(0, PAGE_SIZE));
      expect(all(home.text, redemptionItem)).to.deep.equal(redemptions.slice(0, PAGE_SIZE));
      expect(home.text).to.include(
        `<a href="${programmePath}/gifts?before=${gifts[PAGE_SIZE - 1]}" rel="next">${textOf(lang, "olderPage")}</a>`,
      );
      expect(home.text).to.include(
        `href="${programmePath}/redemptions?before=${redemptions[PAGE_SIZE - 1]}"`,
      );
    }
  });

  it("refuses the auditor's paged lists a bad cursor (400 naming it), another programme's gift (404) and other roles (403)", async () => {
    const { programmeId, cosignedProgrammeId } = world;
    const agent = await signedIn(world.auditor.apiKey);
    for (const bad of [
      `/app/auditor/programmes/${programmeId}/gifts?before=x`,
      `/app/auditor/programmes/${programmeId}/gifts?before=0`,
      `/app/auditor/programmes/${programmeId}/redemptions?before=1`,
      `/app/auditor/programmes/${programmeId}/redemptions?before=dlv_x`,
    ]) {
      const res = await agent.get(bad);
      expect(res.status, bad).to.equal(400);
      expect(res.text).to.include("<code>before</code>");
    }
    const otherGift = db()
      .prepare("SELECT gift_id FROM idx_gifts WHERE programme_id = ?")
      .pluck()
      .get(cosignedProgrammeId);
    for (const unknown of [
      `/app/auditor/programmes/${programmeId}/gifts?before=${otherGift}`,
      `/app/auditor/programmes/${programmeId}/redemptions?before=dlv_${"0".repeat(8)}-0000-0000-0000-${"0".repeat(12)}`,
      "/app/auditor/programmes/999999/gifts",
      "/app/auditor/programmes/999999/redemptions",
    ]) {
      const res = await agent.get(unknown);
      expect(res.status, unknown).to.equal(404);
    }
    for (const apiKey of [world.charity.apiKey, world.vendor.apiKey, world.donor.apiKey]) {
      const other = await signedIn(apiKey);
      for (const list of ["gifts", "redemptions"])
        expect((await other.get(`/app/auditor/programmes/${programmeId}/${list}`)).status).to.equal(403);
    }
  });

  it("picks another period of the charity's under-coverage with a form and previous/next links; refuses a bad period and another charity", async () => {
    // A programme of one-day periods that started three and a half days ago: four or five periods to read.
    const programmeId = await createProgramme(world.gw, world.charity, {
      periodDays: 1,
      startsAt: new Date(Date.now() - 3.5 * 86_400_000).toISOString(),
      name: "Daily bread",
    });
    const row = db()
      .prepare("SELECT starts_at, period_length FROM programmes WHERE programme_id = ?")
      .get(programmeId) as { starts_at: number; period_length: number };
    const first = Math.floor(row.starts_at / row.period_length);
    const current = await world.gw.services.coverage.currentPeriod(programmeId);
    expect(current - first).to.be.at.least(3);
    const path = `/app/charity/programmes/${programmeId}/coverage`;
    const shown = (text: string) => /<option value="([0-9]+)"\s+selected>/.exec(text)?.[1];
    const link = (text: string, rel: "prev" | "next") =>
      new RegExp(`<a href="([^"]+)" rel="${rel}">`).exec(text)?.[1];

    for (const lang of ["en", "fa"] as const) {
      const agent = await signedIn(world.charity.apiKey, lang);
      const now = await agent.get(path);
      expect(now.status).to.equal(200);
      // Every period of the programme, newest first, in the page's digits; the current one chosen.
      expect(all(now.text, /<option value="([0-9]+)"/g)).to.deep.equal(
        Array.from({ length: current - first + 1 }, (_, i) => String(current - i)),
      );
      expect(all(now.text, /<option value="[0-9]+"\s*(?:selected)?>\s*([^<\s]+)\s*</g)[0]).to.equal(
        digits(current, lang),
      );
      expect(now.text).to.include(`<form method="get" action="${path}" class="card" id="period-form">`);
      expect(now.text).to.include(`<label for="period-choice">${textOf(lang, "periodPicker")}</label>`);
      expect(shown(now.text)).to.equal(String(current));
      expect(link(now.text, "next")).to.equal(undefined);
      expect(link(now.text, "prev")).to.equal(`${path}?period=${current - 1}`);

      // The previous link, then the form's choice (its GET is the same address), down to the first period.
      const previous = await agent.get(link(now.text, "prev")!);
      expect(shown(previous.text)).to.equal(String(current - 1));
      expect(link(previous.text, "next")).to.equal(`${path}?period=${current}`);
      const report = (
        await world.gw.get(
          `/v1/programmes/${programmeId}/under-coverage?period=${current - 1}`,
          world.charity.apiKey,
        )
      ).body;
      expect(previous.text).to.include(`${digits(current - 1, lang)} · `);
      expect(/data-coverage="eligible">([^<]*)</.exec(previous.text)![1]).to.equal(
        count(report.eligible, lang),
      );
      const oldest = await agent.get(path).query({ period: String(first) });
      expect(oldest.status).to.equal(200);
      expect(shown(oldest.text)).to.equal(String(first));
      expect(link(oldest.text, "prev")).to.equal(undefined);
      expect(link(oldest.text, "next")).to.equal(`${path}?period=${first + 1}`);

      for (const bad of [String(current + 1), String(first - 1), "x", "-1"]) {
        const res = await agent.get(path).query({ period: bad });
        expect(res.status, bad).to.equal(400);
        expect(res.text).to.include("<code>period</code>");
      }
    }
    // The world's own programme (30-day periods, started a minute ago): links only if it has another period.
    const own = db()
      .prepare("SELECT starts_at, period_length FROM programmes WHERE programme_id = ?")
      .get(world.programmeId) as { starts_at: number; period_length: number };
    const ownPeriods =
      (await world.gw.services.coverage.currentPeriod(world.programmeId)) -
      Math.floor(own.starts_at / own.period_length);
    const single = await (
      await signedIn(world.charity.apiKey)
    ).get(`/app/charity/programmes/${world.programmeId}/coverage`);
    expect(single.text.includes('id="period-links"')).to.equal(ownPeriods > 0);
    expect(single.text).to.include('id="period-form"');

    const other = await signedIn(world.otherCharity.apiKey);
    for (const query of ["", `?period=${first}`, "?period=x"]) {
      const res = await other.get(`${path}${query}`);
      expect(res.status, query).to.equal(query === "?period=x" ? 400 : 404);
    }
    const auditor = await signedIn(world.auditor.apiKey);
    expect((await auditor.get(path)).status).to.equal(403);
  });
});
