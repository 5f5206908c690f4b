import { randomUUID } from "node:crypto";
import { z } from "zod";
import { decodeRevert } from "../chain/decodeRevert";
import { cachedStatement } from "../db/statements";
import {
  receiptDigest,
  recordStandingRedemptions,
  REDEEM_BATCH_SIZE,
  redemptionCall,
  RECEIPT_LIFETIME_SECONDS,
  type StandingRedemption,
} from "../delivery";
import { AppError, DuplicateError, NotFoundError, ValidationError } from "../errors";
import { tokenAmountSchema, toUnits } from "../programmes";
import { parseInput } from "../validation";
import { mandateRow, mandateView, type MandateView } from "./mandateView";
import { sendPremiumNotices } from "./premiumNotices";
import { explainPremiumRefusal } from "./refusals";
import { chainNow } from "./terms";
import type { MandateCaller, MandateDeps, MandateRow } from "./types";

const ZERO_HASH = `0x${"0".repeat(64)}`;
const MANDATE_KEY = z.string().regex(/^mdt_[0-9a-f-]{36}$/);
const IDEMPOTENCY_KEY = z.string().regex(/^[A-Za-z0-9._:-]{8,100}$/);

export const redeemPremiumSchema = z.strictObject({
  /** Whole units; the mandate's premium per period by default. */
  amount: tokenAmountSchema.optional(),
  idempotencyKey: IDEMPOTENCY_KEY,
});
export type RedeemPremiumParams = z.input<typeof redeemPremiumSchema>;

export const redeemPremiumsSchema = z.strictObject({
  premiums: z
    .array(z.strictObject({ mandateId: MANDATE_KEY, amount: tokenAmountSchema.optional() }))
    .min(1)
    .max(REDEEM_BATCH_SIZE),
  idempotencyKey: IDEMPOTENCY_KEY,
});
export type RedeemPremiumsParams = z.input<typeof redeemPremiumsSchema>;

/** One premium as queued or answered: the mandate after it, and the premium's delivery. */
export interface RedeemedPremium {
  mandate: MandateView;
  deliveryId: string;
  replayed: boolean;
}

/**
 * The insurer redeems this period's premium under one mandate: a receipt of the mandate's receipt index in the
 * programme's current period, with the mandate's id in the beneficiary signature's place, redeemed through the
 * outbox as any delivery is (see `redeemPremiums`).
 */
export async function redeemPremium(
  deps: MandateDeps,
  caller: MandateCaller,
  mandateKey: string,
  params: RedeemPremiumParams,
): Promise<RedeemedPremium> {
  const input = parseInput(redeemPremiumSchema, params);
  const [one] = await redeem(
    deps,
    caller,
    [{ mandateId: mandateKey, amount: input.amount }],
    input.idempotencyKey,
    (field) => field,
  );
  return one!;
}

/**
 * The insurer redeems this period's premiums under many mandates at once, up to `REDEEM_BATCH_SIZE`: all
 * checked, then one `redeemBatch` (where each premium is redeemed or refused on its own).
 */
export async function redeemPremiums(
  deps: MandateDeps,
  caller: MandateCaller,
  params: RedeemPremiumsParams,
): Promise<RedeemedPremium[]> {
  const input = parseInput(redeemPremiumsSchema, params);
  return redeem(
    deps,
    caller,
    input.premiums,
    input.idempotencyKey,
    (field, index) => `premiums[${index}].${field}`,
  );
}

/**
 * Each premium is checked as the ledger would redeem it, by a call from the insurer's account, before anything
 * is written: a refusal answers in the one error shape naming the premium's field, with the contract's reason
 * made readable (revoked, after the last period, above the premium, already redeemed this period), and nothing
 * is written. Then the premiums' deliveries and their one redemption job are written in one DB transaction
 * (the outbox is the write-ahead log), sent, and when a premium confirms on chain the household is told by SMS
 * that it is insured this period. The same idempotency key answers the same premiums again (`replayed`).
 */
async function redeem(
  deps: MandateDeps,
  caller: MandateCaller,
  items: readonly { mandateId: string; amount?: string | undefined }[],
  idempotencyKey: string,
  fieldOf: (field: "mandateId" | "amount", index: number) => string,
): Promise<RedeemedPremium[]> {
  // A premium's delivery keeps the key apart from the insurer's own deliveries' keys (one unique index holds both).
  const keyOf = (index: number) =>
    items.length === 1 ? `premium:${idempotencyKey}` : `premium:${idempotencyKey}:${index}`;
  const replay = replayed(deps, caller, items, keyOf, fieldOf);
  if (replay) return replay;

  const rows = items.map((item, index) => {
    const row = mandateRow(deps, item.mandateId);
    if (!row || row.insurer_org_id !== caller.orgId)
      throw new NotFoundError(fieldOf("mandateId", index), "No mandate of this insurer has this id.");
    if (items.findIndex((other) => other.mandateId === item.mandateId) !== index)
      throw new ValidationError(fieldOf("mandateId", index), "duplicate", "A mandate is named twice.");
    if (row.mandate_id === null)
      throw new AppError(
        "MandateStateError",
        409,
        "No member has accepted this mandate yet.",
        fieldOf("mandateId", index),
        "not_accepted",
      );
    return row;
  });
  // The chain's clock decides the period and the receipt's life, whatever this machine's says.
  const deadline = (await chainNow(deps)) + RECEIPT_LIFETIME_SECONDS;
  const periods = new Map<number, number>();
  const now = deps.now().toISOString();
  const redemptions: { redemption: StandingRedemption; row: MandateRow; period: number }[] = [];
  for (const [index, row] of rows.entries()) {
    if (!periods.has(row.programme_id))
      periods.set(row.programme_id, Number(await deps.system.ledger.currentPeriod(row.programme_id)));
    const period = periods.get(row.programme_id)!;
    const amount =
      items[index]!.amount === undefined
        ? BigInt(row.premium)
        : toUnits(items[index]!.amount!, deps.decimals);
    const nonce = (BigInt(period) << 8n) | BigInt(row.receipt_index);
    const fields = {
      programme_id: row.programme_id,
      beneficiary_ref: row.beneficiary_ref,
      household_ref: row.household_ref,
      vendor_address: row.insurer_address,
      amount: amount.toString(),
      evidence_hash: ZERO_HASH,
      nonce: nonce.toString(),
      deadline,
    };
    const digest = receiptDigest(deps, fields);
    const redemption: StandingRedemption = {
      mandateId: row.mandate_id!,
      row: {
        ...fields,
        delivery_id: `dlv_${randomUUID()}`,
        idempotency_key: keyOf(index),
        vendor_org_id: caller.orgId,
        period,
        digest,
        created_at: now,
        updated_at: now,
      },
    };
    await refuseUnlessRedeemable(deps, row, redemption, { amount, period }, (field) => fieldOf(field, index));
    redemptions.push({ redemption, row, period });
  }
  deps.db.transaction(() => {
    // Checked again inside the transaction: a premium queued meanwhile holds the nonce.
    for (const [index, { redemption }] of redemptions.entries())
      refuseIfHeld(deps, redemption, fieldOf("mandateId", index));
    recordStandingRedemptions(
      deps,
      redemptions.map(({ redemption }) => redemption),
    );
    const premium = cachedStatement(
      deps.db,
      "INSERT INTO mandate_premiums (delivery_id, mandate_key, period) VALUES (?, ?, ?)",
    );
    for (const { redemption, row, period } of redemptions)
      premium.run(redemption.row.delivery_id, row.mandate_key, period);
  })();
  // Written: from here the outbox owns the premiums. A chain or an SMS adapter out of reach now leaves them
  // queued (or their notices pending) for the outbox's and the notices' own ticks; the answer says where they are.
  await deps.outbox.drain().catch(() => undefined);
  await sendPremiumNotices(deps).catch(() => undefined);
  return Promise.all(
    redemptions.map(async ({ redemption, row }) => ({
      mandate: await mandateView(deps, mandateRow(deps, row.mandate_key)!),
      deliveryId: redemption.row.delivery_id,
      replayed: false,
    })),
  );
}

/**
 * The ledger's answer to this premium, asked by a call from the insurer: nothing is written if it refuses.
 * A premium the gateway already holds for the period (queued, not yet on chain) is refused as the chain will.
 */
async function refuseUnlessRedeemable(
  deps: MandateDeps,
  row: MandateRow,
  redemption: StandingRedemption,
  receipt: { amount: bigint; period: number },
  fieldOf: (field: "mandateId" | "amount") => string,
): Promise<void> {
  const ledger = deps.system.ledger;
  const data = redemptionCall(ledger.interface, [
    { row: redemption.row, beneficiarySignature: redemption.mandateId, fieldAgentSignature: "0x" },
  ]);
  let revertName: string | undefined;
  try {
    await ledger.runner!.provider!.call({ from: row.insurer_address, to: ledger.target as string, data });
  } catch (error) {
    const revert = decodeRevert(error, [ledger.interface, deps.system.registry.interface] as never);
    if (!revert) throw error;
    revertName = revert.name;
  }
  if (revertName === undefined) {
    refuseIfHeld(deps, redemption, fieldOf("mandateId"));
    return;
  }
  const refusal = await explainPremiumRefusal(deps, row, revertName, receipt);
  throw new AppError(
    "ChainRefusedError",
    refusal.status,
    refusal.message,
    fieldOf(refusal.field),
    refusal.code,
  );
}

/**
 * Refuses a premium whose receipt nonce a delivery of the gateway already holds: this period's premium queued
 * and not yet on chain (the ledger will refuse it as used), or refused on chain after its check, whose row keeps
 * the nonce of that period.
 */
function refuseIfHeld(deps: MandateDeps, redemption: StandingRedemption, field: string): void {
  const { row } = redemption;
  const state = cachedStatement(
    deps.db,
    "SELECT state FROM deliveries WHERE programme_id = ? AND household_ref = ? AND nonce = ?",
    "pluck",
  ).get(row.programme_id, row.household_ref, row.nonce) as string | undefined;
  if (state === undefined) return;
  if (state === "refused")
    throw new AppError(
      "ChainRefusedError",
      409,
      "This period's premium was refused on chain (see the mandate's premiums); the next period's can be redeemed.",
      field,
      "refused_this_period",
    );
  throw new AppError(
    "ChainRefusedError",
    409,
    "The ledger refused it: this period's premium under this mandate was already redeemed (once a period).",
    field,
    "ReceiptNonceUsed",
  );
}

/** The premiums this key queued before, answered again; another request under the key is refused. */
function replayed(
  deps: MandateDeps,
  caller: MandateCaller,
  items: readonly { mandateId: string; amount?: string | undefined }[],
  keyOf: (index: number) => string,
  fieldOf: (field: "mandateId" | "amount", index: number) => string,
): Promise<RedeemedPremium[]> | undefined {
  const found = items.map(
    (_item, index) =>
      cachedStatement(
        deps.db,
        `SELECT d.delivery_id, p.mandate_key FROM deliveries d JOIN mandate_premiums p ON p.delivery_id = d.delivery_id
          WHERE d.vendor_org_id = ? AND d.idempotency_key = ?`,
      ).get(caller.orgId, keyOf(index)) as { delivery_id: string; mandate_key: string } | undefined,
  );
  if (found.every((entry) => entry === undefined)) return undefined;
  for (const [index, entry] of found.entries())
    if (entry === undefined || entry.mandate_key !== items[index]!.mandateId)
      throw new DuplicateError(
        "idempotencyKey",
        "idempotency_key_reused",
        `This idempotency key redeemed other premiums (${fieldOf("mandateId", index)}).`,
      );
  return Promise.all(
    found.map(async (entry) => ({
      mandate: await mandateView(deps, mandateRow(deps, entry!.mandate_key)!),
      deliveryId: entry!.delivery_id,
      replayed: true,
    })),
  );
}
