import { z } from "zod";
import { ValidationError } from "../errors";
import { getOrganisation } from "../organisations";
import { parseInput } from "../validation";
import { getCoordinator } from "./coordinators";
import { sendChecked } from "./sendChecked";
import { COORDINATOR_LICENCE_KIND, type CoordinatorView, type TimeBankDeps } from "./types";

export const appointCoordinatorSchema = z.strictObject({
  orgId: z.string().regex(/^org_[0-9a-f]{12}$/),
  validDays: z.number().int().min(1).max(3650).default(365),
});
export type AppointCoordinatorParams = z.input<typeof appointCoordinatorSchema>;

/**
 * The regulator appoints a charity a time-bank coordinator: a `Coordinator` licence granted on chain to the
 * charity's own address (its key then signs the coordinator's calls), queued with the appointment's row.
 * Appointing the same charity again answers its appointment; only charities coordinate, since admitting
 * members and deciding who cannot pay is care work done by a licensed charity.
 */
export async function appointCoordinator(
  deps: TimeBankDeps,
  params: AppointCoordinatorParams,
): Promise<CoordinatorView> {
  const input = parseInput(appointCoordinatorSchema, params);
  const org = getOrganisation(deps, input.orgId);
  if (org.role !== "charity")
    throw new ValidationError("orgId", "not_charity", "Only a charity can be appointed a coordinator.");
  const nowSeconds = Math.floor(deps.now().getTime() / 1000);
  const validUntil = nowSeconds + input.validDays * 86_400;
  const licences = deps.system.licences;
  // One category and the relief layer: the licence's scope masks must not be empty, and the time bank
  // checks the licence's kind only.
  const data = licences.interface.encodeFunctionData("grantLicence", [
    org.address,
    COORDINATOR_LICENCE_KIND,
    1,
    1n,
    nowSeconds - 60,
    validUntil,
    "",
  ]);
  const idempotencyKey = `timebank-coordinator:${org.orgId}`;
  if (deps.outbox.byKey(idempotencyKey)) return getCoordinator(deps, org.orgId);
  await sendChecked(
    deps,
    {
      idempotencyKey,
      kind: "timebank.coordinator",
      from: deps.operator,
      to: licences.target as string,
      data,
      field: "orgId",
    },
    (job) =>
      deps.db
        .prepare(
          "INSERT INTO timebank_coordinators (org_id, licence_job_id, valid_until, appointed_at) VALUES (?, ?, ?, ?)",
        )
        .run(org.orgId, job.jobId, validUntil, deps.now().toISOString()),
  );
  return getCoordinator(deps, org.orgId);
}
