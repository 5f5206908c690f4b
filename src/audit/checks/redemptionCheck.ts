import type { SubmittedReceipt } from "../chain/readReceipts";
import { LicenceKind, type LicenceBook } from "../state/licences";
import type { MandateBook } from "../state/mandates";
import type { WalletBook } from "../state/wallets";
import type { ChainEvent } from "../types";
import type { Findings } from "./findings";
import type { ProgrammeInfo } from "./replayState";

/** The calldata behind a redemption, with the signers recovered from it beforehand (in worker threads). */
export interface RedemptionEvidence {
  submitted: SubmittedReceipt;
  /** `householdAccountOf(receipt.householdRef)`, hashed beside the recovery. */
  householdAccount?: string;
  beneficiarySigner?: string;
  fieldAgentSigner?: string;
}

/** A signature no ECDSA key of the beneficiary approved: it may still be an ERC-1271 wallet's, asked later. */
export interface ContractWalletQuestion {
  event: ChainEvent;
  digest: string;
  signature: string;
  /** The wallets whose `isValidSignature` may approve it, in the ledger's order, and the grace bound of each. */
  candidates: { wallet: string; graceEndsAt?: bigint }[];
  deadline: bigint;
  /** What the finding says if no candidate accepts it (by default, that no bound wallet made it). */
  whenRefused?: string;
  /** Redemptions that stand or fall with this signature (those a mandate signed by it approved). */
  dependents?: ChainEvent[];
}

/** A 32-byte beneficiary signature: the id of the standing mandate the receipt is redeemed under. */
const MANDATE_ID = /^0x[0-9a-f]{64}$/;

const ZERO = "0x0000000000000000000000000000000000000000";

/**
 * Re-checks one `DeliveryRedeemed` the way `RedemptionDesk.redeem` should have: the receipt in the calldata is
 * the event's, the vendor sent it and was allowed and licensed, the deadline held, the beneficiary's wallet
 * bound at that point of the chain signed it (or its previous wallet within grace; ERC-1271 answers are asked
 * after the walk), or a standing premium mandate it accepted covers it (a 32-byte mandate id in the signature's
 * place, checked against the mandates replayed so far), and a licensed, independent field agent co-signed where
 * the programme requires one.
 */
export function checkRedemption(
  event: ChainEvent,
  programme: ProgrammeInfo | undefined,
  evidence: RedemptionEvidence | undefined,
  context: {
    licences: LicenceBook;
    wallets: WalletBook;
    mandates: MandateBook;
    vendorAllowed: boolean;
    findings: Findings;
  },
): { approver?: string; question?: ContractWalletQuestion } {
  const { licences, wallets, findings } = context;
  const args = event.args;
  const programmeId = args.programmeId as bigint;
  const vendor = (args.vendor as string).toLowerCase();
  if (!programme) {
    findings.add("redemption_calldata", `redemption in unknown programme ${programmeId}`, event, programmeId);
    return {};
  }
  if (!context.vendorAllowed) {
    findings.add(
      "licence",
      `vendor ${vendor} is not allowed in programme ${programmeId}`,
      event,
      programmeId,
    );
  }
  if (
    !licences.isLicensed(vendor, LicenceKind.Vendor, event.timestamp, programme.layer, programme.category)
  ) {
    findings.add(
      "licence",
      `vendor ${vendor} held no valid vendor licence for the programme's layer and category at block ${event.blockNumber}`,
      event,
      programmeId,
    );
  }
  if (!evidence) {
    findings.add(
      "redemption_calldata",
      "no redeem/redeemBatch calldata of the ledger in this transaction carries a receipt with this redemption id",
      event,
      programmeId,
    );
    return {};
  }
  const { receipt } = evidence.submitted;
  const mismatch =
    receipt.programmeId !== programmeId ||
    receipt.beneficiaryRef !== (args.beneficiaryRef as string).toLowerCase() ||
    receipt.householdRef !== (args.householdRef as string).toLowerCase() ||
    receipt.vendor !== vendor ||
    receipt.amount !== (args.amount as bigint) ||
    receipt.evidenceHash !== (args.evidenceHash as string).toLowerCase();
  if (mismatch)
    findings.add("redemption_calldata", "the event differs from the receipt submitted", event, programmeId);
  if (evidence.submitted.sender !== vendor) {
    findings.add(
      "redemption_calldata",
      `sent by ${evidence.submitted.sender}, not the vendor`,
      event,
      programmeId,
    );
  }
  if (receipt.deadline < BigInt(event.timestamp)) {
    findings.add(
      "beneficiary_signature",
      `receipt redeemed after its deadline ${receipt.deadline}`,
      event,
      programmeId,
    );
  }

  const active = wallets.activeWalletIn(receipt.beneficiaryRef, receipt.householdRef);
  const previous = active ? wallets.previousWalletOf(receipt.beneficiaryRef) : undefined;
  const signer = evidence.beneficiarySigner;
  let approver: string | undefined;
  let question: ContractWalletQuestion | undefined;
  if (!active) {
    findings.add(
      "beneficiary_signature",
      "no active wallet of the receipt's beneficiary was bound in its household at this block",
      event,
      programmeId,
    );
  } else if (signer === active) {
    approver = active;
  } else if (previous && signer === previous.wallet) {
    approver = previous.wallet;
    if (receipt.deadline > previous.graceEndsAt) {
      findings.add(
        "beneficiary_signature",
        `signed by the previous wallet with a deadline past its grace (${previous.graceEndsAt})`,
        event,
        programmeId,
      );
    }
  } else {
    const signature = evidence.submitted.beneficiarySignature;
    // The ledger asks PremiumMandates only after the active wallet's own approvals failed; a contract wallet
    // approving the same 32 bytes would approve for the same account, so the order does not change the answer.
    const refusal = MANDATE_ID.test(signature) ? context.mandates.refusal(signature, receipt) : undefined;
    if (MANDATE_ID.test(signature) && refusal === undefined) {
      approver = active;
      context.mandates.get(signature)!.reliedOn.push(event);
    } else {
      question = {
        event,
        digest: args.redemptionId as string,
        signature,
        candidates: [
          { wallet: active },
          ...(previous ? [{ wallet: previous.wallet, graceEndsAt: previous.graceEndsAt }] : []),
        ],
        deadline: receipt.deadline,
        ...(refusal ? { whenRefused: refusal } : {}),
      };
    }
  }

  const fieldAgent = (args.fieldAgent as string).toLowerCase();
  if (programme.requiresFieldAgent && fieldAgent === ZERO) {
    findings.add(
      "field_agent",
      "the programme requires a field agent's co-signature; none was given",
      event,
      programmeId,
    );
  }
  if (fieldAgent !== ZERO) {
    if (evidence.fieldAgentSigner !== fieldAgent) {
      findings.add(
        "field_agent",
        `the co-signature recovers to ${evidence.fieldAgentSigner ?? "nobody"}, not the named field agent ${fieldAgent}`,
        event,
        programmeId,
      );
    }
    if (
      !licences.isLicensed(
        fieldAgent,
        LicenceKind.FieldAgent,
        event.timestamp,
        programme.layer,
        programme.category,
      )
    ) {
      findings.add(
        "licence",
        `field agent ${fieldAgent} held no valid licence at this block`,
        event,
        programmeId,
      );
    }
    if (
      fieldAgent === vendor ||
      fieldAgent === approver ||
      wallets.householdOf(fieldAgent) === receipt.householdRef
    ) {
      findings.add(
        "field_agent",
        `field agent ${fieldAgent} is not independent of the delivery`,
        event,
        programmeId,
      );
    }
  }
  return { approver, question };
}
