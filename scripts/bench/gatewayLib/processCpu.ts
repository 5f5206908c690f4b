import { readFileSync } from "node:fs";

/** Linux clock ticks per second for /proc times; 100 on every mainstream kernel build. */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far; undefined where /proc is not available. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th overall.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The first child process of `pid` (the gateway's anvil), from /proc. */
export function firstChildPid(pid: number): number | undefined {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/);
    return children[0] ? Number(children[0]) : undefined;
  } catch {
    return undefined;
  }
}

export interface CpuSplit {
  /** CPU seconds the gateway process used during the phase. */
  gateway?: number;
  /** CPU seconds the chain node used during the phase. */
  chain?: number;
}

/** Starts counting the two processes' CPU time; the returned function gives what each used since. */
export function cpuMeter(pids: { gateway: number; chain?: number }): () => CpuSplit {
  const start = { gateway: cpuSeconds(pids.gateway), chain: cpuSeconds(pids.chain) };
  return () => {
    const used = (now: number | undefined, then: number | undefined) =>
      now === undefined || then === undefined ? undefined : now - then;
    return {
      gateway: used(cpuSeconds(pids.gateway), start.gateway),
      chain: used(cpuSeconds(pids.chain), start.chain),
    };
  };
}
