import { expect } from "chai";
import { bearer, ID_ASCII, startGateway, type Gateway } from "./helpers/gateway";

/** The value of one sample line in the Prometheus text format, or undefined when absent. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? undefined : Number(line.split(" ").pop());
}

describe("/metrics", () => {
  let gateway: Gateway;
  before(async () => {
    gateway = await startGateway();
  });
  after(async () => {
    await gateway.stop();
  });

  it("counts requests by method, route template and status", async () => {
    await gateway.http().get("/health");
    await gateway.http().get("/health");
    await gateway.http().get(`/v1/test/households/${ID_ASCII}`).set(bearer(gateway.keys.charity));
    await gateway.http().get(`/nowhere/${ID_ASCII}`);
    const res = await gateway.http().get("/metrics");
    expect(res.status).to.equal(200);
    expect(res.headers["content-type"]).to.match(/^text\/plain/);
    const text = res.text;
    expect(sample(text, "sintech_http_requests_total", 'method="GET",route="/health",status="200"')).to.equal(
      2,
    );
    expect(
      sample(
        text,
        "sintech_http_requests_total",
        'method="GET",route="/v1/test/households/:householdRef",status="400"',
      ),
    ).to.equal(1);
    expect(
      sample(text, "sintech_http_requests_total", 'method="GET",route="unrouted",status="404"'),
    ).to.equal(1);
    expect(
      sample(
        text,
        "sintech_http_request_duration_seconds_count",
        'method="GET",route="/health",status="200"',
      ),
    ).to.equal(2);
    expect(text).not.to.include(ID_ASCII);
  });

  it("exposes metrics other rooms register on the app's registry", async () => {
    const anchored = gateway.metrics.counter({
      name: "sintech_receipts_anchored_total",
      help: "Receipt batches anchored",
    });
    anchored.inc(3);
    const text = (await gateway.http().get("/metrics")).text;
    expect(text).to.include("# HELP sintech_receipts_anchored_total Receipt batches anchored");
    expect(text).to.match(/^sintech_receipts_anchored_total 3$/m);
  });

  it("includes process metrics under the sintech_ prefix", async () => {
    const text = (await gateway.http().get("/metrics")).text;
    expect(text).to.match(/^sintech_process_cpu_user_seconds_total /m);
  });
});
