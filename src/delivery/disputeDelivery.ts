import { hashMessage } from "ethers";
import { z } from "zod";
import { cachedStatement } from "../db/statements";
import { passAccessCheck } from "../wallets";
import { parseInput } from "../validation";
import { requireOneProof, startRedeeming } from "./acceptDelivery";
import { deliveryRow, deliveryView, type DeliveryView } from "./deliveryView";
import { DeliveryStateError } from "./errors";
import { householdMember, requireSignedBy } from "./member";
import { useSmsCode } from "./otp/smsCodes";
import { receiptOf } from "./receipt";
import { FLAG_JOB } from "./redeemQueue";
import type { DeliveryDeps, DeliveryRow } from "./types";

/** Why a household disputes: a code (it goes on chain as the flag's reason), never free text. */
export const DISPUTE_REASONS = ["not_received", "wrong_amount", "wrong_item", "poor_quality"] as const;

const REF = z.string().regex(/^0x[0-9a-f]{64}$/);
const reason = z.enum(DISPUTE_REASONS).default("not_received");
export const disputeSchema = z.strictObject({
  signature: z.string().max(200).optional(),
  pin: z.string().max(32).optional(),
  smsCode: z.string().max(32).optional(),
  by: REF.optional(),
  reason,
});

export interface DisputeDeliveryParams {
  deliveryId: string;
  by?: string;
  reason?: (typeof DISPUTE_REASONS)[number];
  signature?: string;
  pin?: string;
  smsCode?: string;
}

/** What a member's own wallet signs (EIP-191) to say "I did not receive this". */
export function disputeMessage(row: Pick<DeliveryRow, "delivery_id" | "digest">): string {
  return `Sin Tech: I did not receive delivery ${row.delivery_id} (receipt ${row.digest}).`;
}

/**
 * "I did not receive this", from any active member of the household, with the same proofs as an
 * acceptance (a wallet signs `disputeMessage` instead of the receipt). Before redemption the delivery
 * becomes `disputed` and is never redeemed. After redemption the flag goes on chain (`flagRedemption`,
 * from the receipt's custodial wallet, queued in the outbox), holding the vendor's credit until an auditor
 * or the regulator resolves it; the resolution shows in the delivery's `flag`. A delivery whose
 * redemption is still in flight answers 409: dispute it once it is redeemed.
 */
export async function disputeDelivery(
  deps: DeliveryDeps,
  params: DisputeDeliveryParams,
): Promise<DeliveryView> {
  const { deliveryId, ...proof } = params;
  const input = parseInput(disputeSchema, proof);
  requireOneProof(input);
  const row = deliveryRow(deps, deliveryId);
  if (row.state === "accepted") {
    throw new DeliveryStateError(
      "redemption_pending",
      "The redemption is in flight; dispute it once it is redeemed.",
    );
  }
  if (row.state !== "open" && row.state !== "awaiting_cosign" && row.state !== "redeemed") {
    throw new DeliveryStateError("not_disputable", "This delivery can no longer be disputed.");
  }
  if (row.state === "redeemed" && row.flag_state !== null && row.flag_state !== "refused") {
    throw new DeliveryStateError("already_flagged", "This redemption is already flagged.");
  }
  const member = householdMember(deps, row, input.by ?? row.beneficiary_ref);
  if (input.signature !== undefined) {
    requireSignedBy(hashMessage(disputeMessage(row)), input.signature, member.binding.address);
  } else if (input.pin !== undefined)
    await passAccessCheck(deps.wallets, member.beneficiaryRef, { pin: input.pin });
  else useSmsCode(deps, deliveryId, input.smsCode);

  const at = deps.now().toISOString();
  if (row.state !== "redeemed") {
    deps.db.transaction(() => {
      const changed = cachedStatement(
        deps.db,
        "UPDATE deliveries SET state = 'disputed', flagged_by = ?, dispute_reason = ?, updated_at = ? WHERE delivery_id = ? AND state = ?",
      ).run(member.beneficiaryRef, input.reason, at, deliveryId, row.state);
      if (changed.changes !== 1)
        throw new DeliveryStateError("not_disputable", "This delivery changed meanwhile.");
      cachedStatement(deps.db, "UPDATE household_receipts SET status = 'disputed' WHERE delivery_id = ?").run(
        deliveryId,
      );
    })();
    return deliveryView(deps, deliveryRow(deps, deliveryId));
  }

  // On chain only the wallet of the receipt's beneficiary (or an auditor) may flag: the gateway holds it
  // when it is custodial; a self-custodied wallet sends `flagRedemption` itself.
  const wallet = deps.wallets.records.binding(row.beneficiary_ref);
  const key = wallet && deps.wallets.keystore.describe(wallet.address);
  if (!wallet || key?.purpose !== "custodial" || key.owner !== row.beneficiary_ref) {
    throw new DeliveryStateError(
      "flag_from_own_wallet",
      "The receipt was signed by a self-custodied wallet: flag the redemption from that wallet.",
    );
  }
  await deps.fundGas(wallet.address);
  const ledger = deps.system.ledger;
  deps.db.transaction(() => {
    const job = deps.outbox.enqueue({
      idempotencyKey: `delivery:flag:${row.digest}:${at}`,
      kind: FLAG_JOB,
      from: wallet.address,
      to: ledger.target as string,
      data: ledger.interface.encodeFunctionData("flagRedemption", [receiptOf(row), input.reason]),
    });
    cachedStatement(
      deps.db,
      "UPDATE deliveries SET flag_job_id = ?, flag_state = 'queued', flagged_by = ?, dispute_reason = ?, refusal_name = NULL, refusal_args = NULL, updated_at = ? WHERE delivery_id = ?",
    ).run(job.jobId, member.beneficiaryRef, input.reason, at, deliveryId);
  })();
  startRedeeming(deps);
  return deliveryView(deps, deliveryRow(deps, deliveryId));
}
