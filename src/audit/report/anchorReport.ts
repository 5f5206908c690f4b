import { Interface, type Signer } from "ethers";
import type { AuditRpc } from "../chain/rpc";
import type { SignedReport } from "./signReport";

const AUDIT_LOG = new Interface([
  "function anchorReport(bytes32 reportHash, uint64 throughBlock, string reportCid)",
  "function reportAuditor(bytes32 reportHash) view returns (address)",
]);

/**
 * Records the report's hash on chain through `AuditLog.anchorReport`, sent by the auditor (an active auditor
 * licence is required). `reportCid` names where the report is published (a CID or a file name).
 */
export async function anchorReport(
  report: SignedReport,
  auditor: Signer,
  reportCid: string,
): Promise<{ txHash: string; blockNumber: number }> {
  const tx = await auditor.sendTransaction({
    to: report.body.addresses.auditLog,
    data: AUDIT_LOG.encodeFunctionData("anchorReport", [
      report.reportHash,
      report.body.throughBlock,
      reportCid,
    ]),
  });
  const receipt = await tx.wait();
  if (!receipt || receipt.status !== 1) throw new Error(`anchorReport failed in ${tx.hash}`);
  return { txHash: tx.hash, blockNumber: receipt.blockNumber };
}

/** Who anchored the hash on chain (lower case), or undefined when nobody did. */
export async function anchoredBy(
  rpc: AuditRpc,
  auditLog: string,
  reportHash: string,
): Promise<string | undefined> {
  const raw = await rpc.send<string>("eth_call", [
    { to: auditLog, data: AUDIT_LOG.encodeFunctionData("reportAuditor", [reportHash]) },
    "latest",
  ]);
  const [auditor] = AUDIT_LOG.decodeFunctionResult("reportAuditor", raw) as unknown as [string];
  return /^0x0{40}$/i.test(auditor) ? undefined : auditor.toLowerCase();
}
