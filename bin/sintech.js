#!/usr/bin/env node
// Runs the JavaScript that `npm run build` wrote to dist/ (a production install has nothing else). In a
// development checkout without a build, or with sources newer than the build, it runs the TypeScript
// sources through ts-node instead (a dev dependency; type-checked by `npm test`, not at every start).
// SINTECH_FROM_SOURCE=1 forces the sources.
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const built = path.join(root, "dist", "src", "cli", "main.js");
const stamp = path.join(root, "dist", "build.json");

/** Newest modification time (ms) of any file under `dir`, 0 when it does not exist. */
function newestFile(dir) {
  let newest = 0;
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const file = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestFile(file) : fs.statSync(file).mtimeMs);
  }
  return newest;
}

function loadCli() {
  const haveBuild = fs.existsSync(built) && fs.existsSync(stamp);
  let tsNode;
  try {
    tsNode = require.resolve("ts-node");
  } catch {
    tsNode = undefined;
  }
  const buildTime = haveBuild ? fs.statSync(stamp).mtimeMs : 0;
  const stale =
    tsNode !== undefined &&
    ["src", "deploy", "typechain-types"].some((dir) => newestFile(path.join(root, dir)) > buildTime);
  if (haveBuild && process.env.SINTECH_FROM_SOURCE !== "1" && !stale) return require(built);
  if (tsNode === undefined) {
    process.stderr.write("sintech: no build in dist/: run `npm run build` in a development install first.\n");
    process.exit(2);
  }
  require(tsNode).register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
  return require("../src/cli/main");
}

loadCli()
  .main(process.argv.slice(2))
  .then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(
        `sintech: unexpected error: ${String(error.shortMessage ?? error.message).slice(0, 300)}\n`,
      );
      process.exit(1);
    },
  );
