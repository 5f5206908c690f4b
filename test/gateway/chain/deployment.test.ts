import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ethers } from "hardhat";
import { DEFAULT_DEPLOY_DELAYS } from "../../../deploy/system";
import { deploymentPath, loadOrDeploy, type DeploymentRecord } from "../../../src/chain/deployment";

describe("loadOrDeploy", function () {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), "sintech-deployment-"));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  async function options() {
    const [deployer] = await ethers.getSigners();
    return {
      deployer: deployer!,
      options: { council: [deployer!.address], regulators: [deployer!.address], ...DEFAULT_DEPLOY_DELAYS },
    };
  }

  it("deploys the time bank with the system and records it, bound to the system's licence registry", async function () {
    const { deployer, options: deployOptions } = await options();
    const { system, record, deployed } = await loadOrDeploy(dataDir, deployer, deployOptions);
    expect(deployed).to.equal(true);
    expect(record.addresses.timeBank).to.equal(await system.timeBank.getAddress());
    expect(await ethers.provider.getCode(record.addresses.timeBank)).to.not.equal("0x");
    const again = await loadOrDeploy(dataDir, deployer, deployOptions);
    expect(again.deployed).to.equal(false);
    expect(again.record.addresses).to.deep.equal(record.addresses);
  });

  it("adds a time bank to a system recorded before it existed, keeping the record's other fields", async function () {
    const { deployer, options: deployOptions } = await options();
    const { record } = await loadOrDeploy(dataDir, deployer, deployOptions);
    const { timeBank: _dropped, ...older } = record.addresses;
    writeFileSync(
      deploymentPath(dataDir),
      JSON.stringify({ ...record, addresses: older, settlementToken: ethers.ZeroAddress }),
    );
    const upgraded = await loadOrDeploy(dataDir, deployer, deployOptions);
    expect(upgraded.deployed).to.equal(false);
    expect(upgraded.record.addresses.ledger).to.equal(record.addresses.ledger);
    expect(upgraded.record.addresses.timeBank).to.not.equal(undefined);
    expect(await ethers.provider.getCode(upgraded.record.addresses.timeBank)).to.not.equal("0x");
    const onDisk = JSON.parse(readFileSync(deploymentPath(dataDir), "utf8")) as DeploymentRecord & {
      settlementToken: string;
    };
    expect(onDisk.addresses.timeBank).to.equal(upgraded.record.addresses.timeBank);
    expect(onDisk.settlementToken).to.equal(ethers.ZeroAddress);
    // The new time bank answers to the recorded licence registry: refused until licensed there, then admitting.
    const timeBank = upgraded.system.timeBank;
    const member = ethers.id("member");
    await expect(timeBank.admitMember(member, deployer.address, 60))
      .to.be.revertedWithCustomError(timeBank, "CoordinatorUnauthorized")
      .withArgs(deployer.address);
    const now = (await ethers.provider.getBlock("latest"))!.timestamp;
    const COORDINATOR = 6;
    await upgraded.system.licences.grantLicence(deployer.address, COORDINATOR, 7, 1, now, now + 86_400, "");
    await expect(timeBank.admitMember(member, deployer.address, 60)).to.emit(timeBank, "MemberAdmitted");
  });

  it("deploys the premium mandates with the system, and adds them to a system recorded before they existed", async function () {
    const { deployer, options: deployOptions } = await options();
    const { system, record } = await loadOrDeploy(dataDir, deployer, deployOptions);
    expect(record.addresses.mandates).to.equal(await system.mandates.getAddress());
    const { mandates: _dropped, ...older } = record.addresses;
    writeFileSync(deploymentPath(dataDir), JSON.stringify({ ...record, addresses: older }));
    const upgraded = await loadOrDeploy(dataDir, deployer, deployOptions);
    expect(upgraded.deployed).to.equal(false);
    expect(upgraded.record.addresses.ledger).to.equal(record.addresses.ledger);
    expect(await ethers.provider.getCode(upgraded.record.addresses.mandates)).to.not.equal("0x");
    const onDisk = JSON.parse(readFileSync(deploymentPath(dataDir), "utf8")) as DeploymentRecord;
    expect(onDisk.addresses.mandates).to.equal(upgraded.record.addresses.mandates);
    expect(await upgraded.system.mandates.MAX_RECEIPT_INDEX()).to.equal(31n);
  });
});
