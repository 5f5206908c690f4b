import { expect } from "chai";
import { runCrashLoop } from "./crashLoop";

describe("e2e: hard kills during a disbursement, a registration and a gift", function () {
  this.timeout(300_000);

  it("after SIGKILLs of the gateway's process group, or of the gateway alone, at random moments, every reported write is on chain once, and new writes land", async () => {
    const report = await runCrashLoop({
      kills: 3,
      rowsPerRound: 300,
      registrationsPerRound: 100,
      killAfterMs: [500, 4_000],
      rewindEvery: 2,
      gatewayOnlyEvery: 3,
      seed: 8,
    });
    expect(report.rowsChecked, "every cut request, sent again, was answered").to.equal(3 * 300);
    expect(report.registrationsChecked).to.be.greaterThan(0);
    expect(report.giftsChecked).to.be.greaterThan(0);
    expect(report.rebroadcast, "the rewound node lost confirmed writes").to.be.greaterThan(0);
    expect(report.takenOver, "the node left running by the gateway killed alone was taken over").to.equal(1);
    expect({
      lost: report.lost,
      duplicates: report.duplicates,
      unreported: report.unreported,
      serverErrors: report.serverErrors,
      takesNewWrites: report.takesNewWrites,
    }).to.deep.equal({ lost: 0, duplicates: 0, unreported: 0, serverErrors: 0, takesNewWrites: true });
  });
});
