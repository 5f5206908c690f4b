import { expect } from "chai";
import type { AidLedger } from "../../../typechain-types";

/** Balances of every (account, id) pair, rebuilt from TransferSingle and TransferBatch alone, as an indexer does. */
export async function balancesFromEvents(ledger: AidLedger, toBlock?: number): Promise<Map<string, bigint>> {
  const balances = new Map<string, bigint>();
  const add = (account: string, id: bigint, delta: bigint) => {
    const key = pairKey(account, id);
    balances.set(key, (balances.get(key) ?? 0n) + delta);
  };
  const move = (from: string, to: string, id: bigint, value: bigint) => {
    if (from !== ZERO) add(from, id, -value);
    if (to !== ZERO) add(to, id, value);
  };
  for (const event of await ledger.queryFilter(ledger.filters.TransferSingle(), 0, toBlock)) {
    const { from, to, id, value } = event.args;
    move(from, to, id, value);
  }
  for (const event of await ledger.queryFilter(ledger.filters.TransferBatch(), 0, toBlock)) {
    const { from, to, ids, values } = event.args;
    ids.forEach((id, i) => move(from, to, id, values[i]));
  }
  return balances;
}

/**
 * Asserts that `balanceOf` equals the balance rebuilt from events for every pair the events name, and for
 * every extra account (e.g. members' wallets, which must hold nothing) at every id the events name; no
 * rebuilt balance may be negative. Returns how many pairs it checked.
 */
export async function expectBalancesMatchEvents(
  ledger: AidLedger,
  extraAccounts: string[] = [],
): Promise<number> {
  const rebuilt = await balancesFromEvents(ledger);
  const ids = new Set<bigint>();
  const accounts = new Set<string>(extraAccounts.map((a) => a.toLowerCase()));
  for (const key of rebuilt.keys()) {
    const [account, id] = key.split("/");
    accounts.add(account);
    ids.add(BigInt(id));
  }
  const pairs: [string, bigint][] = [];
  for (const account of accounts) for (const id of ids) pairs.push([account, id]);
  if (pairs.length === 0) return 0;
  const onChain = await ledger.balanceOfBatch(
    pairs.map(([account]) => account),
    pairs.map(([, id]) => id),
  );
  pairs.forEach(([account, id], i) => {
    const fromEvents = rebuilt.get(pairKey(account, id)) ?? 0n;
    expect(fromEvents >= 0n, `negative rebuilt balance for ${account} at id ${id}`).to.equal(true);
    expect(onChain[i], `balanceOf(${account}, ${id}) against the events`).to.equal(fromEvents);
  });
  return pairs.length;
}

const ZERO = "0x0000000000000000000000000000000000000000";

function pairKey(account: string, id: bigint): string {
  return `${account.toLowerCase()}/${id}`;
}
