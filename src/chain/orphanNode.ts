import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The embedded node a gateway started, written beside the chain's state. A SIGKILL of the gateway's own
 * process (the out-of-memory killer picks the largest process, not its group) leaves anvil running,
 * holding the newest blocks in memory and its port: the next start would find the port taken and the
 * blocks since the last save only in that orphan. With this record the next start takes them over.
 */
interface NodeRecord {
  pid: number;
  url: string;
  /** The binary the node was started from: a live process with another command line is not ours. */
  binary: string;
}

export type TakeOver =
  | { kind: "none" }
  /** A recorded node still ran: its state was saved (or `saveError` says why not) and it was stopped. */
  | { kind: "taken-over"; pid: number; saveError?: string };

const RECORD = "node.json";

/** Notes the running node, atomically, so a kill at any moment leaves a whole record or the old one. */
export function recordNode(chainDir: string, record: NodeRecord): void {
  const path = join(chainDir, RECORD);
  writeFileSync(`${path}.tmp`, JSON.stringify(record), { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

/** Forgets the node after a clean stop. */
export function forgetNode(chainDir: string): void {
  rmSync(join(chainDir, RECORD), { force: true });
}

/**
 * Finds a node an earlier gateway on this data folder left running, saves its state with `save` (the
 * same atomic save as every other) and stops it. A record whose process is gone, or is now another
 * program (its pid reused), is only forgotten. Linux only (/proc); elsewhere a node left running is
 * found by the port check that follows, which names the port.
 */
export async function takeOverOrphan(
  chainDir: string,
  save: (url: string) => Promise<void>,
): Promise<TakeOver> {
  const record = readRecord(chainDir);
  if (record === undefined || !isRunning(record)) {
    forgetNode(chainDir);
    return { kind: "none" };
  }
  let saveError: string | undefined;
  try {
    await save(record.url);
  } catch (error) {
    // A node that cannot answer keeps the last saved state; it is stopped all the same.
    saveError = error instanceof Error ? error.message : String(error);
  }
  try {
    process.kill(record.pid, "SIGKILL");
  } catch {
    // it ended meanwhile
  }
  for (let waited = 0; !hasEnded(record.pid) && waited < 10_000; waited += 50)
    await new Promise((resolve) => setTimeout(resolve, 50));
  // Forgotten only now: a gateway killed during the takeover finds the orphan again at its next start.
  forgetNode(chainDir);
  return { kind: "taken-over", pid: record.pid, ...(saveError === undefined ? {} : { saveError }) };
}

/** Ends a node left running without saving it, for a data folder about to be removed (the benches). */
export function killLeftNode(chainDir: string): void {
  const record = readRecord(chainDir);
  if (record !== undefined && isRunning(record)) process.kill(record.pid, "SIGKILL");
  forgetNode(chainDir);
}

function readRecord(chainDir: string): NodeRecord | undefined {
  try {
    const parsed = JSON.parse(readFileSync(join(chainDir, RECORD), "utf8")) as Partial<NodeRecord>;
    if (typeof parsed.pid !== "number" || typeof parsed.url !== "string" || typeof parsed.binary !== "string")
      return undefined;
    return parsed as NodeRecord;
  } catch {
    return undefined;
  }
}

/** Alive, not a zombie, and still the program recorded (its first argument is the recorded binary). */
function isRunning(record: NodeRecord): boolean {
  try {
    const state = stateOf(record.pid);
    if (state === "Z" || state === "X") return false;
    const argv = readFileSync(`/proc/${record.pid}/cmdline`, "utf8").split("\0");
    return argv[0] === record.binary;
  } catch {
    return false;
  }
}

/**
 * Gone, or a zombie none of whose threads still runs: only then are its sockets closed. anvil has many
 * threads, and the leader shows as a zombie while the others are still exiting with the port open.
 */
function hasEnded(pid: number): boolean {
  try {
    if (stateOf(pid) !== "Z") return false;
    return readdirSync(`/proc/${pid}/task`).length <= 1;
  } catch {
    return true;
  }
}

/** The process's state letter (R, S, D, Z...); throws when there is no such process. */
function stateOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The state follows the parenthesised command name, which may itself hold spaces or parentheses.
  const end = stat.lastIndexOf(")");
  return stat.slice(end + 2, end + 3);
}
