import type { AuditLog } from "../../typechain-types";

/** `IAuditLog.Subject` and `IAuditLog.Severity`, by index. */
export const FINDING_SUBJECTS = [
  "programme",
  "gift",
  "redemption",
  "anchored_batch",
  "licence_holder",
] as const;
export const FINDING_SEVERITIES = ["info", "low", "medium", "high", "critical"] as const;

export interface FindingRecord {
  findingId: number;
  auditor: string;
  subject: (typeof FINDING_SUBJECTS)[number];
  /** The programme id, gift id, redemption id, anchor root or holder address, as bytes32. */
  subjectId: string;
  severity: (typeof FINDING_SEVERITIES)[number];
  reportCid: string;
  txHash: string;
  blockNumber: number;
}

export interface AnchoredReportRecord {
  reportHash: string;
  auditor: string;
  throughBlock: number;
  reportCid: string;
  txHash: string;
  blockNumber: number;
}

/**
 * Auditors' findings and the signed reports they anchored, newest first, read from the AuditLog's own
 * events on the chain (the gateway keeps no copy: the chain is the record).
 */
export async function listAuditRecords(
  auditLog: AuditLog,
): Promise<{ findings: FindingRecord[]; reports: AnchoredReportRecord[] }> {
  const [found, anchored] = await Promise.all([
    auditLog.queryFilter(auditLog.filters.FindingRecorded()),
    auditLog.queryFilter(auditLog.filters.AuditReportAnchored()),
  ]);
  return {
    findings: found.reverse().map((event) => ({
      findingId: Number(event.args.findingId),
      auditor: event.args.auditor.toLowerCase(),
      subject: FINDING_SUBJECTS[Number(event.args.subject)] ?? "programme",
      subjectId: event.args.subjectId,
      severity: FINDING_SEVERITIES[Number(event.args.severity)] ?? "info",
      reportCid: event.args.reportCid,
      txHash: event.transactionHash,
      blockNumber: event.blockNumber,
    })),
    reports: anchored.reverse().map((event) => ({
      reportHash: event.args.reportHash,
      auditor: event.args.auditor.toLowerCase(),
      throughBlock: Number(event.args.throughBlock),
      reportCid: event.args.reportCid,
      txHash: event.transactionHash,
      blockNumber: event.blockNumber,
    })),
  };
}
