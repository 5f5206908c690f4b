import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { syntheticNationalId } from "../../../src/identity";
import { openDelivery, PIN } from "../e2e/deliveryFixture";
import { disbursementCsv, settle, wrongChecksum } from "../e2e/harness";
import { webWorld, type WebWorld } from "./webWorld";

/** Items per page of the charity's lists in this world: three of each make two pages. */
export const PAGE_SIZE = 2;

export interface EnrolmentWorld extends WebWorld {
  /** An import with every kind of row: enrolled, refused (three reasons), duplicates held for review. */
  reportImportId: string;
  /** The charity's imports, newest first. */
  importIds: string[];
  /** The charity's registration runs, newest first (the world's own first run last). */
  registrationIds: string[];
  /** The other charity's import and registration run. */
  otherImportId: string;
  otherRegistrationId: string;
}

const HEADER = "household_key,national_id,is_head,job_code,postal_code";

/** Posts a household CSV as the charity and expects it imported. */
async function importCsv(
  world: WebWorld,
  lines: string[],
): Promise<{ importId: string; body: { reviews: unknown[] } }> {
  const res = await world.gw.postCsv(
    "/v1/households/imports",
    world.charity.apiKey,
    `${[HEADER, ...lines].join("\n")}\n`,
    `web-enrol-${randomUUID()}`,
  );
  expect(res.status, res.text).to.equal(201);
  return { importId: res.body.importId as string, body: res.body };
}

/** Registers the charity's enrolled households on chain and waits until the run is done. */
async function registrationRun(world: WebWorld): Promise<string> {
  const res = await world.gw.post("/v1/households/registrations", world.charity.apiKey);
  expect(res.status, res.text).to.equal(202);
  await settle(world.gw, world.charity.apiKey, res);
  return res.body.registrationId as string;
}

/**
 * The web world with the charity's lists a page size of two, and three or more of each: imports (one with a
 * refused row of each kind and four duplicates held for review), registration runs, disbursements and
 * disputed deliveries. The other charity has an import and a run of its own.
 */
export async function enrolmentWorld(seed: number): Promise<EnrolmentWorld> {
  const world = await webWorld(seed, { SINTECH_WEB_PAGE_SIZE: String(PAGE_SIZE) });
  const [first, second] = world.households as [WebWorld["households"][0], WebWorld["households"][0]];
  const id = (n: number) => syntheticNationalId(seed + 500 + n);
  const firstRun = world.gw.services.store.sqlite
    .prepare("SELECT registration_id FROM registration_runs WHERE org_id = ?")
    .pluck()
    .get(world.charity.orgId) as string;

  const report = await importCsv(world, [
    `H-1,${id(1)},1,employee,1234567891`,
    `H-1,${id(2)},0,student,1234567891`,
    `H-2,${wrongChecksum(id(3))},1,employee,1234567891`,
    `H-3,${id(4)},0,employee,1234567891`,
    `H-4,${id(5)},1,astronaut,1234567891`,
    `H-5,${id(6)},1,employee,1234567891`,
    `H-5,${first.memberId},0,employee,1234567891`,
    `H-6,${id(7)},1,employee,1234567891`,
    `H-6,${second.memberId},0,employee,1234567891`,
    `H-6,${second.nationalId},0,employee,1234567891`,
    `H-7,${id(8)},1,employee,1234567891`,
    `H-7,${first.nationalId},0,employee,1234567891`,
  ]);
  expect(report.body.reviews, JSON.stringify(report.body.reviews)).to.have.length(4);
  const runs = [await registrationRun(world)];
  const second_ = await importCsv(world, [`J-1,${id(10)},1,employee,1234567891`]);
  runs.unshift(await registrationRun(world));
  const third = await importCsv(world, [`K-1,${id(11)},1,employee,1234567891`]);
  runs.unshift(await registrationRun(world));
  runs.push(firstRun);

  // The other charity's own import and run: never on this charity's pages.
  const other = await world.gw.postCsv(
    "/v1/households/imports",
    world.otherCharity.apiKey,
    `${HEADER}\nO-1,${id(20)},1,employee,1234567891\n`,
    `web-enrol-other-${randomUUID()}`,
  );
  expect(other.status, other.text).to.equal(201);
  const otherRun = await world.gw.post("/v1/households/registrations", world.otherCharity.apiKey);
  expect(otherRun.status, otherRun.text).to.equal(202);
  await settle(world.gw, world.otherCharity.apiKey, otherRun);

  // A third disbursement (every row refused) and three disputed deliveries.
  const refused = await world.gw.postCsv(
    `/v1/programmes/${world.programmeId}/disbursements`,
    world.charity.apiKey,
    disbursementCsv([
      ["12345", "10"],
      [id(30), "10"],
      [first.nationalId, "10"],
    ]),
    `web-enrol-dsb-${randomUUID()}`,
  );
  expect(refused.status, refused.text).to.equal(202);
  const settled = await settle(world.gw, world.charity.apiKey, refused);
  expect(settled.body.counts.issued, settled.text).to.equal(0);
  for (const household of [first, second, second]) {
    const delivery = await openDelivery(world, { householdRef: household.householdRef, amount: "75" });
    const disputed = await world.gw.post(
      `/v1/deliveries/${delivery.deliveryId}/dispute`,
      world.vendor.apiKey,
      {
        pin: PIN,
        reason: "not_received",
      },
    );
    expect(disputed.status, disputed.text).to.equal(200);
  }
  return {
    ...world,
    reportImportId: report.importId,
    importIds: [third.importId, second_.importId, report.importId],
    registrationIds: runs,
    otherImportId: other.body.importId as string,
    otherRegistrationId: otherRun.body.registrationId as string,
  };
}
