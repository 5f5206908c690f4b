import { randomUUID } from "node:crypto";
import { z } from "zod";
import { canonicalJson, runIdempotent } from "../db/idempotency";
import { cachedStatement } from "../db/statements";
import { AppError, ValidationError } from "../errors";
import { getOrganisation } from "../organisations";
import { programmeRow, tokenAmountSchema, toUnits } from "../programmes";
import { parseInput } from "../validation";
import { deliveryRow, deliveryView, type DeliveryView } from "./deliveryView";
import { vendorAllowed } from "./chainFacts";
import { freeNonce, promisedAmount, readEntitlement } from "./entitlement";
import { EntitlementExceededError, VendorNotAllowedError } from "./errors";
import { findHousehold, householdHandleShape, receiptSigner } from "./findHousehold";
import { DELIVERY_ITEMS } from "./items";
import { insertOpenRow } from "./insertOpenRow";
import { receiptDigest } from "./receipt";
import type { DeliveryDeps } from "./types";

/** How long a receipt can be accepted and redeemed: a day, well inside the custodial signer's week. */
export const RECEIPT_LIFETIME_SECONDS = 24 * 3600;
const ZERO_HASH = `0x${"0".repeat(64)}`;
export const openDeliverySchema = z.strictObject({
  ...householdHandleShape,
  amount: tokenAmountSchema,
  item: z.enum(DELIVERY_ITEMS),
  quantity: z.number().int().positive().max(100_000).default(1),
  evidenceHash: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/)
    .optional(),
  idempotencyKey: z.string().regex(/^[A-Za-z0-9._:-]{8,100}$/),
});
export type OpenDeliveryParams = z.input<typeof openDeliverySchema>;

/**
 * A licensed vendor of the programme opens a delivery: the household (by card reference or a member's
 * national ID, turned into its reference at once), the amount (at most what the household has left), what
 * was delivered (a code from a fixed list) and an optional evidence hash. Answers with the delivery, state
 * `open`, and the exact EIP-712 receipt to sign, with its own receipt nonce. The same idempotency key with
 * the same request answers that same delivery; nothing is written when the request is refused.
 */
export async function openDelivery(
  deps: DeliveryDeps,
  vendorOrgId: string,
  params: OpenDeliveryParams,
): Promise<{ delivery: DeliveryView; replayed: boolean }> {
  const input = parseInput(openDeliverySchema, params);
  programmeRow(deps, input.programmeId); // an unknown programme is 404 before anything else
  const found = findHousehold(deps, input);
  const existingId = cachedStatement(
    deps.db,
    "SELECT delivery_id FROM deliveries WHERE vendor_org_id = ? AND idempotency_key = ?",
    "pluck",
  ).get(vendorOrgId, input.idempotencyKey) as string | undefined;
  // The fingerprint is over the household's reference, never the typed national ID.
  const { nationalId: _typed, ...rest } = input;
  const payload = canonicalJson({ ...rest, householdRef: found.householdRef, memberRef: found.memberRef });

  return runIdempotent(
    {
      db: deps.db,
      peppers: deps.households.peppers,
      scope: "delivery.open",
      orgId: vendorOrgId,
      idempotencyKey: input.idempotencyKey,
      payload,
      now: deps.now,
    },
    async (claim) => {
      if (existingId !== undefined) {
        return { delivery: await deliveryView(deps, deliveryRow(deps, existingId)), replayed: true };
      }
      const vendor = getOrganisation(deps, vendorOrgId);
      if (vendor.role !== "vendor") throw new VendorNotAllowedError();
      if (!(await vendorAllowed(deps, input.programmeId, vendor.address))) throw new VendorNotAllowedError();
      const signer = receiptSigner(deps, found);
      if (signer === undefined) {
        throw new AppError(
          "DeliveryStateError",
          409,
          "No member of this household has a wallet on chain yet.",
          "householdRef",
          "not_registered",
        );
      }
      const amount = toUnits(input.amount, deps.decimals);
      const entitlement = await readEntitlement(deps, input.programmeId, found.householdRef);
      const deadline = Math.floor(deps.now().getTime() / 1000) + RECEIPT_LIFETIME_SECONDS;
      const deliveryId = `dlv_${randomUUID()}`;
      const at = deps.now().toISOString();
      deps.db.transaction(() => {
        // Re-read inside the transaction: a delivery opened meanwhile holds its amount and its nonce.
        const again = entitlementLeft(deps, input.programmeId, found.householdRef, entitlement);
        if (amount > again) throw new EntitlementExceededError();
        const nonce = freeNonce(
          deps,
          input.programmeId,
          found.householdRef,
          entitlement.period,
          entitlement.usedNonces,
        );
        if (nonce === undefined) {
          throw new ValidationError(
            "householdRef",
            "receipts_exhausted",
            "The household has used every receipt of this programme for the period.",
          );
        }
        const row = {
          delivery_id: deliveryId,
          programme_id: input.programmeId,
          beneficiary_ref: signer,
          household_ref: found.householdRef,
          vendor_address: vendor.address.toLowerCase(),
          amount: amount.toString(),
          evidence_hash: (input.evidenceHash ?? ZERO_HASH).toLowerCase(),
          nonce: nonce.toString(),
          deadline,
        };
        insertOpenRow(deps, {
          ...row,
          idempotency_key: input.idempotencyKey,
          vendor_org_id: vendorOrgId,
          item: input.item,
          quantity: input.quantity,
          period: entitlement.period,
          digest: receiptDigest(deps, row),
          created_at: at,
          updated_at: at,
        });
        claim();
      })();
      return { delivery: await deliveryView(deps, deliveryRow(deps, deliveryId)), replayed: false };
    },
  );
}

function entitlementLeft(
  deps: DeliveryDeps,
  programmeId: number,
  householdRef: string,
  read: { onChain: bigint; period: number },
): bigint {
  const promised = promisedAmount(deps, programmeId, householdRef, read.period);
  return read.onChain > promised ? read.onChain - promised : 0n;
}
