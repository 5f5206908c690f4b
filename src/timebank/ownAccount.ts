import { NotFoundError } from "../errors";
import { z } from "zod";
import { parseInput } from "../validation";
import { confirmService, confirmServiceSchema } from "./confirmService";
import { donate, type DonateParams, type Donation } from "./donate";
import { historyOfMember, type MemberHistory } from "./history";
import { logService, logServiceSchema } from "./logService";
import { memberAccess } from "./memberAccess";
import type { MemberSession } from "./memberSessions";
import { getMember, memberRow } from "./members";
import { getService, serviceView, type ServiceRow, type ServiceView } from "./services";
import { cachedStatement } from "../db/statements";
import { requestServiceSmsCode } from "./smsCodes";
import type { MemberView, TimeBankDeps } from "./types";

/**
 * What a signed-in member reads and does for itself: its account, its history, the services waiting for its
 * word, and its own confirmations and donations. Each call acts for the session's member only, through the
 * coordinator that admitted it, with the same use-cases (and the same chain checks, PIN attempts and SMS
 * codes) as that coordinator's screen; another member's service is 404, as an unknown one.
 */

export interface OwnAccount extends MemberView {
  /** The name of the coordinator that admitted the member. */
  coordinatorName: string;
  /** Whether a PIN and a phone are set (never either): how a gateway-held wallet gives its word. */
  pin: boolean;
  phone: boolean;
}

export async function ownAccount(deps: TimeBankDeps, session: MemberSession): Promise<OwnAccount> {
  const member = await getMember(deps, session.coordinatorOrgId, session.memberRef);
  const access = memberAccess(deps, session.memberRef);
  const coordinatorName = cachedStatement(
    deps.db,
    "SELECT name FROM organisations WHERE org_id = ?",
    "pluck",
  ).get(session.coordinatorOrgId) as string;
  return { ...member, coordinatorName, pin: access.pin, phone: access.phone };
}

export function ownHistory(deps: Pick<TimeBankDeps, "db">, session: MemberSession): MemberHistory {
  return historyOfMember(deps, memberRow(deps, session.memberRef)!);
}

/** The services opened for the member as recipient that it can still confirm (inside their deadline); newest first, at most 100. */
export async function ownOpenServices(deps: TimeBankDeps, session: MemberSession): Promise<ServiceView[]> {
  const rows = cachedStatement(
    deps.db,
    `SELECT * FROM timebank_services
      WHERE coordinator_org_id = ? AND recipient_ref = ? AND state = 'open' AND deadline > ?
      ORDER BY created_at DESC, rowid DESC LIMIT 100`,
  ).all(session.coordinatorOrgId, session.memberRef, Math.floor(deps.now().getTime() / 1000)) as ServiceRow[];
  return Promise.all(rows.map((row) => serviceView(deps, row)));
}

/** A service the member received, or 404 as for an unknown one (a service it gave is not its to confirm). */
async function ownReceivedService(
  deps: TimeBankDeps,
  session: MemberSession,
  serviceId: string,
): Promise<ServiceView> {
  const refused = new NotFoundError("serviceId", "No service waiting for this member's word has this id.");
  const service = await getService(deps, session.coordinatorOrgId, serviceId).catch((error: unknown) => {
    throw error instanceof NotFoundError ? refused : error;
  });
  if (service.recipient !== session.memberRef) throw refused;
  return service;
}

/**
 * The member confirms a service it received: with its own wallet's signature of the service's `confirmation`,
 * or, for a wallet the gateway holds, its PIN or the SMS code (`confirmServiceSchema`: exactly one).
 */
export async function confirmOwnService(
  deps: TimeBankDeps,
  session: MemberSession,
  serviceId: string,
  params: unknown,
): Promise<ServiceView> {
  const input = parseInput(confirmServiceSchema, params);
  await ownReceivedService(deps, session, serviceId);
  return confirmService(deps, session.coordinatorOrgId, serviceId, input);
}

/** Texts the member a code that confirms this one service it received. */
export async function requestOwnSmsCode(
  deps: TimeBankDeps,
  session: MemberSession,
  serviceId: string,
): Promise<{ serviceId: string; expiresAt: string }> {
  await ownReceivedService(deps, session, serviceId);
  return requestServiceSmsCode(deps, session.coordinatorOrgId, serviceId);
}

/** The member donates earned minutes, to the pool or another member, with its PIN. */
export async function donateOwn(
  deps: TimeBankDeps,
  session: MemberSession,
  params: DonateParams,
): Promise<Donation> {
  return donate(deps, session.coordinatorOrgId, session.memberRef, params);
}

/** A service the member gave, as it logs it: `logServiceSchema` without the giver, who is the session's member. */
export const ownServiceSchema = logServiceSchema.omit({ giver: true });
export type OwnServiceParams = z.input<typeof ownServiceSchema>;

/**
 * The member logs a service it gave (its wallet held by the gateway, whose key sends the call): the recipient is
 * the member whose code (its member reference, shown on its own page) the giver was given; nothing moves until
 * the recipient confirms it. The same checks and idempotency as its coordinator's `logService`.
 */
export async function logOwnService(
  deps: TimeBankDeps,
  session: MemberSession,
  params: OwnServiceParams,
): Promise<ServiceView & { replayed: boolean }> {
  const input = parseInput(ownServiceSchema, params);
  return logService(deps, session.coordinatorOrgId, { ...input, giver: session.memberRef });
}
