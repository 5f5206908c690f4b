import type { IndexerDeps } from "./types";
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signatureHeader, webhookSecret } from "./webhookSignature";

const MAX_WAIT_MS = 3_600_000;
const REQUEST_TIMEOUT_MS = 10_000;
const BATCH = 50;

interface DueDelivery {
  delivery_id: number;
  webhook_id: string;
  event_id: string;
  attempts: number;
  url: string;
  pepper_version: number;
  payload_json: string | null;
}

/**
 * Sends the queued webhook deliveries that are due, each signed over its timestamp and body. A 2xx answer
 * marks it delivered; anything else (an error status, a refused connection, a timeout) waits
 * `retryBaseMs` × 2^(attempts − 1), at most an hour, and gives up after `maxAttempts`. The queue is the
 * SQLite table, so a restart goes on where it stopped: at least once, never lost.
 */
export async function deliverDueWebhooks(deps: IndexerDeps): Promise<number> {
  const due = deps.db
    .prepare(
      `SELECT d.delivery_id, d.webhook_id, d.event_id, d.attempts, w.url, w.pepper_version, e.payload_json
       FROM webhook_deliveries d
       JOIN webhooks w ON w.webhook_id = d.webhook_id
       LEFT JOIN gift_events e ON e.event_id = d.event_id
       WHERE d.status = 'pending' AND d.next_attempt_at <= ?
       ORDER BY d.next_attempt_at, d.delivery_id LIMIT ?`,
    )
    .all(deps.now().getTime(), BATCH) as DueDelivery[];
  let delivered = 0;
  await Promise.all(
    due.map(async (delivery) => {
      const ok = delivery.payload_json !== null && (await send(deps, delivery, delivery.payload_json));
      if (ok) delivered++;
    }),
  );
  return delivered;
}

async function send(deps: IndexerDeps, delivery: DueDelivery, payload: string): Promise<boolean> {
  const event = JSON.parse(payload) as Record<string, unknown>;
  const body = JSON.stringify({ id: delivery.event_id, type: event.type, data: event });
  const timestamp = Math.floor(deps.now().getTime() / 1000);
  const secret = webhookSecret(deps.peppers, delivery.webhook_id, delivery.pepper_version);
  let status: number | null = null;
  try {
    const response = await fetch(delivery.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        [SIGNATURE_HEADER]: signatureHeader(secret, timestamp, body),
        [EVENT_ID_HEADER]: delivery.event_id,
      },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    status = response.status;
    await response.body?.cancel();
  } catch {
    status = null;
  }
  const attempts = delivery.attempts + 1;
  const now = deps.now();
  if (status !== null && status >= 200 && status < 300) {
    deps.db
      .prepare(
        `UPDATE webhook_deliveries SET status = 'delivered', attempts = ?, last_status = ?, delivered_at = ?
         WHERE delivery_id = ?`,
      )
      .run(attempts, status, now.toISOString(), delivery.delivery_id);
    return true;
  }
  const wait = Math.min(MAX_WAIT_MS, deps.webhooks.retryBaseMs * 2 ** (attempts - 1));
  deps.db
    .prepare(
      `UPDATE webhook_deliveries SET status = ?, attempts = ?, last_status = ?, next_attempt_at = ?
       WHERE delivery_id = ?`,
    )
    .run(
      attempts >= deps.webhooks.maxAttempts ? "failed" : "pending",
      attempts,
      status,
      now.getTime() + wait,
      delivery.delivery_id,
    );
  return false;
}
