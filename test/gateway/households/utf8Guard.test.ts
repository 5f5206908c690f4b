import { expect } from "chai";
import { Readable } from "node:stream";
import { utf8Guard } from "../../../src/households";
import { canonicalId } from "../../../src/api/validation";

/** Pushes `chunks` through the guard; resolves with the text or rejects with its error. */
async function through(chunks: Buffer[]): Promise<string> {
  const out: Buffer[] = [];
  const guard = Readable.from(chunks).pipe(utf8Guard());
  for await (const chunk of guard) out.push(chunk as Buffer);
  return Buffer.concat(out).toString("utf8");
}

async function refusal(chunks: Buffer[]): Promise<{ field?: string; code?: string; message: string }> {
  try {
    await through(chunks);
  } catch (error) {
    return error as { field?: string; code?: string; message: string };
  }
  throw new Error("expected a refusal");
}

describe("utf8Guard: a CSV that is not UTF-8 is refused naming the line", () => {
  it("passes valid UTF-8 through unchanged, a character split across chunks included", async () => {
    const text = "name\nمحمد رضا\nJosé 😀\n";
    const bytes = Buffer.from(text, "utf8");
    const chunks = [...bytes].map((byte) => Buffer.from([byte]));
    expect(await through(chunks)).to.equal(text);
  });

  for (const [label, bytes, line] of [
    ["a Latin-1 é", Buffer.from("a\nb\nJos\u00e9\n", "latin1"), 3],
    ["an overlong encoding", Buffer.from([0x61, 0x0a, 0xc0, 0x80]), 2],
    ["a UTF-16 surrogate", Buffer.from([0xed, 0xa0, 0x80]), 1],
    ["a code point above U+10FFFF", Buffer.from([0x0a, 0xf4, 0x90, 0x80, 0x80]), 2],
    ["a stray continuation byte", Buffer.from([0x0a, 0x0a, 0x0a, 0x80]), 4],
    ["a sequence cut off at the end", Buffer.from([0x61, 0xd8]), 1],
  ] as const) {
    it(`refuses ${label} with a 400 on file, code not_utf8, naming line ${line}`, async () => {
      const error = await refusal([bytes]);
      expect(error).to.include({ field: "file", code: "not_utf8" });
      expect(error.message).to.include(`at line ${line}:`);
    });
  }
});

describe("canonicalId: path ids are canonical decimal or refused", () => {
  it("accepts plain decimal ids up to 2^53 - 1", () => {
    expect(canonicalId.parse("4")).to.equal(4);
    expect(canonicalId.parse(String(Number.MAX_SAFE_INTEGER))).to.equal(Number.MAX_SAFE_INTEGER);
  });
  for (const spelling of ["0x4", " 4", "4 ", "4.0", "1e0", "04", "+4", "0", "-1", "", "٤", String(2 ** 53)]) {
    it(`refuses ${JSON.stringify(spelling)}`, () => {
      expect(canonicalId.safeParse(spelling).success).to.equal(false);
    });
  }
});
