import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployedSystem, LicenceKind, Layer, FOOD } from "./helpers/system";

describe("deployAidSystem", function () {
  it("wires every contract to the licence registry and licenses the fixture's actors", async function () {
    const { licences, charity, stranger, timelock } = await loadFixture(deployedSystem);
    expect(await licences.isLicensed(charity.address, LicenceKind.Charity, Layer.Relief, FOOD)).to.equal(
      true,
    );
    expect(await licences.isLicensed(stranger.address, LicenceKind.Charity, Layer.Relief, FOOD)).to.equal(
      false,
    );
    expect(await licences.defaultAdmin()).to.equal(await timelock.getAddress());
  });
});
