import type { Database } from "better-sqlite3";
import { z } from "zod";
import { cachedStatement } from "../db/statements";
import { DuplicateError, NotFoundError } from "../errors";
import { memberOfCoordinator } from "../timebank/members";
import { accountOfGift } from "./goodCoin";

/** A pseudonym: letters (any script), digits, spaces and `.-_`; no control or bidirectional characters. */
export const aliasSchema = z
  .string()
  .trim()
  .min(2)
  .max(40)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}\p{M} ._-]*$/u, {
    error: "letters, digits, spaces and . - _ only, starting with a letter or digit",
  });

export interface OptIn {
  alias: string;
  optedInAt: string;
}

/**
 * Puts a donor organisation's wallet on the public leaderboard under `alias` (or renames it there). A
 * pseudonym another donor holds is refused (409 `alias_taken`).
 */
export function optIn(
  db: Database,
  donor: { orgId: string; address: string },
  alias: string,
  now: Date,
): OptIn {
  return optInAccount(db, { orgId: donor.orgId, account: accountOfGift(donor.address, null) }, alias, now);
}

/**
 * Puts a time-bank member on the period leaderboards' volunteers under `alias`, at its coordinator's word (a
 * member holds no API key; its coordinator admitted it and speaks for it, as it confirms services for it).
 * Only the member's own coordinator may (anyone else: the 404 of an unknown member).
 */
export function optInMember(
  db: Database,
  coordinator: { orgId: string },
  memberRef: string,
  alias: string,
  now: Date,
): OptIn {
  const member = memberOfCoordinator({ db }, coordinator.orgId, memberRef);
  return optInAccount(db, { orgId: coordinator.orgId, account: member.member_ref }, alias, now);
}

/** Takes a member off the leaderboards, at its coordinator's word (404 when it was not on them). */
export function optOutMember(db: Database, coordinator: { orgId: string }, memberRef: string): void {
  const member = memberOfCoordinator({ db }, coordinator.orgId, memberRef);
  removeOptIn(db, member.member_ref, "This member is not on the leaderboard.");
}

function optInAccount(
  db: Database,
  holder: { orgId: string; account: string },
  alias: string,
  now: Date,
): OptIn {
  const { account } = holder;
  const taken = cachedStatement(db, "SELECT account FROM recognition_optins WHERE alias = ?", "pluck").get(
    alias,
  ) as string | undefined;
  if (taken !== undefined && taken !== account) {
    throw new DuplicateError(
      "alias",
      "alias_taken",
      "Another donor or member uses this name on the leaderboard.",
    );
  }
  const optedInAt = now.toISOString();
  cachedStatement(
    db,
    `INSERT INTO recognition_optins (account, alias, org_id, opted_in_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (account) DO UPDATE SET alias = excluded.alias`,
  ).run(account, alias, holder.orgId, optedInAt);
  return cachedStatement(
    db,
    "SELECT alias, opted_in_at AS optedInAt FROM recognition_optins WHERE account = ?",
  ).get(account) as OptIn;
}

/** Takes the donor off the leaderboard: from now on it appears nowhere (404 when it was not on it). */
export function optOut(db: Database, donor: { address: string }): void {
  removeOptIn(db, accountOfGift(donor.address, null), "This donor is not on the leaderboard.");
}

function removeOptIn(db: Database, account: string, none: string): void {
  const removed = cachedStatement(db, "DELETE FROM recognition_optins WHERE account = ?").run(
    account,
  ).changes;
  if (removed === 0) throw new NotFoundError("alias", none);
}
