/** Programmes and gifts: what charities run and donors fund, with the gateway-side name and eligibility rule. */
export { EARMARKS_AND_GIFT_REQUESTS_SQL, PROGRAMMES_SQL } from "./schema";
export { CHAIN_REFUSALS, ChainRefusedError } from "./chainRefusals";
export type { ChainRefusal } from "./chainRefusals";
export { EARMARK_PURPOSE } from "./earmarks";
export {
  createProgramme,
  createProgrammeSchema,
  onProgrammeCreated,
  programmeRequestStatus,
  PROGRAMME_CREATE_JOB,
} from "./createProgramme";
export type { CreateProgrammeParams, CreateProgrammeResult } from "./createProgramme";
export { getProgramme, listProgrammes, programmeRow } from "./getProgramme";
export { listExclusivityGroups } from "./listExclusivityGroups";
export type { ExclusivityGroupView } from "./listExclusivityGroups";
export { giveToProgramme, giveSchema, onGiftReceived, GIFT_JOB } from "./giveToProgramme";
export type { GiveParams, GiveResult } from "./giveToProgramme";
export { tokenAmountSchema, toUnits, fromUnits } from "./amounts";
export {
  groupAdmissionSchema,
  GROUP_ADMISSION_JOB,
  MAX_ADMISSIONS_PER_CALL,
  setGroupAdmission,
} from "./groupAdmission";
export type { GroupAdmissionParams } from "./groupAdmission";
export {
  programmePauseOf,
  programmePauseSchema,
  PROGRAMME_PAUSE_JOB,
  setProgrammePause,
} from "./programmePause";
export type { PauseActor, ProgrammePauseParams, ProgrammePauseState } from "./programmePause";
export type { ProgrammeDeps, ProgrammeRuleDeps, ProgrammeView } from "./types";
