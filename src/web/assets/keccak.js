/*
 * Keccak-256 as Ethereum uses it (the original padding 0x01, not SHA3's 0x06), for the pages to recompute
 * Merkle roots and call data themselves rather than take the gateway's word. Plain 64-bit lanes as BigInt:
 * a few dozen hashes per check, so clarity wins over speed. Exposes window.SintechKeccak.keccak256(bytes).
 */
(function (global) {
  "use strict";
  var MASK = (1n << 64n) - 1n;
  var ROUND_CONSTANTS = [
    0x0000000000000001n, 0x0000000000008082n, 0x800000000000808an, 0x8000000080008000n,
    0x000000000000808bn, 0x0000000080000001n, 0x8000000080008081n, 0x8000000000008009n,
    0x000000000000008an, 0x0000000000000088n, 0x0000000080008009n, 0x000000008000000an,
    0x000000008000808bn, 0x800000000000008bn, 0x8000000000008089n, 0x8000000000008003n,
    0x8000000000008002n, 0x8000000000000080n, 0x000000000000800an, 0x800000008000000an,
    0x8000000080008081n, 0x8000000000008080n, 0x0000000080000001n, 0x8000000080008008n,
  ];
  // Rotation of lane x + 5y.
  var ROTATIONS = [
    0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14,
  ].map(BigInt);
  var RATE = 136;

  function rotl(value, shift) {
    return shift === 0n ? value : ((value << shift) | (value >> (64n - shift))) & MASK;
  }

  function permute(state) {
    var c = new Array(5);
    var b = new Array(25);
    for (var round = 0; round < 24; round++) {
      for (var x = 0; x < 5; x++) c[x] = state[x] ^ state[x + 5] ^ state[x + 10] ^ state[x + 15] ^ state[x + 20];
      for (x = 0; x < 5; x++) {
        var d = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1n);
        for (var y = 0; y < 25; y += 5) state[x + y] ^= d;
      }
      for (x = 0; x < 5; x++) {
        for (y = 0; y < 5; y++) b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(state[x + 5 * y], ROTATIONS[x + 5 * y]);
      }
      for (y = 0; y < 25; y += 5) {
        for (x = 0; x < 5; x++) state[x + y] = b[x + y] ^ (~b[((x + 1) % 5) + y] & MASK & b[((x + 2) % 5) + y]);
      }
      state[0] ^= ROUND_CONSTANTS[round];
    }
  }

  function keccak256(bytes) {
    var padded = new Uint8Array(Math.floor(bytes.length / RATE) * RATE + RATE);
    padded.set(bytes);
    padded[bytes.length] ^= 0x01;
    padded[padded.length - 1] ^= 0x80;
    var state = new Array(25).fill(0n);
    for (var offset = 0; offset < padded.length; offset += RATE) {
      for (var i = 0; i < RATE; i++) {
        state[i >> 3] ^= BigInt(padded[offset + i]) << BigInt(8 * (i & 7));
      }
      permute(state);
    }
    var out = new Uint8Array(32);
    for (i = 0; i < 32; i++) out[i] = Number((state[i >> 3] >> BigInt(8 * (i & 7))) & 0xffn);
    return out;
  }

  global.SintechKeccak = { keccak256: keccak256 };
})(typeof window !== "undefined" ? window : globalThis);
