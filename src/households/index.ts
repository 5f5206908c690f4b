/**
 * Households: the household file's use-cases (enrolment, CSV import with review list, eligibility and
 * means test, shredding, exports) over the db and identity rooms. One action per file.
 */
export { createHouseholdContext } from "./context";
export type { CreateHouseholdContextParams, HouseholdContext } from "./context";
export { enrolHousehold, enrolHouseholdSchema } from "./enrolHousehold";
export type { EnrolHouseholdParams, EnrolHouseholdResult, EnrolMemberParams } from "./enrolHousehold";
export { importHouseholdsCsv } from "./importHouseholdsCsv";
export type {
  ImportHouseholdsCsvOptions,
  ImportHouseholdsCsvResult,
  ImportProgress,
  ImportSource,
} from "./importHouseholdsCsv";
export { getImportReport } from "./getImportReport";
export type {
  DuplicateReview,
  GetImportReportParams,
  ImportReport,
  ImportRowResult,
} from "./getImportReport";
export { listDuplicateReviews } from "./listDuplicateReviews";
export type { ListedReview } from "./listDuplicateReviews";
export { listImports } from "./listImports";
export { getImportDetail } from "./getImportDetail";
export type { GetImportDetailParams, ImportDetail, ImportRowNotEnrolled } from "./getImportDetail";
export type { ImportSummary, ListImportsParams } from "./listImports";
export { resolveDuplicateReview, resolveReviewSchema, REVIEW_DECISIONS } from "./resolveDuplicateReview";
export type { ResolvedReview, ResolveReviewAccess, ResolveReviewParams } from "./resolveDuplicateReview";
export type { ListDuplicateReviewsParams } from "./listDuplicateReviews";
export { CSV_COLUMNS, HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, REQUIRED_COLUMNS } from "./csvFormat";
export { sampleHouseholdsCsv } from "./importSample";
export type { SampleHouseholds, SampleHouseholdsOptions } from "./importSample";
export { assessEligibility } from "./eligibility/assessEligibility";
export type { AssessEligibilityParams, AssessEligibilityResult } from "./eligibility/assessEligibility";
export { evaluateEligibility } from "./eligibility/evaluateEligibility";
export type { EligibilityResult } from "./eligibility/evaluateEligibility";
export { DEFAULT_MEANS_TEST_PARAMS, meansTestScore } from "./eligibility/meansTest";
export type { MeansTestFactor, MeansTestParams, MeansTestResult } from "./eligibility/meansTest";
export { describePredicate, programmeRuleSchema } from "./eligibility/programmeRule";
export type { EligibilityProfile, Predicate, ProgrammeRule, TargetGroup } from "./eligibility/programmeRule";
export { shredHousehold } from "./shredHousehold";
export type { ShredHouseholdParams, ShredHouseholdResult } from "./shredHousehold";
export { listExportableHouseholds } from "./listExportableHouseholds";
export type { ExportableHousehold } from "./listExportableHouseholds";
export { JOB_CODE_LIST, JOB_CODES, isSensitiveJob, parseJobCode } from "./jobCodes";
export type { JobCode, JobCodeInfo } from "./jobCodes";
export { DISABILITIES, SEVERITIES, SOCIAL_HARMS, householdAttributesSchema } from "./attributes";
export type { Disability, DisabilitySeverity, HouseholdAttributes, SocialHarm } from "./attributes";
export { UNSAFE_TEXT_MESSAGES, unsafeTextProblem } from "./displayName";
export type { UnsafeTextProblem } from "./displayName";
export {
  authoriseBeneficiaryRead,
  authoriseHouseholdRead,
  authoriseImportRead,
  householdGrounds,
  householdOfBeneficiary,
  listAccessLog,
  recordAccess,
} from "./access/householdAccess";
export type {
  AccessAction,
  AccessLogEntry,
  ListAccessLogParams,
  Reader,
  RecordAccessParams,
} from "./access/householdAccess";
export { utf8Guard } from "./utf8Guard";
export { findHouseholdByPhone, indexMemberPhones } from "./phones/phoneIndex";
export type { PhoneMatch } from "./phones/phoneIndex";
export { indexPhoneBacklog } from "./phones/indexPhoneBacklog";
