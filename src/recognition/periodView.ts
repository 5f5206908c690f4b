import { cachedStatement } from "../db/statements";
import { NotFoundError } from "../errors";
import { fromUnits } from "../programmes";
import { accountOfGift, recognitionHash } from "./goodCoin";
import { parsePeriod } from "./period";
import type { PeriodState, RecognitionDeps } from "./types";

export interface LeaderboardEntry {
  rank: number;
  alias: string;
  goodCoin: string;
}

/** A closed period as anyone may see it: its root and anchor, and the donors who opted in, ranked. */
export interface PeriodView {
  period: string;
  root: string;
  /** Accounts in the tree (every donor that earned good coin, on the leaderboard or not). */
  accounts: number;
  state: PeriodState;
  errorName: string | null;
  anchorTxHash: string | null;
  anchorBlock: number | null;
  /** Indexed chain events up to this block were counted. */
  throughBlock: number;
  leaderboard: LeaderboardEntry[];
}

interface PeriodRow {
  root: string;
  accounts: number;
  status: PeriodState;
  error_name: string | null;
  tx_hash: string | null;
  block_number: number | null;
  through_block: number;
}

function periodRow(deps: RecognitionDeps, period: string): PeriodRow {
  const row = cachedStatement(deps.db, "SELECT * FROM recognition_periods WHERE period = ?").get(period) as
    PeriodRow | undefined;
  if (!row) throw new NotFoundError("period", "This period has not been closed.");
  return row;
}

/**
 * The public leaderboard of a closed period: only donors who opted in, under their pseudonyms, ranked by
 * good coin (ties share a rank); a donor that did not opt in is counted in `accounts` and appears nowhere.
 */
export function recognitionPeriod(deps: RecognitionDeps, periodText: string): PeriodView {
  const { period } = parsePeriod(periodText);
  const row = periodRow(deps, period);
  const listed = cachedStatement(
    deps.db,
    `SELECT o.alias, e.good_coin AS goodCoin FROM recognition_entries e
       JOIN recognition_optins o ON o.account = e.account WHERE e.period = ?`,
  ).all(period) as { alias: string; goodCoin: string }[];
  listed.sort((a, b) => {
    const diff = BigInt(b.goodCoin) - BigInt(a.goodCoin);
    return diff > 0n ? 1 : diff < 0n ? -1 : a.alias.localeCompare(b.alias);
  });
  const leaderboard: LeaderboardEntry[] = [];
  listed.forEach((entry, index) => {
    const previous = leaderboard[index - 1];
    const rank = previous && listed[index - 1]!.goodCoin === entry.goodCoin ? previous.rank : index + 1;
    leaderboard.push({
      rank,
      alias: entry.alias,
      goodCoin: fromUnits(BigInt(entry.goodCoin), deps.decimals),
    });
  });
  return {
    period,
    root: row.root,
    accounts: row.accounts,
    state: row.status,
    errorName: row.error_name,
    anchorTxHash: row.tx_hash,
    anchorBlock: row.block_number,
    throughBlock: row.through_block,
    leaderboard,
  };
}

/** What a donor needs to check its own total against the anchored root, with no trust in the gateway. */
export interface RecognitionProof {
  period: string;
  periodIndex: number;
  account: string;
  /** In token base units, as the leaf commits to it. */
  goodCoin: string;
  confirmationHash: string;
  proof: string[];
  root: string;
  anchorTxHash: string | null;
  /** How to check it: the chain's own view. */
  verify: string;
}

/** A donor's own total in a closed period and its Merkle proof (404 when it earned nothing there). */
export function recognitionProof(
  deps: RecognitionDeps,
  periodText: string,
  donor: { address: string },
): RecognitionProof {
  const parsed = parsePeriod(periodText);
  const row = periodRow(deps, parsed.period);
  const account = accountOfGift(donor.address, null);
  const entry = cachedStatement(
    deps.db,
    "SELECT good_coin AS goodCoin, proof FROM recognition_entries WHERE period = ? AND account = ?",
  ).get(parsed.period, account) as { goodCoin: string; proof: string } | undefined;
  if (!entry) throw new NotFoundError("period", "This donor earned no good coin in this period.");
  return {
    period: parsed.period,
    periodIndex: parsed.index,
    account,
    goodCoin: entry.goodCoin,
    confirmationHash: recognitionHash(parsed.index, account, BigInt(entry.goodCoin)),
    proof: JSON.parse(entry.proof) as string[],
    root: row.root,
    anchorTxHash: row.tx_hash,
    verify: "ReceiptAnchor.verifyReceipt(root, confirmationHash, proof)",
  };
}
