import { z } from "zod";
import { cachedStatement } from "../db/statements";
import { parseInput } from "../validation";
import { getMember } from "./members";
import { SERVICE_STATES, serviceView, type ServiceRow, type ServiceView } from "./services";
import type { MemberView, TimeBankDeps } from "./types";

export const MAX_LIST_LIMIT = 100;

export const listServicesSchema = z.strictObject({
  state: z.enum(SERVICE_STATES).optional(),
  /** Services this member gave or received. */
  member: z
    .string()
    .regex(/^0x[0-9a-f]{64}$/)
    .optional(),
  limit: z.number().int().min(1).max(MAX_LIST_LIMIT).default(50),
});
export type ListServicesParams = z.input<typeof listServicesSchema>;

/**
 * A coordinator's services, newest first: those waiting for a recipient's word (`open`), logged on chain
 * and waiting for the coordinator (`logged`), and confirmed. Only the gateway's own: a self-custodied giver
 * that logs on chain itself is seen in the TimeBank's `ServiceLogged` events, not here.
 */
export async function listServices(
  deps: TimeBankDeps,
  coordinatorOrgId: string,
  params: ListServicesParams,
): Promise<ServiceView[]> {
  const input = parseInput(listServicesSchema, params);
  const rows = cachedStatement(
    deps.db,
    `SELECT * FROM timebank_services WHERE coordinator_org_id = ?
       AND (? IS NULL OR state = ?) AND (? IS NULL OR giver_ref = ? OR recipient_ref = ?)
     ORDER BY created_at DESC, rowid DESC LIMIT ?`,
  ).all(
    coordinatorOrgId,
    input.state ?? null,
    input.state ?? null,
    input.member ?? null,
    input.member ?? null,
    input.member ?? null,
    input.limit,
  ) as ServiceRow[];
  return Promise.all(rows.map((row) => serviceView(deps, row)));
}

export const listMembersSchema = z.strictObject({
  limit: z.number().int().min(1).max(MAX_LIST_LIMIT).default(50),
  /** The `memberRef` after which the page starts (refs in order). */
  after: z
    .string()
    .regex(/^0x[0-9a-f]{64}$/)
    .optional(),
});
export type ListMembersParams = z.input<typeof listMembersSchema>;

/** A coordinator's members in ref order, a page at a time, each account read from the chain. */
export async function listMembers(
  deps: TimeBankDeps,
  coordinatorOrgId: string,
  params: ListMembersParams,
): Promise<{ members: MemberView[]; next: string | null }> {
  const input = parseInput(listMembersSchema, params);
  const refs = cachedStatement(
    deps.db,
    `SELECT member_ref FROM timebank_members WHERE coordinator_org_id = ? AND member_ref > ?
     ORDER BY member_ref LIMIT ?`,
    "pluck",
  ).all(coordinatorOrgId, input.after ?? "", input.limit + 1) as string[];
  const page = refs.slice(0, input.limit);
  return {
    members: await Promise.all(page.map((ref) => getMember(deps, coordinatorOrgId, ref))),
    next: refs.length > input.limit ? page[page.length - 1]! : null,
  };
}

/** The community pool's minutes, read from the TimeBank. */
export async function poolBalance(deps: Pick<TimeBankDeps, "system">): Promise<{ minutes: number }> {
  return { minutes: Number(await deps.system.timeBank.poolBalance()) };
}
