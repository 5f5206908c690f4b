import { CliError } from "./apiClient";
import { value, type Flags } from "./cliInput";

/** How the time bank's answers are printed by the coordinator's (`timebank`) and the member's (`member`) commands. */

export interface MemberAnswer {
  memberRef: string;
  custody: string;
  status: string;
  balance: number;
  creditLimit: number;
}

export interface ServiceAnswer {
  serviceId: string;
  state: string;
  minutes: number;
  category: string;
  confirmedBy: string | null;
  chainServiceId: string | null;
  confirmation: unknown;
}

export interface HistoryAnswer {
  entries: { kind: string; minutes: number; pool: boolean; blockNumber: number }[];
  pending: { serviceId: string; role: string; minutes: number; category: string }[];
}

export const memberLine = (m: MemberAnswer) =>
  `member ${m.memberRef}: ${m.status}, ${m.custody} wallet, balance ${m.balance} min, credit limit ${m.creditLimit} min`;

export function serviceText(s: ServiceAnswer): string {
  const head =
    `service ${s.serviceId}: ${s.state}, ${s.minutes} min of ${s.category}` +
    (s.confirmedBy ? `, confirmed by ${s.confirmedBy}` : "") +
    (s.chainServiceId ? ` (on chain ${s.chainServiceId})` : "");
  return s.confirmation
    ? `${head}\nthe recipient signs (eth_signTypedData_v4):\n${JSON.stringify(s.confirmation, null, 2)}`
    : head;
}

/** One line per balance change, then per service pending, or a line saying there is none. */
export function historyLines(h: HistoryAnswer): string[] {
  const lines = [
    ...h.entries.map(
      (e) => `block ${e.blockNumber}: ${e.kind} ${e.minutes} min${e.pool ? " (community pool)" : ""}`,
    ),
    ...h.pending.map((p) => `pending ${p.serviceId}: ${p.role} ${p.minutes} min of ${p.category}`),
  ];
  return lines.length ? lines : ["no minutes moved yet, and nothing pending"];
}

export function whole(flags: Flags, name: string): number {
  const raw = value(flags, name);
  if (raw === undefined || !/^[0-9]+$/.test(raw)) throw new CliError(`--${name} needs a whole number.`);
  return Number(raw);
}
