import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { deliverDueWebhooks, giftEventId, type IndexerDeps } from "../../../src/indexer";
import { bootE2e, registerOrganisation, removeDataDir, type E2eGateway } from "../e2e/harness";

/**
 * The retry schedule of the webhook queue, driven with a clock of the test's own: the gateway's loops run
 * once at boot and then every 10 minutes, so only the test sends. The queued row is what the indexer
 * writes for a gift event; the receiver is a real local server that always answers 503.
 */
describe("indexer: webhook retries back off exponentially, then give up", function () {
  this.timeout(120_000);
  let gw: E2eGateway;
  let server: Server;
  let hits = 0;
  const BASE = 1_000;

  before(async () => {
    gw = await bootE2e({
      env: { SINTECH_INDEXER_POLL_MS: "600000", SINTECH_WEBHOOK_RETRY_BASE_MS: "600000" },
    });
    server = createServer((_req, res) => {
      hits++;
      res.writeHead(503).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  after(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await gw?.stop();
    if (gw) removeDataDir(gw.dataDir);
  });

  it("waits base × 2^(n−1) after the n-th failure and marks the delivery failed after maxAttempts", async () => {
    const donor = await registerOrganisation(gw, "donor");
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const created = await gw.post("/v1/webhooks", donor.apiKey, { url });
    expect(created.status, created.text).to.equal(201);
    const db = gw.services.store.sqlite;
    const start = Date.now() + 3_600_000;
    const eventId = giftEventId(`0x${"ab".repeat(32)}`, 3);
    db.prepare(
      `INSERT INTO gift_events (event_id, gift_id, type, payload_json, block_number, created_at)
       VALUES (?, 1, 'gift.delivered', ?, 1, ?)`,
    ).run(eventId, JSON.stringify({ eventId, type: "gift.delivered", giftId: 1 }), new Date().toISOString());
    db.prepare(
      `INSERT INTO webhook_deliveries (webhook_id, event_id, next_attempt_at, created_at) VALUES (?, ?, ?, ?)`,
    ).run(created.body.webhookId, eventId, start, new Date().toISOString());

    let now = start;
    const deps: IndexerDeps = {
      ...gw.services.indexer,
      webhooks: { retryBaseMs: BASE, maxAttempts: 4 },
      now: () => new Date(now),
    };
    const row = () =>
      db.prepare("SELECT status, attempts, next_attempt_at, last_status FROM webhook_deliveries").get() as {
        status: string;
        attempts: number;
        next_attempt_at: number;
        last_status: number;
      };
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      expect(await deliverDueWebhooks(deps)).to.equal(0);
      const after = row();
      expect(after).to.include({ attempts: attempt, last_status: 503 });
      waits.push(after.next_attempt_at - now);
      // Not due a moment before its time: nothing is sent.
      now = after.next_attempt_at - 1;
      await deliverDueWebhooks(deps);
      expect(row().attempts).to.equal(attempt);
      now = after.next_attempt_at;
    }
    expect(waits.slice(0, 3)).to.deep.equal([BASE, 2 * BASE, 4 * BASE]);
    expect(row().status).to.equal("failed");
    expect(hits).to.equal(4);
    now += 10 * 3_600_000;
    await deliverDueWebhooks(deps);
    expect(hits).to.equal(4);
    const status = await gw.get("/v1/indexer/status", gw.regulatorKey);
    expect(status.body.webhooks).to.deep.equal({ pending: 0, failed: 1 });
  });
});
