import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli as cli } from "../cli/runCli";
import { generatedLedger, type GeneratedLedger } from "../../../scripts/bench/auditLib/generateLedger";
import type { SignedReport } from "../../../src/audit";

/** The five required contracts, named one by one as the CLI takes them. */
function namedAddresses(addresses: GeneratedLedger["addresses"]): string[] {
  return [
    ["--ledger", addresses.ledger],
    ["--registry", addresses.registry],
    ["--licences", addresses.licences],
    ["--anchor-contract", addresses.anchor],
    ["--audit-log", addresses.auditLog],
  ].flat();
}

describe("sintech audit (CLI, embedded anvil)", function () {
  this.timeout(300_000);
  let folder: string;
  let ledger: GeneratedLedger;

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), "sintech-audit-"));
    ledger = await generatedLedger(folder, 30, 18_745);
  });

  after(async () => {
    await ledger?.chain.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it("audits a generated ledger, writes a signed report, anchors it, and verify-report checks it in one command", async () => {
    const { addresses } = ledger;
    process.env.SINTECH_AUDITOR_KEY = ledger.auditorKey;
    const out = join(folder, "reports");
    const audit = await cli([
      "audit",
      "--rpc",
      ledger.chain.url,
      ...namedAddresses(addresses),
      "--mandates",
      addresses.mandates!,
      "--through-block",
      String(ledger.throughBlock),
      "--out",
      out,
      "--anchor",
    ]);
    delete process.env.SINTECH_AUDITOR_KEY;
    expect(audit.out).to.match(/30 redemptions, 30 signatures re-verified/);
    expect(audit.code).to.equal(0);
    const jsonPath = join(out, `audit-${ledger.throughBlock}.json`);
    const report = JSON.parse(readFileSync(jsonPath, "utf8")) as SignedReport;
    expect(report.body.passed).to.equal(true);
    expect(report.anchor?.txHash).to.match(/^0x[0-9a-f]{64}$/);
    const html = readFileSync(join(out, `audit-${ledger.throughBlock}.html`), "utf8");
    expect(html).to.include("<svg").and.include("Money flows").and.not.include("<script src");

    const verified = await cli(["audit", "verify-report", jsonPath, "--rpc", ledger.chain.url]);
    expect(verified.code).to.equal(0);
    expect(JSON.parse(verified.out)).to.include({
      hashMatches: true,
      signatureValid: true,
      anchorMatches: true,
    });
    expect(
      (await cli(["audit", "verify-report", join(out, `audit-${ledger.throughBlock}.html`)])).code,
    ).to.equal(0);

    // A report whose body was edited after signing fails.
    const edited = {
      ...report,
      body: { ...report.body, findings: [], counts: { ...report.body.counts, redemptions: 29 } },
    };
    writeFileSync(join(folder, "edited.json"), JSON.stringify(edited));
    const refused = await cli([
      "audit",
      "verify-report",
      join(folder, "edited.json"),
      "--rpc",
      ledger.chain.url,
    ]);
    expect(refused.code).to.equal(1);
    expect(JSON.parse(refused.out)).to.include({ hashMatches: false });
  });

  it("refuses a --mandates that is not a contract address, before reading the chain", async () => {
    const { addresses } = ledger;
    const refused = await cli([
      "audit",
      "--rpc",
      ledger.chain.url,
      ...namedAddresses(addresses),
      "--mandates",
      "0x1234",
    ]);
    expect(refused.code).to.equal(2);
  });
});
