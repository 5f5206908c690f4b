import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { syntheticNationalId } from "../../../src/identity";
import { openDelivery, PIN } from "../e2e/deliveryFixture";
import { disbursementCsv, settle } from "../e2e/harness";
import { webWorld, type WebWorld } from "./webWorld";

export interface RoleWorld extends WebWorld {
  /** A CSV disbursement with three rows refused: a malformed ID, one nobody enrolled, one already covered. */
  refusedDisbursementId: string;
  /** A household import that left one duplicate for review (a member enrolled in another household). */
  importId: string;
  /** A delivery the household disputed before redemption. */
  disputedDeliveryId: string;
}

/**
 * The web world, plus what the charity, auditor and regulator pages show beyond a donor's and a vendor's:
 * refused disbursement rows, a duplicate waiting for review, and a disputed delivery.
 */
export async function roleWorld(seed: number): Promise<RoleWorld> {
  const world = await webWorld(seed);
  const { gw, charity } = world;
  const [first, second] = world.households as [WebWorld["households"][0], WebWorld["households"][0]];

  const csv = disbursementCsv([
    ["12345", "10"],
    [syntheticNationalId(seed + 900), "10"],
    [first.nationalId, "10"],
  ]);
  const disbursed = await gw.postCsv(
    `/v1/programmes/${world.programmeId}/disbursements`,
    charity.apiKey,
    csv,
    `web-refused-${randomUUID()}`,
  );
  const done = await settle(gw, charity.apiKey, disbursed);
  expect(done.body.counts.issued, done.text).to.equal(0);

  const importCsv = [
    "household_key,national_id,is_head,job_code,postal_code",
    `H-1,${syntheticNationalId(seed + 901)},1,employee,1234567891`,
    `H-1,${first.memberId},0,employee,`,
  ].join("\n");
  const imported = await gw.postCsv(
    "/v1/households/imports",
    charity.apiKey,
    `${importCsv}\n`,
    `web-import-${randomUUID()}`,
  );
  expect(imported.status, imported.text).to.equal(201);
  expect(imported.body.reviews, imported.text).to.have.length(1);

  const delivery = await openDelivery(world, { householdRef: second.householdRef, amount: "75" });
  const disputed = await gw.post(`/v1/deliveries/${delivery.deliveryId}/dispute`, world.vendor.apiKey, {
    pin: PIN,
    reason: "not_received",
  });
  expect(disputed.status, disputed.text).to.equal(200);
  expect(disputed.body.state).to.equal("disputed");

  return {
    ...world,
    refusedDisbursementId: disbursed.body.disbursementId as string,
    importId: imported.body.importId as string,
    disputedDeliveryId: delivery.deliveryId,
  };
}
