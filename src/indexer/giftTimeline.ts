import { formatUnits } from "ethers";
import { anchoredProofsOf, type AnchoredProof } from "../anchoring";
import { readCheckpoint } from "./checkpoint";
import type { IndexedGift } from "./giftAccess";
import { coarseRegions, postalArea, type RegionCount } from "./regions";
import type { IndexerDeps } from "./types";

export type DeliveryStatus = "confirmed" | "flagged" | "upheld" | "dismissed";

export interface TimelineDelivery {
  redemptionId: string;
  vendor: string;
  vendorOrgId: string | null;
  vendorName: string | null;
  /** What this gift paid of the redemption (FIFO lots), net of any reversal. */
  amount: string;
  status: DeliveryStatus;
  /** The proof: the redemption's transaction, which carries the beneficiary's signed receipt. */
  txHash: string;
  blockNumber: number;
  at: string | null;
}

export interface GiftTimeline {
  giftId: number;
  programmeId: number;
  programmeName: string | null;
  given: { amount: string; txHash: string; blockNumber: number; at: string | null };
  /** Still held in escrow for the programme. */
  held: { amount: string };
  /** The programme's entitlements issued so far (all its gifts together), and to how many households. */
  entitlementsIssued: { amount: string; households: number };
  redeemed: {
    amount: string;
    vendors: {
      vendor: string;
      vendorOrgId: string | null;
      vendorName: string | null;
      amount: string;
      deliveries: number;
    }[];
  };
  /** How many redemptions this gift paid for; `deliveries` lists the newest `DELIVERIES_SHOWN` of them. */
  deliveryCount: number;
  deliveries: TimelineDelivery[];
  /**
   * The programme's deliveries confirmed off-chain (in kind, service visits) and anchored as Merkle roots:
   * how many, and the newest with their inclusion proofs and the anchoring transaction the indexer read.
   */
  anchoredConfirmations: { count: number; latest: AnchoredConfirmation[] };
  refunded: { amount: string; txHashes: string[] };
  reallocated: { amount: string; toGiftIds: number[] };
  /** Households this gift reached, by coarse region; regions under five households are "other". */
  households: { reached: number; regions: RegionCount[] };
  indexedThroughBlock: number | null;
}

export interface AnchoredConfirmation extends AnchoredProof {
  /** The `ReceiptsAnchored` event's transaction; null until the indexer has read it. */
  anchorTxHash: string | null;
}

/** The newest deliveries a timeline lists; the amounts, vendors and regions count them all. */
const DELIVERIES_SHOWN = 500;
/** The newest anchored confirmations a timeline lists with their proofs. */
const ANCHORED_PROOFS_SHOWN = 50;

interface FlowRow {
  kind: "settlement" | "refund" | "reallocation" | "reversal";
  amount: string;
  ref: string;
  tx_hash: string;
  block_number: number;
}

/**
 * A gift's way from the donor to deliveries, rebuilt from the indexer's read models (chain events only):
 * given → held for the programme → entitlements issued → redeemed with vendors → deliveries, each with its
 * transaction → refunded or reallocated. Households appear only as a count and coarse regions.
 */
export function giftTimeline(deps: IndexerDeps, gift: IndexedGift): GiftTimeline {
  const db = deps.db;
  const units = (value: bigint) => formatUnits(value, deps.decimals).replace(/\.0$/, "");
  const timeOf = db.prepare("SELECT timestamp FROM indexer_blocks WHERE block_number = ?").pluck();
  const at = (block: number) => {
    const seconds = timeOf.get(block) as number | undefined;
    return seconds === undefined ? null : new Date(seconds * 1000).toISOString();
  };
  const given = db
    .prepare("SELECT amount, tx_hash, block_number FROM idx_gifts WHERE gift_id = ?")
    .get(gift.giftId) as { amount: string; tx_hash: string; block_number: number };
  const flows = db
    .prepare(
      `SELECT kind, amount, ref, tx_hash, block_number FROM idx_gift_flows WHERE gift_id = ?
       ORDER BY block_number, log_index`,
    )
    .all(gift.giftId) as FlowRow[];

  const paid = new Map<string, bigint>();
  let refunded = 0n;
  let reallocated = 0n;
  const refundTxs: string[] = [];
  const toGiftIds: number[] = [];
  for (const flow of flows) {
    const amount = BigInt(flow.amount);
    if (flow.kind === "settlement") paid.set(flow.ref, (paid.get(flow.ref) ?? 0n) + amount);
    else if (flow.kind === "reversal") paid.set(flow.ref, (paid.get(flow.ref) ?? 0n) - amount);
    else if (flow.kind === "refund") {
      refunded += amount;
      refundTxs.push(flow.tx_hash);
    } else {
      reallocated += amount;
      toGiftIds.push(Number(BigInt(flow.ref)));
    }
  }

  const redemption = db.prepare(
    `SELECT r.household_ref, r.vendor, r.tx_hash, r.block_number, o.org_id, o.name
     FROM idx_redemptions r LEFT JOIN organisations o ON lower(o.address) = r.vendor
     WHERE r.redemption_id = ?`,
  );
  const deliveries: TimelineDelivery[] = [];
  const households = new Set<string>();
  const vendors = new Map<string, GiftTimeline["redeemed"]["vendors"][number] & { units: bigint }>();
  let redeemed = 0n;
  for (const [redemptionId, amount] of paid) {
    const row = redemption.get(redemptionId) as
      | {
          household_ref: string;
          vendor: string;
          tx_hash: string;
          block_number: number;
          org_id: string | null;
          name: string | null;
        }
      | undefined;
    if (!row) continue;
    const status = flagStatus(deps, redemptionId);
    deliveries.push({
      redemptionId,
      vendor: row.vendor,
      vendorOrgId: row.org_id,
      vendorName: row.name,
      amount: units(amount),
      status,
      txHash: row.tx_hash,
      blockNumber: row.block_number,
      at: at(row.block_number),
    });
    if (amount <= 0n) continue;
    redeemed += amount;
    households.add(row.household_ref);
    const vendor = vendors.get(row.vendor) ?? {
      vendor: row.vendor,
      vendorOrgId: row.org_id,
      vendorName: row.name,
      amount: "0",
      deliveries: 0,
      units: 0n,
    };
    vendor.units += amount;
    vendor.deliveries++;
    vendors.set(row.vendor, vendor);
  }

  const issued = db
    .prepare("SELECT amount, account FROM idx_issuance WHERE programme_id = ?")
    .all(gift.programmeId) as { amount: string; account: string }[];
  const programmeName = db
    .prepare("SELECT name FROM programmes WHERE programme_id = ?")
    .pluck()
    .get(gift.programmeId) as string | undefined;
  const givenAmount = BigInt(given.amount);
  return {
    giftId: gift.giftId,
    programmeId: gift.programmeId,
    programmeName: programmeName ?? null,
    given: {
      amount: units(givenAmount),
      txHash: given.tx_hash,
      blockNumber: given.block_number,
      at: at(given.block_number),
    },
    held: { amount: units(givenAmount - redeemed - refunded - reallocated) },
    entitlementsIssued: {
      amount: units(issued.reduce((sum, row) => sum + BigInt(row.amount), 0n)),
      households: new Set(issued.map((row) => row.account)).size,
    },
    redeemed: {
      amount: units(redeemed),
      vendors: [...vendors.values()].map(({ units: total, ...vendor }) => ({
        ...vendor,
        amount: units(total),
      })),
    },
    deliveryCount: deliveries.length,
    deliveries: deliveries
      .sort((a, b) => b.blockNumber - a.blockNumber || a.redemptionId.localeCompare(b.redemptionId))
      .slice(0, DELIVERIES_SHOWN),
    anchoredConfirmations: anchoredConfirmations(deps, gift.programmeId),
    refunded: { amount: units(refunded), txHashes: refundTxs },
    reallocated: { amount: units(reallocated), toGiftIds },
    households: {
      reached: households.size,
      regions: coarseRegions([...households].map((ref) => regionOf(deps, ref))),
    },
    indexedThroughBlock: readCheckpoint(db)?.blockNumber ?? null,
  };
}

function anchoredConfirmations(
  deps: IndexerDeps,
  programmeId: number,
): GiftTimeline["anchoredConfirmations"] {
  const { count, latest } = anchoredProofsOf(deps.db, programmeId, ANCHORED_PROOFS_SHOWN);
  const anchorTx = deps.db
    .prepare(
      `SELECT tx_hash FROM chain_events
       WHERE name = 'ReceiptsAnchored' AND json_extract(args_json, '$.root') = ? LIMIT 1`,
    )
    .pluck();
  return {
    count,
    latest: latest.map((proof) => ({
      ...proof,
      anchorTxHash: (anchorTx.get(proof.root) as string | undefined) ?? null,
    })),
  };
}

/** The latest flag event of the redemption decides: flagged, then upheld or dismissed. */
function flagStatus(deps: IndexerDeps, redemptionId: string): DeliveryStatus {
  const last = deps.db
    .prepare(
      `SELECT name, args_json FROM chain_events
       WHERE name IN ('RedemptionFlagged', 'RedemptionFlagResolved')
         AND json_extract(args_json, '$.redemptionId') = ?
       ORDER BY block_number DESC, log_index DESC LIMIT 1`,
    )
    .get(redemptionId) as { name: string; args_json: string } | undefined;
  if (!last) return "confirmed";
  if (last.name === "RedemptionFlagged") return "flagged";
  return (JSON.parse(last.args_json) as { upheld: boolean }).upheld ? "upheld" : "dismissed";
}

/** The household's coarse area from the household file; null when this gateway does not hold it. */
function regionOf(deps: IndexerDeps, householdRef: string): string | null {
  try {
    return postalArea(deps.households.vault.get<{ postalCode: string }>(householdRef).postalCode);
  } catch {
    return null;
  }
}
