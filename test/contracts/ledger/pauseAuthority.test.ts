import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ledgerWorld } from "../helpers/ledger";

/** A regulator's pause is lifted only by a regulator; the review saw the charity undo it, even once revoked. */
describe("AidLedger: who may lift a pause", function () {
  async function paused(by: "regulator" | "charity") {
    const world = await ledgerWorld();
    await world.ledger.connect(world[by]).setProgrammePaused(world.programmeId, true);
    return world;
  }
  const pausedByRegulator = () => paused("regulator");
  const pausedByCharity = () => paused("charity");

  it("refuses the charity lifting a regulator's pause with ProgrammePausedByRegulator", async function () {
    const { ledger, charity, programmeId } = await loadFixture(pausedByRegulator);
    await expect(ledger.connect(charity).setProgrammePaused(programmeId, false))
      .to.be.revertedWithCustomError(ledger, "ProgrammePausedByRegulator")
      .withArgs(programmeId);
    const p = await ledger.programme(programmeId);
    expect([p.paused, p.pausedByRegulator]).to.deep.equal([true, true]);
  });

  it("lets a regulator lift its pause, after which the charity may pause and unpause again", async function () {
    const { ledger, regulator, charity, programmeId } = await loadFixture(pausedByRegulator);
    await expect(ledger.connect(regulator).setProgrammePaused(programmeId, false))
      .to.emit(ledger, "ProgrammePauseChanged")
      .withArgs(programmeId, false, regulator.address);
    expect((await ledger.programme(programmeId)).pausedByRegulator).to.equal(false);
    await ledger.connect(charity).setProgrammePaused(programmeId, true);
    await expect(ledger.connect(charity).setProgrammePaused(programmeId, false))
      .to.emit(ledger, "ProgrammePauseChanged")
      .withArgs(programmeId, false, charity.address);
  });

  it("lets a regulator take over the charity's pause, which the charity then cannot lift", async function () {
    const { ledger, regulator, charity, programmeId } = await loadFixture(pausedByCharity);
    await expect(ledger.connect(regulator).setProgrammePaused(programmeId, true))
      .to.emit(ledger, "ProgrammePauseChanged")
      .withArgs(programmeId, true, regulator.address);
    await expect(ledger.connect(charity).setProgrammePaused(programmeId, false))
      .to.be.revertedWithCustomError(ledger, "ProgrammePausedByRegulator")
      .withArgs(programmeId);
  });

  it("lets a regulator lift the charity's own pause", async function () {
    const { ledger, regulator, programmeId } = await loadFixture(pausedByCharity);
    await ledger.connect(regulator).setProgrammePaused(programmeId, false);
    expect((await ledger.programme(programmeId)).paused).to.equal(false);
  });

  it("reverts with ProgrammePauseUnchanged for a regulator pausing twice or lifting no pause", async function () {
    const { ledger, regulator, programmeId } = await loadFixture(pausedByRegulator);
    await expect(ledger.connect(regulator).setProgrammePaused(programmeId, true))
      .to.be.revertedWithCustomError(ledger, "ProgrammePauseUnchanged")
      .withArgs(programmeId, true);
    await ledger.connect(regulator).setProgrammePaused(programmeId, false);
    await expect(ledger.connect(regulator).setProgrammePaused(programmeId, false))
      .to.be.revertedWithCustomError(ledger, "ProgrammePauseUnchanged")
      .withArgs(programmeId, false);
  });
});
