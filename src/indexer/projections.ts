import { createHash } from "node:crypto";
import type { Database } from "better-sqlite3";
import { cachedStatement } from "../db/statements";
import { formatUnits } from "ethers";
import type { DecodedEvent } from "./decodeLogs";
import type { GiftEvent, GiftEventType } from "./types";
import { queueWebhookDeliveries } from "./webhookQueue";

const OUTFLOWS = ["settlement", "refund", "reallocation"] as const;
type FlowKind = (typeof OUTFLOWS)[number] | "reversal";

const EVENT_TYPE: Record<FlowKind, GiftEventType> = {
  settlement: "gift.delivered",
  refund: "gift.refunded",
  reallocation: "gift.reallocated",
  reversal: "gift.settlement_reversed",
};

/**
 * Writes the events of one block range into the read models, inside the caller's transaction. An event
 * already stored (same transaction hash and log index) changes nothing, so a range read twice, or again
 * after a rewind, gives the same rows. Returns the gift events it created, for the live streams.
 */
export function applyEvents(
  db: Database,
  events: readonly DecodedEvent[],
  decimals: number,
  now: Date,
): GiftEvent[] {
  const insertEvent = cachedStatement(
    db,
    `INSERT OR IGNORE INTO chain_events (tx_hash, log_index, block_number, contract, name, args_json)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const flows: { event: DecodedEvent; kind: FlowKind }[] = [];
  for (const event of events) {
    const fresh =
      insertEvent.run(
        event.txHash,
        event.logIndex,
        event.blockNumber,
        event.contract,
        event.name,
        JSON.stringify(event.args),
      ).changes === 1;
    if (!fresh) continue;
    if (event.contract === "timeBank") projectTimeBank(db, event);
    else if (event.contract === "mandates") projectMandates(db, event);
    else if (event.contract === "ledger") {
      const kind = project(db, event);
      if (kind) flows.push({ event, kind });
    }
  }
  // After the whole range: a settlement's DeliveryRedeemed may come after its GiftSpent in the same block.
  return flows.map(({ event, kind }) => recordGiftEvent(db, event, kind, decimals, now));
}

/** The ledger's events that feed the donors' read models; returns the kind of a gift flow. */
function project(db: Database, event: DecodedEvent): FlowKind | null {
  const a = event.args as Record<string, string>;
  switch (event.name) {
    case "GiftReceived":
      cachedStatement(
        db,
        `INSERT OR IGNORE INTO idx_gifts
           (gift_id, programme_id, donor, donor_ref, amount, reallocate_to, tx_hash, block_number)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        Number(a.giftId),
        Number(a.programmeId),
        a.donor.toLowerCase(),
        /^0x0+$/.test(a.donorRef) ? null : a.donorRef,
        a.amount,
        Number(a.reallocateTo),
        event.txHash,
        event.blockNumber,
      );
      return null;
    case "GiftSpent":
    case "GiftSettlementReversed": {
      const kind: FlowKind = event.name === "GiftSpent" ? OUTFLOWS[Number(a.kind)]! : "reversal";
      cachedStatement(
        db,
        `INSERT OR IGNORE INTO idx_gift_flows
           (tx_hash, log_index, gift_id, programme_id, kind, amount, ref, block_number)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        event.txHash,
        event.logIndex,
        Number(a.giftId),
        Number(a.programmeId),
        kind,
        a.amount,
        a.ref,
        event.blockNumber,
      );
      return kind;
    }
    case "DeliveryRedeemed":
      cachedStatement(
        db,
        `INSERT OR IGNORE INTO idx_redemptions
           (redemption_id, programme_id, household_ref, vendor, amount, tx_hash, block_number)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        a.redemptionId,
        Number(a.programmeId),
        a.householdRef,
        a.vendor.toLowerCase(),
        a.amount,
        event.txHash,
        event.blockNumber,
      );
      return null;
    case "TransferSingle":
      // Mints only: an entitlement id is (programmeId << 32) | period.
      if (!/^0x0{40}$/i.test(a.from)) return null;
      cachedStatement(
        db,
        `INSERT OR IGNORE INTO idx_issuance (tx_hash, log_index, programme_id, account, amount, block_number)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(
        event.txHash,
        event.logIndex,
        Number(BigInt(a.id) >> 32n),
        a.to.toLowerCase(),
        a.value,
        event.blockNumber,
      );
      return null;
    default:
      return null;
  }
}

/**
 * The time bank's events that the gateway reads back: the member ref each wallet was bound to (a wallet is
 * bound once; a rebound member's new wallet gets its ref and the old one keeps it, for the services it was
 * credited before), each confirmed service (what recognition counts as hours served), each service logged,
 * and every balance move (a service's minutes from payer to giver, a donation's from donor to beneficiary):
 * the members' and the pool's histories.
 */
function projectTimeBank(db: Database, event: DecodedEvent): void {
  const a = event.args as Record<string, string>;
  const bindWallet = (wallet: string, memberRef: string) =>
    cachedStatement(
      db,
      "INSERT OR IGNORE INTO idx_timebank_wallets (wallet, member_ref, block_number) VALUES (?, ?, ?)",
    ).run(wallet.toLowerCase(), memberRef, event.blockNumber);
  /** Minutes moved from `source` to `target` (the zero address: the community pool). */
  const move = (
    kind: "service" | "donation",
    serviceId: string | null,
    source: string,
    target: string,
    minutes: string,
  ) =>
    cachedStatement(
      db,
      `INSERT OR IGNORE INTO idx_timebank_moves
         (tx_hash, log_index, block_number, kind, service_id, source, target, minutes)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      event.txHash,
      event.logIndex,
      event.blockNumber,
      kind,
      serviceId,
      source.toLowerCase(),
      target.toLowerCase(),
      Number(minutes),
    );
  switch (event.name) {
    case "MemberAdmitted":
      bindWallet(a.wallet, a.memberRef);
      return;
    case "MemberWalletRebound":
      bindWallet(a.newWallet, a.memberRef);
      return;
    case "ServiceLogged":
      cachedStatement(
        db,
        `INSERT OR IGNORE INTO idx_timebank_logged
           (service_id, giver, recipient, minutes, category, evidence_hash, tx_hash, log_index, block_number)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        a.serviceId.toLowerCase(),
        a.giver.toLowerCase(),
        a.recipient.toLowerCase(),
        Number(a.duration),
        Number(a.category),
        a.evidenceHash.toLowerCase(),
        event.txHash,
        event.logIndex,
        event.blockNumber,
      );
      return;
    case "CreditDonated":
      move("donation", null, a.donor, a.beneficiary, a.duration);
      return;
    case "ServiceConfirmed":
      move("service", a.serviceId.toLowerCase(), a.payer, a.giver, a.duration);
      cachedStatement(
        db,
        `INSERT OR IGNORE INTO idx_timebank_services
           (service_id, giver, payer, minutes, confirmed_by, tx_hash, block_number)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        a.serviceId,
        a.giver.toLowerCase(),
        a.payer.toLowerCase(),
        Number(a.duration),
        a.confirmedBy.toLowerCase(),
        event.txHash,
        event.blockNumber,
      );
      return;
  }
}

/** A mandate revoked on chain, by the gateway's relay or by a member's own wallet: its row follows it. */
function projectMandates(db: Database, event: DecodedEvent): void {
  if (event.name !== "MandateRevoked") return;
  const a = event.args as Record<string, string>;
  cachedStatement(
    db,
    `INSERT OR IGNORE INTO idx_mandate_revocations
       (mandate_id, household_ref, member_ref, revoker, tx_hash, block_number)
     VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(a.mandateId, a.householdRef, a.memberRef, a.revoker.toLowerCase(), event.txHash, event.blockNumber);
}

/** The stable id a receiver deduplicates on: the same chain log always gives the same id. */
export function giftEventId(txHash: string, logIndex: number): string {
  return (
    "evt_" + createHash("sha256").update(`${txHash.toLowerCase()}:${logIndex}`).digest("hex").slice(0, 32)
  );
}

function recordGiftEvent(
  db: Database,
  event: DecodedEvent,
  kind: FlowKind,
  decimals: number,
  now: Date,
): GiftEvent {
  const a = event.args as Record<string, string>;
  const redemption =
    kind === "settlement" || kind === "reversal"
      ? (cachedStatement(db, "SELECT vendor FROM idx_redemptions WHERE redemption_id = ?").get(a.ref) as
          { vendor: string } | undefined)
      : undefined;
  const giftEvent: GiftEvent = {
    eventId: giftEventId(event.txHash, event.logIndex),
    type: EVENT_TYPE[kind],
    giftId: Number(a.giftId),
    programmeId: Number(a.programmeId),
    amount: formatUnits(BigInt(a.amount), decimals).replace(/\.0$/, ""),
    txHash: event.txHash,
    blockNumber: event.blockNumber,
    redemptionId: kind === "settlement" || kind === "reversal" ? a.ref : null,
    vendor: redemption?.vendor ?? null,
    reallocatedToGiftId: kind === "reallocation" ? Number(BigInt(a.ref)) : null,
  };
  const inserted = cachedStatement(
    db,
    `INSERT OR IGNORE INTO gift_events (event_id, gift_id, type, payload_json, block_number, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(
    giftEvent.eventId,
    giftEvent.giftId,
    giftEvent.type,
    JSON.stringify(giftEvent),
    event.blockNumber,
    now.toISOString(),
  );
  if (inserted.changes === 1) queueWebhookDeliveries(db, giftEvent, now);
  return giftEvent;
}
