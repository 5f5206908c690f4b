import type { Database } from "better-sqlite3";
import { z } from "zod";
import { cachedStatement } from "../db/statements";
import { DuplicateError, NotFoundError } from "../errors";
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
  const account = accountOfGift(donor.address, null);
  const holder = cachedStatement(db, "SELECT account FROM recognition_optins WHERE alias = ?", "pluck").get(
    alias,
  ) as string | undefined;
  if (holder !== undefined && holder !== account) {
    throw new DuplicateError("alias", "alias_taken", "Another donor uses this name on the leaderboard.");
  }
  const optedInAt = now.toISOString();
  cachedStatement(
    db,
    `INSERT INTO recognition_optins (account, alias, org_id, opted_in_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (account) DO UPDATE SET alias = excluded.alias`,
  ).run(account, alias, donor.orgId, optedInAt);
  return cachedStatement(
    db,
    "SELECT alias, opted_in_at AS optedInAt FROM recognition_optins WHERE account = ?",
  ).get(account) as OptIn;
}

/** Takes the donor off the leaderboard: from now on it appears nowhere (404 when it was not on it). */
export function optOut(db: Database, donor: { address: string }): void {
  const removed = cachedStatement(db, "DELETE FROM recognition_optins WHERE account = ?").run(
    accountOfGift(donor.address, null),
  ).changes;
  if (removed === 0) throw new NotFoundError("alias", "This donor is not on the leaderboard.");
}
