import type { Request, Response } from "express";

/**
 * The cookies of the pages: the session id, the visitor's CSRF token before login, the language, and a cash
 * donor's grant to follow the gift it opened.
 */
export const SESSION_COOKIE = "sintech_session";
export const VISITOR_CSRF_COOKIE = "sintech_csrf";
export const LANGUAGE_COOKIE = "sintech_lang";
/** After a cash donor opened its gift by receipt code and secret: the grant its live stream is read with. */
export const RECEIPT_WATCH_COOKIE = "sintech_watch";
/** A time-bank member's own session (its page), opened with the one-time link its coordinator made. */
export const MEMBER_COOKIE = "sintech_member";

/** The cookies of a request, by name; malformed pairs are skipped. */
export function readCookies(req: Request): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const pair of (req.headers.cookie ?? "").split(";")) {
    const at = pair.indexOf("=");
    if (at <= 0) continue;
    const name = pair.slice(0, at).trim();
    try {
      cookies[name] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      // a value that is not valid percent-encoding is ignored, as browsers would never send it
    }
  }
  return cookies;
}

export interface CookieOptions {
  /** Seconds; 0 deletes the cookie. Omitted: it lasts until the browser closes. */
  maxAgeSeconds?: number;
  /** On https (directly or behind a proxy Express trusts). */
  secure: boolean;
}

/**
 * A `Set-Cookie` value: always `Path=/app`, `SameSite=Strict` (no other site's request carries it) and
 * `HttpOnly` (no script reads it, ours included); `Secure` on https.
 */
export function cookieHeader(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, "Path=/app", "SameSite=Strict"];
  parts.push("HttpOnly");
  if (options.secure) parts.push("Secure");
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${options.maxAgeSeconds}`);
  return parts.join("; ");
}

export function setCookie(
  res: Response,
  req: Request,
  name: string,
  value: string,
  options: Omit<CookieOptions, "secure"> = {},
): void {
  res.append("Set-Cookie", cookieHeader(name, value, { ...options, secure: req.secure }));
}
