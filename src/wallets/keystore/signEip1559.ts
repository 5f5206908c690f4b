import type { TransactionRequest } from "ethers";
import { keccakBytes } from "../../audit/chain/keccak";
import { nativeSecp256k1 } from "../../chain/nativeSecp256k1";

/**
 * Signs an EIP-1559 transaction with native libsecp256k1 and the audit room's Keccak (pure code), byte
 * for byte what an ethers `Wallet` signs (both take the nonce of RFC 6979 and a low s). ethers turns the
 * calldata from hex to bytes and back several times and hashes with a pure-JS Keccak: for the outbox's
 * batches (20–40 KB of calldata each) its `signTransaction` was 10 s of a 100,000-household registration's
 * gateway CPU.
 *
 * Returns undefined for what this does not write (another type, an access list, a contract creation, a
 * name instead of an address, a missing field, a tip above the fee cap, no native binding): the caller
 * signs those with ethers, which refuses what it must.
 */
export function signEip1559(tx: TransactionRequest, privateKey: Uint8Array): string | undefined {
  if (!nativeSecp256k1 || tx.type !== 2 || (tx.accessList && (tx.accessList as unknown[]).length > 0))
    return undefined;
  if (tx.authorizationList || tx.blobs || tx.blobVersionedHashes) return undefined;
  const to =
    typeof tx.to === "string" && ADDRESS.test(tx.to) ? Buffer.from(tx.to.slice(2), "hex") : undefined;
  const data = tx.data === undefined || tx.data === null ? "0x" : tx.data;
  if (!to || typeof data !== "string" || !HEX_BYTES.test(data)) return undefined;
  const given = [tx.chainId, tx.nonce, tx.maxPriorityFeePerGas, tx.maxFeePerGas, tx.gasLimit, tx.value ?? 0];
  if (given.some((value) => value === undefined || value === null)) return undefined;
  const [chainId, nonce, tip, feeCap, gasLimit, value] = given.map(toUint) as [
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
  ];
  // ethers refuses a tip above the fee cap; so does the node.
  if (tip > feeCap) return undefined;
  const fields = [
    ...[chainId, nonce, tip, feeCap, gasLimit].map(rlpUint),
    rlpBytes(to),
    rlpUint(value),
    rlpBytes(Buffer.from(data.slice(2), "hex")),
    EMPTY_LIST,
  ];
  const digest = keccakBytes(typed(rlpList(fields)));
  const { signature, recid } = nativeSecp256k1.ecdsaSign(digest, privateKey);
  const r = signature.subarray(0, 32);
  const s = signature.subarray(32, 64);
  const signed = typed(
    rlpList([...fields, rlpUint(BigInt(recid)), rlpBytes(trimZeros(r)), rlpBytes(trimZeros(s))]),
  );
  return `0x${signed.toString("hex")}`;
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const HEX_BYTES = /^0x(?:[0-9a-fA-F]{2})*$/;
const EMPTY_LIST = Buffer.from([0xc0]);
const TYPE_2 = Buffer.from([0x02]);

function typed(payload: Buffer): Buffer {
  return Buffer.concat([TYPE_2, payload]);
}

function toUint(value: unknown): bigint {
  const number = typeof value === "bigint" ? value : BigInt(value as number | string);
  if (number < 0n) throw new RangeError("a transaction field is negative");
  return number;
}

function rlpUint(value: bigint): Buffer {
  if (value === 0n) return rlpBytes(Buffer.alloc(0));
  const hex = value.toString(16);
  return rlpBytes(Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex"));
}

function trimZeros(bytes: Uint8Array): Buffer {
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  return Buffer.from(bytes.subarray(start));
}

function rlpBytes(bytes: Buffer): Buffer {
  if (bytes.length === 1 && bytes[0]! < 0x80) return bytes;
  return Buffer.concat([rlpLength(bytes.length, 0x80), bytes]);
}

function rlpList(items: readonly Buffer[]): Buffer {
  const body = Buffer.concat(items);
  return Buffer.concat([rlpLength(body.length, 0xc0), body]);
}

function rlpLength(length: number, offset: number): Buffer {
  if (length <= 55) return Buffer.from([offset + length]);
  const hex = length.toString(16);
  const bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex");
  return Buffer.concat([Buffer.from([offset + 55 + bytes.length]), bytes]);
}
