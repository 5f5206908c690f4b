import { cachedStatement } from "../db/statements";
import { NotFoundError } from "../errors";
import { householdGrounds, recordAccess } from "../households";
import { fromUnits } from "../programmes";
import { explainPremiumRefusal } from "./refusals";
import {
  chainNow,
  mandatesDomain,
  mandateTypedData,
  revocationTypedData,
  termsOf,
  type MandateTypedData,
  type RevocationTypedData,
} from "./terms";
import type { MandateCaller, MandateChannel, MandateDeps, MandateRow, MandateState } from "./types";

/** How long a revocation signed from the view's template may be submitted: a day. */
export const REVOCATION_LIFETIME_SECONDS = 24 * 3600;

/** One premium redeemed (or queued, or refused) under a mandate: a delivery like any other. */
export interface PremiumView {
  deliveryId: string;
  period: number;
  /** Whole units. */
  amount: string;
  state: "accepted" | "redeemed" | "refused";
  /** The receipt's EIP-712 digest: the ledger's redemption id. */
  redemptionId: string;
  redemption: { txHash: string; blockNumber: number } | null;
  refusal: { code: string; message: string } | null;
  /** Whether the household was told by SMS that it is insured this period. */
  notice: "waiting" | "pending" | "sent" | "no_phone";
}

/** A mandate as its insurer, the household's charity, auditors and the regulator see it: references only. */
export interface MandateView {
  mandateId: string;
  state: MandateState;
  programmeId: number;
  householdRef: string;
  /** The member whose wallet signs (the proposal's), then the member who accepted. */
  beneficiaryRef: string;
  insurerOrgId: string;
  insurer: string;
  proposerOrgId: string;
  /** Whole units a period. */
  premiumPerPeriod: string;
  firstPeriod: number;
  lastPeriod: number;
  receiptIndex: number;
  /** The acceptance deadline. */
  deadline: string;
  /** PremiumMandates' id (the EIP-712 digest), once accepted. */
  chainMandateId: string | null;
  acceptance: { channel: MandateChannel; by: string } | null;
  /**
   * Who revoked it and how: `chain` when a member's own wallet sent `revokeMandate` to PremiumMandates (read by
   * the indexer); `txHash` once the indexer has read the revocation on chain.
   */
  revocation: { channel: MandateChannel | "chain"; by: string; txHash: string | null } | null;
  /** While proposed: what the member signs (`eth_signTypedData_v4`) to accept. */
  typedData: MandateTypedData | null;
  /** While accepted: what a member signs to revoke, with a deadline a day ahead. */
  revocationTypedData: RevocationTypedData | null;
  premiums: PremiumView[];
  createdAt: string;
  updatedAt: string;
}

/**
 * A mandate's row with the revocation the indexer read on chain, if any: a member may revoke from its own
 * wallet (`revokeMandate`), which the gateway did not send, and the row follows the chain.
 */
const ROWS_AS_CHAIN_HOLDS = `
  SELECT m.*, r.member_ref AS chain_revoked_by, r.tx_hash AS chain_revoke_tx
    FROM premium_mandates m LEFT JOIN idx_mandate_revocations r ON r.mandate_id = m.mandate_id`;

/** The state the chain holds: revoked once PremiumMandates says so, whoever sent it. */
const STATE_AS_CHAIN_HOLDS = "CASE WHEN r.mandate_id IS NOT NULL THEN 'revoked' ELSE m.state END";

type StoredRow = MandateRow & { chain_revoked_by: string | null; chain_revoke_tx: string | null };

function asChainHolds(row: StoredRow): MandateRow {
  const { chain_revoked_by: chainRevokedBy, chain_revoke_tx: chainRevokeTx, ...stored } = row;
  if (chainRevokedBy === null) return { ...stored, revoke_tx_hash: null };
  // Revoked through the gateway: its channel and member stand, and the chain's transaction is added.
  if (stored.state === "revoked") return { ...stored, revoke_tx_hash: chainRevokeTx };
  return {
    ...stored,
    state: "revoked",
    revoked_by: chainRevokedBy,
    revoke_channel: null,
    revoke_tx_hash: chainRevokeTx,
  };
}

export function mandateRow(deps: Pick<MandateDeps, "db">, mandateKey: string): MandateRow | undefined {
  const row = cachedStatement(deps.db, `${ROWS_AS_CHAIN_HOLDS} WHERE m.mandate_key = ?`).get(mandateKey) as
    StoredRow | undefined;
  return row && asChainHolds(row);
}

/**
 * Why `caller` may see the mandate, or null: its insurer (`insurer`), a charity that may read the household
 * (its grounds there), auditors and the regulator (their role). Nobody else, not even another vendor.
 */
export function mandateGrounds(
  deps: Pick<MandateDeps, "db">,
  row: MandateRow,
  caller: MandateCaller,
): string | null {
  if (caller.role === "auditor" || caller.role === "regulator") return caller.role;
  if (caller.role === "vendor") return row.insurer_org_id === caller.orgId ? "insurer" : null;
  if (caller.role === "charity") return householdGrounds(deps.db, caller, row.household_ref);
  return null;
}

/** The mandate if `caller` may see it, else the 404 of an unknown one. */
export function visibleMandate(
  deps: Pick<MandateDeps, "db">,
  mandateKey: string,
  caller: MandateCaller,
  field = "mandateId",
): MandateRow {
  const row = mandateRow(deps, mandateKey);
  if (!row || mandateGrounds(deps, row, caller) === null)
    throw new NotFoundError(field, "No mandate has this id.");
  return row;
}

/**
 * The mandate if `caller` may relay a household's word on it (accept, revoke, ask for a code): its insurer,
 * or a charity that may read the household. Auditors and the regulator read, and act on nothing.
 */
export function actionableMandate(
  deps: Pick<MandateDeps, "db">,
  mandateKey: string,
  caller: MandateCaller,
): MandateRow {
  const row = visibleMandate(deps, mandateKey, caller);
  if (caller.role !== "vendor" && caller.role !== "charity")
    throw new NotFoundError("mandateId", "No mandate has this id.");
  return row;
}

/** Records a read of the household's mandates in the access log, unless its insurer reads its own. */
export function recordMandateReads(
  deps: Pick<MandateDeps, "db" | "now">,
  caller: MandateCaller,
  rows: readonly MandateRow[],
  requestId: string | null,
): void {
  const seen = new Set<string>();
  for (const row of rows) {
    const grounds = mandateGrounds(deps, row, caller);
    if (grounds === null || grounds === "insurer" || seen.has(row.household_ref)) continue;
    seen.add(row.household_ref);
    recordAccess(deps.db, {
      reader: caller,
      action: "mandate.read",
      subject: row.household_ref,
      grounds,
      requestId,
      now: deps.now,
    });
  }
}

interface PremiumRow {
  delivery_id: string;
  period: number;
  notice: PremiumView["notice"];
  amount: string;
  state: PremiumView["state"];
  digest: string;
  tx_hash: string | null;
  block_number: number | null;
  refusal_name: string | null;
}

export function premiumRows(deps: Pick<MandateDeps, "db">, mandateKey: string): PremiumRow[] {
  return cachedStatement(
    deps.db,
    `SELECT p.delivery_id, p.period, p.notice, d.amount, d.state, d.digest, d.tx_hash, d.block_number, d.refusal_name
       FROM mandate_premiums p JOIN deliveries d ON d.delivery_id = p.delivery_id
      WHERE p.mandate_key = ? ORDER BY p.period, d.created_at`,
  ).all(mandateKey) as PremiumRow[];
}

export async function mandateView(deps: MandateDeps, row: MandateRow): Promise<MandateView> {
  const domain = mandatesDomain(deps);
  const premiums = await Promise.all(
    premiumRows(deps, row.mandate_key).map(async (premium): Promise<PremiumView> => {
      const refusal =
        premium.state === "refused" && premium.refusal_name !== null
          ? await explainPremiumRefusal(deps, row, premium.refusal_name, {
              amount: BigInt(premium.amount),
              period: premium.period,
            })
          : null;
      return {
        deliveryId: premium.delivery_id,
        period: premium.period,
        amount: fromUnits(BigInt(premium.amount), deps.decimals),
        state: premium.state,
        redemptionId: premium.digest,
        redemption:
          premium.state === "redeemed" && premium.tx_hash !== null && premium.block_number !== null
            ? { txHash: premium.tx_hash, blockNumber: premium.block_number }
            : null,
        refusal: refusal && { code: refusal.code, message: refusal.message },
        notice: premium.notice,
      };
    }),
  );
  const accepted = row.state !== "proposed" && row.accepted_channel !== null;
  return {
    mandateId: row.mandate_key,
    state: row.state,
    programmeId: row.programme_id,
    householdRef: row.household_ref,
    beneficiaryRef: row.beneficiary_ref,
    insurerOrgId: row.insurer_org_id,
    insurer: row.insurer_address,
    proposerOrgId: row.proposer_org_id,
    premiumPerPeriod: fromUnits(BigInt(row.premium), deps.decimals),
    firstPeriod: row.first_period,
    lastPeriod: row.last_period,
    receiptIndex: row.receipt_index,
    deadline: new Date(row.deadline * 1000).toISOString(),
    chainMandateId: row.mandate_id,
    acceptance: accepted ? { channel: row.accepted_channel!, by: row.beneficiary_ref } : null,
    revocation:
      row.state === "revoked" && row.revoked_by !== null
        ? { channel: row.revoke_channel ?? "chain", by: row.revoked_by, txHash: row.revoke_tx_hash }
        : null,
    typedData: row.state === "proposed" ? mandateTypedData(domain, termsOf(row)) : null,
    revocationTypedData:
      row.state === "accepted" && row.mandate_id !== null
        ? revocationTypedData(domain, {
            mandateId: row.mandate_id,
            memberRef: row.beneficiary_ref,
            deadline: BigInt((await chainNow(deps)) + REVOCATION_LIFETIME_SECONDS),
          })
        : null,
    premiums,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface ListMandatesParams {
  householdRef?: string;
  programmeId?: number;
  state?: MandateState;
  limit?: number;
  /** A page of older ones: the mandates proposed before this one (its `mandateId`), newest first. */
  before?: string;
}

/**
 * The mandates `caller` may see, newest first: an insurer its own, a charity its households', auditors and the
 * regulator all. Every household read (but an insurer's own mandates) is in the access log.
 */
export async function listMandates(
  deps: MandateDeps,
  caller: MandateCaller,
  params: ListMandatesParams,
  requestId: string | null = null,
): Promise<MandateView[]> {
  const limit = params.limit ?? 50;
  const candidates = deps.db
    .prepare(
      `${ROWS_AS_CHAIN_HOLDS}
        WHERE (@insurer IS NULL OR m.insurer_org_id = @insurer) AND (@household IS NULL OR m.household_ref = @household)
          AND (@programme IS NULL OR m.programme_id = @programme)
          AND (@state IS NULL OR ${STATE_AS_CHAIN_HOLDS} = @state)
          AND (@before IS NULL OR (m.created_at, m.mandate_key) <
            (SELECT created_at, mandate_key FROM premium_mandates WHERE mandate_key = @before))
        ORDER BY m.created_at DESC, m.mandate_key DESC`,
    )
    .all({
      insurer: caller.role === "vendor" ? caller.orgId : null,
      household: params.householdRef ?? null,
      programme: params.programmeId ?? null,
      state: params.state ?? null,
      before: params.before ?? null,
    }) as StoredRow[];
  const rows: MandateRow[] = [];
  for (const row of candidates.map(asChainHolds)) {
    if (mandateGrounds(deps, row, caller) === null) continue;
    rows.push(row);
    if (rows.length >= limit) break;
  }
  recordMandateReads(deps, caller, rows, requestId);
  return Promise.all(rows.map((row) => mandateView(deps, row)));
}

/** One mandate, if `caller` may see it; the read of its household is in the access log. */
export async function getMandate(
  deps: MandateDeps,
  caller: MandateCaller,
  mandateKey: string,
  requestId: string | null = null,
): Promise<MandateView> {
  const row = visibleMandate(deps, mandateKey, caller);
  recordMandateReads(deps, caller, [row], requestId);
  return mandateView(deps, row);
}

/** Each programme's current period on the ledger (what "this period's premium" is), asked once per programme. */
export async function currentPeriods(
  deps: Pick<MandateDeps, "system">,
  programmeIds: Iterable<number>,
): Promise<Map<number, number>> {
  const unique = [...new Set(programmeIds)];
  const periods = await Promise.all(unique.map((id) => deps.system.ledger.currentPeriod(id)));
  return new Map(unique.map((id, index) => [id, Number(periods[index])]));
}
