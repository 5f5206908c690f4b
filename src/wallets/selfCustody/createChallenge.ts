import { randomBytes, randomUUID } from "node:crypto";
import type { WalletsContext } from "../context";
import { parseAddress, parseBeneficiaryRef } from "../inputs";
import { refuseWalletOfAnother } from "../refuseWalletOfAnother";
import { challengeMessage } from "./challengeMessage";

export interface CreateChallengeParams {
  beneficiaryRef: string;
  address: string;
}

export interface Challenge {
  challengeId: string;
  /** What the wallet must sign with `personal_sign` (EIP-191). */
  message: string;
  expiresAt: string;
}

/** Starts a proof that the beneficiary controls `address`; answered by `proveControl`. */
export async function createChallenge(
  ctx: WalletsContext,
  params: CreateChallengeParams,
): Promise<Challenge> {
  const beneficiaryRef = parseBeneficiaryRef(params.beneficiaryRef);
  const address = parseAddress(params.address);
  // Refused now rather than after the person has signed.
  refuseWalletOfAnother(ctx.records, address, beneficiaryRef, "address");
  const challenge = {
    challengeId: randomUUID(),
    beneficiaryRef,
    address,
    nonce: randomBytes(16).toString("hex"),
    expiresAt: new Date(ctx.now().getTime() + ctx.challengeTtlMs).toISOString(),
  };
  ctx.records.addChallenge(challenge);
  return {
    challengeId: challenge.challengeId,
    message: challengeMessage(challenge),
    expiresAt: challenge.expiresAt,
  };
}
