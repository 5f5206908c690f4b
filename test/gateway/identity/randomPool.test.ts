import { expect } from "chai";
import { pooledRandomBytes } from "../../../src/identity";

describe("identity: random bytes drawn from a pool", function () {
  it("hands out fresh bytes of the size asked, never the same twice, as copies the pool does not keep", function () {
    const seen = new Set<string>();
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 20_000; i++) {
      const bytes = pooledRandomBytes(i % 2 ? 12 : 32);
      expect(bytes.length).to.equal(i % 2 ? 12 : 32);
      const hex = bytes.toString("hex");
      expect(seen.has(hex)).to.equal(false);
      seen.add(hex);
      for (const byte of bytes) counts[byte]!++;
      bytes.fill(0xff); // a caller wiping its key changes nothing the pool hands out next
    }
    // 440,000 bytes over 256 values: each within 10 % of the mean (about 9 standard deviations).
    const mean = ((20_000 / 2) * (12 + 32)) / 256;
    for (const count of counts) expect(Math.abs(count - mean) / mean).to.be.below(0.1);
    expect(pooledRandomBytes(4096)).to.have.length(4096);
  });
});
