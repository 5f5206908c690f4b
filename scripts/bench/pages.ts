/**
 * Pages benchmark (issue 11): on a whole embedded gateway with a gift that paid a delivery, an anchored
 * confirmation, and what the charity's, regulator's and auditor's pages show (roleWorld), how long the
 * gateway takes to answer each page, beside the JSON API answer it renders (the same run's baseline), and
 * how soon a real Chromium paints it (first contentful paint), beside the
 * smallest page (/app/login) in the same browser; and what each page's scripts weigh compressed. The
 * charity is also appointed a time-bank coordinator with a page of 50 members, services and a pool, and starts a
 * registration run; the public pages (/app, /app/login/link) and the donor's lookup are measured too.
 *
 *   npm run bench:pages                  # table
 *   npm run -s bench:pages -- --json     # one JSON object on stdout
 *   BENCH_PAGES_REQUESTS=100 npm run bench:pages
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { launchChromium } from "../../test/gateway/web/launchChromium";
import { roleWorld } from "../../test/gateway/web/roleWorld";
import { createProgramme, householdBody } from "../../test/gateway/e2e/harness";
import { syntheticNationalId } from "../../src/identity";
import { seedTimeBank } from "../../test/gateway/timebank/timebankFixture";
import { csrfOf, stopWebWorld } from "../../test/gateway/web/webWorld";
import { ASSETS_DIR } from "../../src/web/staticAssets";

const asJson = process.argv.includes("--json") || process.env.BENCH_JSON === "1";
const REQUESTS = Number(process.env.BENCH_PAGES_REQUESTS ?? 200);
const PAINTS = 7;
const FIRST_RENDER_TARGET_MS = 1_000;
const SCRIPT_TARGET_BYTES = 100 * 1024;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)]!;
const round1 = (n: number) => Math.round(n * 10) / 10;
/** A path as the report names it: its ids as placeholders. */
const ids = (path: string) =>
  path
    .replace(/dlv_[0-9a-f-]+/, "{deliveryId}")
    .replace(/dsb_[0-9a-f-]+/, "{disbursementId}")
    .replace(/mdt_[0-9a-f-]+/, "{mandateId}")
    .replace(/imports\/[0-9a-f-]{36}/, "imports/{importId}")
    .replace(/reg_[0-9a-f-]+/, "{registrationId}")
    .replace(/0x[0-9a-f]{64}/, "{memberRef}")
    .replace(/orgId=[^&]+/, "orgId={orgId}");
const log = (line: string) => (asJson ? process.stderr : process.stdout).write(`${line}\n`);

async function timed(url: string, headers: Record<string, string>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    times.push(performance.now() - started);
  }
  return times;
}

/**
 * A time-bank member signs in with two links its coordinator made: one through the page's form like a
 * browser (its cookie), one through the API (its bearer token, for the JSON baseline).
 */
async function memberSession(base: string, coordinatorKey: string, memberRef: string) {
  const link = async () => {
    const res = await fetch(`${base}/v1/timebank/members/${memberRef}/login-links`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${coordinatorKey}` },
      body: "{}",
    });
    if (res.status !== 201) throw new Error(`member login link: ${res.status}`);
    return ((await res.json()) as { path: string }).path.split("#")[1]!;
  };
  const form = await fetch(`${base}/app/member/login`);
  const visitor = form.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const login = await fetch(`${base}/app/member/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: visitor },
    body: new URLSearchParams({ csrf: csrfOf(await form.text()), token: await link() }).toString(),
  });
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith("sintech_member="));
  if (!cookie) throw new Error(`member login failed: ${login.status}`);
  const api = await fetch(`${base}/v1/member/sessions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ token: await link() }),
  });
  if (api.status !== 201) throw new Error(`member session: ${api.status}`);
  return { cookie: cookie.split(";")[0]!, token: ((await api.json()) as { token: string }).token };
}

/** Signs in through the login form like a browser; answers the session cookie. */
async function sessionCookie(base: string, apiKey: string): Promise<string> {
  const home = await fetch(`${base}/app`);
  const visitor = home.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const login = await fetch(`${base}/app/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: visitor },
    body: new URLSearchParams({ csrf: csrfOf(await home.text()), apiKey }).toString(),
  });
  const session = login.headers.getSetCookie().find((c) => c.startsWith("sintech_session="));
  if (!session) throw new Error(`login failed: ${login.status}`);
  return session.split(";")[0]!;
}

async function main(): Promise<void> {
  log(
    "bench:pages: building the embedded gateway (chain, delivery, anchored confirmation, cash gift, refused rows, review, dispute, group, finding) …",
  );
  const world = await roleWorld(970_000);
  try {
    const base = world.gw.url;
    const giftId = world.giftIds[0]!;
    const donorCookie = await sessionCookie(base, world.donor.apiKey);
    const vendorCookie = await sessionCookie(base, world.vendor.apiKey);
    const charityCookie = await sessionCookie(base, world.charity.apiKey);
    const regulatorCookie = await sessionCookie(base, world.gw.regulatorKey);
    const auditorCookie = await sessionCookie(base, world.auditor.apiKey);
    const redeemed = await fetch(`${base}/v1/deliveries?state=redeemed&limit=1`, {
      headers: { Authorization: `Bearer ${world.auditor.apiKey}` },
    });
    const redeemedId = ((await redeemed.json()) as { deliveries: { deliveryId: string }[] }).deliveries[0]!
      .deliveryId;
    const programmeId = world.programmeId;
    const disbursementId = world.refusedDisbursementId;
    const opened = await fetch(`${base}/v1/deliveries`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${world.vendor.apiKey}` },
      body: JSON.stringify({
        programmeId: world.programmeId,
        householdRef: world.households[1]!.householdRef,
        amount: "10",
        item: "bread",
        idempotencyKey: "bench-pages-open-1",
      }),
    });
    const deliveryId = ((await opened.json()) as { delivery: { deliveryId: string } }).delivery.deliveryId;
    const appointed = await world.gw.post("/v1/timebank/coordinators", world.gw.regulatorKey, {
      orgId: world.charity.orgId,
    });
    if (appointed.status !== 201) throw new Error(`appointing the coordinator: ${appointed.status}`);
    // 3 members of the seed and 47 more: the coordinator's first page of members is full.
    const { giver } = await seedTimeBank(world.gw, world.charity, 970_500, 47);
    const member = await memberSession(base, world.charity.apiKey, giver);
    // The vendor is an insurer too: an insurance programme allows it, and it proposed a full page of mandates.
    const insuranceId = await createProgramme(world.gw, world.charity, {
      name: "Bench household insurance",
      layer: "insurance",
      periodDays: 1,
      vendorOrgIds: [world.vendor.orgId],
    });
    const period = Number(await world.gw.services.system.ledger.currentPeriod(insuranceId));
    let mandateId = "";
    for (let i = 0; i < 21; i++) {
      const res = await world.gw.post("/v1/mandates", world.vendor.apiKey, {
        programmeId: insuranceId,
        householdRef: world.households[1]!.householdRef,
        premiumPerPeriod: "5",
        firstPeriod: period,
        lastPeriod: period + 11,
        idempotencyKey: `bench-pages-mandate-${i}`,
      });
      if (res.status !== 201) throw new Error(`proposing a mandate: ${res.status} ${res.text}`);
      mandateId = res.body.mandateId as string;
    }
    // A registration run of a household enrolled for it (roleWorld has its import and its disputed delivery).
    const enrolled = await world.gw.post(
      "/v1/households",
      world.charity.apiKey,
      householdBody([syntheticNationalId(970_900)]),
    );
    if (enrolled.status !== 201)
      throw new Error(`enrolling a household: ${enrolled.status} ${enrolled.text}`);
    const run = await world.gw.post("/v1/households/registrations", world.charity.apiKey);
    if (run.status !== 202) throw new Error(`starting a registration run: ${run.status} ${run.text}`);
    const registrationId = run.body.registrationId as string;
    const { importId, disputedDeliveryId } = world;

    const server = [
      { page: "/app", baseline: "/health", cookie: "", key: "" },
      { page: "/app/login/link", baseline: "/health", cookie: "", key: "" },
      { page: "/app/donor", baseline: "/health", cookie: donorCookie, key: world.donor.apiKey },
      {
        page: `/app/donor/gift?giftId=${giftId}`,
        baseline: `/v1/gifts/${giftId}/timeline`,
        cookie: donorCookie,
        key: world.donor.apiKey,
      },
      {
        page: "/app/vendor",
        baseline: "/v1/deliveries?limit=500",
        cookie: vendorCookie,
        key: world.vendor.apiKey,
      },
      {
        page: `/app/vendor/deliveries/${deliveryId}`,
        baseline: `/v1/deliveries/${deliveryId}`,
        cookie: vendorCookie,
        key: world.vendor.apiKey,
      },
      {
        page: "/app/insurer",
        baseline: "/v1/mandates?limit=21",
        cookie: vendorCookie,
        key: world.vendor.apiKey,
      },
      {
        page: `/app/insurer/mandates/${mandateId}`,
        baseline: `/v1/mandates/${mandateId}`,
        cookie: vendorCookie,
        key: world.vendor.apiKey,
      },
      {
        page: "/app/charity",
        baseline: `/v1/programmes?orgId=${world.charity.orgId}`,
        cookie: charityCookie,
        key: world.charity.apiKey,
      },
      {
        page: `/app/charity/disbursements/${disbursementId}`,
        baseline: `/v1/disbursements/${disbursementId}`,
        cookie: charityCookie,
        key: world.charity.apiKey,
      },
      // The charity's lists, each beside the API answer closest to it (there is no list route for each).
      {
        page: "/app/charity/imports",
        baseline: `/v1/households/imports/${importId}`,
        cookie: charityCookie,
        key: world.charity.apiKey,
      },
      {
        page: "/app/charity/registrations",
        baseline: `/v1/households/registrations/${registrationId}`,
        cookie: charityCookie,
        key: world.charity.apiKey,
      },
      {
        page: "/app/charity/reviews",
        baseline: `/v1/households/imports/${importId}`,
        cookie: charityCookie,
        key: world.charity.apiKey,
      },
      {
        page: "/app/charity/disputes",
        baseline: "/v1/deliveries?state=disputed&limit=20",
        cookie: charityCookie,
        key: world.charity.apiKey,
      },
      {
        page: "/app/charity/disbursements",
        baseline: "/v1/disbursements",
        cookie: charityCookie,
        key: world.charity.apiKey,
      },
      {
        page: `/app/charity/imports/${importId}`,
        baseline: `/v1/households/imports/${importId}`,
        cookie: charityCookie,
        key: world.charity.apiKey,
      },
      {
        page: `/app/charity/registrations/${registrationId}`,
        baseline: `/v1/households/registrations/${registrationId}`,
        cookie: charityCookie,
        key: world.charity.apiKey,
      },
      {
        page: `/app/charity/deliveries/${disputedDeliveryId}`,
        baseline: `/v1/deliveries/${disputedDeliveryId}`,
        cookie: charityCookie,
        key: world.charity.apiKey,
      },
      {
        page: "/app/charity/mandates",
        baseline: "/v1/mandates?limit=21",
        cookie: charityCookie,
        key: world.charity.apiKey,
      },
      {
        page: `/app/charity/programmes/${programmeId}/coverage`,
        baseline: `/v1/programmes/${programmeId}/under-coverage`,
        cookie: charityCookie,
        key: world.charity.apiKey,
      },
      {
        page: "/app/regulator",
        baseline: "/v1/organisations",
        cookie: regulatorCookie,
        key: world.gw.regulatorKey,
      },
      {
        page: "/app/timebank",
        baseline: "/v1/timebank/members",
        cookie: charityCookie,
        key: world.charity.apiKey,
      },
      {
        page: `/app/timebank/members/${giver}`,
        baseline: `/v1/timebank/members/${giver}/history`,
        cookie: charityCookie,
        key: world.charity.apiKey,
      },
      { page: "/app/member", baseline: "/v1/member/history", cookie: member.cookie, key: member.token },
      { page: "/app/auditor", baseline: "/v1/programmes", cookie: auditorCookie, key: world.auditor.apiKey },
      {
        page: `/app/auditor/programmes/${programmeId}`,
        baseline: `/v1/programmes/${programmeId}`,
        cookie: auditorCookie,
        key: world.auditor.apiKey,
      },
      {
        page: `/app/auditor/programmes/${programmeId}/gifts`,
        baseline: `/v1/programmes/${programmeId}`,
        cookie: auditorCookie,
        key: world.auditor.apiKey,
      },
      {
        page: `/app/auditor/programmes/${programmeId}/redemptions`,
        baseline: `/v1/deliveries?programmeId=${programmeId}&state=redeemed&limit=20`,
        cookie: auditorCookie,
        key: world.auditor.apiKey,
      },
      {
        page: `/app/auditor/deliveries/${redeemedId}`,
        baseline: `/v1/deliveries/${redeemedId}`,
        cookie: auditorCookie,
        key: world.auditor.apiKey,
      },
    ];
    const serverRows = [];
    for (const row of server) {
      const pageTimes = await timed(`${base}${row.page}`, row.cookie ? { Cookie: row.cookie } : {});
      const apiTimes = await timed(
        `${base}${row.baseline}`,
        row.key ? { Authorization: `Bearer ${row.key}` } : {},
      );
      serverRows.push({
        page: ids(row.page),
        baseline: ids(row.baseline),
        medianMs: round1(median(pageTimes)),
        p95Ms: round1(p95(pageTimes)),
        baselineMedianMs: round1(median(apiTimes)),
        baselineP95Ms: round1(p95(apiTimes)),
      });
    }

    const browser = await launchChromium();
    const paints = [];
    try {
      const pages = [
        { page: "/app/login", cookie: "" },
        { page: "/app", cookie: "" },
        { page: "/app/login/link", cookie: "" },
        { page: "/app/donor", cookie: donorCookie },
        { page: `/app/donor/gift?giftId=${giftId}`, cookie: donorCookie },
        { page: "/app/vendor", cookie: vendorCookie },
        { page: `/app/vendor/deliveries/${deliveryId}`, cookie: vendorCookie },
        { page: "/app/insurer", cookie: vendorCookie },
        { page: `/app/insurer/mandates/${mandateId}`, cookie: vendorCookie },
        { page: "/app/charity", cookie: charityCookie },
        { page: `/app/charity/disbursements/${disbursementId}`, cookie: charityCookie },
        ...["imports", "registrations", "reviews", "disputes", "disbursements"].map((list) => ({
          page: `/app/charity/${list}`,
          cookie: charityCookie,
        })),
        { page: `/app/charity/imports/${importId}`, cookie: charityCookie },
        { page: `/app/charity/registrations/${registrationId}`, cookie: charityCookie },
        { page: `/app/charity/deliveries/${disputedDeliveryId}`, cookie: charityCookie },
        { page: "/app/charity/mandates", cookie: charityCookie },
        { page: `/app/charity/programmes/${programmeId}/coverage`, cookie: charityCookie },
        { page: "/app/regulator", cookie: regulatorCookie },
        { page: "/app/timebank", cookie: charityCookie },
        { page: `/app/timebank/members/${giver}`, cookie: charityCookie },
        { page: "/app/member/login", cookie: "" },
        { page: "/app/member", cookie: member.cookie },
        { page: "/app/auditor", cookie: auditorCookie },
        { page: `/app/auditor/programmes/${programmeId}`, cookie: auditorCookie },
        { page: `/app/auditor/programmes/${programmeId}/gifts`, cookie: auditorCookie },
        { page: `/app/auditor/programmes/${programmeId}/redemptions`, cookie: auditorCookie },
        { page: `/app/auditor/deliveries/${redeemedId}`, cookie: auditorCookie },
      ];
      for (const { page: pagePath, cookie } of pages) {
        const firstPaints: number[] = [];
        for (let i = 0; i < PAINTS; i++) {
          // A fresh context each time: nothing cached, as a first visit.
          const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
          if (cookie) {
            const [name, value] = cookie.split("=");
            await context.addCookies([{ name: name!, value: value!, url: `${base}/app` }]);
          }
          const page = await context.newPage();
          await page.goto(`${base}${pagePath}`, { waitUntil: "load" });
          // First contentful paint where the browser reports it; the headless shell may not, and then the
          // first animation frame after the load event, which is no earlier than the first paint.
          const fcp = await page.evaluate(
            () =>
              new Promise<number>((resolve) =>
                requestAnimationFrame(() =>
                  resolve(
                    performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? performance.now(),
                  ),
                ),
              ),
          );
          firstPaints.push(fcp);
          await context.close();
        }
        paints.push({
          page: ids(pagePath),
          firstPaintMs: round1(median(firstPaints)),
        });
      }
    } finally {
      await browser.close();
    }

    const scriptBytes = (names: string[]) =>
      names.reduce((sum, name) => sum + gzipSync(readFileSync(path.join(ASSETS_DIR, name))).length, 0);
    const weights = [
      { page: "donor timeline", scripts: ["keccak.js", "verify.js", "follow.js"] },
      { page: "vendor delivery, insurer's mandate", scripts: ["vendor.js"] },
      { page: "charity disbursement (running)", scripts: ["progress.js"] },
      { page: "auditor receipt", scripts: ["keccak.js", "verify.js"] },
      { page: "one-time sign-in link", scripts: ["login-link.js"] },
      { page: "charity, regulator, auditor, coverage, time bank, insurer's list", scripts: [] },
    ].map((row) => ({ ...row, gzipBytes: scriptBytes(row.scripts) }));

    const baselinePaint = paints[0]!.firstPaintMs;
    const slowestPaint = Math.max(...paints.slice(1).map((row) => row.firstPaintMs));
    const heaviest = Math.max(...weights.map((row) => row.gzipBytes));
    const report = {
      requestsPerRow: REQUESTS,
      paintsPerPage: PAINTS,
      server: serverRows,
      browser: { baseline: "/app/login", baselineFirstPaintMs: baselinePaint, pages: paints.slice(1) },
      scripts: weights,
      targets: [
        {
          id: "first-render",
          target: `< ${FIRST_RENDER_TARGET_MS} ms`,
          measured: `${slowestPaint} ms`,
          pass: slowestPaint < FIRST_RENDER_TARGET_MS,
        },
        {
          id: "page-js",
          target: "< 100 KB gzip",
          measured: `${heaviest} B`,
          pass: heaviest < SCRIPT_TARGET_BYTES,
        },
      ],
    };
    if (asJson) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    log(
      `\nServer answer, ${REQUESTS} sequential requests each (median / p95 ms), beside the JSON API it renders:`,
    );
    for (const row of serverRows) {
      log(
        `  ${row.page.padEnd(48)} ${String(row.medianMs).padStart(6)} / ${String(row.p95Ms).padStart(6)}` +
          `   baseline ${row.baseline.padEnd(44)} ${String(row.baselineMedianMs).padStart(6)} / ${String(row.baselineP95Ms).padStart(6)}`,
      );
    }
    log(
      `\nFirst render in Chromium, 360 px, cold context, median of ${PAINTS} (first contentful paint, or the first frame after load):`,
    );
    log(`  baseline /app/login                 ${baselinePaint} ms`);
    for (const row of paints.slice(1)) log(`  ${row.page.padEnd(48)} ${row.firstPaintMs} ms`);
    log("\nScripts per page, gzip:");
    for (const row of weights)
      log(`  ${row.page.padEnd(40)} ${row.gzipBytes} B (${row.scripts.join(", ") || "no script"})`);
    log("\nTargets:");
    for (const t of report.targets)
      log(`  ${t.pass ? "PASS" : "FAIL"} ${t.id}: ${t.measured} (target ${t.target})`);
  } finally {
    await stopWebWorld(world);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
    process.exit(1);
  },
);
