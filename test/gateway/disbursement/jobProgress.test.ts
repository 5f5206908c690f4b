import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { followJob, jobBar, type JobStatus } from "../../../src/cli/apiClient";

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

const progress = (done: number, refused: number, pending: number, chainWritesPending: number) => ({
  rows: done + refused + pending,
  done,
  refused,
  pending,
  chainWritesPending,
});

/** Issue 8, item 7: the CLI shows a long job (202, then its status route) as a progress bar. */
describe("cli: a long job's progress bar", () => {
  let server: Server;
  let url: string;
  const answers: JobStatus[] = [
    { state: "running", progress: progress(2_000, 10, 7_990, 16) },
    { state: "running", progress: progress(2_000, 10, 7_990, 16) },
    { state: "done", progress: progress(9_990, 10, 0, 0) },
  ];
  const asked: string[] = [];

  before(async () => {
    server = createServer((req, res) => {
      asked.push(`${req.method} ${req.url} ${req.headers.authorization}`);
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(answers.shift() ?? { error: { message: "no more" } }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it("draws rows decided of all rows, the refused and the chain writes pending", () => {
    expect(jobBar(progress(0, 0, 10_000, 20), 10)).to.equal(
      "[..........]   0%  0 of 10,000 rows, 0 refused, 20 chain writes pending",
    );
    expect(jobBar(progress(4_990, 10, 5_000, 10), 10)).to.equal(
      "[#####.....]  50%  5,000 of 10,000 rows, 10 refused, 10 chain writes pending",
    );
    expect(jobBar(progress(0, 0, 0, 0), 10)).to.equal(
      "[##########] 100%  0 of 0 rows, 0 refused, 0 chain writes pending",
    );
  });

  it("polls the status route until done, drawing each state once, and returns the last answer", async () => {
    const { out, text } = collector();
    const first: JobStatus = { state: "running", progress: progress(0, 10, 9_990, 20) };
    const last = await followJob({ url, apiKey: "k" }, "/v1/disbursements/x?limit=1", first, {
      out,
      intervalMs: 5,
    });
    expect(last.state).to.equal("done");
    expect(asked).to.deep.equal([
      "GET /v1/disbursements/x?limit=1 Bearer k",
      "GET /v1/disbursements/x?limit=1 Bearer k",
      "GET /v1/disbursements/x?limit=1 Bearer k",
    ]);
    const drawn = text().split("\r").filter(Boolean);
    expect(drawn).to.have.length(3); // the repeated state is not redrawn
    expect(drawn[0]).to.include("10 of 10,000 rows");
    expect(drawn[2]).to.equal(
      "[##############################] 100%  10,000 of 10,000 rows, 10 refused, 0 chain writes pending\n",
    );
  });
});
