import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { syntheticNationalId } from "../../../src/identity";
import { openDelivery, PIN, settled } from "../e2e/deliveryFixture";
import {
  createExclusivityGroup,
  createProgramme,
  disbursementCsv,
  give,
  settle,
  type E2eGateway,
} from "../e2e/harness";
import { webWorld, type WebWorld } from "./webWorld";

export interface RoleWorld extends WebWorld {
  /** A CSV disbursement with three rows refused: a malformed ID, one nobody enrolled, one already covered. */
  refusedDisbursementId: string;
  /** A household import that left one duplicate for review (a member enrolled in another household). */
  importId: string;
  /** A delivery the household disputed before redemption. */
  disputedDeliveryId: string;
  /** Two redeemed deliveries the household then flagged on chain (`not_received`, `wrong_amount`), open. */
  flaggedDeliveryIds: [string, string];
  /** An exclusivity group the charity is admitted to. */
  groupId: number;
  /** A funded programme of the charity with nothing issued yet: a disbursement into it makes chain writes. */
  freshProgrammeId: number;
}

/** A chain write through the outbox, by default as the operator (the embedded regulator); waits until confirmed. */
async function chainWrite(
  gw: E2eGateway,
  to: string,
  data: string,
  from = gw.services.operator,
): Promise<void> {
  const { outbox } = gw.services;
  const job = outbox.enqueue({
    idempotencyKey: `web:chain-write:${randomUUID()}`,
    kind: "web.test",
    from,
    to,
    data,
  });
  await outbox.drain();
  expect(outbox.get(job.jobId)!.status).to.equal("confirmed");
}

/**
 * The web world, plus what the charity, auditor and regulator pages show beyond a donor's and a vendor's:
 * refused disbursement rows, a duplicate waiting for review, a delivery disputed before redemption and two
 * flagged after it.
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

  // Two redemptions the household then flagged on chain, each holding the vendor's credit, for the charity to
  // answer and an auditor or the regulator to resolve.
  const flaggedDeliveryIds: string[] = [];
  for (const [amount, reason] of [
    ["60", "not_received"],
    ["40", "wrong_amount"],
  ] as const) {
    const redeemed = await openDelivery(world, { householdRef: first.householdRef, amount });
    const accepted = await gw.post(`/v1/deliveries/${redeemed.deliveryId}/acceptance`, world.vendor.apiKey, {
      pin: PIN,
    });
    expect(accepted.status, accepted.text).to.equal(200);
    expect((await settled(world, redeemed.deliveryId)).state).to.equal("redeemed");
    const flagged = await gw.post(`/v1/deliveries/${redeemed.deliveryId}/dispute`, world.vendor.apiKey, {
      pin: PIN,
      reason,
    });
    expect(flagged.status, flagged.text).to.equal(200);
    expect((await settled(world, redeemed.deliveryId)).flag).to.equal("flagged");
    flaggedDeliveryIds.push(redeemed.deliveryId);
  }

  // The regulator's side: a group the charity may join, a paused programme, a suspended licence and a
  // revocation waiting out its delay.
  const groupId = await createExclusivityGroup(gw, 30, 1, [charity.address]);
  const { ledger, licences } = gw.services.system;
  await chainWrite(
    gw,
    ledger.target as string,
    ledger.interface.encodeFunctionData("setProgrammePaused", [world.cosignedProgrammeId, true]),
  );
  const reason = `0x${Buffer.from("web-test").toString("hex").padEnd(64, "0")}`;
  await chainWrite(
    gw,
    licences.target as string,
    licences.interface.encodeFunctionData("suspendLicence", [world.otherVendor.address, 2, reason]),
  );
  await chainWrite(
    gw,
    licences.target as string,
    licences.interface.encodeFunctionData("revokeLicence", [world.fieldAgent.address, 3, reason]),
  );

  // The auditor's side: a finding on the programme and an anchored signed report, sent from its own key.
  const { auditLog } = gw.services.system;
  const programmeSubject = `0x${world.programmeId.toString(16).padStart(64, "0")}`;
  const block = await gw.services.provider.getBlockNumber();
  await chainWrite(
    gw,
    auditLog.target as string,
    auditLog.interface.encodeFunctionData("recordFinding", [0, programmeSubject, 2, "bafy-web-finding"]),
    world.auditor.address,
  );
  await chainWrite(
    gw,
    auditLog.target as string,
    auditLog.interface.encodeFunctionData("anchorReport", [
      `0x${"5e".repeat(32)}`,
      block,
      "audit-report-web.html",
    ]),
    world.auditor.address,
  );

  const freshProgrammeId = await createProgramme(gw, charity, { name: "E2E fresh relief" });
  await give(gw, world.donor, freshProgrammeId, "1000000");

  return {
    ...world,
    groupId,
    freshProgrammeId,
    refusedDisbursementId: disbursed.body.disbursementId as string,
    importId: imported.body.importId as string,
    disputedDeliveryId: delivery.deliveryId,
    flaggedDeliveryIds: flaggedDeliveryIds as [string, string],
  };
}
