import { getAddress, verifyMessage } from "ethers";
import { z } from "zod";
import { AppError, ValidationError } from "../errors";
import { parseInput } from "../validation";
import { requireActiveCoordinator } from "./coordinators";
import { forgetMemberAccess } from "./memberAccess";
import { endMemberSessions } from "./memberSessions";
import { getMember, memberOfCoordinator } from "./members";
import { oneAtATime } from "./oneAtATime";
import { checkOnly, sendChecked } from "./sendChecked";
import type { MemberView, TimeBankDeps } from "./types";

/** How far ahead a wallet's proof of control may run out: it is signed for this one move, now. */
export const WALLET_PROOF_MAX_SECONDS = 24 * 3600;

export const rebindMemberSchema = z.strictObject({
  /** The wallet the member holds itself and moves to; without it, the gateway makes a new custodial wallet. */
  wallet: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/)
    .optional(),
  /** With `wallet`: that wallet's `personal_sign` of `walletProofMessage`, proving the member holds it. */
  signature: z
    .string()
    .regex(/^0x[0-9a-fA-F]{130}$/)
    .optional(),
  /** With `wallet`: the deadline the proof names (Unix seconds), at most a day ahead. */
  deadline: z.number().int().positive().optional(),
  idempotencyKey: z.string().regex(/^[A-Za-z0-9._:-]{8,100}$/),
});
export type RebindMemberParams = z.input<typeof rebindMemberSchema>;

/**
 * What a self-custodied member's new wallet signs (`personal_sign`) to show it holds it: this member, this
 * wallet, this time bank on this chain, until the deadline. A proof for another member, wallet, deployment or
 * chain is refused; once the move is made the wallet is bound, so the proof cannot be used again.
 */
export function walletProofMessage(
  deps: Pick<TimeBankDeps, "chainId" | "system">,
  memberRef: string,
  wallet: string,
  deadline: number,
): string {
  return (
    `Sin Tech time bank: bind member ${memberRef.toLowerCase()} to wallet ${getAddress(wallet)}` +
    ` on chain ${deps.chainId} at ${getAddress(deps.system.timeBank.target as string)} until ${deadline}`
  );
}

/**
 * A member's own coordinator moves it to a new wallet (its phone lost, its key compromised, or a move between a
 * custodial wallet and one it holds itself): `TimeBank.rebindWallet` moves the whole account (balance, limit,
 * nonce, status) and leaves the old wallet removed for good. To a wallet of its own, the member proves it holds
 * it by signing `walletProofMessage`; its PIN and phone, no longer of use, are forgotten. Otherwise the gateway
 * makes a new custodial key (never the old one, which may be why the member moves) and the member's PIN and phone
 * stay. Checked against the chain first (409 naming the TimeBank's error, nothing queued or made); the same
 * idempotency key answers the same move, another move under it is 409 `idempotency_key_reused`. Services still
 * waiting on chain with the old wallet cannot be confirmed any more: they are logged again.
 */
export async function rebindMember(
  deps: TimeBankDeps,
  coordinatorOrgId: string,
  memberRef: string,
  params: RebindMemberParams,
): Promise<MemberView> {
  const input = parseInput(rebindMemberSchema, params);
  const self = input.wallet !== undefined;
  for (const field of ["signature", "deadline"] as const)
    if ((input[field] !== undefined) !== self)
      throw new ValidationError(
        field,
        self ? "required" : "only_with_wallet",
        self
          ? `A move to the member's own wallet needs that wallet's ${field}.`
          : `A ${field} goes with the member's own wallet only.`,
      );
  const coordinator = await requireActiveCoordinator(deps, coordinatorOrgId);
  const ref = memberOfCoordinator(deps, coordinatorOrgId, memberRef).member_ref;
  const key = `timebank-rebind:${ref}:${input.idempotencyKey}`;
  const timeBank = deps.system.timeBank;
  // One move of a member at a time: a second waits, then reads the wallet the first bound.
  return oneAtATime([`timebank-member:${ref}`], async () => {
    const known = deps.outbox.byKey(key);
    // A move asked again names the wallet it moved from, not the one the member holds now.
    const member = memberOfCoordinator(deps, coordinatorOrgId, ref);
    const from = known
      ? (timeBank.interface.decodeFunctionData("rebindWallet", known.data)[0] as string)
      : member.wallet;
    const write = (to: string) => ({
      idempotencyKey: key,
      kind: "timebank.rebind",
      from: coordinator.address,
      to: timeBank.target as string,
      data: timeBank.interface.encodeFunctionData("rebindWallet", [getAddress(from), getAddress(to)]),
      field: self ? "wallet" : "memberRef",
    });
    let wallet: string;
    if (self) {
      wallet = getAddress(input.wallet!);
      if (!known) proveControl(deps, member.member_ref, wallet, input.signature!, input.deadline!);
    } else if (known) {
      // The same move asked again: the custodial wallet it made, not another one.
      const [, made] = timeBank.interface.decodeFunctionData("rebindWallet", known.data);
      wallet = getAddress(made as string);
    } else {
      // Checked with a wallet never bound (the chain answers it as it would the new key), so a refusal makes
      // no key.
      await checkOnly(deps, write(`0x${member.member_ref.slice(26)}`));
      wallet = getAddress(deps.createCustodialKey(member.member_ref));
    }
    const previous = { wallet: member.wallet, custody: member.custody };
    const bind = (to: { wallet: string; custody: string }) =>
      deps.db
        .prepare("UPDATE timebank_members SET wallet = ?, custody = ? WHERE member_ref = ?")
        .run(to.wallet.toLowerCase(), to.custody, member.member_ref);
    await sendChecked(
      deps,
      write(wallet),
      () => bind({ wallet, custody: self ? "self" : "custodial" }),
      () => bind(previous),
    );
    if (self && previous.custody === "custodial") forgetMemberAccess(deps, member.member_ref);
    // Whoever held the old wallet's device (a lost phone) keeps no session: the member signs in again.
    endMemberSessions(deps, member.member_ref);
    return getMember(deps, coordinatorOrgId, member.member_ref);
  });
}

function proveControl(
  deps: TimeBankDeps,
  memberRef: string,
  wallet: string,
  signature: string,
  deadline: number,
): void {
  const now = Math.floor(deps.now().getTime() / 1000);
  if (deadline <= now)
    throw new ValidationError("deadline", "expired", "The wallet's proof of control has run out.");
  if (deadline > now + WALLET_PROOF_MAX_SECONDS)
    throw new ValidationError("deadline", "too_far", "A proof of control runs out within a day.");
  let signer: string;
  try {
    signer = verifyMessage(walletProofMessage(deps, memberRef, wallet, deadline), signature);
  } catch {
    throw new ValidationError("signature", "invalid", "The signature cannot be read.");
  }
  if (signer !== wallet)
    throw new AppError(
      "ControlNotProvenError",
      403,
      "The signature is not the new wallet's: the member has not shown it holds it.",
      "signature",
      "control_not_proven",
    );
}
