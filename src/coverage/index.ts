/**
 * Coverage: under-coverage (کم‌پوشانی) of a programme's eligible households per period, and the open data
 * of each programme period. Chain facts come from the indexer's read models, regions from the household
 * file, under the timeline's small-count rule; no output names a household, a wallet or a person.
 */
export { underCoverage } from "./underCoverage";
export type { UnderCoverageParams, UnderCoverageRegion, UnderCoverageReport } from "./underCoverage";
export { openData } from "./openData";
export { openDataCache } from "./openDataCache";
export type { OpenDataCacheOptions } from "./openDataCache";
export type { OpenDataParams, OpenDataRegion, OpenDataReport, OpenDataTotals } from "./openData";
export { openDataCsv, OPEN_DATA_COLUMNS } from "./openDataCsv";
export { periodSchema, programmePeriods } from "./period";
export type { ProgrammePeriods } from "./period";
export type { CoverageDeps, ProgrammePeriod } from "./types";
