import { z } from "zod";
import { sendChecked } from "../chain/checkedWrite";
import { AppError } from "../errors";
import { parseInput } from "../validation";
import { standingMandateDigest } from "../wallets";
import { actionableMandate, mandateRow, mandateView, type MandateView } from "./mandateView";
import { channelOf, mandateMember, memberProofShape, memberSignature, proofField } from "./memberProof";
import { mandateWrites } from "./refusals";
import { chainNow, mandatesDomain, termsOf, termsTuple } from "./terms";
import type { MandateCaller, MandateDeps } from "./types";

export const ACCEPT_JOB = "mandate.accept";

export const acceptMandateSchema = z.strictObject(memberProofShape);
export type AcceptMandateParams = z.input<typeof acceptMandateSchema>;

/**
 * A member of the household accepts a proposed mandate once, and the proof is what authorises it: its own
 * wallet's EIP-712 signature of the mandate's typed data (with `by`, the same terms in that member's name), or
 * its custodial wallet signs after its PIN or the SMS code bound to this mandate (the custodial signer's checks
 * and daily caps). Everything PremiumMandates would refuse but the signature is refused before the PIN or code
 * is tried. `acceptMandate` then goes on chain from the gateway's account through the outbox; any refusal
 * writes nothing.
 */
export async function acceptMandate(
  deps: MandateDeps,
  caller: MandateCaller,
  mandateKey: string,
  params: AcceptMandateParams,
): Promise<MandateView> {
  const input = parseInput(acceptMandateSchema, params);
  const channel = channelOf(input);
  const row = actionableMandate(deps, mandateKey, caller);
  if (row.state !== "proposed")
    throw new AppError(
      "MandateStateError",
      409,
      "This mandate is no longer waiting for acceptance.",
      "mandateId",
      "not_proposed",
    );
  if (row.deadline <= (await chainNow(deps)))
    throw new AppError(
      "MandateStateError",
      410,
      "The time to accept this proposal has passed; propose it again.",
      "mandateId",
      "expired",
    );
  const member = mandateMember(deps, row, input.by);
  const terms = termsOf(row, member.beneficiaryRef);
  const domain = mandatesDomain(deps);
  const digest = standingMandateDigest(domain, terms);
  const mandates = deps.system.mandates;
  const call = (signature: string) =>
    mandates.interface.encodeFunctionData("acceptMandate", [termsTuple(terms), signature]);
  const writes = mandateWrites(deps);
  const field = proofField(channel);

  const signature = await memberSignature(deps, {
    row,
    member,
    proof: input,
    channel,
    purpose: "accept",
    digest,
    what: "this mandate's terms",
    call,
    unsignedRefusal: "MandateSignatureInvalid",
    signCustodial: (request) => deps.custodialSigner.signMandate(request, terms),
  });
  await sendChecked(
    writes,
    {
      idempotencyKey: `mandate-accept:${digest}`,
      kind: ACCEPT_JOB,
      from: deps.operator,
      to: mandates.target as string,
      data: call(signature),
      field,
    },
    (job) => {
      const done = deps.db
        .prepare(
          `UPDATE premium_mandates SET state = 'accepted', mandate_id = ?, beneficiary_ref = ?, accepted_channel = ?,
             signature = ?, accept_job_id = ?, updated_at = ? WHERE mandate_key = ? AND state = 'proposed'`,
        )
        .run(
          digest,
          member.beneficiaryRef,
          channel,
          signature,
          job.jobId,
          deps.now().toISOString(),
          mandateKey,
        );
      if (done.changes !== 1)
        throw new AppError(
          "MandateStateError",
          409,
          "This mandate was accepted meanwhile.",
          "mandateId",
          "not_proposed",
        );
    },
    () =>
      deps.db
        .prepare(
          `UPDATE premium_mandates SET state = 'proposed', mandate_id = NULL, beneficiary_ref = ?, accepted_channel = NULL,
             signature = NULL, accept_job_id = NULL WHERE mandate_key = ?`,
        )
        .run(row.beneficiary_ref, mandateKey),
  );
  return mandateView(deps, mandateRow(deps, mandateKey)!);
}
