import type { Interface } from "ethers";

/** A revert named by its custom error, with the arguments as strings (refs and ids, never personal data). */
export interface DecodedRevert {
  name: string;
  args: string[];
}

/** Finds revert data in an ethers or JSON-RPC error and names it with the first ABI that knows it. */
export function decodeRevert(error: unknown, interfaces: readonly Interface[]): DecodedRevert | undefined {
  const data = findRevertData(error);
  if (data === undefined) return undefined;
  if (data === "0x") return { name: "Reverted", args: [] };
  for (const iface of interfaces) {
    try {
      const parsed = iface.parseError(data);
      if (parsed) return { name: parsed.name, args: parsed.args.map((arg: unknown) => String(arg)) };
    } catch {
      // not this ABI's error
    }
  }
  return { name: "UnknownRevert", args: [data.slice(0, 10)] };
}

function findRevertData(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== "object" || depth > 5) return undefined;
  const candidate = error as { data?: unknown; error?: unknown; info?: unknown; code?: unknown };
  if (typeof candidate.data === "string" && candidate.data.startsWith("0x")) return candidate.data;
  if (candidate.code === "CALL_EXCEPTION" && candidate.data === null) return "0x";
  for (const inner of [candidate.error, candidate.info, candidate.data]) {
    const found = findRevertData(inner, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
