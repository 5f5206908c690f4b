import { z } from "zod";
import { ValidationError } from "../errors";
import { programmeRow } from "../programmes";
import type { CoverageDeps, ProgrammePeriod } from "./types";

/** A period number in a query: canonical decimal digits, at most 2^32 - 1 (the chain's uint32). */
export const periodSchema = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,9})$/)
  .transform(Number)
  .pipe(z.number().int().max(0xffffffff));

/** The periods a programme can be read for: from the one it started in to the chain's current one. */
export interface ProgrammePeriods {
  first: number;
  current: number;
}

/** A programme's first and current periods, as resolvePeriod bounds them. An unknown programme is 404. */
export async function programmePeriods(
  deps: Pick<CoverageDeps, "db" | "currentPeriod">,
  programmeId: number,
): Promise<ProgrammePeriods & { programme: ReturnType<typeof programmeRow> }> {
  const programme = programmeRow(deps, programmeId);
  const current = await deps.currentPeriod(programmeId);
  return { programme, first: Math.floor(programme.starts_at / programme.period_length), current };
}

/**
 * The programme period asked for, or the current one: a period the chain has not reached yet, or one
 * before the programme started, is refused (400 naming `period`). An unknown programme is 404.
 */
export async function resolvePeriod(
  deps: Pick<CoverageDeps, "db" | "currentPeriod">,
  programmeId: number,
  requested: number | undefined,
): Promise<ProgrammePeriod & { periodLength: number }> {
  const { programme, first, current } = await programmePeriods(deps, programmeId);
  const period = requested ?? current;
  if (period > current) {
    throw new ValidationError("period", "future_period", `The programme's current period is ${current}.`);
  }
  if (period < first) {
    throw new ValidationError("period", "before_programme", `The programme's first period is ${first}.`);
  }
  const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
  return {
    programmeId,
    programmeName: programme.name,
    period,
    periodStartsAt: iso(period * programme.period_length),
    periodEndsAt: iso((period + 1) * programme.period_length),
    periodLength: programme.period_length,
  };
}
