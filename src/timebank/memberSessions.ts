import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { cachedStatement } from "../db/statements";
import { AppError } from "../errors";
import { requestFingerprint } from "../identity";
import { parseInput } from "../validation";
import { requireActiveCoordinator } from "./coordinators";
import { memberAccess } from "./memberAccess";
import { memberOfCoordinator, memberRow, type MemberRow } from "./members";
import { MEMBER_STATUSES, type TimeBankDeps } from "./types";

/*
 * Members' own sign-in: see MEMBER_SESSIONS_SQL in ./schema for what is stored and why.
 */

export const MEMBER_LINK_TTL_MINUTES = 15;
export const MEMBER_LINK_MAX_MINUTES = 60;
/** Two hours: long enough to read and confirm, short for a phone passed around a family. */
export const MEMBER_SESSION_TTL_MS = 2 * 3600 * 1000;
export const MEMBER_LINK_PREFIX = "stm_";
export const MEMBER_SESSION_PREFIX = "stms_";
/** Where a link is opened; the token rides in the fragment, which browsers never send to a server. */
export const MEMBER_LINK_PATH = "/app/member/login";

const LINK_SHAPE = /^stm_[A-Za-z0-9_-]{43}$/;
const SESSION_SHAPE = /^stms_[A-Za-z0-9_-]{43}$/;

export const memberLoginLinkSchema = z.strictObject({
  /** How long the link may be used: 15 minutes unless asked, at most 60. */
  minutes: z.number().int().min(1).max(MEMBER_LINK_MAX_MINUTES).default(MEMBER_LINK_TTL_MINUTES),
  /** `show`: answered once, to hand over in person; `sms`: texted to the member's phone on file, not answered. */
  send: z.enum(["show", "sms"]).default("show"),
});
export type MemberLoginLinkParams = z.input<typeof memberLoginLinkSchema>;

export const memberSessionSchema = z.strictObject({
  /** The link's token: what follows `#` in its path (`stm_…`). */
  token: z.string().min(1).max(128),
});

export interface MemberLoginLink {
  memberRef: string;
  /** `/app/member/login#stm_…`: shown once; only its keyed hash is kept. Null when it was texted. */
  path: string | null;
  /** `sms` when the link went to the member's phone on file (and only there). */
  sentBy: "sms" | null;
  expiresAt: string;
}

export interface MemberSession {
  memberRef: string;
  /** The coordinator that admitted the member: the one its actions go through. */
  coordinatorOrgId: string;
  /** Every state-changing form of the member page must carry it. */
  csrfToken: string;
  expiresAt: string;
}

const linkHash = (deps: Pick<TimeBankDeps, "peppers">, token: string, version: number) =>
  requestFingerprint(deps.peppers, "member-login-link", token, version);
const sessionHash = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

/**
 * Only an active member signs in, with no suspension or removal of it on its way to the chain: 409
 * `member_removed` for a removed one, `member_not_active` for one suspended or not yet admitted on chain,
 * `member_change_pending` while its coordinator's suspension or removal is queued (a session made then would
 * outlive it).
 */
async function requireSignInable(
  deps: Pick<TimeBankDeps, "db" | "system">,
  member: MemberRow,
): Promise<void> {
  const refuse = (code: string, message: string) => {
    throw new AppError("ServiceStateError", 409, message, "memberRef", code);
  };
  const account = await deps.system.timeBank.accountOf(member.wallet);
  const status = MEMBER_STATUSES[Number(account.status)];
  if (status === "removed") refuse("member_removed", "The member was removed from the time bank.");
  if (status !== "active") refuse("member_not_active", "The member is not active in the time bank.");
  const pending = cachedStatement(
    deps.db,
    `SELECT 1 FROM chain_jobs WHERE kind IN ('timebank.suspend', 'timebank.remove')
        AND status IN ('queued', 'signed') AND substr(idempotency_key, 1, ?) = ?`,
  ).get(member.member_ref.length + 17, `timebank-member:${member.member_ref}:`);
  if (pending)
    refuse("member_change_pending", "A suspension or removal of this member is on its way to the chain.");
}

/**
 * A coordinator makes one of its members a single-use sign-in link, to hand over in person (shown as a QR
 * code on the coordinator's page) after checking who the member is. Another coordinator's member is 404.
 */
export async function createMemberLoginLink(
  deps: Pick<TimeBankDeps, "db" | "system" | "peppers" | "now" | "phones" | "sms" | "publicUrl">,
  coordinatorOrgId: string,
  memberRef: string,
  params: MemberLoginLinkParams = {},
): Promise<MemberLoginLink> {
  const { minutes, send } = parseInput(memberLoginLinkSchema, params);
  // A member is only ever its coordinator's: an unknown one, or another's, is 404 before anything else.
  const member = memberOfCoordinator(deps, coordinatorOrgId, memberRef);
  await requireActiveCoordinator(deps, coordinatorOrgId);
  await requireSignInable(deps, member);
  const phone = send === "sms" ? phoneFor(deps, member) : undefined;
  const now = deps.now();
  const token = MEMBER_LINK_PREFIX + randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + minutes * 60_000).toISOString();
  const hash = linkHash(deps, token, deps.peppers.current);
  deps.db.transaction(() => {
    // Links spent or expired a day ago are swept at each new one.
    cachedStatement(deps.db, "DELETE FROM member_login_links WHERE expires_at <= ?").run(
      new Date(now.getTime() - 86_400_000).toISOString(),
    );
    cachedStatement(
      deps.db,
      `INSERT INTO member_login_links
         (token_hash, pepper_version, member_ref, coordinator_org_id, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(hash, deps.peppers.current, member.member_ref, coordinatorOrgId, now.toISOString(), expiresAt);
  })();
  const path = `${MEMBER_LINK_PATH}#${token}`;
  if (phone === undefined) return { memberRef: member.member_ref, path, sentBy: null, expiresAt };
  try {
    await deps.sms.send({
      to: phone,
      text: `Sin Tech time bank: your sign-in link, for you only. It works once, for ${minutes} minutes: ${deps.publicUrl}${path}`,
    });
  } catch (error) {
    // Not sent: the link is not kept, and the coordinator can try again.
    cachedStatement(deps.db, "DELETE FROM member_login_links WHERE token_hash = ?").run(hash);
    throw error;
  }
  return { memberRef: member.member_ref, path: null, sentBy: "sms", expiresAt };
}

/** The phone a texted link goes to: a gateway-held wallet's, on file, with the gateway's public address known. */
function phoneFor(deps: Pick<TimeBankDeps, "db" | "phones" | "publicUrl">, member: MemberRow): string {
  if (deps.publicUrl === null)
    throw new AppError(
      "ServiceStateError",
      409,
      "The gateway's public address (SINTECH_PUBLIC_URL) is not set, so no link can be texted: show it instead.",
      "send",
      "public_url_unset",
    );
  if (member.custody !== "custodial" || !memberAccess(deps, member.member_ref).phone)
    throw new AppError(
      "ServiceStateError",
      409,
      "The member has no phone on file: show the link instead.",
      "send",
      "no_phone",
    );
  return deps.phones.get<{ phone: string }>(member.member_ref).phone;
}

/** Why a link was refused: never made here (or altered), already used, or past its time. */
export type MemberLinkRefusal = "link_unknown" | "link_used" | "link_expired";

export class MemberLinkRefusedError extends AppError {
  constructor(readonly reason: MemberLinkRefusal) {
    const why = {
      link_unknown: "This sign-in link is not valid.",
      link_used: "This sign-in link was already used; ask your coordinator for a new one.",
      link_expired: "This sign-in link has expired; ask your coordinator for a new one.",
    }[reason];
    super("UnauthenticatedError", 401, why, "token", reason);
  }
}

/**
 * Spends a link's token and opens the member's session: once, before it expires, for a member still able to
 * sign in (`requireSignInable`).
 * Marking the link used and reading it are one statement in one transaction, so two requests racing with
 * the same token cannot both win. Answers the session's bearer token (shown once) and the session.
 */
export async function openMemberSession(
  deps: Pick<TimeBankDeps, "db" | "system" | "peppers" | "now">,
  params: unknown,
): Promise<{ token: string; session: MemberSession }> {
  const { token } = parseInput(memberSessionSchema, params);
  if (!LINK_SHAPE.test(token)) throw new MemberLinkRefusedError("link_unknown");
  const now = deps.now();
  const found = deps.peppers.versions
    .map((version) => {
      const hash = linkHash(deps, token, version);
      const row = cachedStatement(
        deps.db,
        `SELECT member_ref, coordinator_org_id, expires_at, used_at FROM member_login_links
          WHERE token_hash = ? AND pepper_version = ?`,
      ).get(hash, version) as
        | { member_ref: string; coordinator_org_id: string; expires_at: string; used_at: string | null }
        | undefined;
      return { hash, row };
    })
    .find((candidate) => candidate.row !== undefined);
  if (!found?.row) throw new MemberLinkRefusedError("link_unknown");
  if (found.row.used_at !== null) throw new MemberLinkRefusedError("link_used");
  if (found.row.expires_at <= now.toISOString()) throw new MemberLinkRefusedError("link_expired");
  const member = memberRow(deps, found.row.member_ref);
  // A member moved to another coordinator, or forgotten, is not the one the link was made for.
  if (!member || member.coordinator_org_id !== found.row.coordinator_org_id)
    throw new MemberLinkRefusedError("link_unknown");
  await requireSignInable(deps, member);
  const sessionToken = MEMBER_SESSION_PREFIX + randomBytes(32).toString("base64url");
  const session: MemberSession = {
    memberRef: member.member_ref,
    coordinatorOrgId: member.coordinator_org_id,
    csrfToken: randomBytes(32).toString("base64url"),
    expiresAt: new Date(now.getTime() + MEMBER_SESSION_TTL_MS).toISOString(),
  };
  deps.db.transaction(() => {
    const spent = cachedStatement(
      deps.db,
      "UPDATE member_login_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
    ).run(now.toISOString(), found.hash);
    if (spent.changes !== 1) throw new MemberLinkRefusedError("link_used");
    cachedStatement(deps.db, "DELETE FROM member_sessions WHERE expires_at <= ?").run(now.toISOString());
    cachedStatement(
      deps.db,
      `INSERT INTO member_sessions (session_hash, member_ref, csrf_token, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?)`,
    ).run(
      sessionHash(sessionToken),
      member.member_ref,
      session.csrfToken,
      now.toISOString(),
      session.expiresAt,
    );
  })();
  return { token: sessionToken, session };
}

/** The live session of a bearer token or cookie: unexpired, its member still the gateway's; else undefined. */
export function findMemberSession(
  deps: Pick<TimeBankDeps, "db">,
  token: string,
  now: Date = new Date(),
): MemberSession | undefined {
  if (!SESSION_SHAPE.test(token)) return undefined;
  const row = cachedStatement(
    deps.db,
    `SELECT s.member_ref, m.coordinator_org_id, s.csrf_token, s.expires_at
       FROM member_sessions s JOIN timebank_members m ON m.member_ref = s.member_ref
      WHERE s.session_hash = ? AND s.expires_at > ?`,
  ).get(sessionHash(token), now.toISOString()) as
    { member_ref: string; coordinator_org_id: string; csrf_token: string; expires_at: string } | undefined;
  return (
    row && {
      memberRef: row.member_ref,
      coordinatorOrgId: row.coordinator_org_id,
      csrfToken: row.csrf_token,
      expiresAt: row.expires_at,
    }
  );
}

/** Signs out: the session ends; an unknown token is ignored. */
export function endMemberSession(deps: Pick<TimeBankDeps, "db">, token: string): void {
  cachedStatement(deps.db, "DELETE FROM member_sessions WHERE session_hash = ?").run(sessionHash(token));
}

/**
 * A member suspended, removed or moved to another wallet signs in again only with a new link: its sessions end
 * and its unspent links are dropped (in the caller's transaction).
 */
export function endMemberSessions(deps: Pick<TimeBankDeps, "db">, memberRef: string): void {
  cachedStatement(deps.db, "DELETE FROM member_sessions WHERE member_ref = ?").run(memberRef);
  cachedStatement(deps.db, "DELETE FROM member_login_links WHERE member_ref = ? AND used_at IS NULL").run(
    memberRef,
  );
}
