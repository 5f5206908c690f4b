import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { formatBytes, progressBar, uploadCsv } from "../../../src/cli/apiClient";

/** A stderr stand-in that keeps what was written. */
function collector(): { out: Writable; text: () => string } {
  const chunks: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { out, text: () => chunks.join("") };
}

describe("cli: the upload progress bar", function () {
  let server: Server;
  let url: string;
  let dir: string;
  const received: number[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "sintech-bar-"));
    // A real HTTP server that reads the whole upload before answering, as the gateway does.
    server = createServer((req, res) => {
      let bytes = 0;
      req.on("data", (chunk: Buffer) => (bytes += chunk.length));
      req.on("end", () => {
        received.push(bytes);
        res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ bytes }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("sizes below 1 KB in bytes, then KB and MB with one decimal", () => {
    expect(formatBytes(0)).to.equal("0 B");
    expect(formatBytes(312)).to.equal("312 B");
    expect(formatBytes(1023)).to.equal("1023 B");
    expect(formatBytes(1024)).to.equal("1.0 KB");
    expect(formatBytes(1536)).to.equal("1.5 KB");
    expect(formatBytes(5 * 1024 * 1024 + 512 * 1024)).to.equal("5.5 MB");
  });

  it("shows the share and both sizes, never '0/0 KB' for a small file", () => {
    expect(progressBar(0, 312)).to.equal(`[${".".repeat(30)}]   0%  0 B of 312 B`);
    expect(progressBar(156, 312)).to.equal(`[${"#".repeat(15)}${".".repeat(15)}]  50%  156 B of 312 B`);
    expect(progressBar(312, 312)).to.equal(`[${"#".repeat(30)}] 100%  312 B of 312 B`);
    expect(progressBar(0, 0)).to.equal(`[${"#".repeat(30)}] 100%  0 B of 0 B`);
    expect(progressBar(400, 312)).to.include("312 B of 312 B");
  });

  it("draws the full bar once for a file read in one chunk, and ends the line", async () => {
    const file = path.join(dir, "small.csv");
    writeFileSync(file, "household_key,national_id\n".repeat(12)); // 312 bytes
    const stderr = collector();
    const result = await uploadCsv({ url, apiKey: "stk_test" }, "/upload", file, "key-1", stderr.out);
    expect(result).to.deep.equal({ status: 201, body: { bytes: 312 } });
    const text = stderr.text();
    expect(text).to.not.include("0/0 KB");
    expect(text.match(/100%/g)).to.have.length(1);
    expect(text).to.equal(`\r[${"#".repeat(30)}] 100%  312 B of 312 B\n`);
  });

  it("redraws a large file's bar only when it changes, ending at its size", async () => {
    const file = path.join(dir, "large.csv");
    writeFileSync(file, "x".repeat(1024 * 1024)); // 16 chunks of 64 KiB
    const stderr = collector();
    const result = await uploadCsv({ url, apiKey: "stk_test" }, "/upload", file, "key-2", stderr.out);
    expect(result.status).to.equal(201);
    const bars = stderr.text().split("\r").filter(Boolean);
    expect(bars).to.have.length(16);
    expect(new Set(bars).size).to.equal(bars.length);
    expect(bars[0]).to.include("64.0 KB of 1.0 MB");
    expect(bars.at(-1)).to.equal(`[${"#".repeat(30)}] 100%  1.0 MB of 1.0 MB\n`);
  });
});
