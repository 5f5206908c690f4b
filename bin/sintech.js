#!/usr/bin/env node
// The CLI runs the TypeScript sources directly (type-checked by `npm test`, not at every start).
require("ts-node").register({
  transpileOnly: true,
  project: require("node:path").join(__dirname, "..", "tsconfig.json"),
});
require("../src/cli/main")
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
