import { expect } from "chai";
import { importHouseholdsCsv, sampleHouseholdsCsv } from "../../../src/households";
import { streamOf } from "./csvFixture";
import { openHouseholdFixture } from "./householdFixture";

/**
 * An upload arrives as one buffer, and a CSV parser over a buffer hands every row over without leaving the
 * event loop: an import of 25,000 households held it for 29 s, no other request was answered, and clients'
 * idle keep-alive sockets were reset. The import lets the loop run between its commits.
 */
describe("households: an import leaves the event loop to other requests", () => {
  it("lets timers run between commits while a 1,500-household upload is imported", async () => {
    const fx = openHouseholdFixture();
    try {
      const sample = sampleHouseholdsCsv({ households: 1_500, seed: 11, militaryShare: 0 });
      let ticks = 0;
      let importing = true;
      const tick = () => {
        ticks++;
        if (importing) setImmediate(tick);
      };
      setImmediate(tick);
      const result = await importHouseholdsCsv(fx.ctx, streamOf(sample.csv), { idempotencyKey: "yields" });
      importing = false;
      expect(result.counts.householdsEnrolled).to.equal(1_500);
      // 500 households per commit: the ticker ran after each commit before the last (with the loop held
      // for the whole import it ran not once until the import had ended).
      expect(ticks).to.be.at.least(2);
    } finally {
      fx.cleanup();
    }
  });
});
