import type { AuditRpc } from "../chain/rpc";
import { anchoredBy } from "./anchorReport";
import { checkSignature, type SignedReport } from "./signReport";

export interface ReportVerdict {
  hashMatches: boolean;
  signatureValid: boolean;
  /** Who anchored the hash on chain; undefined when not anchored or no node was asked. */
  anchoredBy?: string;
  anchorMatches: boolean;
  valid: boolean;
}

/**
 * Checks a report with one call: its hash is its body's, the auditor signed that hash, and (with a node) the
 * audit log on chain says the same auditor anchored it.
 */
export async function verifyReport(report: SignedReport, rpc?: AuditRpc): Promise<ReportVerdict> {
  const { hashMatches, signatureValid } = checkSignature(report);
  const anchorer = rpc ? await anchoredBy(rpc, report.body.addresses.auditLog, report.reportHash) : undefined;
  const anchorMatches = anchorer !== undefined && anchorer === report.auditor.toLowerCase();
  return {
    hashMatches,
    signatureValid,
    anchoredBy: anchorer,
    anchorMatches,
    valid: hashMatches && signatureValid && (rpc === undefined || anchorMatches),
  };
}
