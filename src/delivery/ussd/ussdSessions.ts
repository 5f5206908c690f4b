import type { Database } from "better-sqlite3";
import { cachedStatement } from "../../db/statements";
import type { MenuState } from "./menu";
import type { Language } from "./texts";

/** A session as stored: keyed references and the menu's state only. */
export interface StoredSession {
  householdRef: string;
  state: MenuState;
  consumed: number;
  expiresAt: number;
  ended: boolean;
}

interface Row {
  household_ref: string;
  language: Language | null;
  screen: string;
  consumed: number;
  expires_at: number;
  ended: number;
}

export function loadSession(db: Database, sessionRef: string): StoredSession | undefined {
  const row = cachedStatement(
    db,
    "SELECT household_ref, language, screen, consumed, expires_at, ended FROM ussd_sessions WHERE session_ref = ?",
  ).get(sessionRef) as Row | undefined;
  if (!row) return undefined;
  return {
    householdRef: row.household_ref,
    state: { language: row.language, screen: JSON.parse(row.screen) as MenuState["screen"] },
    consumed: row.consumed,
    expiresAt: row.expires_at,
    ended: row.ended === 1,
  };
}

export interface SaveSessionParams {
  sessionRef: string;
  phoneRef: string;
  householdRef: string;
  beneficiaryRef: string;
  state: MenuState;
  consumed: number;
  /** The menu answered END: the session takes no more input. */
  ended: boolean;
  now: Date;
  timeoutMs: number;
}

/** Writes the session's state; its timeout runs again from this input. */
export function saveSession(db: Database, params: SaveSessionParams): void {
  cachedStatement(
    db,
    `INSERT INTO ussd_sessions (session_ref, phone_ref, household_ref, beneficiary_ref, language, screen, consumed,
       ended, started_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (session_ref) DO UPDATE SET household_ref = excluded.household_ref,
       beneficiary_ref = excluded.beneficiary_ref, language = excluded.language, screen = excluded.screen,
       consumed = excluded.consumed, ended = excluded.ended, expires_at = excluded.expires_at`,
  ).run(
    params.sessionRef,
    params.phoneRef,
    params.householdRef,
    params.beneficiaryRef,
    params.state.language,
    JSON.stringify(params.state.screen),
    params.consumed,
    params.ended ? 1 : 0,
    params.now.toISOString(),
    params.now.getTime() + params.timeoutMs,
  );
}

/** Sessions whose timeout passed before `before` are forgotten. */
export function dropExpiredSessions(db: Database, now: Date): void {
  cachedStatement(db, "DELETE FROM ussd_sessions WHERE expires_at <= ?").run(now.getTime());
}

export function rememberedLanguage(db: Database, phoneRef: string): Language | null {
  const language = cachedStatement(
    db,
    "SELECT language FROM ussd_languages WHERE phone_ref = ?",
    "pluck",
  ).get(phoneRef) as Language | undefined;
  return language ?? null;
}

export function rememberLanguage(db: Database, phoneRef: string, language: Language, now: Date): void {
  cachedStatement(
    db,
    `INSERT INTO ussd_languages (phone_ref, language, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (phone_ref) DO UPDATE SET language = excluded.language, updated_at = excluded.updated_at`,
  ).run(phoneRef, language, now.toISOString());
}
