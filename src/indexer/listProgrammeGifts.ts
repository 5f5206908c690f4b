import { formatUnits } from "ethers";
import { cachedStatement } from "../db/statements";
import type { IndexerDeps } from "./types";

export interface ProgrammeGift {
  giftId: number;
  /** Whole units of the settlement token. */
  amount: string;
  txHash: string;
  blockNumber: number;
}

/**
 * A programme's gifts as the indexer read them from the chain, newest first: ids, amounts and
 * transactions, never who gave (a donor's address or reference is the donor's and the charity's to see).
 */
export function listProgrammeGifts(
  deps: Pick<IndexerDeps, "db" | "decimals">,
  programmeId: number,
  limit = 100,
): ProgrammeGift[] {
  const rows = cachedStatement(
    deps.db,
    `SELECT gift_id, amount, tx_hash, block_number FROM idx_gifts WHERE programme_id = ?
       ORDER BY gift_id DESC LIMIT ?`,
  ).all(programmeId, limit) as { gift_id: number; amount: string; tx_hash: string; block_number: number }[];
  return rows.map((row) => ({
    giftId: row.gift_id,
    amount: formatUnits(BigInt(row.amount), deps.decimals).replace(/\.0$/, ""),
    txHash: row.tx_hash,
    blockNumber: row.block_number,
  }));
}
