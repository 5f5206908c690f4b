import { mandateTermsOf } from "../chain/mandateDigest";
import type { MandateEvidence } from "../recovery/mandateRecovery";
import type { MandateBook } from "../state/mandates";
import type { WalletBook } from "../state/wallets";
import type { ChainEvent } from "../types";
import type { Findings } from "./findings";
import type { ContractWalletQuestion } from "./redemptionCheck";

export interface MandateContext {
  mandates: MandateBook;
  wallets: WalletBook;
  findings: Findings;
  /** Where a mandate signed by no bound wallet's key is asked of the wallet (ERC-1271) after the walk. */
  questions: ContractWalletQuestion[];
}

/**
 * Re-checks one `MandateAccepted` the way `PremiumMandates.acceptMandate` should have: its terms hash to
 * its id in PremiumMandates' domain, its deadline held, and the beneficiary's wallet bound in that household
 * at this point of the chain signed it (by ECDSA, recovered again; or as a contract wallet, asked later). A
 * mandate that fails is kept, so that every redemption it approves is reported as unapproved.
 */
export function checkMandateAccepted(
  event: ChainEvent,
  evidence: MandateEvidence | undefined,
  context: MandateContext,
): void {
  const { mandates, wallets, findings } = context;
  const mandateId = (event.args.mandateId as string).toLowerCase();
  const terms = mandateTermsOf(event.args);
  const programmeId = terms.programmeId;
  if (mandates.get(mandateId)) {
    findings.add("beneficiary_signature", `mandate ${mandateId} was accepted twice`, event, programmeId);
    return;
  }
  const record = { terms, accepted: event, signedByMember: true, reliedOn: [] as ChainEvent[] };
  mandates.record(mandateId, record);
  if (evidence?.digest !== mandateId) {
    record.signedByMember = false;
    findings.add(
      "beneficiary_signature",
      `mandate ${mandateId}: its terms hash to ${evidence?.digest ?? "nothing"} in PremiumMandates' domain, not to its id`,
      event,
      programmeId,
    );
    return;
  }
  if (terms.deadline < BigInt(event.timestamp)) {
    findings.add(
      "beneficiary_signature",
      `mandate ${mandateId} accepted after its deadline ${terms.deadline}`,
      event,
      programmeId,
    );
  }
  const active = wallets.activeWalletIn(terms.beneficiaryRef, terms.householdRef);
  if (!active) {
    record.signedByMember = false;
    findings.add(
      "beneficiary_signature",
      `mandate ${mandateId}: no active wallet of its beneficiary was bound in its household at this block`,
      event,
      programmeId,
    );
    return;
  }
  if ((event.args.signer as string).toLowerCase() !== active) {
    findings.add(
      "beneficiary_signature",
      `mandate ${mandateId} names signer ${event.args.signer as string}, not the beneficiary's active wallet ${active}`,
      event,
      programmeId,
    );
  }
  if (evidence.signer === active) return;
  context.questions.push({
    event,
    digest: mandateId,
    signature: (event.args.signature as string).toLowerCase(),
    candidates: [{ wallet: active }],
    deadline: terms.deadline,
    whenRefused: `mandate ${mandateId} was signed by no wallet bound to the beneficiary in that household (ECDSA or ERC-1271)`,
    dependents: record.reliedOn,
  });
}

/**
 * Replays one `MandateRevoked`: from it on, the mandate approves nothing (as the contract's state says,
 * whoever revoked it). A revocation by anyone other than the active wallet of a member of the mandate's
 * household is reported, as is one of a mandate never accepted or already revoked.
 */
export function checkMandateRevoked(event: ChainEvent, context: MandateContext): void {
  const { mandates, wallets, findings } = context;
  const mandateId = (event.args.mandateId as string).toLowerCase();
  const mandate = mandates.get(mandateId);
  if (!mandate) {
    findings.add("beneficiary_signature", `revocation of mandate ${mandateId}, never accepted`, event);
    return;
  }
  const programmeId = mandate.terms.programmeId;
  if (mandate.revoked) {
    findings.add("beneficiary_signature", `mandate ${mandateId} was revoked twice`, event, programmeId);
    return;
  }
  mandate.revoked = event;
  const revoker = (event.args.revoker as string).toLowerCase();
  const memberRef = (event.args.memberRef as string).toLowerCase();
  if (wallets.activeWalletIn(memberRef, mandate.terms.householdRef) !== revoker) {
    findings.add(
      "beneficiary_signature",
      `mandate ${mandateId} was revoked by ${revoker}, not the active wallet of a member of its household`,
      event,
      programmeId,
    );
  }
}
