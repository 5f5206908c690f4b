import { LogDescription, type Interface } from "ethers";
import { eventsByTopic } from "./logDecoder";

/**
 * `iface.parseLog(log)` with the interface's events indexed by topic once. ethers finds a log's event by
 * recomputing every event's topic hash (a keccak each) on every call: with the ledger's thirty-odd events,
 * decoding the logs of the redemptions that follow acceptances was a tenth of the gateway's CPU. `only`
 * names the events wanted; any other answers null.
 */
export function parseLog(
  iface: Interface,
  log: { topics: readonly string[]; data: string },
  only?: ReadonlySet<string>,
): LogDescription | null {
  const topic = log.topics[0]?.toLowerCase();
  const fragment = topic === undefined ? undefined : eventsByTopic(iface).get(topic);
  // Events the caller does not want are not decoded at all.
  if (!fragment || (only !== undefined && !only.has(fragment.name))) return null;
  return new LogDescription(fragment, topic!, iface.decodeEventLog(fragment, log.data, log.topics));
}
