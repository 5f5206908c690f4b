import { ZeroAddress } from "ethers";
import { z } from "zod";
import { AppError, NotFoundError, ValidationError } from "../errors";
import { parseInput } from "../validation";
import { pinCheck } from "./confirmService";
import { requireActiveCoordinator } from "./coordinators";
import { getMember, memberOfCoordinator, memberRow } from "./members";
import { checkOnly, sendChecked } from "./sendChecked";
import type { MemberView, TimeBankDeps } from "./types";

export const donateSchema = z.strictObject({
  /** The member who receives the credit; without it, the community pool. */
  to: z
    .string()
    .regex(/^0x[0-9a-f]{64}$/)
    .optional(),
  minutes: z
    .number()
    .int()
    .min(1)
    .max(2 ** 32 - 1),
  /** The donor's PIN: its custodial key then sends the donation. */
  pin: z.string().min(1).max(32),
  idempotencyKey: z.string().regex(/^[A-Za-z0-9._:-]{8,100}$/),
});
export type DonateParams = z.input<typeof donateSchema>;

export interface Donation {
  donor: MemberView;
  to: string | null;
  minutes: number;
  /** Minutes the community pool holds after the donation. */
  poolMinutes: number;
}

/**
 * A member donates credit it earned to another member or to the community pool: its own coordinator relays
 * the request with the member's PIN, and the member's custodial key sends `donate` through the outbox. The
 * chain is asked first (a donation above the earned credit, to itself or to a member not active: 409 naming
 * the TimeBank's error), so a refusal costs no PIN attempt and writes nothing. A self-custodied member donates
 * from its own wallet.
 */
export async function donate(
  deps: TimeBankDeps,
  coordinatorOrgId: string,
  donorRef: string,
  params: DonateParams,
): Promise<Donation> {
  const input = parseInput(donateSchema, params);
  await requireActiveCoordinator(deps, coordinatorOrgId);
  const donor = memberOfCoordinator(deps, coordinatorOrgId, donorRef);
  const beneficiary = input.to === undefined ? undefined : memberRow(deps, input.to);
  if (input.to !== undefined && !beneficiary)
    throw new NotFoundError("to", "No member of the time bank has this reference.");
  if (beneficiary?.member_ref === donor.member_ref)
    throw new ValidationError("to", "self_donation", "A member cannot donate to itself.");
  if (donor.custody !== "custodial")
    throw new AppError(
      "ServiceStateError",
      409,
      "The member holds its own wallet: it donates from that wallet.",
      "memberRef",
      "donate_from_own_wallet",
    );
  const timeBank = deps.system.timeBank;
  const write = {
    idempotencyKey: `timebank-donation:${donor.member_ref}:${input.idempotencyKey}`,
    kind: "timebank.donate",
    from: donor.wallet,
    to: timeBank.target as string,
    data: timeBank.interface.encodeFunctionData("donate", [
      beneficiary?.wallet ?? ZeroAddress,
      input.minutes,
    ]),
    field: "minutes",
  };
  if (!deps.outbox.byKey(write.idempotencyKey)) {
    await checkOnly(deps, write);
    await pinCheck(deps, donor.member_ref, input.pin);
    await deps.fundGas(donor.wallet);
  }
  await sendChecked(deps, write);
  return {
    donor: await getMember(deps, coordinatorOrgId, donor.member_ref),
    to: beneficiary?.member_ref ?? null,
    minutes: input.minutes,
    poolMinutes: Number(await timeBank.poolBalance()),
  };
}
