import { cachedStatement } from "../db/statements";
import { decodeRevert } from "../chain/decodeRevert";
import { getOrganisation } from "../organisations";
import { DELIVERY_RECEIPT_TYPES } from "../wallets";
import { startRedeeming } from "./acceptDelivery";
import { deliveryRow, deliveryView, type DeliveryView } from "./deliveryView";
import { DeliveryStateError } from "./errors";
import { ledgerDomain, receiptOf } from "./receipt";
import { queueRedemption, redemptionCall } from "./redeemQueue";
import { DeliveryRefusedError } from "./refusals";
import type { DeliveryDeps } from "./types";

/**
 * A licensed field agent co-signs an accepted delivery of a programme that needs one: its key signs the
 * receipt's digest, and the redemption is tried against the chain first, so a co-signature the ledger would
 * refuse (`FieldAgentNotIndependent`: the agent is the vendor, the accepting wallet or a member of the
 * household; `FieldAgentInvalid`: no licence for the programme) is answered at once, readable, and nothing
 * is stored. Otherwise the redemption is queued in the same transaction as the co-signature.
 */
export async function cosignDelivery(
  deps: DeliveryDeps,
  params: { deliveryId: string; fieldAgentOrgId: string },
): Promise<DeliveryView> {
  const row = deliveryRow(deps, params.deliveryId);
  if (row.state !== "awaiting_cosign") {
    throw new DeliveryStateError("not_awaiting_cosign", "This delivery is not waiting for a co-signature.");
  }
  const agent = getOrganisation(deps, params.fieldAgentOrgId);
  const signer = deps.wallets.keystore.signer(agent.address.toLowerCase());
  const fieldAgentSignature = await signer.signTypedData(ledgerDomain(deps), DELIVERY_RECEIPT_TYPES, {
    ...receiptOf(row),
  });
  const item = { row, beneficiarySignature: row.beneficiary_sig!, fieldAgentSignature };
  const ledger = deps.system.ledger;
  try {
    await deps.system.ledger.runner!.provider!.call({
      from: row.vendor_address,
      to: ledger.target as string,
      data: redemptionCall(ledger.interface, [item]),
    });
  } catch (error) {
    const revert = decodeRevert(error, [ledger.interface, deps.system.registry.interface]);
    if (!revert) throw error;
    throw new DeliveryRefusedError(revert);
  }
  deps.db.transaction(() => {
    const changed = cachedStatement(
      deps.db,
      `UPDATE deliveries SET state = 'accepted', field_agent_org_id = ?, field_agent_sig = ?, updated_at = ?
        WHERE delivery_id = ? AND state = 'awaiting_cosign'`,
    ).run(agent.orgId, fieldAgentSignature, deps.now().toISOString(), row.delivery_id);
    if (changed.changes !== 1) {
      throw new DeliveryStateError("not_awaiting_cosign", "This delivery is not waiting for a co-signature.");
    }
    queueRedemption(deps, [item]);
  })();
  startRedeeming(deps);
  return deliveryView(deps, deliveryRow(deps, row.delivery_id));
}
