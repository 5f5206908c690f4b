import { expect } from "chai";
import request from "supertest";
import { syntheticNationalId } from "../../../src/identity";
import {
  bootE2e,
  countRows,
  registerOrganisation,
  removeDataDir,
  type E2eGateway,
  type Organisation,
  untilIndexed,
} from "../e2e/harness";
import { admitMember, seedTimeBank, TIMEBANK_PIN } from "../timebank/timebankFixture";
import { csrfOf } from "./webWorld";

export { TIMEBANK_PIN };

/** Every table a refused time-bank form could have half-written. */
export const TIMEBANK_TABLES = [
  "chain_jobs",
  "timebank_members",
  "timebank_services",
  "access_secrets",
  "timebank_vault",
  "timebank_vault_keys",
  "keys",
] as const;

export interface TimebankWorld {
  gw: E2eGateway;
  /** The coordinator the pages are about (a charity the regulator appointed). */
  coordinator: Organisation;
  /** Another coordinator, with a member of its own. */
  otherCoordinator: Organisation;
  /** A charity the regulator did not appoint. */
  plainCharity: Organisation;
  /** Every other role's key, by role name. */
  others: Record<"vendor" | "donor" | "auditor" | "field_agent" | "registrar" | "regulator", string>;
  /** The coordinator's custodial members with the PIN, by what they did. */
  giver: string;
  recipient: string;
  /** A member admitted with its own wallet. */
  self: string;
  /** The other coordinator's member. */
  foreignMember: string;
  /** A service giver → recipient, opened and waiting for the recipient's word. */
  openServiceId: string;
}

/**
 * A whole gateway with what the time bank's pages show: two appointed coordinators and a charity that is not
 * one, every other role, members (custodial with a PIN, and one with its own wallet), minutes that moved (a
 * service the recipient paid for, a donation to the pool, a service the pool paid for), and a service open.
 */
export async function timebankWorld(seed: number): Promise<TimebankWorld> {
  const gw = await bootE2e();
  const coordinator = await registerOrganisation(gw, "charity");
  const otherCoordinator = await registerOrganisation(gw, "charity");
  const plainCharity = await registerOrganisation(gw, "charity");
  for (const org of [coordinator, otherCoordinator]) {
    const res = await gw.post("/v1/timebank/coordinators", gw.regulatorKey, { orgId: org.orgId });
    expect(res.status, res.text).to.equal(201);
  }
  const others = {
    vendor: (await registerOrganisation(gw, "vendor")).apiKey,
    donor: (await registerOrganisation(gw, "donor")).apiKey,
    auditor: (await registerOrganisation(gw, "auditor")).apiKey,
    field_agent: (await registerOrganisation(gw, "field_agent")).apiKey,
    registrar: (await registerOrganisation(gw, "registrar")).apiKey,
    regulator: gw.regulatorKey,
  };
  const seeded = await seedTimeBank(gw, coordinator, seed);
  const foreignMember = await admitMember(gw, otherCoordinator, syntheticNationalId(seed + 99), {
    pin: TIMEBANK_PIN,
  });
  const { giver, recipient, self, openServiceId } = seeded;
  // The pages' histories are the indexer's: the world's writes are read before a page is visited.
  await untilIndexed(gw);
  return {
    gw,
    coordinator,
    otherCoordinator,
    plainCharity,
    others,
    giver,
    recipient,
    self,
    foreignMember,
    openServiceId,
  };
}

export async function stopTimebankWorld(world: TimebankWorld | undefined): Promise<void> {
  if (!world) return;
  await world.gw.stop();
  removeDataDir(world.gw.dataDir);
}

/** Rows of every table a time-bank form writes, to prove a refusal wrote none. */
export function timebankCounts(world: TimebankWorld): Record<string, number> {
  return Object.fromEntries(TIMEBANK_TABLES.map((table) => [table, countRows(world.gw, table)]));
}

export type Agent = ReturnType<typeof request.agent>;

/** A browser-like visitor signed in with `apiKey`: cookies kept, the session's CSRF token read from a page. */
export async function signedInAgent(
  world: Pick<TimebankWorld, "gw">,
  apiKey: string,
): Promise<{ agent: Agent; csrf: string }> {
  const agent = request.agent(world.gw.url);
  const home = await agent.get("/app");
  const res = await agent
    .post("/app/login")
    .type("form")
    .send({ csrf: csrfOf(home.text), apiKey });
  expect(res.status, res.text).to.equal(303);
  const page = await agent.get("/app");
  return { agent, csrf: csrfOf(page.text) };
}

/** The text of the element after `marker` (an attribute written into the page), trimmed. */
export function textAfter(html: string, marker: string): string {
  const at = html.indexOf(marker);
  expect(at, `${marker} on the page`).to.be.greaterThan(-1);
  const open = html.indexOf(">", at);
  return html
    .slice(open + 1, html.indexOf("<", open))
    .replace(/\s+/g, " ")
    .trim();
}
