import { expect } from "chai";
import type { RouteModule } from "../../../src/api";
import { publicOperation } from "../../../src/api/openapi";
import { ussdRoutes } from "../../../src/api/routes/ussdRoutes";
import { setCookie } from "../../../src/web/cookies";
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

describe("the client's address behind a proxy (SINTECH_TRUST_PROXY)", () => {
  const LIMIT = 2;
  const gateways: Gateway[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const gateway = await startGateway({ env: { SINTECH_RATE_LIMIT_MAX: String(LIMIT), ...env } });
    gateways.push(gateway);
    return gateway;
  };
  after(async () => {
    await Promise.all(gateways.map((gateway) => gateway.stop()));
  });

  /** Keyless calls from `clients` different forwarded addresses, LIMIT + 1 each: the statuses seen. */
  async function statuses(gateway: Gateway, clients: number): Promise<number[]> {
    const seen: number[] = [];
    for (let client = 0; client < clients; client++) {
      for (let i = 0; i <= LIMIT; i++) {
        const res = await gateway
          .http()
          .get("/v1/test/households")
          .set("X-Forwarded-For", `203.0.113.${client}`);
        seen.push(res.status);
      }
    }
    return seen;
  }

  it("by default believes no X-Forwarded-For: a caller cannot pick a fresh address to escape its limit", async () => {
    const gateway = await start();
    expect(await statuses(gateway, 2)).to.deep.equal([401, 401, 429, 429, 429, 429]);
  });

  it("behind a trusted proxy, limits each forwarded client by its own address", async () => {
    const gateway = await start({ SINTECH_TRUST_PROXY: "loopback" });
    expect(await statuses(gateway, 2)).to.deep.equal([401, 401, 429, 401, 401, 429]);
  });

  it("believes a proxy only from the addresses it was told: another sender's header is ignored", async () => {
    const gateway = await start({ SINTECH_TRUST_PROXY: "10.0.0.0/8" });
    expect(await statuses(gateway, 2)).to.deep.equal([401, 401, 429, 429, 429, 429]);
  });
});

describe("Secure cookies behind a proxy that ends TLS (SINTECH_TRUST_PROXY)", () => {
  // A route that sets a cookie as the pages' login does (src/web/cookies.ts decides Secure from req.secure).
  const cookieRoute: RouteModule = {
    register(router) {
      router.get("/v1/test/cookie", (req, res) => {
        setCookie(res, req, "sintech_session", "x");
        res.status(204).end();
      });
    },
    openapi: {
      "/v1/test/cookie": {
        get: publicOperation(
          {
            operationId: "testCookie",
            summary: "Sets a session cookie (test)",
            tags: ["meta"],
            responses: { "204": { description: "Set" } },
          },
          { rateLimited: true },
        ),
      },
    },
  };
  const gateways: Gateway[] = [];
  after(async () => {
    await Promise.all(gateways.map((gateway) => gateway.stop()));
  });
  async function cookieFrom(env: Record<string, string>): Promise<string> {
    const gateway = await startGateway({ env, routes: [cookieRoute] });
    gateways.push(gateway);
    const res = await gateway.http().get("/v1/test/cookie").set("X-Forwarded-Proto", "https");
    expect(res.status).to.equal(204);
    return String(res.headers["set-cookie"]);
  }

  it("marks the session cookie Secure when a trusted proxy says the client came over https", async () => {
    expect(await cookieFrom({ SINTECH_TRUST_PROXY: "loopback" })).to.match(/; Secure/);
  });

  it("does not believe X-Forwarded-Proto from a sender it was not told to trust", async () => {
    expect(await cookieFrom({})).not.to.match(/Secure/);
    expect(await cookieFrom({ SINTECH_TRUST_PROXY: "10.0.0.0/8" })).not.to.match(/Secure/);
  });
});
