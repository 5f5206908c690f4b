import type { Interface } from "ethers";

/**
 * The 32-byte words of hand-written ABI calldata (64 hex digits each, no 0x), for the few calls the
 * gateway writes at volume, where the general ABI coder cost more than the rest of the request.
 */

/** A uint256 as one word. */
export function uintWord(value: bigint): string {
  if (value < 0n || value >= 1n << 256n) throw new RangeError("a uint256 is out of range");
  return value.toString(16).padStart(64, "0");
}

/** A bytes32 (0x and 64 hex digits) as one word, lower case. */
export function bytes32Word(value: string, name: string): string {
  if (value.length !== 66 || !/^0x[0-9a-fA-F]{64}$/.test(value))
    throw new TypeError(`${name} is not a bytes32`);
  return value.slice(2).toLowerCase();
}

/** An address (0x and 40 hex digits) as one word, left-padded with zeros. */
export function addressWord(value: string, name: string): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) throw new TypeError(`${name} is not an address`);
  return value.slice(2).toLowerCase().padStart(64, "0");
}

/** Dynamic `bytes` (hex digits, no 0x): their length word, then the bytes right-padded to whole words. */
export function bytesWords(body: string): string {
  return uintWord(BigInt(body.length / 2)) + body.padEnd(Math.ceil(body.length / 64) * 64, "0");
}

const selectors = new WeakMap<Interface, Map<string, string>>();

/** A function's selector, looked up once: ethers recomputes it (a keccak) on every `selector` read. */
export function selectorOf(iface: Interface, name: string): string {
  let known = selectors.get(iface);
  if (!known) selectors.set(iface, (known = new Map()));
  let selector = known.get(name);
  if (selector === undefined) known.set(name, (selector = iface.getFunction(name)!.selector));
  return selector;
}
