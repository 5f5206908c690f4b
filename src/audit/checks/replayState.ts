import type { ChainEvent, ProgrammeBooks } from "../types";

/** A programme as its creation event and its stored parameters describe it. */
export interface ProgrammeInfo {
  programmeId: bigint;
  charity: string;
  layer: number;
  category: number;
  token: string;
  groupId: number;
  capPerPeriod: bigint;
  requiresFieldAgent: boolean;
  created: ChainEvent;
}

export interface GiftState {
  programmeId: string;
  amount: bigint;
  paid: bigint;
  refunded: bigint;
  received: ChainEvent;
  last: ChainEvent;
}

export interface CoverageState {
  amount: bigint;
  redeemed: bigint;
}

/** What a redemption must be matched with: its settlement pieces, by redemption id. */
export interface RedemptionState {
  amount: bigint;
  attributed: bigint;
  event: ChainEvent;
}

/** Everything the replay keeps while it walks the events. */
export class ReplayState {
  readonly programmes = new Map<string, ProgrammeInfo>();
  readonly groupCaps = new Map<number, number>();
  readonly vendorsAllowed = new Set<string>();
  readonly coverages = new Map<string, CoverageState>();
  /** Per group (or group-less programme) scope, household account and period: the programmes covering it. */
  readonly scopes = new Map<string, Set<string>>();
  /** Per programme and period: issued and reserved, less redeemed, what expiry must give back. */
  readonly outstanding = new Map<string, bigint>();
  readonly gifts = new Map<string, GiftState>();
  readonly books = new Map<string, ProgrammeBooks>();
  readonly lastMoneyEvent = new Map<string, ChainEvent>();
  readonly redemptions = new Map<string, RedemptionState>();
  readonly anchors = new Map<string, ChainEvent>();

  booksOf(programmeId: string): ProgrammeBooks {
    let books = this.books.get(programmeId);
    if (!books) {
      books = {
        programmeId,
        token: this.programmes.get(programmeId)?.token ?? "",
        given: 0n,
        paid: 0n,
        refunded: 0n,
        collected: 0n,
        redemptions: 0,
        paidTo: new Map(),
        gifts: new Map(),
      };
      this.books.set(programmeId, books);
    }
    return books;
  }

  scopeKey(programmeId: string, account: string, period: bigint): string {
    const groupId = this.programmes.get(programmeId)?.groupId ?? 0;
    return groupId === 0 ? `p${programmeId}:${account}:${period}` : `g${groupId}:${account}:${period}`;
  }
}

/** `programmeId << 32 | period`, read back. */
export function splitEntitlementId(id: bigint): { programmeId: string; period: bigint } {
  return { programmeId: (id >> 32n).toString(), period: id & 0xffffffffn };
}
