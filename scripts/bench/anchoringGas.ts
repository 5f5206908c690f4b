/**
 * Gas per anchored receipt (off-chain confirmations anchored in Merkle batches), at 100, 1,000 and 10,000.
 *
 *   node -r ts-node/register/transpile-only scripts/bench/anchoringGas.ts [--json]
 */
import { anchoringGas } from "./deliveryLib/anchoringGas";

async function main(): Promise<void> {
  const figures = await anchoringGas();
  if (process.argv.includes("--json")) {
    process.stdout.write(`${JSON.stringify({ anchoring: figures })}\n`);
    return;
  }
  const lines = [
    "| receipts per batch | anchor gas | gas per receipt | proofs checked on chain | record time |",
    "|---|---|---|---|---|",
    ...figures.map(
      (f) =>
        `| ${f.receipts.toLocaleString("en-US")} | ${f.anchorGas.toLocaleString("en-US")} | ${f.gasPerReceipt.toFixed(1)} | ${f.verifiedOnChain} | ${(f.recordMs / 1000).toFixed(1)} s |`,
    ),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
