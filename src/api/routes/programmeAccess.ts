import type { RequestHandler } from "express";
import { AppError, ValidationError } from "../../errors";
import { programmeRow, tokenAmountSchema, toUnits } from "../../programmes";
import type { ProgrammeDeps } from "../../programmes";
import { programmeParams } from "./programmeRoutes";
import { validated } from "../validation";

/**
 * Only the programme's own charity acts on it: another charity gets 403 `not_your_programme` (the
 * programme itself is public), an unknown programme 404. Put after `validate(programmeParams, "params")`.
 */
export function ownProgrammeOnly(deps: Pick<ProgrammeDeps, "db">): RequestHandler {
  return (_req, res, next) => {
    const { programmeId } = validated(res, programmeParams, "params");
    const programme = programmeRow(deps, programmeId);
    if (programme.org_id !== res.locals.principal!.orgId) {
      throw new AppError(
        "ForbiddenError",
        403,
        "Only the programme's charity disburses it.",
        "programmeId",
        "not_your_programme",
      );
    }
    next();
  };
}

/**
 * A disbursement by selection gives every selected household one amount: above the programme's cap per
 * period no row can be issued, so it is refused whole (400 `above_cap` on `amount`) before any job exists.
 * Ill-formed amounts are left to the route's own validation.
 */
export function refuseAmountAboveCap(deps: Pick<ProgrammeDeps, "db" | "decimals">): RequestHandler {
  return (req, res, next) => {
    if (req.is("text/csv")) return next();
    const amount = tokenAmountSchema.safeParse((req.body as { amount?: unknown } | undefined)?.amount);
    if (!amount.success) return next();
    const programme = programmeRow(deps, validated(res, programmeParams, "params").programmeId);
    let units: bigint;
    try {
      units = toUnits(amount.data, deps.decimals);
    } catch {
      return next();
    }
    if (units > toUnits(programme.cap, deps.decimals)) {
      throw new ValidationError(
        "amount",
        "above_cap",
        `The amount is above the programme's cap per period (${programme.cap}): no household could receive it.`,
      );
    }
    next();
  };
}
