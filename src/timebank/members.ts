import { cachedStatement } from "../db/statements";
import { NotFoundError } from "../errors";
import { MEMBER_STATUSES, type MemberCustody, type MemberView, type TimeBankDeps } from "./types";

export interface MemberRow {
  member_ref: string;
  coordinator_org_id: string;
  wallet: string;
  custody: MemberCustody;
  created_at: string;
}

/**
 * A member its own coordinator asks about; any other organisation is told 404, as if it did not exist, so
 * membership itself is not disclosed across coordinators.
 */
export function memberOfCoordinator(
  deps: Pick<TimeBankDeps, "db">,
  coordinatorOrgId: string,
  memberRef: string,
  field = "memberRef",
): MemberRow {
  const row = memberRow(deps, memberRef);
  if (!row || row.coordinator_org_id !== coordinatorOrgId)
    throw new NotFoundError(field, "No member of this coordinator has this reference.");
  return row;
}

/** The gateway's row of a member, whichever coordinator admitted it. */
export function memberRow(deps: Pick<TimeBankDeps, "db">, memberRef: string): MemberRow | undefined {
  return cachedStatement(
    deps.db,
    "SELECT member_ref, coordinator_org_id, wallet, custody, created_at FROM timebank_members WHERE member_ref = ?",
  ).get(memberRef.toLowerCase()) as MemberRow | undefined;
}

/**
 * The member's account read from the TimeBank on demand: one storage slot, so a read model would only add
 * a second copy to keep in step; the gateway's row adds who admitted it and how its wallet is held.
 */
export async function getMember(
  deps: Pick<TimeBankDeps, "db" | "system">,
  coordinatorOrgId: string,
  memberRef: string,
): Promise<MemberView> {
  const row = memberOfCoordinator(deps, coordinatorOrgId, memberRef);
  const account = await deps.system.timeBank.accountOf(row.wallet);
  return {
    memberRef: row.member_ref,
    wallet: row.wallet,
    custody: row.custody,
    coordinatorOrgId: row.coordinator_org_id,
    status: MEMBER_STATUSES[Number(account.status)] ?? "none",
    balance: Number(account.balance),
    creditLimit: Number(account.creditLimit),
    nonce: Number(account.nonce),
    createdAt: row.created_at,
  };
}
