import type { EventLog, Log } from "ethers";
import { categoryName, type ServiceCategory } from "./categories";
import { memberOfCoordinator } from "./members";
import type { TimeBankDeps } from "./types";

export interface HistoryEntry {
  kind: "earned" | "paid" | "donated" | "received_donation";
  minutes: number;
  /** The TimeBank's service id, for a service; null for a donation. */
  serviceId: string | null;
  /** Whether the community pool paid (earned) or was the donation's beneficiary (donated). */
  pool: boolean;
  blockNumber: number;
  txHash: string;
}

export interface PendingServiceEntry {
  serviceId: string;
  /** `gave`: the member logged it and waits for the recipient; `received`: the member may confirm it. */
  role: "gave" | "received";
  minutes: number;
  category: ServiceCategory;
  blockNumber: number;
}

/**
 * A member's history as the TimeBank's events tell it, read on demand from the block of its admission, on every
 * wallet it has held (its moves are `MemberWalletRebound` by its member ref): every balance change (`ServiceConfirmed` as giver or payer, `CreditDonated` either way) and the services logged
 * with it and still pending, whoever logged them (a self-custodied giver's own calls included). The gateway
 * keeps no copy: these three events are the accounts' whole record, and one member's are a filtered read.
 */
export async function memberHistory(
  deps: Pick<TimeBankDeps, "db" | "system" | "outbox">,
  coordinatorOrgId: string,
  memberRef: string,
): Promise<{ memberRef: string; entries: HistoryEntry[]; pending: PendingServiceEntry[] }> {
  const member = memberOfCoordinator(deps, coordinatorOrgId, memberRef);
  const admitJob = deps.db
    .prepare("SELECT admit_job_id FROM timebank_members WHERE member_ref = ?")
    .pluck()
    .get(member.member_ref) as number;
  const fromBlock = deps.outbox.get(admitJob)?.blockNumber ?? 0;
  const tb = deps.system.timeBank;
  const query = (filter: Parameters<typeof tb.queryFilter>[0]) =>
    tb.queryFilter(filter, fromBlock) as Promise<(EventLog | Log)[]>;
  // Every wallet the member has held: a member moved to a new wallet (rebindWallet) keeps its history.
  const rebound = await query(tb.filters.MemberWalletRebound(member.member_ref));
  const wallets = [
    member.wallet,
    ...rebound.map((log) => String((log as EventLog).args[1]).toLowerCase()),
  ].filter((w, i, all) => all.indexOf(w) === i);
  const each = async (filter: (wallet: string) => Parameters<typeof tb.queryFilter>[0]) =>
    (await Promise.all(wallets.map((wallet) => query(filter(wallet))))).flat();
  const [earned, paid, donated, received, gave, got] = await Promise.all([
    each((wallet) => tb.filters.ServiceConfirmed(undefined, wallet)),
    each((wallet) => tb.filters.ServiceConfirmed(undefined, undefined, wallet)),
    each((wallet) => tb.filters.CreditDonated(wallet)),
    each((wallet) => tb.filters.CreditDonated(undefined, wallet)),
    each((wallet) => tb.filters.ServiceLogged(undefined, wallet)),
    each((wallet) => tb.filters.ServiceLogged(undefined, undefined, wallet)),
  ]);
  const args = (log: EventLog | Log) => (log as EventLog).args;
  const at = (log: EventLog | Log) => ({ blockNumber: log.blockNumber, txHash: log.transactionHash });
  const entries: HistoryEntry[] = [
    ...earned.map((log) => ({
      kind: "earned" as const,
      minutes: Number(args(log)[3]),
      serviceId: String(args(log)[0]).toLowerCase(),
      pool: BigInt(args(log)[2]) === 0n,
      ...at(log),
    })),
    ...paid.map((log) => ({
      kind: "paid" as const,
      minutes: Number(args(log)[3]),
      serviceId: String(args(log)[0]).toLowerCase(),
      pool: false,
      ...at(log),
    })),
    ...donated.map((log) => ({
      kind: "donated" as const,
      minutes: Number(args(log)[2]),
      serviceId: null,
      pool: BigInt(args(log)[1]) === 0n,
      ...at(log),
    })),
    ...received.map((log) => ({
      kind: "received_donation" as const,
      minutes: Number(args(log)[2]),
      serviceId: null,
      pool: false,
      ...at(log),
    })),
  ].sort((a, b) => a.blockNumber - b.blockNumber);
  const logged = [
    ...gave.map((log) => ({ log, role: "gave" as const })),
    ...got.map((log) => ({ log, role: "received" as const })),
  ];
  const pending: PendingServiceEntry[] = [];
  for (const { log, role } of logged) {
    const serviceId = String(args(log)[0]).toLowerCase();
    // A service logged and confirmed in one call (recordService) was never pending; a confirmed one is zeroed.
    const record = await tb.pendingService(serviceId);
    if (BigInt(record.giver) === 0n) continue;
    pending.push({
      serviceId,
      role,
      minutes: Number(args(log)[3]),
      category: categoryName(Number(args(log)[4])),
      blockNumber: log.blockNumber,
    });
  }
  return { memberRef: member.member_ref, entries, pending };
}
