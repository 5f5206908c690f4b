import type { RequestHandler } from "express";
import { findMemberSession, type MemberSession, type TimeBankDeps } from "../../timebank";
import { UnauthenticatedError } from "../errors/httpErrors";

declare global {
  namespace Express {
    interface Locals {
      /** Set by `requireMember` on a time-bank member's own routes. */
      member?: MemberSession;
      /** The bearer token that opened it, for signing out. */
      memberToken?: string;
    }
  }
}

/**
 * Lets the request through only with a live member session (`Authorization: Bearer stms_…`): 401 otherwise,
 * whether no token was sent, an API key (a member route acts for one member, never for an organisation), or
 * a session expired or ended. Put it before `validate()`, so strangers learn nothing of a route's input rules.
 */
export function requireMember(deps: () => Pick<TimeBankDeps, "db" | "now">): RequestHandler {
  return (req, res, next) => {
    const match = /^Bearer\s+(stms_\S+)\s*$/i.exec(req.headers.authorization ?? "");
    const session = match ? findMemberSession(deps(), match[1]!, deps().now()) : undefined;
    if (!session)
      throw new UnauthenticatedError(
        match
          ? "The member session has expired or ended; sign in again with a new link"
          : "A member session is required (a sign-in link from the member's coordinator opens one)",
      );
    res.locals.member = session;
    res.locals.memberToken = match![1]!;
    next();
  };
}
