import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { Wallet } from "ethers";
import { syntheticNationalId } from "../../../src/identity";
import {
  bootE2e,
  createProgramme,
  disbursementCsv,
  give,
  mintTokens,
  registerOnChain,
  registerOrganisation,
  settle,
  type BootE2eOptions,
  type E2eGateway,
  type Organisation,
} from "./harness";

/** One enrolled, registered and funded household of the delivery tests. */
export interface DeliveryHousehold {
  nationalId: string;
  memberId: string;
  phone: string;
  householdRef: string;
  headRef: string;
  memberRef: string;
}

export interface DeliveryWorld {
  gw: E2eGateway;
  charity: Organisation;
  otherCharity: Organisation;
  vendor: Organisation;
  otherVendor: Organisation;
  fieldAgent: Organisation;
  auditor: Organisation;
  registrar: Organisation;
  /** Gave `giftIds[i]` to the i-th programme (programmeId, then cosignedProgrammeId). */
  donor: Organisation;
  giftIds: number[];
  /** Allows `vendor`; no field agent needed. */
  programmeId: number;
  /** Allows `vendor`; every redemption needs a field agent's co-signature. */
  cosignedProgrammeId: number;
  households: DeliveryHousehold[];
}

/** Whole units each household is issued in each programme. */
export const ENTITLEMENT = "1000000";
export const PIN = "582914";

/**
 * A gateway with a charity's two programmes (one needing a field agent) funded by a donor and allowing one
 * vendor, and `count` two-member households enrolled with a phone, registered on chain (heads with
 * custodial wallets and the PIN above) and issued `ENTITLEMENT` in both programmes.
 */
export async function deliveryWorld(
  count: number,
  firstSeed: number,
  options: BootE2eOptions = {},
): Promise<DeliveryWorld> {
  const gw = await bootE2e(options);
  const charity = await registerOrganisation(gw, "charity");
  const otherCharity = await registerOrganisation(gw, "charity");
  const vendor = await registerOrganisation(gw, "vendor");
  const otherVendor = await registerOrganisation(gw, "vendor");
  const fieldAgent = await registerOrganisation(gw, "field_agent");
  const auditor = await registerOrganisation(gw, "auditor");
  const registrar = await registerOrganisation(gw, "registrar");
  const donor = await registerOrganisation(gw, "donor");

  const households: DeliveryHousehold[] = [];
  for (let i = 0; i < count; i++) {
    const nationalId = syntheticNationalId(firstSeed + 2 * i);
    const memberId = syntheticNationalId(firstSeed + 2 * i + 1);
    const phone = `0912${String(7_000_000 + firstSeed + i).slice(-7)}`;
    const res = await gw.post("/v1/households", charity.apiKey, {
      members: [
        { nationalId, phone, jobCode: "employee", isHead: true },
        { nationalId: memberId, jobCode: "employee", isHead: false },
      ],
      postalCode: "1234567891",
    });
    expect(res.status, res.text).to.equal(201);
    households.push({
      nationalId,
      memberId,
      phone,
      householdRef: res.body.householdRef,
      headRef: res.body.members[0].beneficiaryRef,
      memberRef: res.body.members[1].beneficiaryRef,
    });
  }
  await registerOnChain(gw, charity.apiKey);
  for (const household of households) {
    const pin = await gw.post("/v1/wallets/pins", registrar.apiKey, {
      beneficiaryRef: household.headRef,
      pin: PIN,
    });
    expect(pin.status, pin.text).to.equal(204);
  }

  // Each programme's budget covers every household's entitlement (20,000,000 at least, as before).
  const budget = Math.max(20_000_000, count * Number(ENTITLEMENT));
  await mintTokens(gw, donor.address, String(Math.max(100_000_000, 2 * budget)));
  const programmeId = await createProgramme(gw, charity, { vendorOrgIds: [vendor.orgId] });
  const cosignedProgrammeId = await createProgramme(gw, charity, {
    vendorOrgIds: [vendor.orgId],
    requiresFieldAgent: true,
    name: "E2E co-signed repairs",
  });
  const giftIds: number[] = [];
  for (const id of [programmeId, cosignedProgrammeId]) {
    giftIds.push(await give(gw, donor, id, String(budget)));
    const csv = disbursementCsv(households.map((household) => [household.nationalId, ENTITLEMENT]));
    const res = await gw.postCsv(
      `/v1/programmes/${id}/disbursements`,
      charity.apiKey,
      csv,
      `dlv-dsb-${randomUUID()}`,
    );
    const done = await settle(gw, charity.apiKey, res);
    expect(done.body.counts.issued, done.text).to.equal(count);
  }
  return {
    gw,
    charity,
    otherCharity,
    vendor,
    otherVendor,
    fieldAgent,
    auditor,
    registrar,
    donor,
    giftIds,
    programmeId,
    cosignedProgrammeId,
    households,
  };
}

/** Opens a delivery as `vendor`; returns the answer's body. */
export async function openDelivery(
  world: DeliveryWorld,
  body: Record<string, unknown>,
  vendor: Organisation = world.vendor,
) {
  const res = await world.gw.post("/v1/deliveries", vendor.apiKey, {
    programmeId: world.programmeId,
    amount: "100000",
    item: "food-basket",
    idempotencyKey: `dlv-${randomUUID()}`,
    ...body,
  });
  expect(res.status, res.text).to.equal(201);
  expect(res.body.delivery.state).to.equal("open");
  return res.body.delivery as DeliveryBody;
}

export interface DeliveryBody {
  deliveryId: string;
  state: string;
  redemptionId: string;
  beneficiaryRef: string;
  householdRef: string;
  nonce: string;
  typedData: {
    domain: { name: string; version: string; chainId: number; verifyingContract: string };
    types: Record<string, { name: string; type: string }[]>;
    message: Record<string, string>;
  };
  redemption: { txHash: string; blockNumber: number } | null;
  refusal: { code: string; message: string } | null;
  flag: string;
  acceptance: { channel: string; by: string } | null;
}

/** Signs a delivery's typed data with `wallet`, exactly as a wallet app would from the answer. */
export function signDelivery(wallet: Pick<Wallet, "signTypedData">, delivery: DeliveryBody): Promise<string> {
  return wallet.signTypedData(
    delivery.typedData.domain,
    delivery.typedData.types,
    delivery.typedData.message,
  );
}

/** The codes texted so far to `phone`, oldest first, read from the development SMS outbox. */
export function smsCodesTo(gw: E2eGateway, phone: string): string[] {
  const file = path.join(gw.dataDir, "sms-outbox.jsonl");
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { to: string; text: string })
    .filter((message) => message.to === phone)
    .map((message) => /\b([0-9]{6})\b/.exec(message.text)![1]!);
}

/** Asks for a code for the delivery and returns it, as the household's phone received it. */
export async function requestCode(world: DeliveryWorld, deliveryId: string, phone: string): Promise<string> {
  const res = await world.gw.post(`/v1/deliveries/${deliveryId}/sms-code`, world.vendor.apiKey, {});
  expect(res.status, res.text).to.equal(201);
  expect(res.text).to.not.include(phone);
  return smsCodesTo(world.gw, phone).at(-1)!;
}

/** Drains the outbox and reads the delivery back as its vendor. */
export async function settled(world: DeliveryWorld, deliveryId: string): Promise<DeliveryBody> {
  await world.gw.services.outbox.drain();
  const res = await world.gw.get(`/v1/deliveries/${deliveryId}`, world.vendor.apiKey);
  expect(res.status, res.text).to.equal(200);
  return res.body as DeliveryBody;
}
