import type { Interface, LogDescription, TransactionReceipt } from "ethers";
import { parseLog } from "./parseLog";

/** The first event named `name` that `iface` can decode among a receipt's logs, if any. */
export function findEvent(
  iface: Interface,
  receipt: TransactionReceipt,
  name: string,
): LogDescription | undefined {
  for (const log of receipt.logs) {
    let parsed: LogDescription | null = null;
    try {
      parsed = parseLog(iface, log);
    } catch {
      // another contract's log, or an event this ABI does not know
    }
    if (parsed?.name === name) return parsed;
  }
  return undefined;
}
