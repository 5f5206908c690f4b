import { expect } from "chai";
import { randomUUID } from "node:crypto";
import request from "supertest";
import { deliveryWorld, openDelivery, PIN, settled, type DeliveryWorld } from "../e2e/deliveryFixture";
import { mintTokens, removeDataDir } from "../e2e/harness";

/** The gateway timers run fast so a gift, a delivery and an anchored confirmation are indexed in seconds. */
const ENV = {
  SINTECH_INDEXER_POLL_MS: "100",
  SINTECH_ANCHOR_BATCH_SECONDS: "1",
};

export interface WebWorld extends DeliveryWorld {
  /** A cash gift the charity recorded, with the receipt code and secret it gave the donor. */
  cashGift: { giftId: number; code: string; secret: string };
  /** The redemption of the delivery made before the pages are visited. */
  redemptionTx: string;
}

export async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/**
 * A whole gateway on the embedded chain with what the donor and vendor pages show: the delivery world's
 * programme, one delivery redeemed (so the gift paid a vendor), one off-chain confirmation anchored in a
 * Merkle batch, and a cash gift with its receipt code; all indexed.
 */
export async function webWorld(seed: number, env: Record<string, string> = {}): Promise<WebWorld> {
  const world = await deliveryWorld(2, seed, { env: { ...ENV, ...env } });
  const { gw, charity } = world;
  const household = world.households[0]!;
  const delivery = await openDelivery(world, { householdRef: household.householdRef, amount: "1500" });
  const accepted = await gw.post(`/v1/deliveries/${delivery.deliveryId}/acceptance`, world.vendor.apiKey, {
    pin: PIN,
  });
  expect(accepted.status, accepted.text).to.equal(200);
  const done = await settled(world, delivery.deliveryId);
  expect(done.state).to.equal("redeemed");

  const confirmation = await gw.post("/v1/confirmations", charity.apiKey, {
    programmeId: world.programmeId,
    householdRef: household.householdRef,
    kind: "in_kind_distribution",
    deliveredAt: new Date(Date.now() - 3_600_000).toISOString(),
  });
  expect(confirmation.status, confirmation.text).to.equal(201);

  await mintTokens(gw, charity.address, "1000000");
  const recorded = await gw.post(`/v1/programmes/${world.programmeId}/gifts`, charity.apiKey, {
    amount: "500000",
    donorReference: "RCPT-WEB-0001",
    idempotencyKey: `cash-${randomUUID()}`,
  });
  expect(recorded.status, recorded.text).to.equal(201);
  const cashGiftId = recorded.body.giftId as number;
  await until("the cash gift indexed", async () =>
    (await gw.get(`/v1/gifts/${cashGiftId}/timeline`, charity.apiKey)).status === 200 ? true : undefined,
  );
  const issued = await gw.post(`/v1/gifts/${cashGiftId}/receipt-code`, charity.apiKey);
  expect(issued.status, issued.text).to.equal(201);

  await until("the delivery and the anchored confirmation in the timeline", async () => {
    const res = await request(gw.url)
      .get(`/v1/gifts/${world.giftIds[0]}/timeline`)
      .set("Authorization", `Bearer ${world.donor.apiKey}`);
    const body = res.body as {
      deliveries?: unknown[];
      anchoredConfirmations?: { latest: { anchorTxHash: string | null }[] };
    };
    return body.deliveries?.length === 1 && body.anchoredConfirmations?.latest[0]?.anchorTxHash
      ? true
      : undefined;
  });
  return {
    ...world,
    cashGift: { giftId: cashGiftId, code: issued.body.code, secret: issued.body.secret },
    redemptionTx: done.redemption!.txHash,
  };
}

export async function stopWebWorld(world: WebWorld | undefined): Promise<void> {
  if (!world) return;
  await world.gw.stop();
  removeDataDir(world.gw.dataDir);
}

/** The CSRF token a page's forms carry. */
export function csrfOf(html: string): string {
  const match = /name="csrf" value="([A-Za-z0-9_-]{43})"/.exec(html);
  if (!match) throw new Error("no CSRF field on the page");
  return match[1]!;
}
