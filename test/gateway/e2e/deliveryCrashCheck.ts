import type { E2eGateway } from "./harness";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface DeliveryChainCheck {
  /** Deliveries the gateway reported accepted (answered, or its rows after the last boot). */
  deliveriesChecked: number;
  /** Of them, redeemed on chain: one `DeliveryRedeemed` under its redemption id, in the row's transaction. */
  redeemedOnChain: number;
  /** Confirmations answered to the tablet, each one row in exactly one anchored batch. */
  confirmationsChecked: number;
  /** Anchored batches, each one `ReceiptsAnchored` on chain with its count. */
  batchesChecked: number;
  /** Stored inclusion proofs `ReceiptAnchor.verifyReceipt` accepted (every confirmation's). */
  proofsVerified: number;
  /** Reported accepted (or confirmed) and not redeemed (or anchored) on chain, or refused. */
  lost: number;
  /** Redeemed or anchored more than once on chain; a confirmation key answered twice with two rows. */
  duplicates: number;
  /** On chain (redeemed or anchored) and not reported by the gateway's rows. */
  unreported: number;
}

export interface Reported {
  programmeId: number;
  /** Delivery ids the clients saw accepted. */
  accepted: ReadonlySet<string>;
  /** Confirmation idempotency key → the id answered. */
  confirmed: ReadonlyMap<string, string>;
}

/**
 * After the last boot: waits until every batch is anchored and the outbox is empty, then compares what the
 * clients were told and what the gateway's rows say with the ledger's and the anchor's events.
 */
export async function checkDeliveriesOnChain(
  gw: E2eGateway,
  reported: Reported,
): Promise<DeliveryChainCheck> {
  const db = gw.services.store.sqlite;
  const { ledger, anchor } = gw.services.system;
  const unanchored = () =>
    db
      .prepare(
        `SELECT count(*) FROM confirmations c LEFT JOIN anchor_batches b ON b.batch_id = c.batch_id
         WHERE b.status IS NOT 'anchored'`,
      )
      .pluck()
      .get() as number;
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(200)) {
    await gw.services.outbox.drain();
    if (unanchored() === 0 && gw.services.outbox.pendingCount() === 0) break;
  }
  let lost = unanchored();
  let duplicates = 0;
  let unreported = 0;

  // Redemptions: one DeliveryRedeemed per accepted delivery, in the transaction its row names.
  const rows = db
    .prepare(
      `SELECT delivery_id AS deliveryId, state, digest, tx_hash AS txHash FROM deliveries
        WHERE programme_id = ? AND state IN ('accepted', 'redeemed', 'refused')`,
    )
    .all(reported.programmeId) as {
    deliveryId: string;
    state: string;
    digest: string;
    txHash: string | null;
  }[];
  const rowById = new Map(rows.map((row) => [row.deliveryId, row]));
  const redeemed = new Map<string, string[]>();
  for (const event of await ledger.queryFilter(
    ledger.filters.DeliveryRedeemed(undefined, reported.programmeId),
  )) {
    const id = (event.args.redemptionId as string).toLowerCase();
    redeemed.set(id, [...(redeemed.get(id) ?? []), event.transactionHash.toLowerCase()]);
  }
  const reportedIds = new Set([...reported.accepted, ...rows.map((row) => row.deliveryId)]);
  let redeemedOnChain = 0;
  for (const deliveryId of reportedIds) {
    const row = rowById.get(deliveryId);
    const txs = row ? (redeemed.get(row.digest) ?? []) : [];
    if (row?.state !== "redeemed" || txs.length === 0 || txs[0] !== row.txHash?.toLowerCase()) lost++;
    else redeemedOnChain++;
  }
  duplicates += [...redeemed.values()].filter((txs) => txs.length > 1).length;
  const digests = new Set(rows.map((row) => row.digest));
  unreported += [...redeemed.keys()].filter((digest) => !digests.has(digest)).length;

  // Confirmations: one row per key answered, with the id answered; each in one batch anchored once.
  const confirmations = db
    .prepare(
      `SELECT c.idempotency_key AS key, c.confirmation_id AS id, c.confirmation_hash AS hash, c.proof, b.root
         FROM confirmations c LEFT JOIN anchor_batches b ON b.batch_id = c.batch_id`,
    )
    .all() as { key: string; id: string; hash: string; proof: string | null; root: string | null }[];
  const rowsByKey = new Map(confirmations.map((row) => [row.key, row]));
  for (const [key, id] of reported.confirmed) {
    if (rowsByKey.get(key)?.id !== id) lost++;
  }
  duplicates += confirmations.length - rowsByKey.size;
  unreported += confirmations.filter((row) => !reported.confirmed.has(row.key)).length;
  const batches = db.prepare("SELECT root, count FROM anchor_batches WHERE status = 'anchored'").all() as {
    root: string;
    count: number;
  }[];
  const anchoredRoots = new Map<string, number>();
  for (const event of await anchor.queryFilter(anchor.filters.ReceiptsAnchored())) {
    const root = (event.args.root as string).toLowerCase();
    anchoredRoots.set(root, (anchoredRoots.get(root) ?? 0) + 1);
  }
  for (const batch of batches) {
    const times = anchoredRoots.get(batch.root.toLowerCase()) ?? 0;
    if (times === 0) lost += batch.count;
    if (times > 1) duplicates++;
    if ((await anchor.anchorOf(batch.root))[1] !== BigInt(batch.count)) lost++;
  }
  const ourRoots = new Set(batches.map((batch) => batch.root.toLowerCase()));
  unreported += [...anchoredRoots.keys()].filter((root) => !ourRoots.has(root)).length;
  const verified = await Promise.all(
    confirmations.map((row) =>
      row.root === null || row.proof === null
        ? false
        : anchor.verifyReceipt(row.root, row.hash, JSON.parse(row.proof) as string[]),
    ),
  );
  const proofsVerified = verified.filter(Boolean).length;
  lost += confirmations.length - proofsVerified;

  return {
    deliveriesChecked: reportedIds.size,
    redeemedOnChain,
    confirmationsChecked: reported.confirmed.size,
    batchesChecked: batches.length,
    proofsVerified,
    lost,
    duplicates,
    unreported,
  };
}
