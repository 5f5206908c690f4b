import { z } from "zod";
import { AppError, ValidationError } from "../errors";
import { getOrganisation, LICENCE_KIND } from "../organisations";
import { parseInput } from "../validation";
import { findCoordinator, getCoordinator } from "./coordinators";
import { oneAtATime } from "./oneAtATime";
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
 * Appointing the same charity again answers its appointment while its licence runs; once the grant failed
 * or the licence ended, it is granted again. Only a charity whose own licence is active coordinates, since
 * admitting members and deciding who cannot pay is care work done by a licensed charity.
 */
export async function appointCoordinator(
  deps: TimeBankDeps,
  params: AppointCoordinatorParams,
): Promise<CoordinatorView> {
  const input = parseInput(appointCoordinatorSchema, params);
  const org = getOrganisation(deps, input.orgId);
  if (org.role !== "charity")
    throw new ValidationError("orgId", "not_charity", "Only a charity can be appointed a coordinator.");
  return oneAtATime([`timebank-coordinator:${org.orgId}`], () => appointOnce(deps, org, input.validDays));
}

async function appointOnce(
  deps: TimeBankDeps,
  org: { orgId: string; address: string },
  validDays: number,
): Promise<CoordinatorView> {
  const nowSeconds = Math.floor(deps.now().getTime() / 1000);
  const validUntil = nowSeconds + validDays * 86_400;
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
  const current = findCoordinator(deps, org.orgId);
  // Appointed and not yet lapsed: answered again, nothing queued. A grant that failed, or a licence past its
  // end, is granted anew (the next attempt's key), the row following the grant.
  if (current && current.licenceStatus !== "failed" && current.validUntil > nowSeconds) return current;
  if (!(await licences.isActive(org.address, LICENCE_KIND.charity!)))
    throw new AppError(
      "ChainRefusedError",
      409,
      "The charity's own licence is not active on chain: it cannot coordinate.",
      "orgId",
      "charity_licence_inactive",
    );
  const previous = deps.db
    .prepare("SELECT licence_job_id, valid_until, appointed_at FROM timebank_coordinators WHERE org_id = ?")
    .get(org.orgId) as { licence_job_id: number; valid_until: number; appointed_at: string } | undefined;
  const upsert = deps.db.prepare(
    `INSERT INTO timebank_coordinators (org_id, licence_job_id, valid_until, appointed_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (org_id) DO UPDATE SET licence_job_id = excluded.licence_job_id,
       valid_until = excluded.valid_until, appointed_at = excluded.appointed_at`,
  );
  await sendChecked(
    deps,
    {
      idempotencyKey: `timebank-coordinator:${org.orgId}${current ? `:${current.validUntil}` : ""}`,
      kind: "timebank.coordinator",
      from: deps.operator,
      to: licences.target as string,
      data,
      field: "orgId",
      retryAfterFailure: true,
    },
    (job) => upsert.run(org.orgId, job.jobId, validUntil, deps.now().toISOString()),
    () => {
      if (previous)
        upsert.run(org.orgId, previous.licence_job_id, previous.valid_until, previous.appointed_at);
      else deps.db.prepare("DELETE FROM timebank_coordinators WHERE org_id = ?").run(org.orgId);
    },
  );
  return getCoordinator(deps, org.orgId);
}
