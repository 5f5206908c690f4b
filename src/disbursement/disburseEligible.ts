import { tokenAmountSchema, toUnits } from "../programmes/amounts";
import { ValidationError } from "../errors";
import { runDisbursement } from "./disburse";
import { resolveRecipient, type PlannedRow } from "./planRows";
import type { DisbursementDeps, DisbursementReport } from "./types";

export interface DisburseEligibleParams {
  orgId: string;
  programmeId: number;
  idempotencyKey: string;
  /** Same amount for every selected household, in whole token units. */
  amount: string;
  /** The households the programme's rule selects (the households room evaluates the rule). */
  selectEligible: () => Promise<string[]>;
}

/** Disburses one amount to every household the programme's eligibility rule selects. */
export async function disburseEligible(
  deps: DisbursementDeps,
  params: DisburseEligibleParams,
): Promise<DisbursementReport> {
  const amount = tokenAmountSchema.safeParse(params.amount);
  if (!amount.success) throw new ValidationError("amount", "amount", "The amount must be a positive number.");
  const units = toUnits(amount.data, deps.decimals);
  return runDisbursement(
    deps,
    {
      orgId: params.orgId,
      programmeId: params.programmeId,
      idempotencyKey: params.idempotencyKey,
      source: "eligible",
      payload: `selection=eligible;amount=${units}`,
    },
    async () => {
      const seen = new Set<string>();
      const refs = await params.selectEligible();
      return refs.map((householdRef, index): PlannedRow =>
        resolveRecipient(
          deps,
          {
            rowNo: index + 1,
            householdRef: null,
            beneficiaryRef: null,
            amount: units,
            status: "queued",
            field: null,
            code: null,
          },
          householdRef,
          seen,
        ),
      );
    },
  );
}
