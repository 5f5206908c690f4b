/**
 * The crash loop of issue 8: a gateway started as `sintech start` (anvil in its process group) is given a
 * large CSV disbursement, a registration and a gift at once and SIGKILLed at a random moment, then started
 * again, `--kills` times; every few rounds the node also comes back from the state it had when the round
 * began, as anvil once did from a dump seconds old, and every few others only the gateway's own process is
 * killed (as the out-of-memory killer does), leaving its node running for the next start to take over. A
 * last clean boot is then checked against the chain.
 *
 *   npm run crash-loop                      # 50 kills, a table
 *   npm run -s crash-loop -- --json         # one JSON object on stdout; progress on stderr
 *   options: --kills=N --rows=N --registrations=N --min-ms=N --max-ms=N --rewind-every=N --gateway-only-every=N --seed=N
 *
 * Exit code 1 when a reported write is lost or duplicated, a request not cut by a kill answered 5xx, or
 * the gateway took no new write after the last boot. `npm test` runs a short loop (test/gateway/e2e/crash.test.ts).
 */
import { runCrashLoop, type CrashLoopReport } from "../test/gateway/e2e/crashLoop";
import { cliOptions } from "./cliOptions";

const { asJson, number: option } = cliOptions();

async function main(): Promise<void> {
  const report = await runCrashLoop({
    kills: option("kills", 50),
    rowsPerRound: option("rows", 400),
    registrationsPerRound: option("registrations", 200),
    killAfterMs: [option("min-ms", 300), option("max-ms", 6_000)],
    rewindEvery: option("rewind-every", 5),
    gatewayOnlyEvery: option("gateway-only-every", 7),
    seed: option("seed", 1),
    log: (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`),
  });
  process.stdout.write(asJson ? `${JSON.stringify(report)}\n` : table(report));
  process.exitCode = healthy(report) ? 0 : 1;
}

function healthy(report: CrashLoopReport): boolean {
  return (
    report.lost === 0 &&
    report.duplicates === 0 &&
    report.unreported === 0 &&
    report.serverErrors === 0 &&
    report.takesNewWrites
  );
}

function table(report: CrashLoopReport): string {
  const rows: [string, string | number | boolean][] = [
    ["kills (SIGKILL of the process group, or of the gateway alone)", report.kills],
    ["issued rows checked on chain", report.rowsChecked],
    ["registrations checked on chain", report.registrationsChecked],
    ["gifts checked on chain", report.giftsChecked],
    ["confirmed writes the node lost, re-broadcast", report.rebroadcast],
    ["nodes left running by a killed gateway, taken over", report.takenOver],
    ["duplicates", report.duplicates],
    ["lost", report.lost],
    ["on chain, not reported", report.unreported],
    ["5xx answers", report.serverErrors],
    ["new writes land after the last boot", report.takesNewWrites],
    ["seconds", report.seconds],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return `${rows.map(([label, value]) => `${label.padEnd(width)}  ${String(value)}`).join("\n")}\n${healthy(report) ? "OK" : "FAILED"}\n`;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `crash-loop: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
