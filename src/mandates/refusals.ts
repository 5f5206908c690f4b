import type { Interface } from "ethers";
import type { CheckedWriteContext } from "../chain/checkedWrite";
import { DELIVERY_REFUSALS } from "../delivery";
import { CHAIN_REFUSALS } from "../programmes";
import type { MandateDeps, MandateRow } from "./types";

/** PremiumMandates' and the registry's refusals of an acceptance or a revocation, in plain words (409). */
export const MANDATE_REFUSALS: Readonly<Record<string, string>> = {
  MandateInvalid: "The mandate's terms are malformed (no insurer, no premium, or periods out of order).",
  MandateExpired: "The deadline to accept (or of this revocation) has passed.",
  MandateSignatureInvalid: "The signature is not by the member's active wallet in this household.",
  MandateAlreadyAccepted: "This member already accepted this mandate.",
  MandateUnknown: "PremiumMandates holds no mandate with this id.",
  MandateAlreadyRevoked: "The mandate is already revoked.",
  MandateRevokerUnauthorized:
    "The revocation is not by the active wallet of a member of the mandate's household.",
};

/** The mandates' chain writes: checked against PremiumMandates first, then sent through the outbox. */
export function mandateWrites(deps: Pick<MandateDeps, "db" | "outbox" | "system">): CheckedWriteContext {
  const { mandates, registry } = deps.system;
  return {
    db: deps.db,
    outbox: deps.outbox,
    provider: mandates.runner!.provider!,
    interfaces: [mandates.interface, registry.interface] as unknown as Interface[],
    refusals: MANDATE_REFUSALS,
    refused: "PremiumMandates refused this change.",
  };
}

/** Why a premium is refused, readably: a stable `code`, the field at fault, a sentence and a status. */
export interface PremiumRefusal {
  status: number;
  code: string;
  field: "mandateId" | "amount";
  message: string;
}

/**
 * What the ledger's refusal of a premium receipt means. A mandate that does not cover a receipt is refused as
 * any bad approval is (`ReceiptSignatureInvalid`): which of the mandate's terms it broke is read back from
 * PremiumMandates and the registry, in the order the contract's `covers` checks them. Anything else is the
 * ledger's refusal of any delivery (a paused programme, the household's entitlement spent), worded as such.
 */
export async function explainPremiumRefusal(
  deps: Pick<MandateDeps, "system">,
  row: MandateRow,
  revertName: string,
  receipt: { amount: bigint; period: number },
): Promise<PremiumRefusal> {
  if (revertName === "ReceiptNonceUsed")
    return {
      status: 409,
      code: "ReceiptNonceUsed",
      field: "mandateId",
      message:
        "The ledger refused it: this period's premium under this mandate was already redeemed (once a period).",
    };
  if (revertName === "ReceiptNonceInvalid")
    return {
      status: 409,
      code: "ReceiptNonceInvalid",
      field: "mandateId",
      message: "The ledger refused it: the premium's period is not the programme's current period.",
    };
  if (revertName !== "ReceiptSignatureInvalid") {
    const known = DELIVERY_REFUSALS[revertName] ?? CHAIN_REFUSALS[revertName];
    return {
      status: known?.status ?? 409,
      code: revertName,
      field: known?.field === "amount" ? "amount" : "mandateId",
      message: `The ledger refused it: ${known?.message ?? "the chain refused the premium."}`,
    };
  }
  const why = (code: string, field: PremiumRefusal["field"], reason: string): PremiumRefusal => ({
    status: 409,
    code,
    field,
    message: `The ledger refused it (ReceiptSignatureInvalid): the mandate does not cover this premium, since ${reason}`,
  });
  const onChain = row.mandate_id ? await deps.system.mandates.mandate(row.mandate_id) : undefined;
  if (!onChain || onChain.insurer === "0x0000000000000000000000000000000000000000")
    return why("mandate_unknown", "mandateId", "PremiumMandates holds no such mandate.");
  if (onChain.revoked) return why("mandate_revoked", "mandateId", "a member of the household revoked it.");
  if (receipt.period > Number(onChain.lastPeriod))
    return why("after_last_period", "mandateId", `its last period (${onChain.lastPeriod}) has passed.`);
  if (receipt.period < Number(onChain.firstPeriod))
    return why(
      "before_first_period",
      "mandateId",
      `its first period (${onChain.firstPeriod}) has not begun.`,
    );
  if (receipt.amount > onChain.premiumPerPeriod)
    return why("above_premium", "amount", "the amount is above its premium per period.");
  const wallet = await deps.system.registry.activeWalletIn(row.beneficiary_ref, row.household_ref);
  if (BigInt(wallet) === 0n)
    return why(
      "member_inactive",
      "mandateId",
      "the member who accepted it is no longer active in the household; a member accepts a new one.",
    );
  return why("not_covered", "mandateId", "its terms do not match the receipt.");
}
