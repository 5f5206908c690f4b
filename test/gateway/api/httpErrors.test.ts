import { expect } from "chai";
import { errorBody } from "../../../src/api";
import { AppError } from "../../../src/errors";
import { bearer, expectErrorBody, ID_ASCII, ID_PERSIAN, startGateway, type Gateway } from "./helpers/gateway";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("gateway HTTP infrastructure: headers and error shape", () => {
  let gateway: Gateway;
  before(async () => {
    gateway = await startGateway();
  });
  after(async () => {
    await gateway.stop();
  });

  it("sends helmet's security headers, no-store and a request id, and hides the framework", async () => {
    const res = await gateway.http().get("/health");
    expect(res.status).to.equal(200);
    expect(res.headers["content-security-policy"]).to.include("default-src 'none'");
    expect(res.headers["content-security-policy"]).to.include("frame-ancestors 'none'");
    expect(res.headers["x-content-type-options"]).to.equal("nosniff");
    expect(res.headers["x-frame-options"]).to.equal("SAMEORIGIN");
    expect(res.headers["strict-transport-security"]).to.match(/max-age=\d+/);
    expect(res.headers["referrer-policy"]).to.equal("no-referrer");
    expect(res.headers["cache-control"]).to.equal("no-store");
    expect(res.headers).not.to.have.property("x-powered-by");
    expect(res.headers["x-request-id"]).to.match(UUID);
  });

  it("gives every request its own id, ignoring one sent by the client", async () => {
    const first = await gateway.http().get("/health").set("X-Request-Id", ID_ASCII);
    const second = await gateway.http().get("/health");
    expect(first.headers["x-request-id"]).to.match(UUID);
    expect(first.headers["x-request-id"]).not.to.equal(second.headers["x-request-id"]);
  });

  it("answers 413 in the error shape when the body exceeds the 1mb default", async () => {
    const big = JSON.stringify({ postalCode: "x".repeat(1024 * 1024 + 10), members: [] });
    const res = await gateway
      .http()
      .post("/v1/test/households")
      .set(bearer(gateway.keys.charity))
      .set("Content-Type", "application/json")
      .send(big);
    expectErrorBody(res, 413, {
      name: "PayloadTooLargeError",
      message: "Request body exceeds the 1mb limit",
    });
  });

  it("accepts a body just under the limit", async () => {
    const res = await gateway
      .http()
      .post("/v1/test/boom")
      .set("Content-Type", "application/json")
      .send(JSON.stringify({ padding: "x".repeat(1000 * 1000) }));
    // Parsed, routed and failed inside the handler: the size was fine.
    expect(res.status).to.equal(500);
  });

  it("answers 400 for malformed JSON without quoting the body", async () => {
    const res = await gateway
      .http()
      .post("/v1/test/households")
      .set(bearer(gateway.keys.charity))
      .set("Content-Type", "application/json")
      .send(`{"postalCode": ${ID_ASCII}, oops`);
    expect(res.status).to.equal(400);
    expect(res.body.error.name).to.equal("MalformedJsonError");
    expect(res.text).not.to.include(ID_ASCII);
    expect(res.text).not.to.include("oops");
  });

  it("answers 400 for a JSON primitive at the top level (strict parsing)", async () => {
    const res = await gateway
      .http()
      .post("/v1/test/households")
      .set(bearer(gateway.keys.charity))
      .set("Content-Type", "application/json")
      .send(`"${ID_ASCII}"`);
    expect(res.status).to.equal(400);
    expect(res.body.error.name).to.equal("MalformedJsonError");
    expect(res.text).not.to.include(ID_ASCII);
  });

  it("answers 415 for a body that is not JSON", async () => {
    const res = await gateway
      .http()
      .post("/v1/test/households")
      .set(bearer(gateway.keys.charity))
      .set("Content-Type", "text/plain")
      .send(`nationalId=${ID_ASCII}`);
    expect(res.status).to.equal(415);
    expect(res.body.error.name).to.equal("UnsupportedMediaTypeError");
  });

  it("answers 404 in the error shape without repeating the path", async () => {
    const res = await gateway.http().get(`/v1/people/${ID_ASCII}?q=${ID_ASCII}`);
    expectErrorBody(res, 404, {
      name: "RouteNotFoundError",
      message: "No route matches this method and path",
    });
    expect(res.text).not.to.include(ID_ASCII);
  });

  it("turns an unexpected error into a generic 500: no stack, no input echo", async () => {
    const res = await gateway.http().post("/v1/test/boom").send({ nationalId: ID_ASCII });
    expectErrorBody(res, 500, {
      name: "InternalError",
      message: "Internal error; quote the request id when reporting it",
    });
    expect(res.text).not.to.include(ID_ASCII);
    expect(res.text).not.to.include("at ");
  });

  it("returns a domain AppError with its status, field and code", async () => {
    const res = await gateway.http().get(`/v1/test/households/${ID_ASCII}`).set(bearer(gateway.keys.auditor));
    expectErrorBody(res, 400, {
      name: "ValidationError",
      message: "householdRef is not a household reference",
      field: "householdRef",
      code: "not_a_reference",
    });
  });

  it("masks ID-like text a domain error put in its message or field", () => {
    const body = errorBody(
      new AppError("DuplicateError", 409, `person ${ID_PERSIAN} is enrolled`, `members.${ID_ASCII}`),
      "r1",
    );
    expect(body).to.deep.equal({
      error: {
        name: "DuplicateError",
        message: "person [redacted] is enrolled",
        field: "members.[redacted]",
        requestId: "r1",
      },
    });
  });
});
