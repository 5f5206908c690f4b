import { getAddress } from "ethers";
import { z } from "zod";
import { DuplicateError, ValidationError } from "../errors";
import {
  memberRef as memberRefOf,
  normaliseNationalId,
  normalisePhone,
  refCandidates,
  type NationalId,
} from "../identity";
import { parseInput } from "../validation";
import { preparePin, storePin } from "../wallets";
import { requireActiveCoordinator } from "./coordinators";
import { getMember } from "./members";
import { oneAtATime } from "./oneAtATime";
import { checkOnly, sendChecked } from "./sendChecked";
import type { MemberView, TimeBankDeps } from "./types";

export const MAX_CREDIT_LIMIT = 2 ** 32 - 1;

export const admitMemberSchema = z.strictObject({
  /** Turned into the keyed member ref at once; never stored, logged or sent on. */
  nationalId: z.string().min(1).max(40),
  /** A wallet the member holds itself; without it, the gateway creates a custodial wallet. */
  wallet: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/)
    .optional(),
  /** How far below zero the member may go, in minutes. */
  creditLimit: z.number().int().min(0).max(MAX_CREDIT_LIMIT),
  /**
   * A custodial member's PIN (4 to 8 digits, not guessable): what unlocks its custodial key to confirm a
   * service it received or to donate. Refused with `wallet`.
   */
  pin: z.string().min(1).max(32).optional(),
  /**
   * A custodial member's phone, for the SMS codes that confirm a service it received: sealed in the time
   * bank's vault under the member's own key, never stored in clear, logged or answered. Refused with `wallet`.
   */
  phone: z.string().min(1).max(32).optional(),
});
export type AdmitMemberParams = z.input<typeof admitMemberSchema>;

/**
 * A coordinator admits a person to the time bank: the national ID becomes a keyed member ref (under every
 * pepper the ring holds, so a person enrolled before a rotation is still found), a custodial wallet is
 * created unless the member brings its own, and `admitMember` is sent from the coordinator's key through
 * the outbox with the member's row. Checked against the chain first: a refusal (no active licence, a
 * wallet already bound) queues nothing and creates no key. A person already a member answers 409.
 */
export async function admitMember(
  deps: TimeBankDeps,
  coordinatorOrgId: string,
  params: AdmitMemberParams,
): Promise<MemberView> {
  const input = parseInput(admitMemberSchema, params);
  const nationalId = normaliseNationalId(input.nationalId, "nationalId");
  // One admission of a person at a time: a second sent meanwhile waits, then finds the member (409).
  return oneAtATime([`timebank-member:${memberRefOf(deps.peppers, nationalId)}`], () =>
    admitOnce(deps, coordinatorOrgId, input, nationalId),
  );
}

async function admitOnce(
  deps: TimeBankDeps,
  coordinatorOrgId: string,
  input: z.output<typeof admitMemberSchema>,
  nationalId: NationalId,
): Promise<MemberView> {
  const coordinator = await requireActiveCoordinator(deps, coordinatorOrgId);
  if (input.wallet && input.pin !== undefined)
    throw new ValidationError("pin", "not_custodial", "A member with its own wallet signs; it has no PIN.");
  if (input.wallet && input.phone !== undefined)
    throw new ValidationError(
      "phone",
      "not_custodial",
      "A member with its own wallet signs; it needs no SMS code.",
    );
  const phone = input.phone === undefined ? undefined : normalisePhone(input.phone, "phone");
  const known = refCandidates(deps.peppers, memberRefOf, nationalId).find(
    ({ ref }) =>
      deps.db.prepare("SELECT 1 FROM timebank_members WHERE member_ref = ?").get(ref) !== undefined,
  );
  if (known) throw new DuplicateError("nationalId", "member_exists", "This person is already a member.");
  const ref = memberRefOf(deps.peppers, nationalId);
  const timeBank = deps.system.timeBank;
  // The custodial key is created only once the chain would accept the admission: a placeholder address
  // stands in for the check (never bound before, so it answers the same as the new key would).
  const checkWallet = input.wallet ? getAddress(input.wallet) : getAddress(`0x${ref.slice(2, 42)}`);
  await checkOnly(deps, {
    from: coordinator.address,
    to: timeBank.target as string,
    data: timeBank.interface.encodeFunctionData("admitMember", [ref, checkWallet, input.creditLimit]),
    field: input.wallet ? "wallet" : "nationalId",
  });
  const pinHash = input.pin === undefined ? undefined : await preparePin(deps.wallets, input.pin);
  const wallet = input.wallet ? getAddress(input.wallet) : getAddress(deps.createCustodialKey(ref));
  await sendChecked(
    deps,
    {
      idempotencyKey: `timebank-admit:${ref}`,
      kind: "timebank.admit",
      from: coordinator.address,
      to: timeBank.target as string,
      data: timeBank.interface.encodeFunctionData("admitMember", [ref, wallet, input.creditLimit]),
      field: input.wallet ? "wallet" : "nationalId",
      retryAfterFailure: true,
    },
    (job) => {
      deps.db
        .prepare(
          `INSERT INTO timebank_members (member_ref, pepper_version, coordinator_org_id, wallet, custody, admit_job_id, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          ref,
          deps.peppers.current,
          coordinatorOrgId,
          wallet.toLowerCase(),
          input.wallet ? "self" : "custodial",
          job.jobId,
          deps.now().toISOString(),
        );
      if (pinHash !== undefined) storePin(deps.wallets, ref, pinHash);
      if (phone !== undefined) deps.phones.put(ref, { phone });
    },
    () => {
      deps.phones.shred(ref);
      deps.db.prepare("DELETE FROM timebank_vault WHERE member_ref = ?").run(ref);
      deps.db.prepare("DELETE FROM timebank_members WHERE member_ref = ?").run(ref);
      deps.db.prepare("DELETE FROM access_secrets WHERE beneficiary_ref = ?").run(ref);
    },
  );
  return getMember(deps, coordinatorOrgId, ref);
}
