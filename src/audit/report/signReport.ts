import { getBytes, keccak256, toUtf8Bytes, verifyMessage, type Signer } from "ethers";
import type { ReportBody } from "./reportBody";

/** A report as written to disk: its body, the body's hash, and the auditor's EIP-191 signature of that hash. */
export interface SignedReport {
  body: ReportBody;
  reportHash: string;
  auditor: string;
  signature: string;
  /** Set when `--anchor` recorded the hash through `AuditLog.anchorReport`. */
  anchor?: { txHash: string; blockNumber: number };
}

/** JSON with object keys sorted at every level, so the hash does not depend on how the body was built. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function reportHashOf(body: ReportBody): string {
  return keccak256(toUtf8Bytes(canonicalJson(body)));
}

/** Signs the report hash as an EIP-191 personal message (the 32 hash bytes). */
export async function signReport(body: ReportBody, auditor: Signer): Promise<SignedReport> {
  const reportHash = reportHashOf(body);
  const signature = await auditor.signMessage(getBytes(reportHash));
  return { body, reportHash, auditor: (await auditor.getAddress()).toLowerCase(), signature };
}

/** Whether the hash is the body's and the signature the named auditor's. */
export function checkSignature(report: SignedReport): { hashMatches: boolean; signatureValid: boolean } {
  const hashMatches = reportHashOf(report.body) === report.reportHash;
  let signer = "";
  try {
    signer = verifyMessage(getBytes(report.reportHash), report.signature).toLowerCase();
  } catch {
    signer = "";
  }
  return { hashMatches, signatureValid: signer === report.auditor.toLowerCase() };
}
