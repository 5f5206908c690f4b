import { isUnreachable } from "../chain/readCache";
import { cachedStatement } from "../db/statements";
import { NotFoundError } from "../errors";
import { recordAccess, type Reader } from "../households";
import { fromUnits } from "../programmes";
import { disputeAnswerOf, flagResolutionOf, type DisputeAnswer, type FlagResolution } from "./disputeRecords";
import { refusalOf } from "./refusals";
import { qrPayloadOf, typedDataOf, type ReceiptTypedData } from "./receipt";
import type {
  AcceptanceChannel,
  DeliveryCaller,
  DeliveryDeps,
  DeliveryRow,
  DeliveryState,
  FlagState,
} from "./types";

/** A delivery as the API, the CLI and the USSD face show it: references and codes only. */
export interface DeliveryView {
  deliveryId: string;
  state: DeliveryState;
  programmeId: number;
  vendorOrgId: string;
  householdRef: string;
  /** The member whose wallet signs the receipt. */
  beneficiaryRef: string;
  /** Whole units of the settlement token. */
  amount: string;
  item: string;
  quantity: number;
  evidenceHash: string;
  /** The receipt's EIP-712 digest: the ledger's redemption id. */
  redemptionId: string;
  nonce: string;
  deadline: string;
  createdAt: string;
  updatedAt: string;
  typedData: ReceiptTypedData;
  qrPayload: string;
  acceptance: { channel: AcceptanceChannel; by: string } | null;
  fieldAgentOrgId: string | null;
  redemption: { txHash: string; blockNumber: number } | null;
  refusal: { code: string; message: string; args: string[] } | null;
  /** `none`; `queued`/`flagged`/`upheld`/`dismissed` as the chain resolves a flag; `refused` if it refused it. */
  flag: FlagState;
  /**
   * A disputed delivery's path (null when nobody disputed it): the household's reason, the charity's answer,
   * and the resolution of its flag asked through the gateway.
   */
  dispute: {
    /** A code of `DISPUTE_REASONS`; null for a flag raised on chain directly or before reasons were kept. */
    reason: string | null;
    answer: DisputeAnswer | null;
    resolution: FlagResolution | null;
  } | null;
}

const SELECT = "SELECT * FROM deliveries WHERE delivery_id = ?";
const CHAIN_DISPUTE: FlagState[] = ["none", "flagged", "upheld", "dismissed"];

export function deliveryRow(deps: Pick<DeliveryDeps, "db">, deliveryId: string): DeliveryRow {
  const row = cachedStatement(deps.db, SELECT).get(deliveryId) as DeliveryRow | undefined;
  if (!row) throw new NotFoundError("deliveryId", "No delivery has this id.");
  return row;
}

/**
 * The delivery if `caller` may see it: its vendor, the programme's charity, auditors and the regulator;
 * anyone else gets the 404 of an unknown delivery.
 */
export function visibleDeliveryRow(
  deps: Pick<DeliveryDeps, "db">,
  deliveryId: string,
  caller: DeliveryCaller,
): DeliveryRow {
  const row = deliveryRow(deps, deliveryId);
  if (!mayRead(deps, row, caller)) throw new NotFoundError("deliveryId", "No delivery has this id.");
  return row;
}

export function mayRead(deps: Pick<DeliveryDeps, "db">, row: DeliveryRow, caller: DeliveryCaller): boolean {
  if (caller.role === "auditor" || caller.role === "regulator") return true;
  if (caller.role === "vendor") return row.vendor_org_id === caller.orgId;
  if (caller.role === "charity") return programmeCharity(deps, row.programme_id) === caller.orgId;
  if (caller.role === "field_agent")
    return row.state === "awaiting_cosign" || row.field_agent_org_id === caller.orgId;
  return false;
}

/**
 * Records reads of deliveries in the access log, one entry per household read: a delivery names a household
 * and what it received. Its own vendor reading it is not recorded (it wrote it); everyone else is, with the
 * grounds it read on (`programme:<id>` for the programme's charity, `cosign` for a field agent, the role).
 */
export function recordDeliveryReads(
  deps: Pick<DeliveryDeps, "db" | "now">,
  reader: Reader,
  rows: readonly DeliveryRow[],
  context: { purpose: string | null; requestId: string },
): void {
  const seen = new Set<string>();
  for (const row of rows) {
    if (reader.role === "vendor" || seen.has(row.household_ref)) continue;
    seen.add(row.household_ref);
    const grounds =
      reader.role === "charity"
        ? `programme:${row.programme_id}`
        : reader.role === "field_agent"
          ? "cosign"
          : reader.role;
    recordAccess(deps.db, {
      reader,
      action: "delivery.read",
      subject: row.household_ref,
      grounds,
      purpose: context.purpose,
      requestId: context.requestId,
      now: deps.now,
    });
  }
}

export function programmeCharity(deps: Pick<DeliveryDeps, "db">, programmeId: number): string | undefined {
  return cachedStatement(deps.db, "SELECT org_id FROM programmes WHERE programme_id = ?", "pluck").get(
    programmeId,
  ) as string | undefined;
}

/** The row as a view; a redeemed delivery's flag is read from the chain, so a resolution shows at once. */
export async function deliveryView(deps: DeliveryDeps, row: DeliveryRow): Promise<DeliveryView> {
  let flag: FlagState = row.flag_state ?? "none";
  if (row.state === "redeemed" && row.flag_state !== "refused") {
    // While the chain is unreachable the delivery is served as the gateway last knew its flag.
    const status = await deps.system.ledger.disputeStatus(row.digest).catch((error: unknown) => {
      if (isUnreachable(error)) return undefined;
      throw error;
    });
    const onChain = status === undefined ? flag : (CHAIN_DISPUTE[Number(status)] ?? "none");
    if (onChain !== "none" || row.flag_state === null) flag = onChain;
  }
  const args = row.refusal_args ? (JSON.parse(row.refusal_args) as string[]) : [];
  const disputed = row.state === "disputed" || row.flag_state !== null || flag !== "none";
  return {
    deliveryId: row.delivery_id,
    state: row.state,
    programmeId: row.programme_id,
    vendorOrgId: row.vendor_org_id,
    householdRef: row.household_ref,
    beneficiaryRef: row.beneficiary_ref,
    amount: fromUnits(BigInt(row.amount), deps.decimals),
    item: row.item,
    quantity: row.quantity,
    evidenceHash: row.evidence_hash,
    redemptionId: row.digest,
    nonce: row.nonce,
    deadline: new Date(row.deadline * 1000).toISOString(),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    typedData: typedDataOf(deps, row),
    qrPayload: qrPayloadOf(deps, row),
    acceptance:
      row.channel !== null && row.accepted_by !== null ? { channel: row.channel, by: row.accepted_by } : null,
    fieldAgentOrgId: row.field_agent_org_id,
    redemption:
      row.tx_hash !== null && row.block_number !== null && row.state === "redeemed"
        ? { txHash: row.tx_hash, blockNumber: row.block_number }
        : null,
    refusal:
      row.refusal_name === null
        ? null
        : {
            code: row.refusal_name,
            message: refusalOf(row.refusal_name).message,
            args,
          },
    flag,
    dispute: disputed
      ? {
          reason: row.dispute_reason,
          answer: disputeAnswerOf(deps, row.delivery_id),
          resolution: flagResolutionOf(deps, row.delivery_id),
        }
      : null,
  };
}

export interface ListDeliveriesParams {
  state?: DeliveryState;
  programmeId?: number;
  /** Only the disputed: refused by the household before redemption, or flagged after it. */
  disputed?: boolean;
  /** Deliveries created before this one, which the caller must see itself (the `next` of the previous page). */
  before?: string;
  limit: number;
}

/**
 * The caller's deliveries, newest first: a vendor its own, a charity its programmes', auditors all; a page at
 * a time, with the cursor of the next (`next`, null on the last page). A cursor the caller cannot see is the
 * 404 of an unknown delivery.
 */
export async function listDeliveries(
  deps: DeliveryDeps,
  caller: DeliveryCaller,
  params: ListDeliveriesParams,
): Promise<{ rows: DeliveryRow[]; deliveries: DeliveryView[]; next: string | null }> {
  const scope =
    caller.role === "vendor"
      ? "d.vendor_org_id = @org"
      : caller.role === "charity"
        ? "p.org_id = @org"
        : caller.role === "auditor" || caller.role === "regulator"
          ? "1"
          : "0";
  let cursor: { created_at: string; delivery_id: string } | undefined;
  if (params.before !== undefined) {
    cursor = deps.db
      .prepare(
        `SELECT d.created_at, d.delivery_id FROM deliveries d LEFT JOIN programmes p ON p.programme_id = d.programme_id
          WHERE ${scope} AND d.delivery_id = @id`,
      )
      .get({ org: caller.orgId, id: params.before }) as typeof cursor;
    if (!cursor) throw new NotFoundError("before", "No delivery has this id.");
  }
  const found = deps.db
    .prepare(
      `SELECT d.* FROM deliveries d LEFT JOIN programmes p ON p.programme_id = d.programme_id
        WHERE ${scope} AND (@state IS NULL OR d.state = @state) AND (@programme IS NULL OR d.programme_id = @programme)
          AND (@disputed = 0 OR d.state = 'disputed' OR d.flag_state IS NOT NULL)
          AND (@beforeAt IS NULL OR (d.created_at, d.delivery_id) < (@beforeAt, @beforeId))
        ORDER BY d.created_at DESC, d.delivery_id DESC LIMIT @limit`,
    )
    .all({
      org: caller.orgId,
      state: params.state ?? null,
      programme: params.programmeId ?? null,
      disputed: params.disputed ? 1 : 0,
      beforeAt: cursor?.created_at ?? null,
      beforeId: cursor?.delivery_id ?? null,
      limit: params.limit + 1,
    }) as DeliveryRow[];
  const rows = found.slice(0, params.limit);
  return {
    rows,
    deliveries: await Promise.all(rows.map((row) => deliveryView(deps, row))),
    next: found.length > params.limit ? rows[rows.length - 1]!.delivery_id : null,
  };
}
