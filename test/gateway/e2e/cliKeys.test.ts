import { expect } from "chai";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { bootE2e, registerOrganisation, removeDataDir, type E2eGateway, type Organisation } from "./harness";

const BIN = path.join(__dirname, "..", "..", "..", "bin", "sintech.js");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in its own process, in `cwd`. */
function sintech(args: string[], env: Record<string, string>, cwd?: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env.PATH ?? "", ...env }, timeout: 120_000, cwd },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe("e2e: sintech keys create refuses unknown organisations and never creates a data folder", function () {
  let gw: E2eGateway;
  let registrar: Organisation;
  const keyCount = () =>
    gw.services.store.sqlite.prepare("SELECT count(*) FROM api_keys").pluck().get() as number;

  before(async () => {
    gw = await bootE2e();
    registrar = await registerOrganisation(gw, "registrar");
  });
  after(async () => {
    await gw?.stop();
    if (gw) removeDataDir(gw.dataDir);
  });

  it("refuses an organisation that is not registered, and a role it was not registered with, issuing no key", async () => {
    const before = keyCount();
    const unknown = await sintech(["keys", "create", "--role", "registrar", "--org", "org_invented"], {
      DATA_DIR: gw.dataDir,
    });
    expect(unknown.code, unknown.stderr).to.equal(2);
    expect(unknown.stderr).to.include('No organisation "org_invented" is registered');
    const wrongRole = await sintech(["keys", "create", "--role", "charity", "--org", registrar.orgId], {
      DATA_DIR: gw.dataDir,
    });
    expect(wrongRole.code, wrongRole.stderr).to.equal(2);
    expect(wrongRole.stderr).to.include(`is a registrar: a charity key cannot be issued`);
    const fakeRegulator = await sintech(["keys", "create", "--role", "regulator", "--org", registrar.orgId], {
      DATA_DIR: gw.dataDir,
    });
    expect(fakeRegulator.code, fakeRegulator.stderr).to.equal(2);
    expect(keyCount()).to.equal(before);

    const issued = await sintech(["keys", "create", "--role", "registrar", "--org", registrar.orgId], {
      DATA_DIR: gw.dataDir,
    });
    expect(issued.code, issued.stderr).to.equal(0);
    const [, key] = issued.stdout.trim().split(" ");
    expect(keyCount()).to.equal(before + 1);
    expect((await gw.post("/v1/households/registrations", key)).status).to.equal(200);
  });

  it("refuses to run without the gateway's database, creating nothing in the working folder", async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), "sintech-cwd-"));
    try {
      const run = await sintech(["keys", "create", "--role", "regulator", "--org", "regulator"], {}, cwd);
      expect(run.code, run.stderr).to.equal(2);
      expect(run.stderr).to.include("No gateway database at");
      expect(run.stderr).to.include("DATA_DIR");
      expect(readdirSync(cwd)).to.deep.equal([]);
      const elsewhere = path.join(cwd, "missing");
      const named = await sintech(["keys", "create", "--role", "regulator", "--org", "regulator"], {
        DATA_DIR: elsewhere,
      });
      expect(named.code, named.stderr).to.equal(2);
      expect(existsSync(elsewhere)).to.equal(false);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
