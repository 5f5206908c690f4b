/**
 * The delivery crash loop of issue 9: a gateway started as `sintech start` (anvil in its process group) while
 * a vendor's counter opens deliveries and relays the household's PIN (each acceptance queues its redemption
 * in the outbox) and a field agent's tablet uploads confirmations anchored in Merkle batches, SIGKILLed at a
 * random moment and started again, `--kills` times; every few rounds the node also comes back from the state
 * it had when the round began. A last clean boot drains, then the chain's events are checked: every accepted
 * delivery redeemed once in the transaction its row names, every confirmation anchored once, every proof
 * verified by the contract.
 *
 *   npm run crash-loop:delivery                      # 50 kills, a table
 *   npm run -s crash-loop:delivery -- --json         # one JSON object on stdout; progress on stderr
 *   options: --kills=N --min-ms=N --max-ms=N --rewind-every=N --pace-ms=N --seed=N
 *
 * Exit code 1 when anything reported is lost, redeemed or anchored twice, on chain unreported, or a request
 * not cut by a kill got an answer the flow does not allow. `npm test` runs 3 kills
 * (test/gateway/e2e/deliveryCrash.test.ts).
 */
import { runDeliveryCrashLoop, type DeliveryCrashLoopReport } from "../test/gateway/e2e/deliveryCrashLoop";
import { cliOptions } from "./cliOptions";

const { asJson, number: option } = cliOptions();

async function main(): Promise<void> {
  const report = await runDeliveryCrashLoop({
    kills: option("kills", 50),
    killAfterMs: [option("min-ms", 500), option("max-ms", 4_000)],
    rewindEvery: option("rewind-every", 5),
    paceMs: option("pace-ms", 250),
    seed: option("seed", 1),
    log: (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`),
  });
  process.stdout.write(asJson ? `${JSON.stringify(report)}\n` : table(report));
  process.exitCode = healthy(report) ? 0 : 1;
}

function healthy(report: DeliveryCrashLoopReport): boolean {
  return (
    report.lost === 0 &&
    report.duplicates === 0 &&
    report.unreported === 0 &&
    report.serverErrors === 0 &&
    report.redeemedOnChain === report.deliveriesChecked &&
    report.proofsVerified === report.confirmationsChecked
  );
}

function table(report: DeliveryCrashLoopReport): string {
  const rows: [string, string | number][] = [
    ["kills (SIGKILL of the process group)", report.kills],
    ["accepted deliveries checked", report.deliveriesChecked],
    ["  redeemed once on chain, in the row's transaction", report.redeemedOnChain],
    ["confirmations checked", report.confirmationsChecked],
    ["  proofs verified by ReceiptAnchor.verifyReceipt", report.proofsVerified],
    ["anchored batches, each once on chain", report.batchesChecked],
    ["requests cut by a kill, sent again", report.retried],
    ["confirmed writes the node lost, re-broadcast", report.rebroadcast],
    ["lost", report.lost],
    ["duplicates", report.duplicates],
    ["on chain, not reported", report.unreported],
    ["unexpected answers (5xx or off the flow)", report.serverErrors],
    ["seconds", report.seconds],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return `${rows.map(([label, value]) => `${label.padEnd(width)}  ${String(value)}`).join("\n")}\n${healthy(report) ? "OK" : "FAILED"}\n`;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `crash-loop:delivery: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
