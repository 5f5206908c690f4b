import { expect } from "chai";
import { startGateway, type Gateway } from "./helpers/gateway";

describe("/health", () => {
  const gateways: Gateway[] = [];
  const start = async (probeChain?: () => Promise<boolean>) => {
    const gateway = await startGateway({ probeChain });
    gateways.push(gateway);
    return gateway;
  };
  after(async () => {
    for (const gateway of gateways) await gateway.stop();
  });

  it("reports version, uptime, a working database and a reachable chain", async () => {
    let probes = 0;
    const gateway = await start(async () => {
      probes++;
      return true;
    });
    const res = await gateway.http().get("/health");
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.include({
      status: "ok",
      version: "9.9.9-test",
      database: { ok: true },
      chain: { reachable: true },
    });
    expect(res.body.uptimeSeconds).to.be.a("number").and.at.least(0);
    expect(probes).to.equal(1);
  });

  it("stays up (200) but says so when the chain probe fails or throws", async () => {
    for (const probe of [async () => false, async () => Promise.reject(new Error("ECONNREFUSED"))]) {
      const gateway = await start(probe);
      const res = await gateway.http().get("/health");
      expect(res.status).to.equal(200);
      expect(res.body.chain).to.deep.equal({ reachable: false });
    }
  });

  it("reports the chain as unknown (null) when no probe is wired", async () => {
    const gateway = await start();
    expect((await gateway.http().get("/health")).body.chain).to.deep.equal({ reachable: null });
  });

  it("answers 503 when the database does not answer", async () => {
    const gateway = await start(async () => true);
    gateway.db.close();
    const res = await gateway.http().get("/health");
    expect(res.status).to.equal(503);
    expect(res.body).to.deep.include({ status: "unavailable", database: { ok: false } });
  });
});
