/**
 * Keccak-256 (the Ethereum variant: padding `0x01 … 0x80`) as JavaScript source text, with the permutation
 * written out in straight lines over 32-bit halves of the 25 lanes, generated here from the specification's
 * tables (FIPS 202, §3.2). The source runs on the main thread and in the recovery workers (started with
 * `eval`, so they share no module with us). `@noble/hashes` 1.3 (inside ethers) spent 15–40 µs per
 * permutation on this machine; written out, one costs a few µs, and an audit hashes four per redemption.
 *
 * `makeKeccak()` returns `keccak(data, start, end, out, outAt)`: the hash of `data[start, end)` written
 * into `out` at `outAt`. It keeps one state buffer, so each thread makes its own.
 */

/** ρ offsets by lane `x + 5y`. */
const RHO = [0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14];

/** The 24 ι round constants, as [low, high] 32-bit halves. */
const ROUND_CONSTANTS: [number, number][] = (() => {
  // The constants come from the LFSR rc(t) of the specification (§3.2.5).
  const rc = (t: number): number => {
    if (t % 255 === 0) return 1;
    let r = 1;
    for (let i = 1; i <= t % 255; i++) {
      r <<= 1;
      if (r & 0x100) r ^= 0x171;
    }
    return r & 1;
  };
  return Array.from({ length: 24 }, (_, round) => {
    let lo = 0;
    let hi = 0;
    for (let j = 0; j <= 6; j++) {
      if (!rc(j + 7 * round)) continue;
      const bit = (1 << j) - 1;
      if (bit < 32) lo |= 1 << bit;
      else hi |= 1 << (bit - 32);
    }
    return [lo >>> 0, hi >>> 0];
  });
})();

/** `(lo, hi)` of lane `v` rotated left by `n` bits, as two JS expressions. */
function rotated(v: string, n: number): [string, string] {
  const lo = `${v}l`;
  const hi = `${v}h`;
  if (n === 0) return [lo, hi];
  if (n === 32) return [hi, lo];
  if (n < 32) return [`(${lo} << ${n}) | (${hi} >>> ${32 - n})`, `(${hi} << ${n}) | (${lo} >>> ${32 - n})`];
  const m = n - 32;
  return [`(${hi} << ${m}) | (${lo} >>> ${32 - m})`, `(${lo} << ${m}) | (${hi} >>> ${32 - m})`];
}

function permutationSource(): string {
  const lines: string[] = [];
  const lanes = Array.from({ length: 25 }, (_, i) => `a${i}`);
  const declared = lanes.flatMap((v) => [`${v}l`, `${v}h`]);
  const scratch = lanes.map((_, i) => `b${i}`).flatMap((v) => [`${v}l`, `${v}h`]);
  lines.push(`let ${declared.map((name, i) => `${name} = s[${i}]`).join(", ")};`);
  lines.push(`let ${scratch.join(", ")}, c0l, c0h, c1l, c1h, c2l, c2h, c3l, c3h, c4l, c4h, dl, dh;`);
  lines.push("for (let round = 0; round < 48; round += 2) {");
  // θ
  for (let x = 0; x < 5; x++) {
    for (const half of ["l", "h"]) {
      lines.push(`c${x}${half} = ${[0, 1, 2, 3, 4].map((y) => `a${x + 5 * y}${half}`).join(" ^ ")};`);
    }
  }
  for (let x = 0; x < 5; x++) {
    const [rl, rh] = rotated(`c${(x + 1) % 5}`, 1);
    lines.push(`dl = c${(x + 4) % 5}l ^ (${rl}); dh = c${(x + 4) % 5}h ^ (${rh});`);
    for (let y = 0; y < 5; y++) lines.push(`a${x + 5 * y}l ^= dl; a${x + 5 * y}h ^= dh;`);
  }
  // ρ and π: B[y, 2x + 3y] = rot(A[x, y], r[x, y])
  for (let x = 0; x < 5; x++) {
    for (let y = 0; y < 5; y++) {
      const to = y + 5 * ((2 * x + 3 * y) % 5);
      const [rl, rh] = rotated(`a${x + 5 * y}`, RHO[x + 5 * y]!);
      lines.push(`b${to}l = ${rl}; b${to}h = ${rh};`);
    }
  }
  // χ
  for (let y = 0; y < 5; y++) {
    for (let x = 0; x < 5; x++) {
      const i = x + 5 * y;
      const i1 = ((x + 1) % 5) + 5 * y;
      const i2 = ((x + 2) % 5) + 5 * y;
      lines.push(`a${i}l = b${i}l ^ (~b${i1}l & b${i2}l); a${i}h = b${i}h ^ (~b${i1}h & b${i2}h);`);
    }
  }
  // ι
  lines.push("a0l ^= RC[round]; a0h ^= RC[round + 1];");
  lines.push("}");
  lines.push(declared.map((name, i) => `s[${i}] = ${name};`).join(" "));
  return lines.join("\n");
}

export const KECCAK_SOURCE = `
function makeKeccak() {
  const RC = new Int32Array([${ROUND_CONSTANTS.flat().join(", ")}]);
  const s = new Int32Array(50);
  const last = new Uint8Array(136);
  function permute() {
${permutationSource()}
  }
  function absorb(block, at) {
    for (let w = 0; w < 34; w++) {
      const i = at + 4 * w;
      s[w] ^= block[i] | (block[i + 1] << 8) | (block[i + 2] << 16) | (block[i + 3] << 24);
    }
    permute();
  }
  return function keccak(data, start, end, out, outAt) {
    s.fill(0);
    let at = start;
    for (; end - at >= 136; at += 136) absorb(data, at);
    last.fill(0);
    last.set(data.subarray(at, end));
    last[end - at] ^= 0x01;
    last[135] ^= 0x80;
    absorb(last, 0);
    for (let w = 0; w < 8; w++) {
      const v = s[w];
      const o = outAt + 4 * w;
      out[o] = v & 0xff; out[o + 1] = (v >>> 8) & 0xff; out[o + 2] = (v >>> 16) & 0xff; out[o + 3] = v >>> 24;
    }
    return out;
  };
}
`;
