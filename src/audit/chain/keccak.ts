import { KECCAK_SOURCE } from "./keccakSource";

/** `keccak(data, start, end, out, outAt)`: Keccak-256 of `data[start, end)` written into `out` at `outAt`. */
export type KeccakInto = (
  data: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  outAt: number,
) => Uint8Array;

/** Keccak-256 on this thread, from the same source the recovery workers run. */
export const keccakInto = new Function(`${KECCAK_SOURCE}; return makeKeccak();`)() as KeccakInto;

/** Keccak-256 of `data`, as 32 new bytes. */
export function keccakBytes(data: Uint8Array): Uint8Array {
  return keccakInto(data, 0, data.length, new Uint8Array(32), 0);
}
