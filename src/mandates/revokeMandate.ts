import { z } from "zod";
import { sendChecked } from "../chain/checkedWrite";
import { AppError, ValidationError } from "../errors";
import { parseInput } from "../validation";
import { DEFAULT_MAX_RECEIPT_LIFETIME_SECONDS, mandateRevocationDigest } from "../wallets";
import { actionableMandate, mandateRow, mandateView, type MandateView } from "./mandateView";
import { channelOf, mandateMember, memberProofShape, memberSignature, proofField } from "./memberProof";
import { mandateWrites } from "./refusals";
import { chainNow, mandatesDomain } from "./terms";
import type { MandateCaller, MandateDeps } from "./types";

export const REVOKE_JOB = "mandate.revoke";
/** A custodial revocation is submitted at once: an hour is ample. */
const CUSTODIAL_REVOCATION_SECONDS = 3600;

export const revokeMandateSchema = z.strictObject({
  ...memberProofShape,
  /** With `signature` only: the deadline the member's wallet signed (Unix seconds), at most a week ahead. */
  deadline: z.number().int().positive().optional(),
});
export type RevokeMandateParams = z.input<typeof revokeMandateSchema>;

/**
 * Any active member of the household revokes an accepted mandate, finally: its own wallet's EIP-712
 * `MandateRevocation` (relayed with the deadline it signed), or its custodial wallet signs one after its PIN or
 * the SMS code bound to revoking this mandate. `revokeMandateBySig` goes on chain from the gateway's account
 * through the outbox; PremiumMandates is asked first, so a refusal costs no PIN attempt and writes nothing.
 * Premiums already redeemed stay redeemed; no later one is covered.
 */
export async function revokeMandate(
  deps: MandateDeps,
  caller: MandateCaller,
  mandateKey: string,
  params: RevokeMandateParams,
): Promise<MandateView> {
  const input = parseInput(revokeMandateSchema, params);
  const channel = channelOf(input);
  const row = actionableMandate(deps, mandateKey, caller);
  if (row.state !== "accepted" || row.mandate_id === null)
    throw new AppError(
      "MandateStateError",
      409,
      row.state === "revoked" ? "The mandate is already revoked." : "Only an accepted mandate is revoked.",
      "mandateId",
      row.state === "revoked" ? "already_revoked" : "not_accepted",
    );
  const mandateId = row.mandate_id;
  const deadline = deadlineOf(input, await chainNow(deps));
  const member = mandateMember(deps, row, input.by);
  const revocation = { mandateId, memberRef: member.beneficiaryRef, deadline: BigInt(deadline) };
  const digest = mandateRevocationDigest(mandatesDomain(deps), revocation);
  const mandates = deps.system.mandates;
  const call = (signature: string) =>
    mandates.interface.encodeFunctionData("revokeMandateBySig", [
      mandateId,
      member.beneficiaryRef,
      deadline,
      signature,
    ]);
  const writes = mandateWrites(deps);

  const signature = await memberSignature(deps, {
    row,
    member,
    proof: input,
    channel,
    purpose: "revoke",
    digest,
    what: "this revocation",
    call,
    unsignedRefusal: "MandateRevokerUnauthorized",
    signCustodial: (request) => deps.custodialSigner.signRevocation(request, revocation),
  });
  await sendChecked(
    writes,
    {
      idempotencyKey: `mandate-revoke:${digest}`,
      kind: REVOKE_JOB,
      from: deps.operator,
      to: mandates.target as string,
      data: call(signature),
      field: proofField(channel),
    },
    (job) => {
      const done = deps.db
        .prepare(
          `UPDATE premium_mandates SET state = 'revoked', revoked_by = ?, revoke_channel = ?, revoke_job_id = ?,
             updated_at = ? WHERE mandate_key = ? AND state = 'accepted'`,
        )
        .run(member.beneficiaryRef, channel, job.jobId, deps.now().toISOString(), mandateKey);
      if (done.changes !== 1)
        throw new AppError(
          "MandateStateError",
          409,
          "The mandate is already revoked.",
          "mandateId",
          "already_revoked",
        );
    },
    () =>
      deps.db
        .prepare(
          `UPDATE premium_mandates SET state = 'accepted', revoked_by = NULL, revoke_channel = NULL, revoke_job_id = NULL
            WHERE mandate_key = ?`,
        )
        .run(mandateKey),
  );
  return mandateView(deps, mandateRow(deps, mandateKey)!);
}

/** A wallet sends the deadline it signed; a custodial revocation gets one an hour ahead. */
function deadlineOf(input: { signature?: string; deadline?: number }, now: number): number {
  if (input.signature === undefined) {
    if (input.deadline !== undefined)
      throw new ValidationError(
        "deadline",
        "only_with_signature",
        "A deadline goes with a wallet's signature only.",
      );
    return now + CUSTODIAL_REVOCATION_SECONDS;
  }
  if (input.deadline === undefined)
    throw new ValidationError(
      "deadline",
      "required",
      "Send the deadline the wallet signed with its signature.",
    );
  if (input.deadline <= now)
    throw new ValidationError("deadline", "expired", "The revocation's deadline has passed.");
  if (input.deadline > now + DEFAULT_MAX_RECEIPT_LIFETIME_SECONDS)
    throw new ValidationError("deadline", "too_far", "The revocation's deadline is more than a week ahead.");
  return input.deadline;
}
