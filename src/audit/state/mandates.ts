import type { CalldataReceipt } from "../chain/receiptDigest";
import type { MandateTerms } from "../chain/mandateDigest";
import type { ChainEvent } from "../types";

/** The ledger's receipt nonce: `period << 8 | receiptIndex` (RedemptionDesk's `_splitNonce`). */
const NONCE_PERIOD_SHIFT = 8n;
const RECEIPT_INDEX_MASK = 0xffn;

/** A standing mandate as PremiumMandates' events leave it. */
export interface MandateRecord {
  terms: MandateTerms;
  accepted: ChainEvent;
  /** False when its acceptance hashed to another id or no active wallet of the beneficiary was bound. */
  signedByMember: boolean;
  revoked?: ChainEvent;
  /**
   * The redemptions approved by it so far: if its signature turns out to be no contract wallet's either (an
   * ERC-1271 answer asked after the walk), each of them is reported with it.
   */
  reliedOn: ChainEvent[];
}

/** Every mandate accepted and revoked so far, replayed in chain order. */
export class MandateBook {
  private readonly mandates = new Map<string, MandateRecord>();

  get(mandateId: string): MandateRecord | undefined {
    return this.mandates.get(mandateId.toLowerCase());
  }

  record(mandateId: string, mandate: MandateRecord): void {
    this.mandates.set(mandateId.toLowerCase(), mandate);
  }

  /**
   * Why mandate `mandateId` does not cover `receipt` at this point of the chain, as `PremiumMandates.covers`
   * decides it (the beneficiary's being active is checked with every redemption); undefined if it covers it.
   */
  refusal(mandateId: string, receipt: CalldataReceipt): string | undefined {
    const mandate = this.get(mandateId);
    const named = `the beneficiary signature is mandate ${mandateId}`;
    if (!mandate) return `${named}, which PremiumMandates never recorded before this redemption`;
    const { terms } = mandate;
    if (!mandate.signedByMember)
      return `${named}, whose acceptance no wallet bound to the beneficiary signed`;
    if (mandate.revoked)
      return `${named}, revoked at block ${mandate.revoked.blockNumber} before this redemption`;
    if (receipt.vendor !== terms.insurer)
      return `${named}, whose insurer is ${terms.insurer}, not the vendor ${receipt.vendor}`;
    if (receipt.programmeId !== terms.programmeId) return `${named}, of programme ${terms.programmeId}`;
    if (receipt.householdRef !== terms.householdRef) return `${named}, of another household`;
    if (receipt.beneficiaryRef !== terms.beneficiaryRef) return `${named}, of another beneficiary`;
    if (receipt.amount > terms.premiumPerPeriod)
      return `${named}: ${receipt.amount} is above its premium of ${terms.premiumPerPeriod} a period`;
    const index = receipt.nonce & RECEIPT_INDEX_MASK;
    if (index !== terms.receiptIndex)
      return `${named}: the receipt's index ${index} is not the mandate's ${terms.receiptIndex}`;
    const period = receipt.nonce >> NONCE_PERIOD_SHIFT;
    if (period < terms.firstPeriod || period > terms.lastPeriod)
      return `${named}: period ${period} is outside its periods ${terms.firstPeriod} to ${terms.lastPeriod}`;
    return undefined;
  }
}
