import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { Wallet } from "ethers";
import { deliveryWorld, ENTITLEMENT, type DeliveryHousehold } from "../e2e/deliveryFixture";
import {
  countRows,
  createProgramme,
  disbursementCsv,
  give,
  settle,
  type E2eGateway,
  type Organisation,
} from "../e2e/harness";

export { ENTITLEMENT, PIN } from "../e2e/deliveryFixture";
export const PREMIUM = "50000";

export type MandateHousehold = DeliveryHousehold;

export interface MandateWorld {
  gw: E2eGateway;
  charity: Organisation;
  otherCharity: Organisation;
  insurer: Organisation;
  otherVendor: Organisation;
  auditor: Organisation;
  registrar: Organisation;
  donor: Organisation;
  /** An insurance-layer programme of one-day periods that allows `insurer`. */
  programmeId: number;
  /** A relief programme that allows `insurer`: no mandate is proposed in it. */
  reliefProgrammeId: number;
  giftId: number;
  households: MandateHousehold[];
  /** Household 0's head holds this wallet itself (a phone with a wallet app). */
  phoneWallet: Wallet;
}

/** Every table a refused mandate request could have half-written. */
export const MANDATE_TABLES = [
  "premium_mandates",
  "mandate_premiums",
  "mandate_otps",
  "chain_jobs",
  "deliveries",
  "household_receipts",
  "signing_log",
] as const;

/**
 * The delivery tests' world (a whole gateway: anvil, SQLite, outbox; a charity's households enrolled with a
 * phone, registered on chain, heads custodial with the PIN above; its vendor the insurer here), with household 0's
 * head moved to its own wallet and an insurance-layer programme of one-day periods that allows the insurer,
 * funded by the donor and issued `ENTITLEMENT` to every household.
 */
export async function mandateWorld(count: number, firstSeed: number): Promise<MandateWorld> {
  const world = await deliveryWorld(count, firstSeed, { env: { SINTECH_INDEXER_POLL_MS: "100" } });
  const { gw, charity, vendor: insurer, registrar, donor, households } = world;
  const phoneWallet = Wallet.createRandom() as unknown as Wallet;
  const challenge = await gw.post("/v1/wallets/challenges", registrar.apiKey, {
    beneficiaryRef: households[0]!.headRef,
    address: phoneWallet.address,
  });
  const proof = await gw.post("/v1/wallets/proofs", registrar.apiKey, {
    challengeId: challenge.body.challengeId,
    signature: await phoneWallet.signMessage(challenge.body.message),
  });
  expect(proof.status, proof.text).to.equal(200);
  const rebind = await gw.post("/v1/wallets/rebinds", registrar.apiKey, {
    beneficiaryRef: households[0]!.headRef,
    to: phoneWallet.address,
    reason: "own_phone",
  });
  expect(rebind.status, rebind.text).to.equal(200);
  await gw.services.outbox.drain();

  const programmeId = await createProgramme(gw, charity, {
    name: "E2E household health insurance",
    layer: "insurance",
    periodDays: 1,
    vendorOrgIds: [insurer.orgId],
  });
  const giftId = await give(gw, donor, programmeId, "20000000");
  await issue(gw, charity, programmeId, households);
  return {
    gw,
    charity,
    otherCharity: world.otherCharity,
    insurer,
    otherVendor: world.otherVendor,
    auditor: world.auditor,
    registrar,
    donor,
    programmeId,
    reliefProgrammeId: world.programmeId,
    giftId,
    households,
    phoneWallet,
  };
}

/** Issues every household `ENTITLEMENT` for the programme's current period. */
export async function issue(
  gw: E2eGateway,
  charity: Organisation,
  programmeId: number,
  households: readonly MandateHousehold[],
): Promise<void> {
  const csv = disbursementCsv(households.map((household) => [household.nationalId, ENTITLEMENT]));
  const res = await gw.postCsv(
    `/v1/programmes/${programmeId}/disbursements`,
    charity.apiKey,
    csv,
    `mdt-dsb-${randomUUID()}`,
  );
  const done = await settle(gw, charity.apiKey, res);
  expect(done.body.counts.issued, done.text).to.equal(households.length);
}

/** The ledger's current period of the programme, from the chain. */
export async function currentPeriod(world: MandateWorld): Promise<number> {
  return Number(await world.gw.services.system.ledger.currentPeriod(world.programmeId));
}

/** The texts sent so far to `phone`, oldest first, from the development SMS adapter's outbox. */
export function textsTo(gw: E2eGateway, phone: string): string[] {
  const file = path.join(gw.dataDir, "sms-outbox.jsonl");
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { to: string; text: string })
    .filter((message) => message.to === phone)
    .map((message) => message.text);
}

/** The code of the last text to `phone`. */
export function lastCode(gw: E2eGateway, phone: string): string {
  return /: ([0-9]{6}) /.exec(textsTo(gw, phone).at(-1)!)![1]!;
}

export function tableCounts(gw: E2eGateway): Record<string, number> {
  return Object.fromEntries(MANDATE_TABLES.map((table) => [table, countRows(gw, table)]));
}

/** Expects a 4xx in the one error shape naming `field` (and `code`), and no row, job or transaction from it. */
export async function refused(
  gw: E2eGateway,
  send: () => Promise<{ status: number; body: { error?: Record<string, string> }; text: string }>,
  status: number,
  field: string,
  code?: string,
) {
  const before = tableCounts(gw);
  const block = await gw.services.provider.getBlockNumber();
  const res = await send();
  expect(res.status, res.text).to.equal(status);
  expect(res.body.error, res.text).to.include({ field, ...(code !== undefined && { code }) });
  expect(Object.keys(res.body.error!).sort()).to.have.members(
    ["name", "message", "field", "requestId", ...(res.body.error!.code !== undefined ? ["code"] : [])].sort(),
  );
  expect(tableCounts(gw), res.text).to.deep.equal(before);
  // Nor a transaction: the chain made no block for it.
  expect(await gw.services.provider.getBlockNumber(), res.text).to.equal(block);
  return res;
}

/** A proposal body for household `index` as the insurer sends it, over periods [first, last]. */
export function proposalBody(
  world: MandateWorld,
  index: number,
  first: number,
  last: number,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    programmeId: world.programmeId,
    householdRef: world.households[index]!.householdRef,
    premiumPerPeriod: PREMIUM,
    firstPeriod: first,
    lastPeriod: last,
    idempotencyKey: `mandate-${randomUUID()}`,
    ...overrides,
  };
}

/** Expects the role check's 403 (`ForbiddenError`, no field: the route's input rules are not disclosed) and nothing written. */
export async function forbidden(
  world: MandateWorld,
  send: () => Promise<{ status: number; body: { error?: Record<string, string> }; text: string }>,
) {
  const before = tableCounts(world.gw);
  const res = await send();
  expect(res.status, res.text).to.equal(403);
  expect(res.body.error!.name, res.text).to.equal("ForbiddenError");
  expect(tableCounts(world.gw)).to.deep.equal(before);
}
