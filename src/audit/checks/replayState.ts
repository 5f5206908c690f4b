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
  /** Per programme and period (`programmeId:period`), per household account. */
  readonly coverages = new Map<string, Map<string, CoverageState>>();
  /** Per group (or group-less programme) scope and period, per household account: the programmes covering it. */
  readonly scopes = new Map<string, Map<string, Set<string>>>();
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

  /** The coverages of a programme's period, by household account. */
  coveragesIn(programmeId: string, period: bigint): Map<string, CoverageState> {
    return inner(this.coverages, `${programmeId}:${period}`);
  }

  /** The scopes of a programme's group (or of the programme, with no group) in a period, by household account. */
  scopesIn(programmeId: string, period: bigint): Map<string, Set<string>> {
    const groupId = this.programmes.get(programmeId)?.groupId ?? 0;
    return inner(this.scopes, groupId === 0 ? `p${programmeId}:${period}` : `g${groupId}:${period}`);
  }
}

function inner<V>(outer: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let map = outer.get(key);
  if (!map) {
    map = new Map();
    outer.set(key, map);
  }
  return map;
}

const entitlementIds = new Map<bigint, { programmeId: string; period: bigint }>();

/** `programmeId << 32 | period`, read back: a ledger has few (one per programme and period), so each is split once. */
export function splitEntitlementId(id: bigint): { programmeId: string; period: bigint } {
  let split = entitlementIds.get(id);
  if (!split) {
    split = { programmeId: (id >> 32n).toString(), period: id & 0xffffffffn };
    if (entitlementIds.size > 100_000) entitlementIds.clear();
    entitlementIds.set(id, split);
  }
  return split;
}
