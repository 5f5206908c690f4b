/** Disbursement: households onto the chain, and entitlements out to them in batches with a status per row. */
export { DISBURSEMENT_SQL } from "./schema";
export {
  registerPendingOnChain,
  registrationCounts,
  registrationRun,
  registrationHandlers,
  REGISTER_JOB,
  REGISTRATION_BATCH,
} from "./registerOnChain";
export type { RegisterResult, RegistrationRun, RunReader } from "./registerOnChain";
export { listRegistrationRuns } from "./listRegistrationRuns";
export type { ListedRegistrationRun, ListRegistrationRunsParams } from "./listRegistrationRuns";
export { runDisbursement, issuanceHandlers, startDraining, ISSUE_JOB, ISSUE_BATCH } from "./disburse";
export { disburseCsv, DISBURSEMENT_COLUMNS } from "./disburseCsv";
export type { DisburseCsvParams } from "./disburseCsv";
export { disburseEligible } from "./disburseEligible";
export type { DisburseEligibleParams } from "./disburseEligible";
export { getDisbursement, listDisbursements, listOlderDisbursements } from "./getDisbursement";
export type { ListDisbursementsOptions, ListOlderDisbursementsOptions } from "./getDisbursement";
export { ROW_MESSAGES, rowMessage } from "./refusals";
export * from "./types";
export { syncRebindsOnChain, rebindHandlers, REBIND_JOB } from "./syncRebinds";
