import { expect } from "chai";
import { keccak256, randomBytes } from "ethers";
import { keccakBytes, keccakInto } from "../../../src/audit/chain/keccak";

const hex = (bytes: Uint8Array) => `0x${Buffer.from(bytes).toString("hex")}`;

describe("audit: Keccak-256 written out", () => {
  it("agrees with ethers on every length from 0 to 700 bytes (each side of the 136-byte rate)", () => {
    for (let length = 0; length <= 700; length++) {
      const data = randomBytes(length);
      expect(hex(keccakBytes(data)), `length ${length}`).to.equal(keccak256(data));
    }
  });

  it("hashes a slice in place and writes the hash where it is told", () => {
    const data = randomBytes(400);
    const out = new Uint8Array(70).fill(0xaa);
    keccakInto(data, 17, 305, out, 20);
    expect(hex(out.subarray(20, 52))).to.equal(keccak256(data.subarray(17, 305)));
    expect([...out.subarray(0, 20), ...out.subarray(52)].every((byte) => byte === 0xaa)).to.equal(true);
  });

  it("gives the known hashes of the empty string and of 'abc'", () => {
    expect(hex(keccakBytes(new Uint8Array()))).to.equal(
      "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
    );
    expect(hex(keccakBytes(Buffer.from("abc")))).to.equal(
      "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45",
    );
  });
});
