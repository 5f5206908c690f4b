import { expect } from "chai";
import { runDeliveryCrashLoop } from "./deliveryCrashLoop";

describe("e2e: hard kills while deliveries are accepted and redeemed and confirmations anchored", function () {
  this.timeout(600_000);

  it("after SIGKILLs of the gateway's process group at random moments, every accepted delivery is redeemed once and every confirmation anchored once, each proof verified on chain", async () => {
    const report = await runDeliveryCrashLoop({
      kills: 3,
      killAfterMs: [1_500, 4_000],
      rewindEvery: 2,
      seed: 9,
    });
    expect(report.deliveriesChecked, "deliveries accepted across the kills").to.be.greaterThan(3);
    expect(report.redeemedOnChain).to.equal(report.deliveriesChecked);
    expect(report.confirmationsChecked, "confirmations answered across the kills").to.be.greaterThan(3 * 5);
    expect(report.proofsVerified).to.equal(report.confirmationsChecked);
    expect(report.batchesChecked, "batches closed across the kills").to.be.greaterThan(3);
    expect(report.retried, "a kill cut requests, sent again").to.be.greaterThan(0);
    expect(report.rebroadcast, "the rewound node lost confirmed writes, sent again").to.be.greaterThan(0);
    expect({
      lost: report.lost,
      duplicates: report.duplicates,
      unreported: report.unreported,
      serverErrors: report.serverErrors,
    }).to.deep.equal({ lost: 0, duplicates: 0, unreported: 0, serverErrors: 0 });
  });
});
