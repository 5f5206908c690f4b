import { randomUUID } from "node:crypto";
import { z } from "zod";
import { parseInput } from "../validation";
import { readableGift, type GiftReader } from "./giftAccess";
import type { IndexerDeps } from "./types";
import { webhookSecret } from "./webhookSignature";

export const registerWebhookSchema = z.strictObject({
  /** Where the gateway POSTs each event: http(s) only, no credentials in it. */
  url: z
    .string()
    .max(2_000)
    .refine((value) => {
      try {
        const url = new URL(value);
        return ["http:", "https:"].includes(url.protocol) && url.username === "" && url.password === "";
      } catch {
        return false;
      }
    }, "must be an http(s) URL without credentials"),
  /** Only this gift's events; all the donor's gifts when absent. */
  giftId: z.number().int().min(0).optional(),
});
export type RegisterWebhookParams = z.input<typeof registerWebhookSchema>;

export interface RegisteredWebhook {
  webhookId: string;
  url: string;
  giftId: number | null;
  /** Shown once: the receiver checks `Sintech-Signature` with it. */
  secret: string;
  createdAt: string;
}

/** A donor asks to be told when its gifts (or one of them) reach delivery, are refunded or reallocated. */
export function registerWebhook(
  deps: IndexerDeps,
  reader: GiftReader,
  params: RegisterWebhookParams,
): RegisteredWebhook {
  const input = parseInput(registerWebhookSchema, params);
  if (input.giftId !== undefined) readableGift(deps.db, input.giftId, reader);
  const webhookId = `wh_${randomUUID()}`;
  const createdAt = deps.now().toISOString();
  const pepperVersion = deps.peppers.current;
  deps.db
    .prepare(
      `INSERT INTO webhooks (webhook_id, org_id, url, gift_id, pepper_version, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    )
    .run(webhookId, reader.orgId, input.url, input.giftId ?? null, pepperVersion, createdAt);
  return {
    webhookId,
    url: input.url,
    giftId: input.giftId ?? null,
    secret: webhookSecret(deps.peppers, webhookId, pepperVersion),
    createdAt,
  };
}
