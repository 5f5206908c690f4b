import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * `npm run build`: what a production install runs, made from what only a development install has.
 * 1. compiles the contracts (hardhat), which also generates `typechain-types/`;
 * 2. emits the JavaScript of `src/`, `deploy/` and `typechain-types/` to `dist/` (tsc, tsconfig.build.json);
 *    and copies the pages' static files (src/web/assets) beside them;
 * 3. copies the ABI of every contract the gateway deploys to `dist/abi/` for clients. The gateway itself
 *    needs no artifact at run time: the typechain factories in `dist/typechain-types` carry ABI and bytecode;
 * 4. writes `dist/build.json`, which `bin/sintech.js` compares with the sources' times.
 * `bin/sintech.js` runs `dist/` once it exists, so `npm ci --omit=dev` (no hardhat, ts-node, typescript) starts.
 */
const ROOT = path.join(__dirname, "..");
const DIST = path.join(ROOT, "dist");
/** The contracts `deploy/system.ts` deploys or connects to, and the embedded settlement token. */
const CONTRACTS = [
  "AidLedger",
  "AuditLog",
  "BeneficiaryRegistry",
  "ConsortiumTimelock",
  "LicenceRegistry",
  "ReceiptAnchor",
  "TestSettlementToken",
];

function bin(name: string): string {
  return path.join(ROOT, "node_modules", ".bin", name);
}

function timed(label: string, run: () => void): void {
  const started = Date.now();
  run();
  process.stdout.write(`build: ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}

function artifactFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return artifactFiles(file);
    return name.endsWith(".json") && !name.endsWith(".dbg.json") ? [file] : [];
  });
}

function main(): void {
  timed("contracts compiled", () =>
    execFileSync(bin("hardhat"), ["compile", "--quiet"], { cwd: ROOT, stdio: "inherit" }),
  );
  rmSync(DIST, { recursive: true, force: true });
  timed("src, deploy and typechain-types emitted to dist/", () =>
    execFileSync(bin("tsc"), ["-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" }),
  );
  // The pages' scripts and styles are served as files, not compiled: they go beside the emitted web room.
  cpSync(path.join(ROOT, "src", "web", "assets"), path.join(DIST, "src", "web", "assets"), {
    recursive: true,
  });
  const abiDir = path.join(DIST, "abi");
  mkdirSync(abiDir, { recursive: true });
  const artifacts = artifactFiles(path.join(ROOT, "artifacts", "contracts"));
  for (const contract of CONTRACTS) {
    const file = artifacts.find((candidate) => path.basename(candidate) === `${contract}.json`);
    if (!file) throw new Error(`build: no artifact for ${contract}`);
    const { contractName, sourceName, abi } = JSON.parse(readFileSync(file, "utf8")) as Record<
      string,
      unknown
    >;
    writeFileSync(
      path.join(abiDir, `${contract}.json`),
      `${JSON.stringify({ contractName, sourceName, abi }, null, 2)}\n`,
    );
  }
  const version = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string })
    .version;
  writeFileSync(
    path.join(DIST, "build.json"),
    `${JSON.stringify({ version, builtAt: new Date().toISOString(), node: process.version }, null, 2)}\n`,
  );
  process.stdout.write(
    `build: ${CONTRACTS.length} ABIs in dist/abi; run it with node bin/sintech.js start\n`,
  );
}

main();
