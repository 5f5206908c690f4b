import { formatUnits } from "ethers";
import { cachedStatement } from "../db/statements";
import { NotFoundError } from "../errors";
import type { IndexerDeps } from "./types";

export interface ProgrammeGift {
  giftId: number;
  /** Whole units of the settlement token. */
  amount: string;
  txHash: string;
  blockNumber: number;
}

export interface ListProgrammeGiftsParams {
  /** Gifts older than this one, which must be a gift of the programme (the `next` of the previous page). */
  before?: number;
  limit: number;
}

/**
 * A programme's gifts as the indexer read them from the chain, newest first, a page at a time with the cursor
 * of the next (`next`, null on the last page): ids, amounts and transactions, never who gave (a donor's
 * address or reference is the donor's and the charity's to see). A cursor that is not one of the programme's
 * gifts is the 404 of an unknown gift, naming `before`.
 */
export function listProgrammeGifts(
  deps: Pick<IndexerDeps, "db" | "decimals">,
  programmeId: number,
  params: ListProgrammeGiftsParams,
): { gifts: ProgrammeGift[]; next: number | null } {
  if (params.before !== undefined) {
    const known = cachedStatement(
      deps.db,
      "SELECT 1 FROM idx_gifts WHERE programme_id = ? AND gift_id = ?",
    ).get(programmeId, params.before);
    if (!known) throw new NotFoundError("before", "This programme has no gift with this id.");
  }
  const rows = cachedStatement(
    deps.db,
    `SELECT gift_id, amount, tx_hash, block_number FROM idx_gifts
       WHERE programme_id = @programmeId AND (@before IS NULL OR gift_id < @before)
       ORDER BY gift_id DESC LIMIT @limit`,
  ).all({ programmeId, before: params.before ?? null, limit: params.limit + 1 }) as {
    gift_id: number;
    amount: string;
    tx_hash: string;
    block_number: number;
  }[];
  const page = rows.slice(0, params.limit);
  return {
    gifts: page.map((row) => ({
      giftId: row.gift_id,
      amount: formatUnits(BigInt(row.amount), deps.decimals).replace(/\.0$/, ""),
      txHash: row.tx_hash,
      blockNumber: row.block_number,
    })),
    next: rows.length > params.limit ? page[page.length - 1]!.gift_id : null,
  };
}
