import type { EventFragment, Interface, ParamType, Result } from "ethers";

export type JsonValue = string | number | boolean | null | JsonValue[];

/** An event log's name and arguments, as JSON values: integers as decimal strings, addresses lower case. */
export interface DecodedLogArgs {
  name: string;
  args: Record<string, JsonValue>;
}

export type LogDecoder = (topics: readonly string[], data: string) => DecodedLogArgs | null;

/**
 * A decoder for the events of `iface`, built once. Each event is found by its first topic in a map (ethers'
 * `parseLog` hashes the signature of every fragment again for every log, which was most of the indexer's
 * time). An event whose arguments are all one-word values (addresses, integers, booleans, fixed bytes) is
 * read word by word; an event with a string, bytes or array argument goes to the general ABI decoder.
 * A log of no known event gives null: a newer contract's event is skipped, not guessed.
 */
export function logDecoder(iface: Interface): LogDecoder {
  const byTopic = new Map<string, LogDecoder>();
  for (const [topic, fragment] of eventsByTopic(iface)) byTopic.set(topic, eventDecoder(iface, fragment));
  return (topics, data) => {
    const topic = topics[0];
    if (topic === undefined) return null;
    const decode = byTopic.get(topic.toLowerCase());
    return decode ? decode(topics, data) : null;
  };
}

const topicIndexes = new WeakMap<Interface, ReadonlyMap<string, EventFragment>>();

/** The interface's (non-anonymous) events by their topic hash, lower case, computed once per interface. */
export function eventsByTopic(iface: Interface): ReadonlyMap<string, EventFragment> {
  let index = topicIndexes.get(iface);
  if (!index) {
    const events = new Map<string, EventFragment>();
    iface.forEachEvent((fragment) => {
      if (!fragment.anonymous) events.set(fragment.topicHash.toLowerCase(), fragment);
    });
    topicIndexes.set(iface, (index = events));
  }
  return index;
}

function eventDecoder(iface: Interface, fragment: EventFragment): LogDecoder {
  const names = fragment.inputs.map((input, index) => input.name || `arg${index}`);
  const readers = fragment.inputs.map((input) => (input.indexed ? indexedReader(input) : wordReader(input)));
  if (readers.some((reader) => reader === null)) {
    return (topics, data) => {
      const values = iface.decodeEventLog(fragment, data, topics);
      const args: Record<string, JsonValue> = {};
      names.forEach((name, index) => {
        const value = values[index] as unknown;
        args[name] = fragment.inputs[index]!.type === "address" ? String(value).toLowerCase() : toJson(value);
      });
      return { name: fragment.name, args };
    };
  }
  const indexed = fragment.inputs.map((input) => input.indexed === true);
  return (topics, data) => {
    const args: Record<string, JsonValue> = {};
    let topicIndex = 1;
    let wordIndex = 0;
    for (let i = 0; i < readers.length; i++) {
      const word = indexed[i]
        ? (topics[topicIndex++] ?? "").slice(2)
        : data.slice(2 + wordIndex * 64, 66 + wordIndex++ * 64);
      if (word.length !== 64) return null; // a log shorter than its event: not this event
      args[names[i]!] = readers[i]!(word);
    }
    return { name: fragment.name, args };
  };
}

type WordReader = (word: string) => JsonValue;

/** How one 32-byte word (64 hex digits) becomes the value of a static argument, or null for a dynamic one. */
function wordReader(input: ParamType): WordReader | null {
  const type = input.type;
  if (type === "address") return (word) => `0x${word.slice(24).toLowerCase()}`;
  if (type === "bool") return (word) => !/^0+$/.test(word);
  const uint = /^uint(\d*)$/.exec(type);
  if (uint) return (word) => BigInt(`0x${word}`).toString();
  const int = /^int(\d*)$/.exec(type);
  if (int) {
    const bits = Number(int[1] || 256);
    return (word) => BigInt.asIntN(bits, BigInt(`0x${word}`)).toString();
  }
  const fixed = /^bytes(\d+)$/.exec(type);
  if (fixed) {
    const digits = Number(fixed[1]) * 2;
    return (word) => `0x${word.slice(0, digits).toLowerCase()}`;
  }
  return null;
}

/** An indexed argument is its word, or for a string, bytes, array or tuple the keccak hash of it. */
function indexedReader(input: ParamType): WordReader {
  return wordReader(input) ?? ((word) => `0x${word.toLowerCase()}`);
}

function toJson(value: unknown): JsonValue {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string" || typeof value === "boolean" || typeof value === "number") return value;
  if (Array.isArray(value)) return (value as Result).map(toJson);
  if (value !== null && typeof value === "object" && "hash" in value) return String(value.hash); // Indexed
  return value === null || value === undefined ? null : String(value);
}
