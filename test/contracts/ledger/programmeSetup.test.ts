import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ProgrammeSetup__factory } from "../../../typechain-types";
import { createGroup, groupParams, ledgerWorld, programmeParams } from "../helpers/ledger";

/** Programme and group creation run in ProgrammeSetup's code against the ledger's storage (EIP-170). */
describe("AidLedger: programme setup runs in its own code, against the ledger's storage", function () {
  const EIP170_LIMIT = 24_576;

  async function fixture() {
    const world = await ledgerWorld();
    const setup = await new ProgrammeSetup__factory(world.deployer).deploy(
      await world.licences.getAddress(),
      await world.registry.getAddress(),
    );
    return { ...world, setup };
  }

  it("keeps every deployed contract under the EIP-170 size limit", async function () {
    // solidity-coverage measures instrumented code, three times the size: the limit is the real build's.
    if ((hre as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING) this.skip();
    const { ledger, setup, registry, licences } = await loadFixture(fixture);
    for (const contract of [ledger, setup, registry, licences]) {
      const code = await ethers.provider.getCode(await contract.getAddress());
      expect((code.length - 2) / 2).to.be.at.most(EIP170_LIMIT);
    }
  });

  it("refuses every call made to ProgrammeSetup directly with ProgrammeSetupDelegateOnly", async function () {
    const { setup, regulator, charity, token, groupId } = await loadFixture(fixture);
    for (const call of [
      async () => setup.connect(charity).createProgramme(await programmeParams(token)),
      async () => setup.connect(regulator).createExclusivityGroup(await groupParams(token)),
      () => setup.connect(regulator).setExclusivityGroupAdmission(groupId, [charity.address], false),
      () => setup.connect(regulator).setExclusivityGroupCap(groupId, 2),
    ]) {
      await expect(call()).to.be.revertedWithCustomError(setup, "ProgrammeSetupDelegateOnly");
    }
  });

  it("writes through the ledger what the ledger reads back, and emits the events from the ledger", async function () {
    const { ledger, regulator, charity, token } = await loadFixture(fixture);
    const groupId = await createGroup(ledger, regulator, token, { maxCoverages: 3, admit: [charity] });
    const count = await ledger.programmeCount();
    const params = await programmeParams(token, { groupId, metadataCid: "bafy-setup" });
    await expect(ledger.connect(charity).createProgramme(params))
      .to.emit(ledger, "ProgrammeCreated")
      .withArgs(
        count + 1n,
        charity.address,
        params.layer,
        params.category,
        await token.getAddress(),
        groupId,
        params.periodLength,
        params.capPerPeriod,
        params.startsAt,
        params.endsAt,
        "bafy-setup",
      );
    const stored = await ledger.programme(count + 1n);
    expect([stored.charity, stored.groupId, stored.metadataCid]).to.deep.equal([
      charity.address,
      groupId,
      "bafy-setup",
    ]);
    expect((await ledger.exclusivityGroup(groupId)).maxCoverages).to.equal(3n);
    expect(await ledger.isAdmittedToGroup(groupId, charity.address)).to.equal(true);
    expect(await ledger.programmeCount()).to.equal(count + 1n);
  });
});
