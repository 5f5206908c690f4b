import { expect } from "chai";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseUnits } from "ethers";
import {
  DEMO_FILE,
  DEMO_PLAN,
  DemoStepError,
  readDemoSeed,
  startDemo,
  type DemoProgramme,
} from "../../../src/main/seedDemo";
import { bootE2e, countRows, removeDataDir, type E2eGateway } from "./harness";

const BIN = path.join(__dirname, "..", "..", "..", "bin", "sintech.js");
const PROGRAMMES: DemoProgramme[] = ["relief", "support", "insurance"];

/**
 * Runs `sintech start --demo` in its own process until it prints "Press Ctrl+C to stop.", then stops it
 * with SIGINT as a terminal would, and returns everything it printed.
 */
function startAndStop(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, "start", "--demo"], {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`start did not get ready: ${stdout}${stderr}`));
    }, 240_000);
    let stopping = false;
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      // One SIGINT only: a second one, like a second Ctrl+C, would end the process without its clean stop.
      if (!stopping && stdout.includes("Press Ctrl+C to stop.")) {
        stopping = true;
        child.kill("SIGINT");
      }
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("e2e: the demo", function () {
  this.timeout(600_000);

  describe("a seeded demo", function () {
    let gw: E2eGateway;
    let running = false;
    const lines: string[] = [];

    before(async () => {
      gw = await bootE2e();
      running = true;
      await startDemo(gw.services, (line) => lines.push(line));
    });

    after(async () => {
      if (running) await gw.stop();
      removeDataDir(gw.dataDir);
    });

    it("says it seeds while it seeds, and names the file with the keys", () => {
      expect(lines[0]).to.equal(
        `Seeding the demo (organisations, ${DEMO_PLAN.households} households, three funded programmes)...`,
      );
      expect(lines.join("\n")).to.include(path.join(gw.dataDir, DEMO_FILE));
      expect(lines.join("\n")).to.include("regulator.key holds the gateway's first regulator key");
    });

    it("funds every programme, one per layer, as the chain records it", async () => {
      const seed = readDemoSeed(gw.dataDir)!;
      expect(Object.keys(seed.programmes)).to.have.members(PROGRAMMES);
      const ledger = gw.services.system.ledger;
      for (const label of PROGRAMMES) {
        const funds = await ledger.fundsOf(seed.programmes[label]);
        const cash = label === "support" ? parseUnits(DEMO_PLAN.cashGift, 18) : 0n;
        expect(funds.given, label).to.equal(parseUnits(DEMO_PLAN.donorGifts[label], 18) + cash);
        expect(funds.given > 0n, label).to.equal(true);
        expect(seed.gifts[label]).to.equal(DEMO_PLAN.donorGifts[label]);
      }
      const layers = await Promise.all(
        PROGRAMMES.map(async (label) => Number((await ledger.programme(seed.programmes[label])).layer)),
      );
      expect(layers).to.deep.equal([0, 1, 2]);
      expect(countRows(gw, "gifts")).to.equal(4);
    });

    it("keeps the demo's keys private and says which regulator key is which", () => {
      const file = path.join(gw.dataDir, DEMO_FILE);
      expect(statSync(file).mode & 0o077).to.equal(0);
      const seed = JSON.parse(readFileSync(file, "utf8")) as ReturnType<typeof readDemoSeed> & object;
      expect(seed.about).to.include("regulator.key");
      expect(seed.apiKeys.regulator!.about).to.include("second regulator key");
      for (const entry of Object.values(seed.apiKeys)) expect(entry.about).to.be.a("string").and.not.empty;
    });

    it("on a restart says the demo is already seeded, and seeds nothing", async () => {
      const before = { organisations: countRows(gw, "organisations"), gifts: countRows(gw, "gifts") };
      const again: string[] = [];
      await startDemo(gw.services, (line) => again.push(line));
      expect(again).to.have.length(1);
      expect(again[0]).to.include(`demo already seeded (${path.join(gw.dataDir, DEMO_FILE)})`);
      expect(again.join("\n")).to.not.include("Seeding");
      expect(countRows(gw, "organisations")).to.equal(before.organisations);
      expect(countRows(gw, "gifts")).to.equal(before.gifts);
    });

    it("`sintech start --demo` on the seeded data folder prints 'already seeded', not 'Seeding'", async () => {
      await gw.stop();
      running = false;
      const run = await startAndStop({
        DATA_DIR: gw.dataDir,
        PORT: "0",
        SINTECH_ANVIL_PORT: String(gw.anvilPort),
        LOG_LEVEL: "warn",
      });
      expect(run.stdout).to.include(`demo already seeded (${path.join(gw.dataDir, DEMO_FILE)})`);
      expect(run.stdout).to.not.include("Seeding");
      expect(run.code).to.equal(0);
    });
  });

  describe("a failing step", function () {
    let gw: E2eGateway;
    let running = false;

    before(async () => {
      gw = await bootE2e();
      running = true;
    });

    after(async () => {
      if (running) await gw.stop();
      removeDataDir(gw.dataDir);
    });

    it("stops the demo with a message naming the step, and writes no demo.json", async () => {
      // The issue's case: gifts that add up to more than the donor was minted.
      const plan = {
        ...DEMO_PLAN,
        households: 5,
        donorGifts: { ...DEMO_PLAN.donorGifts, insurance: "500000000" },
      };
      const lines: string[] = [];
      const failure = await startDemo(gw.services, (line) => lines.push(line), plan).then(
        () => expect.fail("the demo should have stopped"),
        (error: unknown) => error,
      );
      expect(failure).to.be.instanceOf(DemoStepError);
      const stepError = failure as DemoStepError;
      expect(stepError.step).to.equal("give 500000000 tokens from the donor to the insurance programme");
      expect(stepError.reason).to.include("ERC20InsufficientBalance");
      expect(stepError.message).to.match(
        /^the demo stopped at step "give 500000000 tokens from the donor to the insurance programme": /,
      );
      expect(existsSync(path.join(gw.dataDir, DEMO_FILE))).to.equal(false);
      // It stopped there: the households come after the gifts and were never imported.
      expect(countRows(gw, "households")).to.equal(0);
      expect(lines.join("\n")).to.not.include("three programmes created and funded");
    });

    it("`sintech start --demo` after a failed demo says in one line which step stopped it, exit code 2", async () => {
      // The folder keeps what the failed demo did (its donor's mint, under the same idempotency key), so a
      // second demo on it cannot fund its new donor: a step fails again, and start must say which and stop.
      await gw.stop();
      running = false;
      const run = await startAndStop({
        DATA_DIR: gw.dataDir,
        PORT: "0",
        SINTECH_ANVIL_PORT: String(gw.anvilPort),
        LOG_LEVEL: "silent",
      });
      expect(run.code, run.stdout + run.stderr).to.equal(2);
      expect(run.stdout).to.include("Seeding the demo");
      expect(run.stdout).to.not.include("Press Ctrl+C to stop.");
      const lines = run.stderr.trim().split("\n");
      expect(lines).to.have.length(1);
      expect(lines[0]).to.match(
        /^sintech: the demo stopped at step "[^"]+": .+ empty data folder \(DATA_DIR\)/,
      );
      // The gateway was stopped, not abandoned: its chain's port is free again.
      gw = await bootE2e({ dataDir: gw.dataDir, anvilPort: gw.anvilPort, regulatorKey: gw.regulatorKey });
      running = true;
      expect(existsSync(path.join(gw.dataDir, DEMO_FILE))).to.equal(false);
    });
  });
});
