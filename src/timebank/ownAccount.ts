import { NotFoundError } from "../errors";
import { parseInput } from "../validation";
import { confirmService, confirmServiceSchema } from "./confirmService";
import { donate, type DonateParams, type Donation } from "./donate";
import { historyOfMember, type MemberHistory } from "./history";
import { listServices } from "./lists";
import { memberAccess } from "./memberAccess";
import type { MemberSession } from "./memberSessions";
import { getMember, memberRow } from "./members";
import { getService, type ServiceView } from "./services";
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
  const coordinatorName = deps.db
    .prepare("SELECT name FROM organisations WHERE org_id = ?")
    .pluck()
    .get(session.coordinatorOrgId) as string;
  return { ...member, coordinatorName, pin: access.pin, phone: access.phone };
}

export function ownHistory(deps: Pick<TimeBankDeps, "db">, session: MemberSession): MemberHistory {
  return historyOfMember(deps, memberRow(deps, session.memberRef)!);
}

/** The services opened for the member as recipient, waiting for its word; newest first. */
export async function ownOpenServices(deps: TimeBankDeps, session: MemberSession): Promise<ServiceView[]> {
  const open = await listServices(deps, session.coordinatorOrgId, {
    state: "open",
    member: session.memberRef,
    limit: 100,
  });
  return open.filter((service) => service.recipient === session.memberRef);
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
