import { z } from "zod";
import { NotFoundError, ValidationError } from "../errors";
import { getOrganisation } from "../organisations";
import { parseInput } from "../validation";
import { listExclusivityGroups, type ExclusivityGroupView } from "./listExclusivityGroups";
import { refuseWhatTheChainWould } from "./simulateWrites";
import { sendOrRefuse } from "../chain/sendOrRefuse";
import type { ProgrammeRuleDeps } from "./types";

/** As many charities as `ProgrammeBook.setExclusivityGroupAdmission` takes in one call. */
export const MAX_ADMISSIONS_PER_CALL = 50;

export const groupAdmissionSchema = z.strictObject({
  /** The charities (this gateway's organisations) to admit to the group, or to withdraw from it. */
  charityOrgIds: z
    .array(z.string().regex(/^org_[0-9a-f]{12}$/))
    .min(1)
    .max(MAX_ADMISSIONS_PER_CALL)
    .refine((ids) => new Set(ids).size === ids.length, "must not name a charity twice"),
  /** `true` admits them (their programmes may join the group), `false` withdraws the admission. */
  admitted: z.boolean(),
  idempotencyKey: z.string().regex(/^[A-Za-z0-9._:-]{8,100}$/),
});
export type GroupAdmissionParams = z.input<typeof groupAdmissionSchema>;

export const GROUP_ADMISSION_JOB = "programme.group-admission";

/**
 * The regulator admits charities to an exclusivity group (which charities' programmes may join it), or
 * withdraws them: a withdrawn charity's programmes in the group issue nothing more, what they issued stays
 * redeemable. Sent as the operator (the embedded regulator; `onlyRegulator` on chain). Checked against the
 * chain first (a charity already in the state asked answers 409 `ExclusivityGroupAdmissionUnchanged` and
 * queues nothing), then queued in the outbox under the request's idempotency key. Answers the group as the
 * chain holds it after.
 */
export async function setGroupAdmission(
  deps: ProgrammeRuleDeps,
  groupId: number,
  params: GroupAdmissionParams,
): Promise<ExclusivityGroupView> {
  const input = parseInput(groupAdmissionSchema, params);
  const charities = input.charityOrgIds.map((orgId, index) => {
    const field = `charityOrgIds[${index}]`;
    let org;
    try {
      org = getOrganisation(deps, orgId);
    } catch (error) {
      if (error instanceof NotFoundError) throw new NotFoundError(field, "No organisation has this id.");
      throw error;
    }
    if (org.role !== "charity")
      throw new ValidationError(field, "not_a_charity", "This organisation is not a charity.");
    return org.address;
  });
  const ledger = deps.system.ledger;
  // Group ids are uint32 on chain: a larger one names no group.
  const group = groupId <= 0xffff_ffff ? await ledger.exclusivityGroup(groupId) : undefined;
  if (!group || group.periodLength === 0n)
    throw new NotFoundError("groupId", "No exclusivity group has this id.");
  const data = ledger.interface.encodeFunctionData("setExclusivityGroupAdmission", [
    groupId,
    charities,
    input.admitted,
  ]);
  const to = ledger.target as string;
  const idempotencyKey = `group-admission:${groupId}:${input.idempotencyKey}`;
  // A repeated request is answered from its job (the outbox refuses the key with another payload).
  if (!deps.outbox.byKey(idempotencyKey)) await refuseWhatTheChainWould(deps, deps.operator, [{ to, data }]);
  await sendOrRefuse(
    deps.outbox,
    { idempotencyKey, kind: GROUP_ADMISSION_JOB, from: deps.operator, to, data },
    { message: "The ledger refused this admission.", field: "charityOrgIds" },
  );
  return (await listExclusivityGroups(deps)).find((view) => view.groupId === groupId)!;
}
