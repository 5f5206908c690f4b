import type { Database } from "better-sqlite3";
import type { AidSystem } from "../../deploy/system";
import type { ChainOutbox } from "../chain/outbox";
import type { PepperRing } from "../identity";

export interface ProgrammeDeps {
  db: Database;
  outbox: ChainOutbox;
  system: AidSystem;
  /** Keys donors' references and the fingerprints of idempotent requests. */
  peppers: PepperRing;
  /** The settlement token every programme of this gateway uses. */
  settlementToken: string;
  /** Token decimals: API amounts are decimal strings in whole token units. */
  decimals: number;
  now(): Date;
}

/** For the writes a regulator (or a programme's charity) makes to the programme book's rules. */
export interface ProgrammeRuleDeps extends ProgrammeDeps {
  /** The gateway's operator account: regulator in the embedded default. */
  operator: string;
}

export interface ProgrammeView {
  programmeId: number;
  orgId: string;
  name: string;
  layer: string;
  category: number;
  groupId: number;
  periodSeconds: number;
  capPerPeriod: string;
  minGift: string;
  startsAt: string;
  endsAt: string;
  rule: unknown;
  /** The purposes a gift may be earmarked for; a gift names one of them or none. */
  earmarks: string[];
  paused: boolean;
  /** Settlement-token units. `paid - collected` is credited to vendors and still held by the ledger. */
  funds: {
    given: string;
    paid: string;
    refunded: string;
    outstanding: string;
    available: string;
    collected: string;
  };
  currentPeriod: number;
  gifts: number;
}
