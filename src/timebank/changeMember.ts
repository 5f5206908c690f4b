import { z } from "zod";
import { parseInput } from "../validation";
import { requireActiveCoordinator } from "./coordinators";
import { getMember, memberOfCoordinator } from "./members";
import { MAX_CREDIT_LIMIT } from "./admitMember";
import { forgetMemberAccess } from "./memberAccess";
import { endMemberSessions } from "./memberSessions";
import { sendChecked } from "./sendChecked";
import type { MemberView, TimeBankDeps } from "./types";

export const MEMBER_ACTIONS = ["set_credit_limit", "suspend", "reinstate", "remove"] as const;

export const changeMemberSchema = z.strictObject({
  action: z.enum(MEMBER_ACTIONS),
  /** Required for `set_credit_limit`, refused otherwise. */
  creditLimit: z.number().int().min(0).max(MAX_CREDIT_LIMIT).optional(),
  idempotencyKey: z.string().regex(/^[A-Za-z0-9._:-]{8,100}$/),
});
export type ChangeMemberParams = z.input<typeof changeMemberSchema>;

const CALLS = {
  set_credit_limit: "setCreditLimit",
  suspend: "suspendMember",
  reinstate: "reinstateMember",
  remove: "removeMember",
} as const;

/**
 * A member's own coordinator sets its credit limit, suspends, reinstates or removes it: checked against
 * the chain first (409 naming the TimeBank's error, nothing queued), then sent through the outbox under
 * the request's idempotency key. Answers the member as the chain holds it after. Removal also forgets how
 * the member unlocked its custodial key: its PIN is deleted and its phone's key shredded.
 */
export async function changeMember(
  deps: TimeBankDeps,
  coordinatorOrgId: string,
  memberRef: string,
  params: ChangeMemberParams,
): Promise<MemberView> {
  const input = parseInput(
    changeMemberSchema.refine((p) => (p.action === "set_credit_limit") === (p.creditLimit !== undefined), {
      path: ["creditLimit"],
      message: "creditLimit is required for set_credit_limit and only for it",
    }),
    params,
  );
  const coordinator = await requireActiveCoordinator(deps, coordinatorOrgId);
  const member = memberOfCoordinator(deps, coordinatorOrgId, memberRef);
  const timeBank = deps.system.timeBank;
  const data =
    input.action === "set_credit_limit"
      ? timeBank.interface.encodeFunctionData("setCreditLimit", [member.wallet, input.creditLimit!])
      : timeBank.interface.encodeFunctionData(CALLS[input.action] as "suspendMember", [member.wallet]);
  await sendChecked(deps, {
    idempotencyKey: `timebank-member:${member.member_ref}:${input.idempotencyKey}`,
    kind: `timebank.${input.action}`,
    from: coordinator.address,
    to: timeBank.target as string,
    data,
    field: "action",
  });
  if (input.action === "remove")
    deps.db.transaction(() => {
      forgetMemberAccess(deps, member.member_ref);
      endMemberSessions(deps, member.member_ref);
    })();
  if (input.action === "suspend") endMemberSessions(deps, member.member_ref);
  return getMember(deps, coordinatorOrgId, member.member_ref);
}
