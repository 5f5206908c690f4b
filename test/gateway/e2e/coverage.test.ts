import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Wallet } from "ethers";
import { OPEN_DATA_COLUMNS } from "../../../src/coverage";
import { syntheticNationalId } from "../../../src/identity";
import { householdAccount } from "../../../src/chain/householdAccount";
import { runCli as cli } from "../cli/runCli";
import { LeakScanner } from "./leakScan";
import {
  bootE2e,
  closeCurrentMonth,
  countRows,
  createProgramme,
  disbursementCsv,
  give,
  mintTokens,
  registerOnChain,
  registerOrganisation,
  removeDataDir,
  settle,
  type E2eGateway,
  type Organisation,
} from "./harness";

const ENTITLEMENT = "1000000";
const PIN = "582914";

interface Household {
  nationalId: string;
  memberId: string;
  phone: string;
  postalCode: string;
  householdRef: string;
  headRef: string;
  memberRef: string;
}

/**
 * Issue 10's under-coverage and open data on a real gateway and chain: ten households registered (seven in
 * postal area 13, three in 12), six of them issued an entitlement, one delivery redeemed; an eleventh
 * household enrolled but not on chain. The three of area 12 are fewer than five: they show only as "other".
 */
describe("e2e: under-coverage and open data per programme period", function () {
  this.timeout(300_000);
  let gw: E2eGateway;
  let charity: Organisation;
  let otherCharity: Organisation;
  let auditor: Organisation;
  let vendor: Organisation;
  let donor: Organisation;
  let programmeId: number;
  const households: Household[] = [];
  let late: Household;
  let folder: string;

  const enrol = async (seed: number, postalCode: string): Promise<Household> => {
    const nationalId = syntheticNationalId(seed);
    const memberId = syntheticNationalId(seed + 1);
    const phone = `0912${String(3_100_000 + seed).slice(-7)}`;
    const res = await gw.post("/v1/households", charity.apiKey, {
      members: [
        { nationalId, phone, jobCode: "employee", isHead: true },
        { nationalId: memberId, jobCode: "employee", isHead: false },
      ],
      postalCode,
    });
    expect(res.status, res.text).to.equal(201);
    return {
      nationalId,
      memberId,
      phone,
      postalCode,
      householdRef: res.body.householdRef,
      headRef: res.body.members[0].beneficiaryRef,
      memberRef: res.body.members[1].beneficiaryRef,
    };
  };
  const underCoverage = (key: string | undefined, query = "") =>
    gw.get(`/v1/programmes/${programmeId}/under-coverage${query}`, key);
  const openData = (query = "") => gw.get(`/v1/programmes/${programmeId}/open-data${query}`);
  /** `sintech audit` of the gateway's chain with an under-coverage file, as an auditor runs it. */
  const audit = (underCoverageFile: string, out: string) =>
    cli(
      [
        "audit",
        "--rpc",
        `http://127.0.0.1:${gw.anvilPort}`,
        "--deployment",
        path.join(gw.dataDir, "deployment.json"),
        "--under-coverage",
        underCoverageFile,
        "--out",
        out,
      ],
      { SINTECH_AUDITOR_KEY: Wallet.createRandom().privateKey },
    );

  before(async () => {
    folder = mkdtempSync(path.join(tmpdir(), "sintech-coverage-"));
    gw = await bootE2e({ env: { SINTECH_INDEXER_POLL_MS: "100" } });
    charity = await registerOrganisation(gw, "charity");
    otherCharity = await registerOrganisation(gw, "charity");
    auditor = await registerOrganisation(gw, "auditor");
    vendor = await registerOrganisation(gw, "vendor");
    donor = await registerOrganisation(gw, "donor");
    const registrar = await registerOrganisation(gw, "registrar");
    for (let i = 0; i < 10; i++) {
      const postalCode = i < 7 ? `131851${4300 + i}` : `123456${7800 + i}`;
      households.push(await enrol(961_000 + 2 * i, postalCode));
    }
    await registerOnChain(gw, charity.apiKey);
    late = await enrol(961_100, "1318519999");
    const pin = await gw.post("/v1/wallets/pins", registrar.apiKey, {
      beneficiaryRef: households[0]!.headRef,
      pin: PIN,
    });
    expect(pin.status, pin.text).to.equal(204);

    await mintTokens(gw, donor.address, "100000000");
    programmeId = await createProgramme(gw, charity, { vendorOrgIds: [vendor.orgId] });
    await give(gw, donor, programmeId, "20000000");
    const covered = [0, 1, 2, 3, 4, 7].map((i) => households[i]!);
    const res = await gw.postCsv(
      `/v1/programmes/${programmeId}/disbursements`,
      charity.apiKey,
      disbursementCsv(covered.map((household) => [household.nationalId, ENTITLEMENT])),
      `coverage-dsb-${randomUUID()}`,
    );
    const done = await settle(gw, charity.apiKey, res);
    expect(done.body.counts.issued, done.text).to.equal(6);

    const opened = await gw.post("/v1/deliveries", vendor.apiKey, {
      programmeId,
      householdRef: households[0]!.householdRef,
      amount: "1000",
      item: "food-basket",
      idempotencyKey: `coverage-dlv-${randomUUID()}`,
    });
    expect(opened.status, opened.text).to.equal(201);
    const deliveryId = opened.body.delivery.deliveryId as string;
    const accepted = await gw.post(`/v1/deliveries/${deliveryId}/acceptance`, vendor.apiKey, { pin: PIN });
    expect(accepted.status, accepted.text).to.equal(200);
    await gw.services.outbox.drain();
    const delivery = await gw.get(`/v1/deliveries/${deliveryId}`, vendor.apiKey);
    expect(delivery.body.state, delivery.text).to.equal("redeemed");

    // The indexer follows the chain on its timer: wait until it has read the redemption.
    for (let tries = 0; ; tries++) {
      const res = await openData();
      if (res.status === 200 && res.body.totals.deliveries === 1) break;
      expect(tries, "the redemption indexed").to.be.below(300);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  after(async () => {
    await gw?.stop();
    if (gw) removeDataDir(gw.dataDir);
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  /** Every personal value of the fixture, its unkeyed hashes, and every reference and wallet of a household. */
  function scanner(): { scan: LeakScanner; identifiers: string[] } {
    const scan = new LeakScanner();
    const identifiers: string[] = [];
    for (const household of [...households, late]) {
      scan.addDigits(household.nationalId, "national ID");
      scan.addDigits(household.memberId, "national ID");
      scan.addDigits(household.phone, "phone");
      scan.addDigits(household.postalCode, "postal code");
      identifiers.push(household.householdRef, household.headRef, household.memberRef);
      identifiers.push(householdAccount(household.householdRef));
    }
    const wallets = gw.services.store.sqlite
      .prepare("SELECT wallet FROM chain_registrations")
      .pluck()
      .all() as string[];
    expect(wallets.length).to.be.at.least(10);
    identifiers.push(...wallets);
    return { scan, identifiers: identifiers.map((value) => value.toLowerCase()) };
  }

  function expectNoPersonalData(text: string, where: string): void {
    const { scan, identifiers } = scanner();
    scan.scanText(text, where);
    expect(scan.found, where).to.deep.equal([]);
    const lower = text.toLowerCase();
    for (const identifier of identifiers) {
      expect(lower.includes(identifier), `${where} holds ${identifier}`).to.equal(false);
      expect(lower.includes(identifier.slice(2)), `${where} holds ${identifier} without 0x`).to.equal(false);
    }
  }

  describe("under-coverage", () => {
    it("counts the eligible households issued nothing in the period, by coarse region, small regions as 'other'", async () => {
      const res = await underCoverage(auditor.apiKey);
      expect(res.status, res.text).to.equal(200);
      expect(res.body).to.deep.include({
        kind: "sintech-under-coverage",
        programmeId,
        smallCountThreshold: 5,
        enrolled: 11,
        notRegistered: 1,
        eligible: 10,
        covered: 6,
        uncovered: 4,
        issuedHouseholds: 6,
      });
      expect(res.body.regions).to.deep.equal([
        { region: "postal-13", eligible: 7, covered: 5, uncovered: 2 },
        { region: "other", eligible: 3, covered: 1, uncovered: 2 },
      ]);
      expect(res.body.indexedThroughBlock).to.be.a("number");
      const current = Number(await gw.services.system.ledger.currentPeriod(programmeId));
      expect(res.body.period).to.equal(current);
      expectNoPersonalData(res.text, "the under-coverage");
    });

    it("answers a period asked for by number as the current one, and refuses one before the programme began", async () => {
      const current = (await underCoverage(auditor.apiKey)).body;
      const asked = await underCoverage(auditor.apiKey, `?period=${current.period}`);
      expect(asked.status, asked.text).to.equal(200);
      expect(asked.body).to.deep.equal(current);
      const programme = gw.services.store.sqlite
        .prepare("SELECT starts_at, period_length FROM programmes WHERE programme_id = ?")
        .get(programmeId) as { starts_at: number; period_length: number };
      const first = Math.floor(programme.starts_at / programme.period_length);
      const before = await underCoverage(auditor.apiKey, `?period=${first - 1}`);
      expect(before.status, before.text).to.equal(400);
      expect(before.body.error).to.include({ field: "period", code: "before_programme" });
      const open = await openData(`?period=${first - 1}`);
      expect(open.status, open.text).to.equal(400);
      expect(open.body.error).to.include({ field: "period", code: "before_programme" });
    });

    it("answers the programme's charity, the regulator and auditors; another charity 403 not_your_programme", async () => {
      expect((await underCoverage(charity.apiKey)).status).to.equal(200);
      expect((await underCoverage(gw.regulatorKey)).status).to.equal(200);
      const other = await underCoverage(otherCharity.apiKey);
      expect(other.status, other.text).to.equal(403);
      expect(other.body.error).to.include({
        name: "ForbiddenError",
        field: "programmeId",
        code: "not_your_programme",
      });
      for (const key of [vendor.apiKey, donor.apiKey]) {
        expect((await underCoverage(key)).status).to.equal(403);
      }
      expect((await underCoverage(undefined)).status).to.equal(401);
    });

    it("refuses bad input with 400 naming the field, and an unknown programme with 404", async () => {
      const cases: [string, string, string][] = [
        ["?period=abc", "period", "400"],
        ["?period=07", "period", "400"],
        ["?period=4294967296", "period", "400"],
        ["?period=99999999", "period", "future_period"],
        ["?periods=1", "periods", "400"],
      ];
      for (const [query, field, code] of cases) {
        const res = await underCoverage(auditor.apiKey, query);
        expect(res.status, `${query}: ${res.text}`).to.equal(400);
        expect(res.body.error.field, query).to.equal(field);
        if (code !== "400") expect(res.body.error.code).to.equal(code);
      }
      const unknown = await gw.get("/v1/programmes/999999/under-coverage", auditor.apiKey);
      expect(unknown.status).to.equal(404);
      expect(unknown.body.error.field).to.equal("programmeId");
      const zero = await gw.get("/v1/programmes/0/under-coverage", auditor.apiKey);
      expect(zero.status).to.equal(400);
      expect(zero.body.error.field).to.equal("programmeId");
    });
  });

  describe("open data", () => {
    it("serves the period's aggregates without a key, by coarse region, small regions as 'other'", async () => {
      const res = await openData();
      expect(res.status, res.text).to.equal(200);
      expect(res.headers["content-type"]).to.match(/^application\/json/);
      expect(res.body).to.deep.include({ kind: "sintech-open-data", programmeId, smallCountThreshold: 5 });
      expect(res.body.totals).to.deep.equal({
        householdsCovered: 6,
        amountIssued: "6000000",
        amountRedeemed: "1000",
        deliveries: 1,
        vendors: 1,
      });
      expect(res.body.regions).to.deep.equal([
        {
          region: "postal-13",
          householdsCovered: 5,
          amountIssued: "5000000",
          amountRedeemed: "1000",
          deliveries: 1,
        },
        {
          region: "other",
          householdsCovered: 1,
          amountIssued: "1000000",
          amountRedeemed: "0",
          deliveries: 0,
        },
      ]);
    });

    it("serves the same figures as CSV by ?format=csv or by the Accept header, columns as documented", async () => {
      const json = (await openData()).body;
      const byQuery = gw.record(await gw.http().get(`/v1/programmes/${programmeId}/open-data?format=csv`));
      const byAccept = gw.record(
        await gw.http().get(`/v1/programmes/${programmeId}/open-data`).set("Accept", "text/csv"),
      );
      for (const res of [byQuery, byAccept]) {
        expect(res.status, res.text).to.equal(200);
        expect(res.headers["content-type"]).to.match(/^text\/csv/);
      }
      expect(byAccept.text).to.equal(byQuery.text);
      const [header, ...rows] = byQuery.text.trimEnd().split("\n");
      expect(header!.split(",")).to.deep.equal(OPEN_DATA_COLUMNS.map(([name]) => name));
      const cells = rows.map((row) => row.split(","));
      expect(cells.map((row) => row[4])).to.deep.equal(["postal-13", "other", "total"]);
      expect(cells[0]!.slice(5, 9)).to.deep.equal(["5", "5000000", "1000", "1"]);
      expect(cells[2]!.slice(5, 10)).to.deep.equal(["6", "6000000", "1000", "1", "1"]);
      expect(cells.every((row) => row[0] === String(programmeId) && row[1] === String(json.period))).to.equal(
        true,
      );
      const asJson = gw.record(
        await gw.http().get(`/v1/programmes/${programmeId}/open-data`).set("Accept", "application/json"),
      );
      expect(asJson.body).to.deep.equal(json);
    });

    it("holds no household reference, wallet, national ID, phone or postal code, nor a hash of one", async () => {
      const json = await openData();
      const csv = await openData("?format=csv");
      for (const [text, where] of [
        [json.text, "open data JSON"],
        [csv.text, "open data CSV"],
      ] as const) {
        expectNoPersonalData(text, where);
        // No hex string of any length worth an identifier: no address, reference or hash of any kind.
        expect(text.match(/(?:0x)?[0-9a-fA-F]{16,}/g), where).to.equal(null);
      }
    });

    it("refuses bad input with 400 naming the field, and an unknown programme with 404, writing nothing", async () => {
      const before = countRows(gw, "households") + countRows(gw, "chain_jobs");
      for (const [query, field] of [
        ["?period=-1", "period"],
        ["?period=1.5", "period"],
        ["?format=xml", "format"],
        ["?programme=1", "programme"],
      ]) {
        const res = await openData(query);
        expect(res.status, `${query}: ${res.text}`).to.equal(400);
        expect(res.body.error).to.include({ name: "ValidationError", field });
      }
      const future = await openData("?period=99999999");
      expect(future.status).to.equal(400);
      expect(future.body.error).to.include({ field: "period", code: "future_period" });
      const unknown = await gw.get("/v1/programmes/999999/open-data");
      expect(unknown.status).to.equal(404);
      expect(unknown.body.error.field).to.equal("programmeId");
      expect(countRows(gw, "households") + countRows(gw, "chain_jobs")).to.equal(before);
    });
  });

  describe("the CLI and the audit report", () => {
    it("sintech open-data writes the period's JSON and CSV, the same the API serves", async () => {
      const out = path.join(folder, "open");
      const json = (await openData()).body;
      const run = await cli(["open-data", "--programme", String(programmeId), "--out", out], {
        SINTECH_URL: gw.url,
      });
      expect(run.code, run.out).to.equal(0);
      const base = path.join(out, `open-data-programme-${programmeId}-period-${json.period}`);
      expect(JSON.parse(readFileSync(`${base}.json`, "utf8"))).to.deep.equal(json);
      const csv = readFileSync(`${base}.csv`, "utf8");
      expect(csv).to.equal((await openData("?format=csv")).text);
      expectNoPersonalData(csv + readFileSync(`${base}.json`, "utf8"), "the CLI's open-data files");
      const bad = await cli(["open-data", "--programme", "x", "--out", out], { SINTECH_URL: gw.url });
      expect(bad.code).to.equal(2);
    });

    it("sintech under-coverage prints the table; audit --under-coverage puts it in the signed report beside the chain's count", async () => {
      const file = path.join(folder, "under-coverage.json");
      const run = await cli(["under-coverage", "--programme", String(programmeId), "--out", file], {
        SINTECH_URL: gw.url,
        SINTECH_API_KEY: charity.apiKey,
      });
      expect(run.code, run.out).to.equal(0);
      expect(run.out).to.match(/eligible 10, covered 6, not covered 4 \(40%\)/);
      expect(run.out).to.match(/postal-13\s+7\s+5\s+2\s+29%/);
      expect(run.out).to.match(/other\s+3\s+1\s+2\s+67%/);
      const refused = await cli(["under-coverage", "--programme", String(programmeId)], {
        SINTECH_URL: gw.url,
        SINTECH_API_KEY: otherCharity.apiKey,
      });
      expect(refused.code).to.equal(2);

      const reports = path.join(folder, "audit");
      const audited = await audit(file, reports);
      expect(audited.code, audited.out).to.be.oneOf([0, 1]);
      expect(audited.out).to.include(
        `under-coverage of programme ${programmeId}, period ${JSON.parse(readFileSync(file, "utf8")).period}: 4 of 10 eligible households not covered; 6 issued on chain`,
      );
      const [jsonName] = readdirSync(reports).filter((name) => name.endsWith(".json"));
      const report = JSON.parse(readFileSync(path.join(reports, jsonName!), "utf8"));
      const [section] = report.body.underCoverage;
      expect(section).to.deep.include({
        programmeId,
        eligible: 10,
        covered: 6,
        uncovered: 4,
        issuedOnChain: 6,
        consistentWithChain: true,
      });
      const html = readFileSync(path.join(reports, jsonName!.replace(/\.json$/, ".html")), "utf8");
      expect(html).to.include("Under-coverage (کم‌پوشانی)");
      expect(html).to.include("not covered 4 (40%)");
      expectNoPersonalData(JSON.stringify(report.body.underCoverage), "the audit's under-coverage section");

      // A file that says more households were issued than the chain shows is reported as inconsistent.
      const forged = path.join(folder, "forged.json");
      const original = JSON.parse(readFileSync(file, "utf8"));
      writeFileSync(forged, JSON.stringify({ ...original, issuedHouseholds: 9 }));
      const again = await audit(forged, path.join(folder, "audit-forged"));
      expect(again.out).to.include("but the gateway reports 9");
      const broken = path.join(folder, "broken.json");
      writeFileSync(broken, JSON.stringify({ ...original, regions: [{ region: "1318514301" }] }));
      const refusedFile = await audit(broken, path.join(folder, "audit-broken"));
      expect(refusedFile.code).to.equal(2);
    });
  });

  // Last: it moves the chain's clock past the end of the month.
  describe("recognition (good coin) of the month's confirmed delivery", () => {
    it("closes the ended month, anchors its root, lists the opted-in donor and proves its total on chain", async () => {
      const asDonor = (method: "put" | "delete") =>
        gw.http()[method]("/v1/recognition/opt-in").set("Authorization", `Bearer ${donor.apiKey}`);
      const opted = gw.record(await asDonor("put").send({ alias: "Mehr Trust" }));
      expect(opted.status, opted.text).to.equal(200);

      // Refused while the month is open, then closed once the chain's clock has passed its end.
      const { month, closed } = await closeCurrentMonth(gw, auditor.apiKey);
      await gw.services.outbox.drain();
      const view = await gw.get(`/v1/recognition/periods/${month}`);
      expect(view.status, view.text).to.equal(200);
      expect(view.body).to.deep.include({ state: "anchored", accounts: 1, root: closed.body.root });
      expect(view.body.leaderboard).to.deep.equal([{ rank: 1, alias: "Mehr Trust", goodCoin: "1000" }]);
      expectNoPersonalData(view.text, "the recognition leaderboard");

      const listed = await cli(["recognition", month], { SINTECH_URL: gw.url });
      expect(listed.code, listed.out).to.equal(0);
      expect(listed.out).to.match(/\n\s+1\s+1000\s+Mehr Trust\n/);
      const proved = await cli(
        [
          "recognition",
          month,
          "--proof",
          "--rpc",
          `http://127.0.0.1:${gw.anvilPort}`,
          "--anchor",
          String(gw.services.system.anchor.target),
        ],
        { SINTECH_URL: gw.url, SINTECH_API_KEY: donor.apiKey },
      );
      expect(proved.code, proved.out).to.equal(0);
      expect(proved.out).to.include("verified on chain");
      // The vendor is no donor; another donor earned nothing this month.
      const vendorProof = await gw.get(`/v1/recognition/periods/${month}/proof`, vendor.apiKey);
      expect(vendorProof.status).to.equal(403);

      // Leaving the leaderboard: the donor appears nowhere, its total stays in the anchored root.
      expect(gw.record(await asDonor("delete")).status).to.equal(204);
      const after = await gw.get(`/v1/recognition/periods/${month}`);
      expect(after.body.leaderboard).to.deep.equal([]);
      expect(after.body.accounts).to.equal(1);
    });
  });
});
