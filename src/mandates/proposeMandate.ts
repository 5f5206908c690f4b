import { randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import { cachedStatement } from "../db/statements";
import { vendorAllowedInProgramme, receiptSigner } from "../delivery";
import { AppError, DuplicateError, NotFoundError, ValidationError } from "../errors";
import { householdGrounds } from "../households";
import { getOrganisation } from "../organisations";
import { programmeRow, tokenAmountSchema, toUnits } from "../programmes";
import { parseInput } from "../validation";
import { mandateRow, mandateView, type MandateView } from "./mandateView";
import { chainNow, MANDATE_RECEIPT_INDEX } from "./terms";
import type { MandateCaller, MandateDeps } from "./types";

/** A member has three days to accept a proposal, well inside the custodial signer's week. */
export const MANDATE_ACCEPTANCE_SECONDS = 3 * 24 * 3600;
const REF = z.string().regex(/^0x[0-9a-f]{64}$/);
const PERIOD = z
  .number()
  .int()
  .min(0)
  .max(2 ** 32 - 1);

export const proposeMandateSchema = z.strictObject({
  /** An insurance-layer programme the insurer is allowed in. */
  programmeId: z.number().int().positive(),
  /** The household, by its keyed reference (card or file). */
  householdRef: REF,
  /** The member whose wallet signs; by default the household's head, else a member with an active wallet. */
  beneficiaryRef: REF.optional(),
  /** The insurer (a vendor organisation); a vendor proposing names itself, or leaves it out. */
  insurerOrgId: z
    .string()
    .regex(/^org_[0-9a-f]{12}$/)
    .optional(),
  /** Whole units of the settlement token the insurer may take each period, at most the programme's cap. */
  premiumPerPeriod: tokenAmountSchema,
  /** The first and last programme periods covered (the ledger's `currentPeriod` numbers). */
  firstPeriod: PERIOD,
  lastPeriod: PERIOD,
  idempotencyKey: z.string().regex(/^[A-Za-z0-9._:-]{8,100}$/),
});
export type ProposeMandateParams = z.input<typeof proposeMandateSchema>;

/**
 * An insurer, or a charity that may read the household, proposes a standing premium mandate: the household
 * (by its reference), an insurance-layer programme, the insurer (a vendor the programme allows), the premium
 * per period (at most the programme's cap) and the periods covered (not yet ended). Nothing goes on chain
 * until a member accepts it; the answer carries the exact typed data that member's wallet signs. The same
 * idempotency key with the same proposal answers it again (`replayed`); with another, 409. A refusal writes
 * nothing.
 */
export async function proposeMandate(
  deps: MandateDeps,
  caller: MandateCaller,
  params: ProposeMandateParams,
): Promise<MandateView & { replayed: boolean }> {
  const input = parseInput(proposeMandateSchema, params);
  if (input.firstPeriod > input.lastPeriod)
    throw new ValidationError(
      "lastPeriod",
      "before_first",
      "The last period must not come before the first.",
    );
  const premium = toUnits(input.premiumPerPeriod, deps.decimals);
  const known = cachedStatement(
    deps.db,
    "SELECT mandate_key FROM premium_mandates WHERE proposer_org_id = ? AND idempotency_key = ?",
    "pluck",
  ).get(caller.orgId, input.idempotencyKey) as string | undefined;
  if (known !== undefined) {
    const row = mandateRow(deps, known)!;
    const same =
      row.programme_id === input.programmeId &&
      row.household_ref === input.householdRef &&
      (input.beneficiaryRef === undefined || row.beneficiary_ref === input.beneficiaryRef) &&
      (input.insurerOrgId === undefined || row.insurer_org_id === input.insurerOrgId) &&
      row.premium === premium.toString() &&
      row.first_period === input.firstPeriod &&
      row.last_period === input.lastPeriod;
    if (!same)
      throw new DuplicateError(
        "idempotencyKey",
        "idempotency_key_reused",
        "This idempotency key proposed another mandate.",
      );
    return { ...(await mandateView(deps, row)), replayed: true };
  }

  const programme = programmeRow(deps, input.programmeId);
  if (programme.layer !== "insurance")
    throw new ValidationError(
      "programmeId",
      "not_insurance",
      "Premium mandates are for programmes of the insurance layer.",
    );
  if (premium > toUnits(programme.cap, deps.decimals))
    throw new ValidationError(
      "premiumPerPeriod",
      "above_cap",
      "The premium is above the programme's cap per period, which no household can be issued.",
    );
  const insurerOrgId = insurerOf(caller, input.insurerOrgId);
  const insurer = insurerOrganisation(deps, insurerOrgId);
  if (insurer.role !== "vendor")
    throw new ValidationError("insurerOrgId", "not_vendor", "An insurer is a licensed vendor organisation.");
  const householdKnown = cachedStatement(
    deps.db,
    "SELECT 1 FROM households WHERE household_ref = ? AND status = 'active'",
    "pluck",
  ).get(input.householdRef);
  const mayPropose =
    householdKnown !== undefined &&
    (caller.role === "vendor" || householdGrounds(deps.db, caller, input.householdRef) !== null);
  if (!mayPropose) throw new NotFoundError("householdRef", "No household has this reference.");
  if (!(await vendorAllowedInProgramme(deps, input.programmeId, insurer.address)))
    throw new AppError(
      "ForbiddenError",
      403,
      "This insurer is not allowed in the programme.",
      "insurerOrgId",
      "insurer_not_allowed",
    );
  const currentPeriod = Number(await deps.system.ledger.currentPeriod(input.programmeId));
  if (input.lastPeriod < currentPeriod)
    throw new ValidationError(
      "lastPeriod",
      "ended",
      `The last period has ended (the programme's current period is ${currentPeriod}).`,
    );
  const signer = receiptSigner(deps, {
    householdRef: input.householdRef,
    memberRef: input.beneficiaryRef ?? null,
  });
  if (input.beneficiaryRef !== undefined && signer !== input.beneficiaryRef)
    throw new NotFoundError(
      "beneficiaryRef",
      "No member of the household with a wallet on chain has this reference.",
    );
  if (signer === undefined)
    throw new AppError(
      "MandateStateError",
      409,
      "No member of this household has a wallet on chain yet.",
      "householdRef",
      "not_registered",
    );

  const mandateKey = `mdt_${randomUUID()}`;
  const now = deps.now();
  cachedStatement(
    deps.db,
    `INSERT INTO premium_mandates (mandate_key, idempotency_key, proposer_org_id, programme_id, household_ref,
       beneficiary_ref, insurer_org_id, insurer_address, premium, first_period, last_period, receipt_index, nonce,
       deadline, state, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'proposed', ?, ?)`,
  ).run(
    mandateKey,
    input.idempotencyKey,
    caller.orgId,
    input.programmeId,
    input.householdRef,
    signer,
    insurerOrgId,
    insurer.address.toLowerCase(),
    premium.toString(),
    input.firstPeriod,
    input.lastPeriod,
    MANDATE_RECEIPT_INDEX,
    // A fresh nonce per proposal: the same terms proposed again (after a revocation) are a new mandate.
    BigInt(`0x${randomBytes(8).toString("hex")}`).toString(),
    (await chainNow(deps)) + MANDATE_ACCEPTANCE_SECONDS,
    now.toISOString(),
    now.toISOString(),
  );
  return { ...(await mandateView(deps, mandateRow(deps, mandateKey)!)), replayed: false };
}

/** The named insurer's organisation; an unknown one is refused naming `insurerOrgId`. */
function insurerOrganisation(deps: MandateDeps, orgId: string) {
  try {
    return getOrganisation(deps, orgId);
  } catch (error) {
    if (error instanceof NotFoundError)
      throw new NotFoundError("insurerOrgId", "No organisation has this id.");
    throw error;
  }
}

/** A vendor proposes as the insurer; a charity names one. */
function insurerOf(caller: MandateCaller, named: string | undefined): string {
  if (caller.role === "vendor") {
    if (named !== undefined && named !== caller.orgId)
      throw new ValidationError("insurerOrgId", "not_self", "An insurer proposes its own mandates only.");
    return caller.orgId;
  }
  if (named === undefined)
    throw new ValidationError("insurerOrgId", "required", "Name the insurer (a vendor organisation).");
  return named;
}
