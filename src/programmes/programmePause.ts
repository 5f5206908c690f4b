import { z } from "zod";
import { AppError } from "../errors";
import { getOrganisation } from "../organisations";
import { parseInput } from "../validation";
import { programmeRow } from "./getProgramme";
import { refuseWhatTheChainWould } from "./simulateWrites";
import { sendOrRefuse } from "../chain/sendOrRefuse";
import type { ProgrammeRuleDeps } from "./types";

export const programmePauseSchema = z.strictObject({
  /** `true` pauses issuance, claims and redemptions; `false` lets them run again. */
  paused: z.boolean(),
  idempotencyKey: z.string().regex(/^[A-Za-z0-9._:-]{8,100}$/),
});
export type ProgrammePauseParams = z.input<typeof programmePauseSchema>;

/** Who asks: the regulator, or a charity (for its own programme only). */
export interface PauseActor {
  orgId: string;
  role: "regulator" | "charity";
}

export interface ProgrammePauseState {
  programmeId: number;
  paused: boolean;
  /** A regulator's pause: only a regulator lifts it. */
  pausedByRegulator: boolean;
}

export const PROGRAMME_PAUSE_JOB = "programme.pause";

/**
 * Pauses or resumes a programme on chain (`ProgrammeBook.setProgrammePaused`): the regulator, sent as the
 * operator, or the programme's own charity, signed by its key (another charity gets 403
 * `not_your_programme`). A regulator's pause is lifted only by a regulator. Checked against the chain first
 * (a programme already in that state, or a charity lifting the regulator's pause, answers 409 naming the
 * ledger's error and queues nothing), then queued in the outbox under the request's idempotency key.
 * Answers the programme's pause as the chain holds it after.
 */
export async function setProgrammePause(
  deps: ProgrammeRuleDeps,
  actor: PauseActor,
  programmeId: number,
  params: ProgrammePauseParams,
): Promise<ProgrammePauseState> {
  const input = parseInput(programmePauseSchema, params);
  const programme = programmeRow(deps, programmeId);
  if (actor.role === "charity" && programme.org_id !== actor.orgId) {
    throw new AppError(
      "ForbiddenError",
      403,
      "Only the programme's charity or the regulator pauses it.",
      "programmeId",
      "not_your_programme",
    );
  }
  const from = actor.role === "regulator" ? deps.operator : getOrganisation(deps, actor.orgId).address;
  const ledger = deps.system.ledger;
  const to = ledger.target as string;
  const data = ledger.interface.encodeFunctionData("setProgrammePaused", [programmeId, input.paused]);
  const idempotencyKey = `programme-pause:${programmeId}:${actor.orgId}:${input.idempotencyKey}`;
  if (!deps.outbox.byKey(idempotencyKey)) await refuseWhatTheChainWould(deps, from, [{ to, data }]);
  await sendOrRefuse(
    deps.outbox,
    { idempotencyKey, kind: PROGRAMME_PAUSE_JOB, from, to, data },
    { message: "The ledger refused this change.", field: "paused" },
  );
  return programmePauseOf(deps, programmeId);
}

export async function programmePauseOf(
  deps: Pick<ProgrammeRuleDeps, "system">,
  programmeId: number,
): Promise<ProgrammePauseState> {
  const onChain = await deps.system.ledger.programme(programmeId);
  return { programmeId, paused: onChain.paused, pausedByRegulator: onChain.pausedByRegulator };
}
