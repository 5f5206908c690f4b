import { cachedStatement } from "../db/statements";
import { NotFoundError } from "../errors";
import { fromUnits } from "../programmes";
import { memberOfCoordinator } from "../timebank/members";
import { accountOfGift, leafHash, type RecognitionKind } from "./goodCoin";
import { parsePeriod } from "./period";
import type { PeriodState, RecognitionDeps } from "./types";

export interface LeaderboardEntry {
  rank: number;
  alias: string;
  goodCoin: string;
}

/** A time-bank member its coordinator put on the leaderboard, with the minutes it served in the period. */
export interface VolunteerEntry {
  rank: number;
  alias: string;
  minutesServed: number;
}

/** A closed period as anyone may see it: its root and anchor, and the donors who opted in, ranked. */
export interface PeriodView {
  period: string;
  root: string;
  /** Accounts in the tree (every donor that earned good coin and member that served, listed or not). */
  accounts: number;
  state: PeriodState;
  errorName: string | null;
  anchorTxHash: string | null;
  anchorBlock: number | null;
  /** Indexed chain events up to this block were counted. */
  throughBlock: number;
  leaderboard: LeaderboardEntry[];
  /** Members who served in the period and were opted in, ranked by minutes served. */
  volunteers: VolunteerEntry[];
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
  const leaderboard = ranked(deps, period, "gift").map(({ rank, alias, value }) => ({
    rank,
    alias,
    goodCoin: fromUnits(value, deps.decimals),
  }));
  const volunteers = ranked(deps, period, "service").map(({ rank, alias, value }) => ({
    rank,
    alias,
    minutesServed: Number(value),
  }));
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
    volunteers,
  };
}

/** The opted-in accounts of one kind, by value (ties share a rank, then by alias). */
function ranked(
  deps: RecognitionDeps,
  period: string,
  kind: RecognitionKind,
): { rank: number; alias: string; value: bigint }[] {
  const listed = (
    cachedStatement(
      deps.db,
      `SELECT o.alias, e.good_coin AS value FROM recognition_entries e
         JOIN recognition_optins o ON o.account = e.account WHERE e.period = ? AND e.kind = ?`,
    ).all(period, kind) as { alias: string; value: string }[]
  ).map((entry) => ({ alias: entry.alias, value: BigInt(entry.value) }));
  listed.sort((a, b) => (b.value > a.value ? 1 : b.value < a.value ? -1 : a.alias.localeCompare(b.alias)));
  const out: { rank: number; alias: string; value: bigint }[] = [];
  listed.forEach((entry, index) => {
    const previous = out[index - 1];
    out.push({ ...entry, rank: previous && previous.value === entry.value ? previous.rank : index + 1 });
  });
  return out;
}

/** What a donor (or a member) needs to check its own total against the anchored root, trusting no gateway. */
export interface RecognitionProof {
  period: string;
  periodIndex: number;
  /** `gift`: a donor's good coin; `service`: a member's minutes served. */
  kind: RecognitionKind;
  account: string;
  /** A gift leaf's good coin in token base units, or a service leaf's minutes, as the leaf commits to it. */
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
  return proofOf(
    deps,
    periodText,
    "gift",
    accountOfGift(donor.address, null),
    "This donor earned no good coin in this period.",
  );
}

/**
 * A time-bank member's minutes served in a closed period and its Merkle proof, for its own coordinator (anyone
 * else: the 404 of an unknown member; 404 too when it served none there).
 */
export function memberRecognitionProof(
  deps: RecognitionDeps,
  coordinator: { orgId: string },
  periodText: string,
  memberRef: string,
): RecognitionProof {
  memberOfCoordinator(deps, coordinator.orgId, memberRef);
  return proofOf(
    deps,
    periodText,
    "service",
    memberRef.toLowerCase(),
    "This member has no confirmed service in this period.",
  );
}

function proofOf(
  deps: RecognitionDeps,
  periodText: string,
  kind: RecognitionKind,
  account: string,
  none: string,
): RecognitionProof {
  const parsed = parsePeriod(periodText);
  const row = periodRow(deps, parsed.period);
  const entry = cachedStatement(
    deps.db,
    "SELECT good_coin AS goodCoin, proof FROM recognition_entries WHERE period = ? AND account = ? AND kind = ?",
  ).get(parsed.period, account, kind) as { goodCoin: string; proof: string } | undefined;
  if (!entry) throw new NotFoundError("period", none);
  return {
    period: parsed.period,
    periodIndex: parsed.index,
    kind,
    account,
    goodCoin: entry.goodCoin,
    confirmationHash: leafHash(kind, parsed.index, account, BigInt(entry.goodCoin)),
    proof: JSON.parse(entry.proof) as string[],
    root: row.root,
    anchorTxHash: row.tx_hash,
    verify: "ReceiptAnchor.verifyReceipt(root, confirmationHash, proof)",
  };
}
