import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Database } from "better-sqlite3";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { findWebSession, type Role, type WebSession } from "../apiKeys";
import { LANGUAGE_COOKIE, readCookies, SESSION_COOKIE, setCookie, VISITOR_CSRF_COOKIE } from "./cookies";
import { LANGUAGES, type Language } from "./i18n/format";
import { textsFor, type Texts } from "./i18n/texts";

/** What every page handler knows about the visitor. */
export interface PageState {
  lang: Language;
  t: Texts;
  /** The live session, when the visitor signed in. */
  session?: WebSession;
  /** The token this visitor's forms carry: the session's, or before login the visitor cookie's. */
  csrfToken: string;
}

declare global {
  namespace Express {
    interface Locals {
      /** Set on every page request by `pageState`. */
      page?: PageState;
    }
  }
}

/**
 * The pages' Content-Security-Policy: scripts, styles and fetches from the gateway only, no inline script
 * or style, no eval, forms only to the gateway, never framed. It replaces the API's stricter default.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Reads language, session and CSRF token from the cookies; issues a visitor token on first visit. */
export function pageState(db: Database): RequestHandler {
  return (req, res, next) => {
    const cookies = readCookies(req);
    const lang = (LANGUAGES as readonly string[]).includes(cookies[LANGUAGE_COOKIE] ?? "")
      ? (cookies[LANGUAGE_COOKIE] as Language)
      : "fa";
    const sessionId = cookies[SESSION_COOKIE];
    const session = sessionId === undefined ? undefined : findWebSession(db, sessionId);
    if (sessionId !== undefined && !session) setCookie(res, req, SESSION_COOKIE, "", { maxAgeSeconds: 0 });
    let visitorToken = cookies[VISITOR_CSRF_COOKIE];
    if (visitorToken === undefined || !TOKEN_SHAPE.test(visitorToken)) {
      visitorToken = randomBytes(32).toString("base64url");
      setCookie(res, req, VISITOR_CSRF_COOKIE, visitorToken);
    }
    res.locals.page = {
      lang,
      t: textsFor(lang),
      session,
      csrfToken: session ? session.csrfToken : visitorToken,
    };
    res.setHeader("Content-Security-Policy", PAGE_CSP);
    res.setHeader("Referrer-Policy", "no-referrer");
    next();
  };
}

export const pageOf = (res: Response): PageState => res.locals.page!;

/** A refused form: its token is missing or is not this visitor's (another site, or an old session's). */
export class CsrfRefusedError extends Error {
  override readonly name = "CsrfRefusedError";
}

/** Before any state change: the form's `csrf` field must be this visitor's token. */
export function requireCsrf(req: Request, res: Response, next: NextFunction): void {
  const sent = typeof req.body?.csrf === "string" ? Buffer.from(req.body.csrf) : Buffer.alloc(0);
  const expected = Buffer.from(pageOf(res).csrfToken);
  if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) throw new CsrfRefusedError();
  next();
}

/** Signed in with one of `roles`, or sent to the login page (then back); another role gets 403. */
export class PageForbiddenError extends Error {
  override readonly name = "PageForbiddenError";
}
export class LoginRequiredError extends Error {
  override readonly name = "LoginRequiredError";
}

export function requirePageRole(...roles: Role[]): RequestHandler {
  return (_req, res, next) => {
    const session = pageOf(res).session;
    if (!session) throw new LoginRequiredError();
    if (!roles.includes(session.role)) throw new PageForbiddenError();
    next();
  };
}
