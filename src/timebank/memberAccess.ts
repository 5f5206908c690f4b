import { z } from "zod";
import { AppError, ValidationError } from "../errors";
import { normalisePhone } from "../identity";
import { parseInput } from "../validation";
import { preparePin, storePin } from "../wallets";
import { requireActiveCoordinator } from "./coordinators";
import { memberOfCoordinator } from "./members";
import { MEMBER_STATUSES, type TimeBankDeps } from "./types";

export const memberAccessSchema = z.strictObject({
  /** A new PIN (4 to 8 digits, not guessable): clears failed attempts and any lockout. */
  pin: z.string().min(1).max(32).optional(),
  /** A new phone for SMS codes, sealed in the time bank's vault. */
  phone: z.string().min(1).max(32).optional(),
});
export type MemberAccessParams = z.input<typeof memberAccessSchema>;

export interface MemberAccess {
  memberRef: string;
  /** Whether a PIN is set (never the PIN). */
  pin: boolean;
  /** Whether a phone is on file (never the number). */
  phone: boolean;
}

/**
 * A custodial member's own coordinator sets or resets its PIN or phone (in person, after checking who it is):
 * a new PIN clears failed attempts and any lockout; a new phone replaces the sealed one. Answers only whether
 * each is set. A self-custodied member signs with its own wallet and has neither (409).
 */
export async function setMemberAccess(
  deps: TimeBankDeps,
  coordinatorOrgId: string,
  memberRef: string,
  params: MemberAccessParams,
): Promise<MemberAccess> {
  const input = parseInput(memberAccessSchema, params);
  if (input.pin === undefined && input.phone === undefined)
    throw new ValidationError("pin", "nothing_to_set", "Give a pin, a phone or both.");
  await requireActiveCoordinator(deps, coordinatorOrgId);
  const member = memberOfCoordinator(deps, coordinatorOrgId, memberRef);
  // A removed member acts no more (its PIN was deleted and its phone shredded): nothing is set again.
  const account = await deps.system.timeBank.accountOf(member.wallet);
  if (MEMBER_STATUSES[Number(account.status)] === "removed")
    throw new AppError(
      "ServiceStateError",
      409,
      "The member was removed from the time bank.",
      "memberRef",
      "member_removed",
    );
  if (member.custody !== "custodial")
    throw new AppError(
      "ServiceStateError",
      409,
      "The member holds its own wallet: it signs, and needs no PIN or phone here.",
      "memberRef",
      "not_custodial",
    );
  const phone = input.phone === undefined ? undefined : normalisePhone(input.phone, "phone");
  const pinHash = input.pin === undefined ? undefined : await preparePin(deps.wallets, input.pin);
  deps.db.transaction(() => {
    if (pinHash !== undefined) storePin(deps.wallets, member.member_ref, pinHash);
    if (phone !== undefined) deps.phones.put(member.member_ref, { phone });
  })();
  return memberAccess(deps, member.member_ref);
}

export function memberAccess(deps: Pick<TimeBankDeps, "db">, memberRef: string): MemberAccess {
  const has = (sql: string) => deps.db.prepare(sql).get(memberRef) !== undefined;
  return {
    memberRef,
    pin: has("SELECT 1 FROM access_secrets WHERE beneficiary_ref = ?"),
    phone:
      has("SELECT 1 FROM timebank_vault WHERE member_ref = ?") &&
      has("SELECT 1 FROM timebank_vault_keys WHERE member_ref = ?"),
  };
}

/** A removed member acts no more: its PIN is deleted and its phone's key shredded, so the number is gone. */
export function forgetMemberAccess(deps: TimeBankDeps, memberRef: string): void {
  deps.db.transaction(() => {
    deps.db.prepare("DELETE FROM access_secrets WHERE beneficiary_ref = ?").run(memberRef);
    deps.phones.shred(memberRef);
  })();
}
