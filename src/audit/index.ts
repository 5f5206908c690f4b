export { runAudit, type AuditOptions } from "./runAudit";
export { rpcAt, type AuditRpc } from "./chain/rpc";
export { recoverMany, type RecoveryTask } from "./recovery/recoverMany";
export { reportBodyOf, type ReportBody, type RegionCoverage } from "./report/reportBody";
export { signReport, checkSignature, reportHashOf, type SignedReport } from "./report/signReport";
export { anchorReport, anchoredBy } from "./report/anchorReport";
export {
  parseUnderCoverage,
  type UnderCoverageInput,
  type UnderCoverageSection,
} from "./report/underCoverageSection";
export { htmlReport, reportFromHtml } from "./report/htmlReport";
export { verifyReport, type ReportVerdict } from "./report/verifyReport";
export type { AuditAddresses, AuditResult, Finding, PublishedProof, CheckName } from "./types";
export { listAuditRecords, FINDING_SEVERITIES, FINDING_SUBJECTS } from "./listAuditRecords";
export type { AnchoredReportRecord, FindingRecord } from "./listAuditRecords";
