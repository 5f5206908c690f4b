import { expect } from "chai";
import jsQR from "jsqr";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  addErrorCorrection,
  dataCodewords,
  eccOf,
  encodeQr,
  formatBits,
  versionBits,
} from "../../../src/web/qr/qrCode";

/** The QR encoder the counter page draws receipts with, checked against the standard's published values. */
describe("web: QR code encoder", () => {
  it("computes the Reed–Solomon codewords of the standard's HELLO WORLD 1-M example", () => {
    const data = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17];
    expect(eccOf(data, 10)).to.deep.equal([196, 35, 39, 119, 235, 215, 231, 226, 93, 23]);
    // Version 1 is one block: the data, then its error correction.
    expect(addErrorCorrection(data, 1)).to.deep.equal([
      ...data,
      196,
      35,
      39,
      119,
      235,
      215,
      231,
      226,
      93,
      23,
    ]);
  });

  it("holds the standard's data capacities at level M", () => {
    expect([1, 2, 5, 10, 15, 27, 40].map(dataCodewords)).to.deep.equal([16, 28, 86, 216, 415, 1128, 2334]);
  });

  it("writes the standard's format and version information", () => {
    expect(formatBits(0).toString(2).padStart(15, "0")).to.equal("101010000010010");
    expect(formatBits(5).toString(2).padStart(15, "0")).to.equal("100000011001110");
    expect(versionBits(7)).to.equal(0x07c94);
    expect(versionBits(40)).to.equal(0x28c69);
  });

  it("draws the finder patterns and timing lines, and the dark module, at the right places", () => {
    const { size, modules, version } = encodeQr("sintech:receipt:1;31337;0x" + "ab".repeat(180));
    expect(size).to.equal(version * 4 + 17);
    for (const [x0, y0] of [
      [0, 0],
      [size - 7, 0],
      [0, size - 7],
    ]) {
      const ring = (dx: number, dy: number) => modules[y0! + dy]![x0! + dx];
      expect([0, 1, 2, 3, 4, 5, 6].map((d) => ring(d, 0))).to.deep.equal(new Array(7).fill(true));
      expect([1, 2, 3, 4, 5].map((d) => ring(d, 1))).to.deep.equal(new Array(5).fill(false));
      expect(ring(3, 3)).to.equal(true);
    }
    for (let i = 8; i < size - 8; i++) {
      expect(modules[6]![i]).to.equal(i % 2 === 0);
      expect(modules[i]![6]).to.equal(i % 2 === 0);
    }
    expect(modules[size - 8]![8]).to.equal(true);
  });

  it("picks the smallest version that holds a delivery's payload (about 400 characters)", () => {
    const payload = "x".repeat(400);
    const { version } = encodeQr(payload);
    expect(dataCodewords(version)).to.be.at.least(403);
    expect(dataCodewords(version - 1)).to.be.below(403);
    expect(() => encodeQr("x".repeat(2400))).to.throw(/too long/);
  });
});

/**
 * An independent decoder reads what the encoder drew: jsQR (npm, pure JavaScript) always, and zbar
 * (Debian's `zbar-tools`) as well where it is installed. Every version range is covered: one block,
 * several blocks, version information (7 and up), the largest.
 */
describe("web: QR codes read back by independent decoders", function () {
  this.timeout(60_000);
  const zbar = spawnSync("zbarimg", ["--version"]).status === 0;
  const LENGTHS = [5, 14, 120, 400, 1000, 2300];
  const textOf = (length: number) =>
    Array.from({ length }, (_, i) => "sintech:;0123456789abcdef"[(i * 7) % 24]).join("");

  /** The code as grey pixels: 4 a module, 4 modules of quiet zone. */
  function grey(text: string): { side: number; pixels: Buffer } {
    const { size, modules } = encodeQr(text);
    const scale = 4;
    const side = (size + 8) * scale;
    const pixels = Buffer.alloc(side * side, 255);
    modules.forEach((row, y) =>
      row.forEach((dark, x) => {
        if (!dark) return;
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) pixels[((y + 4) * scale + dy) * side + (x + 4) * scale + dx] = 0;
        }
      }),
    );
    return { side, pixels };
  }

  it("jsQR decodes codes of versions 1 to 40 to the text encoded", function () {
    for (const length of LENGTHS) {
      const text = textOf(length);
      const { side, pixels } = grey(text);
      const rgba = new Uint8ClampedArray(side * side * 4);
      for (let i = 0; i < pixels.length; i++) {
        rgba.fill(pixels[i]!, i * 4, i * 4 + 3);
        rgba[i * 4 + 3] = 255;
      }
      const read = jsQR(rgba, side, side);
      expect(read?.data, `length ${length}`).to.equal(text);
    }
  });

  it("zbar decodes codes of versions 1 to 40 to the text encoded (where zbar-tools is installed)", function () {
    if (!zbar) this.skip();
    const dir = mkdtempSync(path.join(tmpdir(), "sintech-qr-"));
    try {
      for (const length of LENGTHS) {
        const text = textOf(length);
        const file = path.join(dir, `qr-${length}.pgm`);
        const { side, pixels } = grey(text);
        writeFileSync(file, Buffer.concat([Buffer.from(`P5 ${side} ${side} 255\n`), pixels]));
        const read = spawnSync("zbarimg", ["--quiet", "--raw", file], { encoding: "utf8" });
        expect(read.status, `length ${length}: ${read.stderr}`).to.equal(0);
        expect(read.stdout.replace(/\n$/, ""), `length ${length}`).to.equal(text);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
