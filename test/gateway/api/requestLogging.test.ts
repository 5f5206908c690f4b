import { expect } from "chai";
import { redactJsonLine, redactText } from "../../../src/logging";
import { bearer, ID_ARABIC_INDIC, ID_ASCII, ID_PERSIAN, startGateway, type Gateway } from "./helpers/gateway";

const IDS = [ID_ASCII, ID_PERSIAN, ID_ARABIC_INDIC];

describe("request logging", () => {
  let gateway: Gateway;
  before(async () => {
    gateway = await startGateway();
  });
  after(async () => {
    await gateway.stop();
  });

  it("never lets a national ID sent in a body, query, path or header reach a log line", async () => {
    for (const id of IDS) {
      const charity = bearer(gateway.keys.charity);
      const q = encodeURIComponent(id);
      await gateway
        .http()
        .post("/v1/test/households")
        .set(charity)
        .send({ postalCode: "1234567890", members: [{ nationalId: id }] });
      await gateway
        .http()
        .post("/v1/test/households")
        .set(charity)
        .send({ postalCode: id, members: [{ nationalId: id }] });
      await gateway
        .http()
        .post("/v1/test/households")
        .set(charity)
        .set("Content-Type", "application/json")
        .send(`{"a":"${id}",`);
      await gateway.http().get(`/v1/test/households?limit=${q}&nationalId=${q}`).set(charity);
      await gateway.http().get(`/v1/test/households/${q}`).set(charity);
      await gateway.http().get(`/no/such/${q}?nationalId=${q}`);
      // HTTP headers are ASCII only.
      if (id === ID_ASCII)
        await gateway.http().get("/v1/test/regulator").set("Authorization", `Bearer ${id}`);
      // The handler's error message quotes the body, and the 500 path logs the error with its stack.
      await gateway
        .http()
        .post("/v1/test/boom")
        .send({ nationalId: id, members: [{ nationalId: id }] });
    }
    const log = gateway.logLines.join("");
    expect(gateway.logLines.length).to.be.greaterThan(20);
    for (const id of IDS) expect(log).not.to.include(id);
    expect(log).to.include("could not process"); // the error was logged, with the ID masked
    expect(log).to.include("[redacted]");
  });

  it("logs one line per request with id, method, route template, status and duration, and nothing else of the request", async () => {
    gateway.logLines.length = 0;
    const res = await gateway
      .http()
      .get(`/v1/test/households/${ID_ASCII}?secret=1`)
      .set(bearer(gateway.keys.auditor));
    const lines = gateway.logLines.map((line) => JSON.parse(line));
    expect(lines).to.have.length(1);
    const [line] = lines;
    expect(line).to.include({
      level: 30,
      msg: "request",
      requestId: res.headers["x-request-id"],
      method: "GET",
      route: "/v1/test/households/:householdRef",
      status: 400,
      orgId: "org-auditor",
    });
    expect(line.durationMs).to.be.a("number").and.at.least(0);
    expect(line.time).to.match(/^\d{4}-\d\d-\d\dT/);
    expect(Object.keys(line)).to.have.members([
      "level",
      "time",
      "pid",
      "hostname",
      "requestId",
      "method",
      "route",
      "status",
      "durationMs",
      "orgId",
      "keyId",
      "msg",
    ]);
  });

  it("logs unexpected errors at error level with the request id", async () => {
    gateway.logLines.length = 0;
    const res = await gateway.http().post("/v1/test/boom").send({ a: 1 });
    const errorLine = gateway.logLines.map((line) => JSON.parse(line)).find((line) => line.level === 50);
    expect(errorLine).to.include({ msg: "request failed", requestId: res.headers["x-request-id"] });
    expect(errorLine.err.message).to.equal('could not process {"a":1}');
  });
});

describe("redactText and redactJsonLine", () => {
  it("masks ten-digit runs in ASCII, Persian and Arabic-Indic digits, and the dashed form", () => {
    expect(redactText(`a ${ID_ASCII} b ${ID_PERSIAN} c ${ID_ARABIC_INDIC} d 483-172659-0`)).to.equal(
      "a [redacted] b [redacted] c [redacted] d [redacted]",
    );
  });

  it("masks longer runs (phones, cards) and IDs glued to words, keeps shorter numbers", () => {
    expect(redactText("tel 09121234567 nid4831726590x")).to.equal("tel [redacted] nid[redacted]x");
    expect(redactText("batch 123456789 of 2026-11-28")).to.equal("batch 123456789 of 2026-11-28");
  });

  it("keeps identifiers that merely contain digit runs: 0x hex, long hex references, UUIDs", () => {
    const hash = "0x4831726590aa4831726590bb4831726590cc4831726590dd4831726590ee1234";
    const householdRef = "4831726590aa4831726590bb4831726590cc4831726590dd4831726590ee1234";
    const requestId = "25097664-e465-403f-97e8-e86967801278";
    const text = `tx ${hash} ref ${householdRef} request ${requestId}`;
    expect(redactText(text)).to.equal(text);
    // Only hex with letters counts as a reference: a run of concatenated IDs is still masked.
    expect(redactText(`${ID_ASCII}${ID_ASCII}${ID_ASCII}12`)).to.equal("[redacted]");
  });

  it("masks long numbers in a JSON line and keeps it valid JSON", () => {
    const line = JSON.stringify({
      n: 4831726590,
      ok: 42,
      f: 1.5,
      s: `id ${ID_ASCII}`,
      q: 'say "\\"4831726590',
    });
    const redacted = redactJsonLine(line);
    expect(JSON.parse(redacted)).to.deep.equal({
      n: "[redacted]",
      ok: 42,
      f: 1.5,
      s: "id [redacted]",
      q: 'say "\\"[redacted]',
    });
  });
});
