/**
 * Gas benchmark of the Sin Tech contracts on the in-process Hardhat network: gas per household of each
 * operation beside one plain ERC-20 transfer per household, measured in the same run, and the targets.
 *
 *   npm run bench:gas                    # table
 *   BENCH_JSON=1 npm run -s bench:gas    # one JSON object on stdout (`--json` works when run by node)
 */
import { network, ethers } from "hardhat";
import { evaluateTargets, renderTable, toRows, type BenchReport } from "./lib/report";
import {
  anchoring,
  erc20TransferBaseline,
  issuance,
  merkleRound,
  redemption,
  registration,
} from "./lib/scenarios";
import { batchRedemption } from "./lib/batchRedemption";
import { premiumMandates } from "./lib/premiumMandates";
import { timeBank } from "./lib/timeBank";
import { benchWorld } from "./lib/world";

const asJson = process.argv.includes("--json") || process.env.BENCH_JSON === "1";

async function main(): Promise<void> {
  const system = await benchWorld();
  const baseline = await erc20TransferBaseline(system);
  // Issuance reuses the households registration measured, so the order matters.
  const measurements = [
    ...(await registration(system)),
    ...(await issuance(system)),
    ...(await merkleRound(system)),
    ...(await redemption(system)),
    ...(await batchRedemption(system)),
    ...(await anchoring(system)),
    ...(await timeBank(system)),
    ...(await premiumMandates(system)),
  ];
  const blockGasLimit = Number((await ethers.provider.getBlock("latest"))!.gasLimit);
  const rows = toRows(measurements, baseline);
  const report: BenchReport = {
    network: network.name,
    blockGasLimit,
    baseline: { operation: "OpenZeppelin ERC-20 transfer to a fresh address", gas: baseline },
    rows,
    targets: evaluateTargets(rows, blockGasLimit),
  };
  process.stdout.write(`${asJson ? JSON.stringify(report) : renderTable(report)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
