import type { Interface, LogDescription, TransactionReceipt } from "ethers";
import type { IRedemptionDesk } from "../../typechain-types/contracts/ledger/AidLedger";
import { decodeRevert, type DecodedRevert } from "./decodeRevert";
import { parseLog } from "./parseLog";

/** `AidLedger.MAX_REDEEM_BATCH`: the most receipts one `redeemBatch` takes. */
export const MAX_REDEEM_BATCH = 256;

/**
 * One item of `redeemBatch` (`IRedemptionDesk.SignedReceipt`): the receipt as the wallets room builds it
 * (`DeliveryReceipt`), its beneficiary's signature, and the field agent's co-signature or `0x`.
 */
export type SignedDeliveryReceipt = IRedemptionDesk.SignedReceiptStruct;

/** What became of one item of a mined `redeemBatch`. */
export type RedeemBatchOutcome =
  | { index: number; redeemed: true; redemptionId: string }
  | { index: number; redeemed: false; redemptionId: string; error: DecodedRevert };

/**
 * The calldata of `AidLedger.redeemBatch(items)`, for an outbox job sent from the receipts' vendor (every
 * receipt must name the sender as its vendor, or it is refused with `VendorMismatch`).
 */
export function encodeRedeemBatch(ledger: Interface, items: readonly SignedDeliveryReceipt[]): string {
  if (items.length === 0 || items.length > MAX_REDEEM_BATCH) {
    throw new RangeError(`a redeemBatch holds 1 to ${MAX_REDEEM_BATCH} receipts, not ${items.length}`);
  }
  return ledger.encodeFunctionData("redeemBatch", [items]);
}

/**
 * Each item's outcome in a mined `redeemBatch` of `size` items, from the ledger's logs: a refused item has
 * its `RedemptionRefused` (index, redemption id and `redeem`'s error, named with `interfaces`), and the others
 * were redeemed, their `DeliveryRedeemed` logged in item order.
 */
export function redeemBatchOutcomes(
  ledger: Interface,
  ledgerAddress: string,
  receipt: TransactionReceipt,
  size: number,
  interfaces: readonly Interface[] = [ledger],
): RedeemBatchOutcome[] {
  const refused = new Map<number, RedeemBatchOutcome>();
  const redeemedIds: string[] = [];
  for (const log of ledgerLogs(ledger, ledgerAddress, receipt)) {
    if (log.name === "RedemptionRefused") {
      const index = Number(log.args.index);
      const error = decodeRevert({ data: log.args.detail as string }, interfaces) ?? {
        name: "UnknownRevert",
        args: [],
      };
      refused.set(index, { index, redeemed: false, redemptionId: log.args.redemptionId, error });
    } else if (log.name === "DeliveryRedeemed") {
      redeemedIds.push(log.args.redemptionId as string);
    }
  }
  if (redeemedIds.length + refused.size !== size) {
    throw new Error(
      `redeemBatch ${receipt.hash}: ${redeemedIds.length} redeemed and ${refused.size} refused of ${size} items`,
    );
  }
  let next = 0;
  return Array.from(
    { length: size },
    (_, index) => refused.get(index) ?? { index, redeemed: true, redemptionId: redeemedIds[next++] },
  );
}

const OUTCOME_EVENTS: ReadonlySet<string> = new Set(["DeliveryRedeemed", "RedemptionRefused"]);

function ledgerLogs(ledger: Interface, ledgerAddress: string, receipt: TransactionReceipt): LogDescription[] {
  const address = ledgerAddress.toLowerCase();
  return receipt.logs.flatMap((log) => {
    if (log.address.toLowerCase() !== address) return [];
    try {
      const parsed = parseLog(ledger, log, OUTCOME_EVENTS);
      return parsed ? [parsed] : [];
    } catch {
      return [];
    }
  });
}
