import { z } from "zod";
import { AppError } from "../errors";
import { parseInput } from "../validation";
import { requireCoordinator } from "./coordinators";
import { memberRow } from "./members";
import { sendChecked } from "./sendChecked";
import { ownService, serviceRow, serviceView, type ServiceRow, type ServiceView } from "./services";
import type { TimeBankDeps } from "./types";

export const coordinatorConfirmSchema = z.strictObject({
  /** `recipient`: the recipient pays, as if it had confirmed; `pool`: the community pool pays the giver. */
  payer: z.enum(["recipient", "pool"]),
});
export type CoordinatorConfirmParams = z.input<typeof coordinatorConfirmSchema>;

/**
 * The coordinator confirms a service for a recipient who cannot (`confirmByCoordinator`: the recipient pays),
 * or decides the recipient cannot pay (`payFromPool`: the pool pays the giver, who still earns the credit).
 * On chain that is two calls: `logService` from the giver's custodial key, then the coordinator's. What the
 * second would refuse (the recipient's limit, the pool's minutes, a party no longer active) is checked before
 * the first is sent, so a refusal writes nothing; a service left logged by a chain that moved in between
 * (`state: logged`) is confirmed by calling again, without logging it twice.
 */
export async function coordinatorConfirm(
  deps: TimeBankDeps,
  coordinatorOrgId: string,
  serviceId: string,
  params: CoordinatorConfirmParams,
): Promise<ServiceView> {
  const { payer } = parseInput(coordinatorConfirmSchema, params);
  const coordinator = requireCoordinator(deps, coordinatorOrgId);
  const row = ownService(deps, coordinatorOrgId, serviceId);
  if (row.state === "confirmed")
    throw new AppError(
      "ServiceStateError",
      409,
      "This service is already confirmed.",
      "serviceId",
      "not_open",
    );
  const giverWallet = memberRow(deps, row.giver_ref)!.wallet;
  const recipientWallet = memberRow(deps, row.recipient_ref)!.wallet;
  const timeBank = deps.system.timeBank;
  await checkPayer(deps, payer, recipientWallet, row.duration);

  let chainServiceId = row.chain_service_id;
  if (row.state === "open") {
    await deps.fundGas(giverWallet);
    const logged = await sendChecked(
      deps,
      {
        idempotencyKey: `timebank-service:${row.service_id}:log`,
        kind: "timebank.log_service",
        from: giverWallet,
        to: timeBank.target as string,
        data: timeBank.interface.encodeFunctionData("logService", [
          recipientWallet,
          row.duration,
          row.category,
          row.evidence_hash,
        ]),
        field: "serviceId",
      },
      (job) => updateService(deps, row, { state: "logged", log_job_id: job.jobId }),
      () => updateService(deps, row, { state: "open", log_job_id: null }),
    );
    chainServiceId = await loggedServiceId(deps, logged.txHash!);
    updateService(deps, row, { chain_service_id: chainServiceId });
  }
  const call = payer === "pool" ? "payFromPool" : "confirmByCoordinator";
  await sendChecked(
    deps,
    {
      idempotencyKey: `timebank-service:${row.service_id}:${call}`,
      kind: `timebank.${call === "payFromPool" ? "pay_from_pool" : "confirm_by_coordinator"}`,
      from: coordinator.address,
      to: timeBank.target as string,
      data: timeBank.interface.encodeFunctionData(call as "payFromPool", [[chainServiceId!]]),
      field: "payer",
    },
    (job) =>
      updateService(deps, row, {
        state: "confirmed",
        confirmed_by: payer === "pool" ? "pool" : "coordinator",
        confirm_job_id: job.jobId,
      }),
    () => updateService(deps, row, { state: "logged", confirmed_by: null, confirm_job_id: null }),
  );
  return serviceView(deps, serviceRow(deps, row.service_id)!);
}

/** What the coordinator's call checks after the log, checked before it (409 naming the TimeBank's error). */
async function checkPayer(
  deps: TimeBankDeps,
  payer: "recipient" | "pool",
  recipientWallet: string,
  duration: number,
): Promise<void> {
  const timeBank = deps.system.timeBank;
  if (payer === "pool") {
    const pool = Number(await timeBank.poolBalance());
    if (pool < duration)
      throw new AppError(
        "ChainRefusedError",
        409,
        "The community pool holds fewer minutes than the service.",
        "payer",
        "PoolInsufficient",
      );
    return;
  }
  const account = await timeBank.accountOf(recipientWallet);
  if (Number(account.balance) - duration < -Number(account.creditLimit))
    throw new AppError(
      "ChainRefusedError",
      409,
      "The recipient would go below its credit limit.",
      "payer",
      "CreditLimitExceeded",
    );
}

/** The TimeBank's id of the service a `logService` transaction logged, from its `ServiceLogged` event. */
async function loggedServiceId(deps: TimeBankDeps, txHash: string): Promise<string> {
  const timeBank = deps.system.timeBank;
  const receipt = await timeBank.runner!.provider!.getTransactionReceipt(txHash);
  for (const log of receipt?.logs ?? []) {
    const parsed = timeBank.interface.parseLog(log);
    if (parsed?.name === "ServiceLogged") return (parsed.args[0] as string).toLowerCase();
  }
  throw new Error(`logService ${txHash} emitted no ServiceLogged`);
}

function updateService(deps: TimeBankDeps, row: ServiceRow, fields: Partial<ServiceRow>): void {
  const entries = Object.entries(fields);
  deps.db
    .prepare(
      `UPDATE timebank_services SET ${entries.map(([name]) => `${name} = ?`).join(", ")}, updated_at = ?
       WHERE service_id = ?`,
    )
    .run(...entries.map(([, value]) => value), deps.now().toISOString(), row.service_id);
}
