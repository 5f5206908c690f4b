import { z } from "zod";
import { checkOnly } from "../chain/checkedWrite";
import { householdMember, requireSignedBy, useSmsCode } from "../delivery";
import { AppError, ValidationError } from "../errors";
import type { AccessCheck, SignReceiptResult, WalletBinding } from "../wallets";
import { mandateWrites } from "./refusals";
import { codeSubject, MANDATE_CODES, type MandateCodePurpose } from "./smsCodes";
import type { MandateChannel, MandateDeps, MandateRow } from "./types";

const REF = z.string().regex(/^0x[0-9a-f]{64}$/);

/** A member's word, relayed by the insurer's or the charity's device: exactly one proof, and who gives it. */
export const memberProofShape = {
  /** The member's own wallet's EIP-712 signature (of the mandate, or of the revocation). */
  signature: z
    .string()
    .regex(/^0x[0-9a-fA-F]{130}$/)
    .optional(),
  /** The member's PIN (custodial wallet): its custodial key then signs. */
  pin: z.string().min(1).max(32).optional(),
  /** The code texted to the household (`POST .../sms-code`): its custodial key then signs. */
  smsCode: z.string().min(1).max(32).optional(),
  /** The member giving it; the mandate's own member by default. Any active member of the household may. */
  by: REF.optional(),
};

export interface MemberProof {
  signature?: string | undefined;
  pin?: string | undefined;
  smsCode?: string | undefined;
  by?: string | undefined;
}

/** Exactly one of signature, pin or smsCode; the channel it arrives by. */
export function channelOf(proof: MemberProof): MandateChannel {
  const given = [proof.signature, proof.pin, proof.smsCode].filter((value) => value !== undefined);
  if (given.length !== 1)
    throw new ValidationError("signature", "one_proof", "Send exactly one of signature, pin or smsCode.");
  return proof.signature !== undefined ? "wallet" : proof.pin !== undefined ? "pin" : "sms";
}

/** The request field a refusal of this proof names. */
export function proofField(channel: MandateChannel): "signature" | "pin" | "smsCode" {
  return channel === "wallet" ? "signature" : channel === "pin" ? "pin" : "smsCode";
}

/** The accepting or revoking member: an active member of the mandate's household with an active wallet. */
export function mandateMember(
  deps: MandateDeps,
  row: MandateRow,
  by: string | undefined,
): { beneficiaryRef: string; binding: WalletBinding } {
  return householdMember(deps, row, by ?? row.beneficiary_ref);
}

/** A custodial channel needs the member's custodial wallet: a member with its own wallet signs with it. */
export function requireCustodial(binding: WalletBinding, channel: MandateChannel): void {
  if (binding.custody !== "custodial")
    throw new AppError(
      "MandateStateError",
      409,
      "This member holds its own wallet: it signs with that wallet.",
      proofField(channel),
      "sign_with_own_wallet",
    );
}

/** The PIN, or the SMS code bound to `subject` (used up here), as the custodial signer's access check. */
export function accessCheckOf(deps: MandateDeps, subject: string, proof: MemberProof): AccessCheck {
  if (proof.pin !== undefined) return { pin: proof.pin };
  return { otpVerified: true, otpId: useSmsCode(deps, subject, proof.smsCode, MANDATE_CODES) };
}

/** The custodial signer's refusals of the check name the request's own field (`pin`, `smsCode`). */
export async function asProofField<T>(channel: MandateChannel, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AppError && error.field !== undefined && /^check(\.|$)/.test(error.field))
      throw new AppError(error.name, error.status, error.message, proofField(channel), error.code);
    throw error;
  }
}

/** What a member's word signs, and how the chain call that carries it is made. */
export interface MemberWord {
  row: MandateRow;
  member: { beneficiaryRef: string; binding: WalletBinding };
  proof: MemberProof;
  channel: MandateChannel;
  purpose: MandateCodePurpose;
  /** The EIP-712 digest the member's wallet signs. */
  digest: string;
  /** What it is, in a refusal's words ("this mandate's terms"). */
  what: string;
  /** PremiumMandates' calldata carrying `signature`. */
  call(signature: string): string;
  /** The one refusal an empty signature must meet: everything else the chain would refuse comes first. */
  unsignedRefusal: string;
  /** The custodial signer's signature of the same typed data, after the access check. */
  signCustodial(request: { beneficiaryRef: string; check: AccessCheck }): Promise<SignReceiptResult>;
}

/**
 * The member's signature for PremiumMandates: its own wallet's, checked against the digest here first, or its
 * custodial wallet's after the PIN or the SMS code bound to this mandate and purpose. Before a PIN or a code is
 * tried, the call is made with an empty signature: only `unsignedRefusal` may answer, so anything else the chain
 * would refuse costs no attempt.
 */
export async function memberSignature(deps: MandateDeps, word: MemberWord): Promise<string> {
  const { proof, member, channel } = word;
  if (proof.signature !== undefined) {
    requireSignedBy(word.digest, proof.signature, member.binding.address, word.what);
    return proof.signature.toLowerCase();
  }
  requireCustodial(member.binding, channel);
  await checkOnly(mandateWrites(deps), {
    from: deps.operator,
    to: deps.system.mandates.target as string,
    data: word.call("0x"),
    field: "mandateId",
  }).catch((error: unknown) => {
    if ((error as AppError).code !== word.unsignedRefusal) throw error;
  });
  const signed = await asProofField(channel, () =>
    word.signCustodial({
      beneficiaryRef: member.beneficiaryRef,
      check: accessCheckOf(deps, codeSubject(word.row, word.purpose), proof),
    }),
  );
  return signed.signature;
}
