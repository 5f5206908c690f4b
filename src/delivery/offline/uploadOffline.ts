import { randomUUID } from "node:crypto";
import { z } from "zod";
import { canonicalJson, runIdempotent } from "../../db/idempotency";
import { cachedStatement } from "../../db/statements";
import { AppError, ValidationError } from "../../errors";
import { parseInput } from "../../validation";
import { acceptDelivery } from "../acceptDelivery";
import { deliveryRow } from "../deliveryView";
import { DELIVERY_ITEMS } from "../items";
import { receiptDigest } from "../receipt";
import type { DeliveryDeps, DeliveryRow } from "../types";
import { OFFLINE_CLOCK_SKEW_MS, OfflineItemRefused } from "./itemRules";
import { offlineReceiptSchema, openAndAcceptOffline, receiptFields } from "./openedOffline";
import { itemProof } from "./itemProof";
import { SealedPinError } from "./sealedPin";

/** The most deliveries one upload carries: a day at a counter, within one request's time. */
export const MAX_OFFLINE_ITEMS = 200;
const REF = z.string().regex(/^0x[0-9a-f]{64}$/);

export const offlineItemSchema = z.strictObject({
  /** A delivery the device opened online; or, instead, `receipt`: one it opened offline itself. */
  deliveryId: z
    .string()
    .regex(/^dlv_[0-9a-f-]{36}$/)
    .optional(),
  receipt: offlineReceiptSchema.optional(),
  item: z.enum(DELIVERY_ITEMS).optional(),
  quantity: z.number().int().positive().max(100_000).optional(),
  acceptedAt: z.iso.datetime({ offset: true }),
  signature: z
    .string()
    .regex(/^0x[0-9a-fA-F]{130}$/)
    .optional(),
  sealedPin: z
    .string()
    .regex(/^[A-Za-z0-9_-]{100,200}$/)
    .optional(),
  by: REF.optional(),
});
export const offlineUploadSchema = z.strictObject({
  idempotencyKey: z.string().regex(/^[A-Za-z0-9._:-]{8,100}$/),
  items: z.array(offlineItemSchema).min(1).max(MAX_OFFLINE_ITEMS),
});
export type OfflineUploadParams = z.input<typeof offlineUploadSchema>;
type OfflineItem = z.output<typeof offlineItemSchema>;

export type OfflineItemResult =
  | { index: number; deliveryId: string; outcome: "accepted"; state: string; redemptionId: string }
  | {
      index: number;
      /** Null for a receipt opened offline that was refused: no delivery was made. */
      deliveryId: string | null;
      /** The refused receipt's digest, when the device opened it offline. */
      redemptionId?: string;
      outcome: "refused";
      code: string;
      message: string;
    };

export interface OfflineUpload {
  uploadId: string;
  accepted: number;
  refused: number;
  items: OfflineItemResult[];
  replayed: boolean;
}

/**
 * A vendor's device that was offline uploads the acceptances it collected for deliveries it had opened:
 * each with its original time and the beneficiary's proof, a wallet signature of the receipt or the PIN
 * typed at the device sealed to the gateway's key (`offlineKey`, for that delivery's digest). Each item is
 * accepted exactly as online (`acceptDelivery`: the PIN against the wallet's attempt limit, the custodial
 * signer's caps) or refused with its own reason, and the rest go on: a delivery not the vendor's, one
 * already accepted (a replay), a PIN that does not open or was sealed for another delivery, a wrong
 * signature or PIN. The redemptions are queued as they are accepted, and the outbox batches them.
 * The same idempotency key with the same items answers the same outcomes without running any item again.
 */
export async function uploadOfflineDeliveries(
  deps: DeliveryDeps,
  vendorOrgId: string,
  params: OfflineUploadParams,
): Promise<OfflineUpload> {
  const input = parseInput(offlineUploadSchema, params);
  input.items.forEach((item, index) => {
    if ((item.signature === undefined) === (item.sealedPin === undefined)) {
      throw new ValidationError(
        `items[${index}].signature`,
        "one_proof",
        "Send exactly one of signature or sealedPin.",
      );
    }
    requireOneSubject(item, index);
  });
  return runIdempotent(
    {
      db: deps.db,
      peppers: deps.households.peppers,
      scope: "delivery.offline",
      orgId: vendorOrgId,
      idempotencyKey: input.idempotencyKey,
      payload: canonicalJson(input.items),
      now: deps.now,
    },
    async (claim) => {
      let uploadId = cachedStatement(
        deps.db,
        "SELECT upload_id FROM offline_uploads WHERE vendor_org_id = ? AND idempotency_key = ?",
        "pluck",
      ).get(vendorOrgId, input.idempotencyKey) as string | undefined;
      const replayed = uploadId !== undefined;
      if (uploadId === undefined) {
        const id = `oup_${randomUUID()}`;
        deps.db.transaction(() => {
          cachedStatement(
            deps.db,
            `INSERT INTO offline_uploads (upload_id, vendor_org_id, idempotency_key, item_count, created_at)
             VALUES (?, ?, ?, ?, ?)`,
          ).run(id, vendorOrgId, input.idempotencyKey, input.items.length, deps.now().toISOString());
          claim();
        })();
        uploadId = id;
      }
      const items: OfflineItemResult[] = [];
      for (const [index, item] of input.items.entries()) {
        // An item that ended in an earlier run of this upload answers as it ended: nothing runs twice.
        const done = storedResult(deps, uploadId, index);
        items.push(done ?? (await runItem(deps, vendorOrgId, uploadId, index, item)));
      }
      const accepted = items.filter((item) => item.outcome === "accepted").length;
      return { uploadId, accepted, refused: items.length - accepted, items, replayed };
    },
  );
}

async function runItem(
  deps: DeliveryDeps,
  vendorOrgId: string,
  uploadId: string,
  index: number,
  item: OfflineItem,
): Promise<OfflineItemResult> {
  let result: OfflineItemResult;
  if (item.receipt !== undefined) {
    result = await runOpenedOffline(deps, vendorOrgId, uploadId, index, item);
    storeResult(deps, uploadId, index, item, result);
    return result;
  }
  try {
    const row = vendorsOpenDelivery(deps, vendorOrgId, item);
    const view = await acceptDelivery(deps, {
      deliveryId: row.delivery_id,
      ...(item.by !== undefined && { by: item.by }),
      ...itemProof(deps, row.digest, item),
    });
    result = {
      index,
      deliveryId: row.delivery_id,
      outcome: "accepted",
      state: view.state,
      redemptionId: view.redemptionId,
    };
  } catch (error) {
    result = { index, deliveryId: item.deliveryId!, outcome: "refused", ...reasonOf(error) };
  }
  storeResult(deps, uploadId, index, item, result);
  return result;
}

/** A delivery the device opened offline: opened and accepted here, or refused with the receipt's digest. */
async function runOpenedOffline(
  deps: DeliveryDeps,
  vendorOrgId: string,
  uploadId: string,
  index: number,
  item: OfflineItem,
): Promise<OfflineItemResult> {
  const receipt = item.receipt!;
  try {
    const view = await openAndAcceptOffline(deps, vendorOrgId, `offline:${uploadId}:${index}`, {
      receipt,
      item: item.item!,
      quantity: item.quantity ?? 1,
      acceptedAt: item.acceptedAt,
      ...(item.signature !== undefined ? { signature: item.signature } : { sealedPin: item.sealedPin! }),
    });
    return {
      index,
      deliveryId: view.deliveryId,
      outcome: "accepted",
      state: view.state,
      redemptionId: view.redemptionId,
    };
  } catch (error) {
    return {
      index,
      deliveryId: null,
      redemptionId: receiptDigest(deps, receiptFields(receipt)),
      outcome: "refused",
      ...reasonOf(error),
    };
  }
}

/**
 * Each item's outcome as it ends. A refused item the device opened offline has no delivery: its row keeps
 * the receipt's digest in `delivery_id` instead, which `storedResult` answers as `redemptionId`.
 */
function storeResult(
  deps: DeliveryDeps,
  uploadId: string,
  index: number,
  item: OfflineItem,
  result: OfflineItemResult,
): void {
  cachedStatement(
    deps.db,
    `INSERT INTO offline_upload_items (upload_id, position, delivery_id, accepted_offline_at, outcome, code, message)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    uploadId,
    index,
    result.deliveryId ?? (result.outcome === "refused" ? result.redemptionId : undefined),
    new Date(item.acceptedAt).toISOString(),
    result.outcome,
    result.outcome === "refused" ? result.code : null,
    result.outcome === "refused" ? result.message : null,
  );
}

/** Exactly one of `deliveryId` (opened online) or `receipt` (opened on the device), and what each needs. */
function requireOneSubject(item: OfflineItem, index: number): void {
  if ((item.deliveryId === undefined) === (item.receipt === undefined)) {
    throw new ValidationError(
      `items[${index}].deliveryId`,
      "one_subject",
      "Send exactly one of deliveryId or receipt.",
    );
  }
  if (item.receipt === undefined) {
    for (const field of ["item", "quantity"] as const) {
      if (item[field] !== undefined) {
        throw new ValidationError(
          `items[${index}].${field}`,
          "not_allowed",
          "Only a receipt opened offline names it.",
        );
      }
    }
    return;
  }
  if (item.item === undefined) {
    throw new ValidationError(
      `items[${index}].item`,
      "required",
      "A receipt opened offline names what was delivered.",
    );
  }
  if (item.by !== undefined) {
    throw new ValidationError(
      `items[${index}].by`,
      "not_allowed",
      "A receipt opened offline is its own member's.",
    );
  }
}

/** The delivery the item accepts: this vendor's, still open, accepted at a time the device could have seen. */
function vendorsOpenDelivery(deps: DeliveryDeps, vendorOrgId: string, item: OfflineItem): DeliveryRow {
  const row = cachedStatement(deps.db, "SELECT * FROM deliveries WHERE delivery_id = ?").get(
    item.deliveryId,
  ) as DeliveryRow | undefined;
  // Another vendor's delivery answers like an unknown one.
  if (row === undefined || row.vendor_org_id !== vendorOrgId) {
    throw new OfflineItemRefused("not_found", "No delivery of this vendor has this id.");
  }
  if (row.state !== "open") {
    throw new OfflineItemRefused("replayed", "This delivery was already accepted, disputed or closed.");
  }
  const at = Date.parse(item.acceptedAt);
  if (at < Date.parse(row.created_at) || at > deps.now().getTime() + OFFLINE_CLOCK_SKEW_MS) {
    throw new OfflineItemRefused(
      "time_invalid",
      "The acceptance time is before the delivery was opened or in the future.",
    );
  }
  return deliveryRow(deps, row.delivery_id);
}

/** An item's refusal as the API shows it: the error's stable code and its fixed sentence. */
function reasonOf(error: unknown): { code: string; message: string } {
  if (error instanceof OfflineItemRefused) return { code: error.code, message: error.message };
  if (error instanceof SealedPinError) return { code: error.problem, message: error.message };
  if (error instanceof AppError) return { code: error.code ?? error.name, message: error.message };
  throw error;
}

function storedResult(deps: DeliveryDeps, uploadId: string, index: number): OfflineItemResult | undefined {
  const row = cachedStatement(
    deps.db,
    "SELECT delivery_id, outcome, code, message FROM offline_upload_items WHERE upload_id = ? AND position = ?",
  ).get(uploadId, index) as
    | { delivery_id: string; outcome: "accepted" | "refused"; code: string | null; message: string | null }
    | undefined;
  if (row === undefined) return undefined;
  if (row.outcome === "refused") {
    const refused = { outcome: "refused" as const, code: row.code!, message: row.message! };
    return row.delivery_id.startsWith("0x")
      ? { index, deliveryId: null, redemptionId: row.delivery_id, ...refused }
      : { index, deliveryId: row.delivery_id, ...refused };
  }
  const delivery = deliveryRow(deps, row.delivery_id);
  return {
    index,
    deliveryId: row.delivery_id,
    outcome: "accepted",
    state: delivery.state,
    redemptionId: delivery.digest,
  };
}
