import { expect } from "chai";
import { Wallet } from "ethers";
import { syntheticNationalId } from "../../../src/identity";
import type { E2eGateway, Organisation } from "../e2e/harness";

/** The PIN the fixture's custodial members are admitted with. */
export const TIMEBANK_PIN = "482913";

/** The regulator appoints each organisation a time-bank coordinator through the API. */
export async function appointCoordinators(gw: E2eGateway, orgs: readonly Organisation[]): Promise<void> {
  for (const org of orgs) {
    const appointed = await gw.post("/v1/timebank/coordinators", gw.regulatorKey, { orgId: org.orgId });
    expect(appointed.status, appointed.text).to.equal(201);
  }
}

/** Admits a person through the API as `org`, a credit limit of 120 minutes unless `body` says otherwise. */
export async function admitMember(
  gw: E2eGateway,
  org: Organisation,
  nationalId: string,
  body: Record<string, unknown>,
): Promise<string> {
  const res = await gw.post("/v1/timebank/members", org.apiKey, { nationalId, creditLimit: 120, ...body });
  expect(res.status, res.text).to.equal(201);
  return res.body.memberRef as string;
}

/**
 * What an appointed coordinator's pages show, through the API: a giver and a recipient (custodial, with the
 * PIN) and a member with its own wallet; the giver earns 60 minutes from the recipient, donates 25 to the
 * pool, and the pool pays it 10 for another service; one more service waits for the recipient's word; and
 * `extraMembers` more members, to fill a page.
 */
export async function seedTimeBank(
  gw: E2eGateway,
  coordinator: Organisation,
  seed: number,
  extraMembers = 0,
): Promise<{ giver: string; recipient: string; self: string; openServiceId: string }> {
  const giver = await admitMember(gw, coordinator, syntheticNationalId(seed + 1), { pin: TIMEBANK_PIN });
  const recipient = await admitMember(gw, coordinator, syntheticNationalId(seed + 2), { pin: TIMEBANK_PIN });
  const self = await admitMember(gw, coordinator, syntheticNationalId(seed + 3), {
    wallet: Wallet.createRandom().address,
  });
  for (let i = 0; i < extraMembers; i++)
    await admitMember(gw, coordinator, syntheticNationalId(seed + 100 + i), { creditLimit: 60 });
  let step = 0;
  const open = async (minutes: number) => {
    const res = await gw.post("/v1/timebank/services", coordinator.apiKey, {
      giver,
      recipient,
      minutes,
      category: "care",
      idempotencyKey: `tb-world-${seed}-${++step}`,
    });
    expect(res.status, res.text).to.equal(201);
    return res.body.serviceId as string;
  };
  const confirm = async (serviceId: string, payer: "recipient" | "pool") => {
    const res = await gw.post(
      `/v1/timebank/services/${serviceId}/coordinator-confirmation`,
      coordinator.apiKey,
      { payer },
    );
    expect(res.status, res.text).to.equal(200);
  };
  await confirm(await open(60), "recipient");
  const donated = await gw.post(`/v1/timebank/members/${giver}/donations`, coordinator.apiKey, {
    minutes: 25,
    pin: TIMEBANK_PIN,
    idempotencyKey: `tb-world-${seed}-donation`,
  });
  expect(donated.status, donated.text).to.equal(201);
  await confirm(await open(10), "pool");
  return { giver, recipient, self, openServiceId: await open(15) };
}

type Answer = { status: number; body: { error?: Record<string, string> }; text: string };

/**
 * Sends a request that must be refused: `status` in the one error shape naming `field` (and `code`, when
 * given), and nothing written, as `counts` (row counts of the tables it could touch) sees before and after.
 */
export async function refusedWritingNothing(
  counts: () => Record<string, number>,
  send: () => Promise<Answer>,
  status: number,
  field: string,
  code?: string,
): Promise<Answer> {
  const before = counts();
  const res = await send();
  expect(res.status, res.text).to.equal(status);
  expect(res.body.error, res.text).to.include({ field, ...(code !== undefined && { code }) });
  expect(Object.keys(res.body.error!).sort()).to.have.members(
    ["name", "message", "field", "requestId", ...(res.body.error!.code !== undefined ? ["code"] : [])].sort(),
  );
  expect(counts(), res.text).to.deep.equal(before);
  return res;
}
