import { verifyMessage } from "ethers";
import { NotFoundError, ValidationError } from "../../errors";
import type { WalletsContext } from "../context";
import { ChallengeExpiredError, ChallengeUsedError } from "../errors";
import { refuseWalletOfAnother } from "../refuseWalletOfAnother";
import { challengeMessage } from "./challengeMessage";

export interface ProveControlParams {
  challengeId: string;
  /** The wallet's EIP-191 signature of the challenge message. */
  signature: string;
}

export interface ProveControlResult {
  beneficiaryRef: string;
  address: string;
  /**
   * `bound`: the beneficiary had no wallet and now has this one (self-custodied).
   * `already_bound`: this wallet was already theirs.
   * `rebind_required`: they have another wallet; control is proven, and `rebindWallet` may now
   * switch them to this one with a reason.
   */
  outcome: "bound" | "already_bound" | "rebind_required";
}

/** Reason recorded in the binding history for a first self-custodied wallet. */
export const SELF_ENROLMENT_REASON = "self_enrolment";

const SIGNATURE = /^0x[0-9a-fA-F]{130}$/;

/** Checks the answer to a challenge: right signer, in time, once. */
export async function proveControl(
  ctx: WalletsContext,
  params: ProveControlParams,
): Promise<ProveControlResult> {
  const challenge =
    typeof params.challengeId === "string" ? ctx.records.challenge(params.challengeId) : undefined;
  if (!challenge) throw new NotFoundError("challengeId", "No such challenge");
  if (challenge.usedAt !== null) throw new ChallengeUsedError();
  const now = ctx.now();
  if (now.getTime() >= Date.parse(challenge.expiresAt)) throw new ChallengeExpiredError();

  if (typeof params.signature !== "string" || !SIGNATURE.test(params.signature)) {
    throw new ValidationError("signature", "format", "A signature is 0x followed by 130 hex digits");
  }
  let signer: string;
  try {
    signer = verifyMessage(challengeMessage(challenge), params.signature).toLowerCase();
  } catch {
    throw new ValidationError("signature", "format", "The signature is not valid");
  }
  if (signer !== challenge.address) {
    throw new ValidationError(
      "signature",
      "signer_mismatch",
      "The signature is not from the challenged wallet",
    );
  }

  const { beneficiaryRef, address } = challenge;
  return ctx.db.transaction((): ProveControlResult => {
    const at = now.toISOString();
    refuseWalletOfAnother(ctx.records, address, beneficiaryRef, "address");
    if (!ctx.records.useChallenge(challenge.challengeId, at)) throw new ChallengeUsedError();
    const current = ctx.records.binding(beneficiaryRef);
    if (!current) {
      ctx.records.bind(beneficiaryRef, address, "self", SELF_ENROLMENT_REASON, at);
      return { beneficiaryRef, address, outcome: "bound" };
    }
    return {
      beneficiaryRef,
      address,
      outcome: current.address === address ? "already_bound" : "rebind_required",
    };
  })();
}
