import { cachedStatement } from "../db/statements";
import { fromUnits } from "../programmes";
import type { DeliveryDeps } from "./types";

/** What a charity officer may answer to a household's dispute: a code, never free text. */
export const DISPUTE_ANSWERS = ["redelivered", "vendor_at_fault", "household_mistaken", "other"] as const;
export type DisputeAnswerCode = (typeof DISPUTE_ANSWERS)[number];

/**
 * An IPFS CID as the evidence store and the auditors publish them: CIDv1 in base32 (`b...`) or CIDv0
 * (`Qm...`, base58). Nothing else, so no free text (and no personal data) rides in it, nor on chain.
 */
export const CID_PATTERN = /^(b[a-z2-7]{58,100}|Qm[1-9A-HJ-NP-Za-km-z]{44})$/;

/** The charity's answer, as the delivery shows it. */
export interface DisputeAnswer {
  answer: DisputeAnswerCode;
  evidenceCid: string | null;
  /** The programme's charity (org id). */
  answeredBy: string;
  answeredAt: string;
}

/** An auditor's or the regulator's resolution of the flag, as requested through the gateway. */
export interface FlagResolution {
  upheld: boolean;
  /** Whole units the flag held out of the vendor's credit (its `SettlementHeld`), "0" if none. */
  held: string;
  /** Where the held amount goes: back to the programme's budget (upheld), or to the vendor's credit. */
  returnedTo: "programme" | "vendor";
  reportCid: string | null;
  resolvedBy: string;
  resolverRole: "auditor" | "regulator";
  requestedAt: string;
  /** The `resolveFlag` transaction once the chain confirmed it; null while it is queued. */
  txHash: string | null;
  blockNumber: number | null;
}

interface AnswerRow {
  answer: DisputeAnswerCode;
  evidence_cid: string | null;
  answered_by: string;
  answered_at: string;
}

interface ResolutionRow {
  upheld: 0 | 1;
  held: string;
  report_cid: string | null;
  resolved_by: string;
  resolver_role: "auditor" | "regulator";
  requested_at: string;
  tx_hash: string | null;
  block_number: number | null;
}

export function disputeAnswerOf(deps: Pick<DeliveryDeps, "db">, deliveryId: string): DisputeAnswer | null {
  const row = cachedStatement(
    deps.db,
    "SELECT answer, evidence_cid, answered_by, answered_at FROM dispute_answers WHERE delivery_id = ?",
  ).get(deliveryId) as AnswerRow | undefined;
  return row
    ? {
        answer: row.answer,
        evidenceCid: row.evidence_cid,
        answeredBy: row.answered_by,
        answeredAt: row.answered_at,
      }
    : null;
}

export function flagResolutionOf(
  deps: Pick<DeliveryDeps, "db" | "decimals">,
  deliveryId: string,
): FlagResolution | null {
  const row = cachedStatement(
    deps.db,
    `SELECT upheld, held, report_cid, resolved_by, resolver_role, requested_at, tx_hash, block_number
       FROM flag_resolutions WHERE delivery_id = ?`,
  ).get(deliveryId) as ResolutionRow | undefined;
  if (!row) return null;
  return {
    upheld: row.upheld === 1,
    held: fromUnits(BigInt(row.held), deps.decimals),
    returnedTo: row.upheld === 1 ? "programme" : "vendor",
    reportCid: row.report_cid,
    resolvedBy: row.resolved_by,
    resolverRole: row.resolver_role,
    requestedAt: row.requested_at,
    txHash: row.tx_hash,
    blockNumber: row.block_number,
  };
}
