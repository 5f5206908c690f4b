import { expect } from "chai";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { sampleHouseholdsCsv } from "../../../src/households";
import { bootE2e, registerOrganisation, removeDataDir, type E2eGateway, type Organisation } from "./harness";

const BIN = path.join(__dirname, "..", "..", "..", "bin", "sintech.js");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in its own process, as a charity's operator would. */
function sintech(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env.PATH ?? "", ...env }, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe("e2e: the sintech CLI", function () {
  let gw: E2eGateway;
  let charity: Organisation;

  before(async () => {
    gw = await bootE2e();
    charity = await registerOrganisation(gw, "charity");
  });

  after(async () => {
    await gw.stop();
    removeDataDir(gw.dataDir);
  });

  it("enrols a CSV with a progress bar, then writes the households to the chain", async () => {
    const sample = sampleHouseholdsCsv({ households: 40, seed: 91, firstIdSeed: 910_000 });
    const file = path.join(gw.dataDir, "households.csv");
    writeFileSync(file, sample.csv);
    const run = await sintech(["enrol", file], { SINTECH_URL: gw.url, SINTECH_API_KEY: charity.apiKey });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr).to.match(/\[#{30}\] 100%/);
    expect(run.stdout).to.match(/^import [0-9a-f-]{36}: .*"enrolled":\d+/m);
    expect(run.stdout).to.include(`"registered":${sample.householdCount}`);
    const registered = gw.services.store.sqlite
      .prepare("SELECT count(*) FROM chain_registrations WHERE status = 'registered'")
      .pluck()
      .get();
    expect(registered).to.equal(sample.householdCount);
    for (const id of sample.nationalIds) expect(run.stdout + run.stderr).to.not.include(id);
  });

  it("explains in one line, with exit code 2, what is missing or wrong", async () => {
    const noKey = await sintech(["status"], { SINTECH_URL: gw.url });
    expect(noKey.code).to.equal(2);
    expect(noKey.stderr.trim()).to.equal(
      "sintech: SINTECH_API_KEY is not set: the command needs an organisation's API key.",
    );
    const wrongKey = await sintech(["status"], { SINTECH_URL: gw.url, SINTECH_API_KEY: "stk_nope" });
    expect(wrongKey.code).to.equal(2);
    expect(wrongKey.stderr).to.match(/^sintech: .*\(401\)/);
    const unknown = await sintech(["frobnicate"]);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.include('Unknown command "frobnicate"');
    const badRole = await sintech(["keys", "create", "--role", "king", "--org", "x"], {
      DATA_DIR: gw.dataDir,
    });
    expect(badRole.code).to.equal(2);
    expect(badRole.stderr).to.include("--role must be one of");
    const missingFile = await sintech(["disburse", "1", "/nonexistent.csv"], {
      SINTECH_API_KEY: charity.apiKey,
    });
    expect(missingFile.code).to.equal(2);
    expect(missingFile.stderr).to.include("existing CSV file");
  });

  it("reports status with a valid key", async () => {
    const run = await sintech(["status"], { SINTECH_URL: gw.url, SINTECH_API_KEY: charity.apiKey });
    expect(run.code, run.stderr).to.equal(0);
    const status = JSON.parse(run.stdout) as {
      profile: string;
      chain: { chainId: number };
      outbox: { pending: number };
    };
    expect(status).to.deep.include({ profile: "embedded" });
    expect(status.chain.chainId).to.equal(31337);
    expect(status.outbox.pending).to.equal(0);
  });
});
