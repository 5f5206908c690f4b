import { z } from "zod";
import type { Interface } from "ethers";
import { decodeRevert } from "../chain/decodeRevert";
import { sendOrRefuse } from "../chain/sendOrRefuse";
import { AppError, ValidationError } from "../errors";
import { parseInput } from "../validation";
import { getOrganisation } from "./getOrganisation";
import { listLicenceStates, type LicenceState } from "./listLicenceStates";
import { LICENCE_KIND, type OrganisationDeps } from "./types";

/**
 * What the regulator may do to a licence from the gateway: suspend it, reinstate it, propose its
 * revocation (final only after the registry's delay), cancel that proposal, or finalise it once the delay
 * is over. Confirming a revocation early needs a second regulator's own key, which this gateway does not hold.
 */
export const LICENCE_ACTIONS = [
  "suspend",
  "reinstate",
  "revoke",
  "cancel_revocation",
  "finalise_revocation",
] as const;
export type LicenceAction = (typeof LICENCE_ACTIONS)[number];

export const changeLicenceSchema = z.strictObject({
  action: z.enum(LICENCE_ACTIONS),
  /** The finding the decision cites (the AuditLog's id): the only reason that goes on chain, never free text. */
  findingId: z
    .number()
    .int()
    .min(0)
    .max(2 ** 53 - 1)
    .optional(),
  idempotencyKey: z.string().regex(/^[A-Za-z0-9._:-]{8,100}$/),
});
export type ChangeLicenceParams = z.input<typeof changeLicenceSchema>;

/** The licence registry's refusals in plain words (status 409: the licence is not in a state for it). */
const REFUSALS: Record<string, string> = {
  LicenceStatusInvalid: "The licence is not in a state this action applies to.",
  LicenceRevoked: "The licence is already revoked.",
  LicenceRevocationPending: "A revocation of this licence is pending: cancel or finalise it first.",
  LicenceRevocationDelayNotOver: "The revocation's delay is not over yet.",
};

const CALLS: Record<LicenceAction, string> = {
  suspend: "suspendLicence",
  reinstate: "reinstateLicence",
  revoke: "revokeLicence",
  cancel_revocation: "cancelRevocation",
  finalise_revocation: "finaliseRevocation",
};

/**
 * Changes an organisation's licence on chain as the operator (the embedded regulator): checked against the
 * chain first (a refused change queues nothing and answers 409 naming the registry's error), then queued in
 * the outbox under the request's idempotency key and sent. Answers the licence as the chain holds it after.
 */
export async function changeLicence(
  deps: OrganisationDeps,
  orgId: string,
  params: ChangeLicenceParams,
): Promise<LicenceState> {
  const input = parseInput(changeLicenceSchema, params);
  const org = getOrganisation(deps, orgId);
  const kind = LICENCE_KIND[org.role];
  if (kind === undefined) throw new ValidationError("orgId", "no_licence", "Donors hold no licence.");
  const reason = `0x${BigInt(input.findingId ?? 0)
    .toString(16)
    .padStart(64, "0")}`;
  const args =
    input.action === "suspend" || input.action === "revoke"
      ? [org.address, kind, reason]
      : [org.address, kind];
  const licences = deps.system.licences;
  const data = licences.interface.encodeFunctionData(CALLS[input.action] as "suspendLicence", args as never);
  const idempotencyKey = `licence-change:${orgId}:${input.idempotencyKey}`;
  // A repeated request is answered from its job (the outbox refuses the key with another payload); a new
  // one is checked against the chain first, so a refused change queues nothing.
  if (!deps.outbox.byKey(idempotencyKey)) {
    try {
      await deps.system.licences.runner!.provider!.call({
        from: deps.operator,
        to: licences.target as string,
        data,
      });
    } catch (error) {
      throw refusal(error, licences.interface as unknown as Interface);
    }
  }
  await sendOrRefuse(
    deps.outbox,
    {
      idempotencyKey,
      kind: "organisation.licence-change",
      from: deps.operator,
      to: licences.target as string,
      data,
    },
    { message: "The licence registry refused this change.", field: "action" },
  );
  return (await listLicenceStates(deps)).find((licence) => licence.orgId === orgId)!;
}

function refusal(error: unknown, registry: Interface): unknown {
  const revert = decodeRevert(error, [registry]);
  if (!revert) return error;
  return new AppError(
    "ChainRefusedError",
    409,
    REFUSALS[revert.name] ?? "The licence registry refused this change.",
    "action",
    revert.name,
  );
}
