import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { HexResult } from "../../../src/chain/localChain";

/** The embedded node's state arrives as one JSON-RPC hex string, decoded as it streams in. */
describe("chain: HexResult", function () {
  async function decode(chunks: string[]): Promise<Buffer> {
    const out: Buffer[] = [];
    await pipeline(
      Readable.from(chunks.map((chunk) => Buffer.from(chunk, "latin1"))),
      new HexResult("anvil_dumpState"),
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          out.push(chunk);
          callback();
        },
      }),
    );
    return Buffer.concat(out);
  }

  it("gives the result's bytes whatever the chunk boundaries, odd ones and the prefix's included", async function () {
    const bytes = randomBytes(5_000);
    const answer = `{"jsonrpc":"2.0","id":1,"result":"0x${bytes.toString("hex")}"}`;
    for (const size of [1, 3, 7, 64, 4_097, answer.length]) {
      const chunks: string[] = [];
      for (let start = 0; start < answer.length; start += size)
        chunks.push(answer.slice(start, start + size));
      expect((await decode(chunks)).equals(bytes), `chunks of ${size}`).to.equal(true);
    }
  });

  it("fails with the node's error when the answer has no result", async function () {
    const answer = `{"jsonrpc":"2.0","id":1,"error":{"code":-32603,"message":"state dump failed"}}`;
    await expect(decode([answer])).to.be.rejectedWith(/anvil_dumpState failed: .*state dump failed/);
  });

  it("fails on a result cut short", async function () {
    await expect(decode(['{"jsonrpc":"2.0","id":1,"result":"0xabcd'])).to.be.rejectedWith(/failed/);
  });
});
