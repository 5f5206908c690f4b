import { expect } from "chai";
import { ussdRoutes } from "../../../src/api/routes/ussdRoutes";
import { bearer, expectErrorBody, startGateway, type Gateway } from "./helpers/gateway";

describe("rate limiting per API key", () => {
  const LIMIT = 3;
  let gateway: Gateway;
  before(async () => {
    gateway = await startGateway({
      env: { SINTECH_RATE_LIMIT_MAX: String(LIMIT), SINTECH_RATE_LIMIT_WINDOW_MS: "60000" },
    });
  });
  after(async () => {
    await gateway.stop();
  });

  const call = (key?: string) => {
    const req = gateway.http().get("/v1/test/households");
    return key ? req.set(bearer(key)) : req;
  };

  it("answers 429 in the error shape once a key exceeds its limit, with Retry-After", async () => {
    for (let i = 0; i < LIMIT; i++) expect((await call(gateway.keys.charity)).status).to.equal(200);
    const res = await call(gateway.keys.charity);
    expectErrorBody(res, 429, {
      name: "RateLimitedError",
      message: "Too many requests; retry after the time given in Retry-After",
    });
    expect(Number(res.headers["retry-after"])).to.be.within(1, 60);
    expect(res.headers["ratelimit-policy"]).to.include(`q=${LIMIT}`);
  });

  it("counts each key separately", async () => {
    expect((await call(gateway.keys.donor)).status).to.equal(200);
    expect((await call(gateway.keys.charity)).status).to.equal(429);
  });

  it("limits callers without a key by address", async () => {
    const statuses = [];
    for (let i = 0; i <= LIMIT; i++) statuses.push((await call()).status);
    // 401 while under the limit (no key), then throttled before authentication is even considered.
    expect(statuses).to.deep.equal([401, 401, 401, 429]);
  });

  it("never throttles /health or /metrics", async () => {
    for (let i = 0; i < LIMIT * 3; i++) {
      expect((await gateway.http().get("/health")).status).to.equal(200);
      expect((await gateway.http().get("/metrics")).status).to.equal(200);
    }
  });
});

describe("rate limiting of the USSD aggregator", () => {
  const SECRET = "rate-limit-ussd-secret-0123456789abcdef";
  let gateway: Gateway;
  before(async () => {
    gateway = await startGateway({
      env: {
        SINTECH_RATE_LIMIT_MAX: "1",
        SINTECH_USSD_RATE_LIMIT_MAX: "3",
        SINTECH_USSD_SECRET: SECRET,
      },
      // Only the face: a callback without its fields is refused (400) before any use-case runs.
      routes: [ussdRoutes({} as never)],
    });
  });
  after(async () => {
    await gateway.stop();
  });

  it("gives the aggregator its own budget, not the per-key one, and refuses past it with 429", async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await gateway.http().post("/v1/ussd").set("X-USSD-Secret", SECRET).send({})).status);
    }
    expect(statuses).to.deep.equal([400, 400, 400, 429]);
  });

  it("authenticates before counting: a caller without the secret cannot spend the aggregator's budget", async () => {
    const res = await gateway.http().post("/v1/ussd").send({});
    expect(res.status).to.equal(401);
  });
});
