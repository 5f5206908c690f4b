import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { deployAidSystem, type AidSystem } from "../../../deploy/system";
import { TestSettlementToken__factory, type TestSettlementToken } from "../../../typechain-types";

/** Mirrors contracts/types/AidTypes.sol. */
export const Layer = { Relief: 0, Support: 1, Insurance: 2 } as const;
export const LicenceKind = {
  None: 0,
  Charity: 1,
  Vendor: 2,
  FieldAgent: 3,
  Auditor: 4,
  Registrar: 5,
  Coordinator: 6,
} as const;
export const LicenceStatus = { None: 0, Active: 1, Suspended: 2, Revoked: 3, RevocationPending: 4 } as const;
export const BeneficiaryStatus = { None: 0, Active: 1, Suspended: 2, Deceased: 3 } as const;
export const Outflow = { Settlement: 0, Refund: 1, Reallocation: 2 } as const;
export const DisputeStatus = { None: 0, Flagged: 1, Upheld: 2, Dismissed: 3 } as const;

export const ALL_LAYERS = 0b111;
export const ALL_CATEGORIES = (1n << 256n) - 1n;
export const FOOD = 1;
export const DAY = 24 * 3600;
export const PERIOD = 30 * DAY;
export const UNIT = 10n ** 18n;
export const TIMELOCK_DELAY = 2 * DAY;

export interface Actors {
  deployer: HardhatEthersSigner;
  council: HardhatEthersSigner;
  regulator: HardhatEthersSigner;
  charity: HardhatEthersSigner;
  charity2: HardhatEthersSigner;
  vendor: HardhatEthersSigner;
  vendor2: HardhatEthersSigner;
  fieldAgent: HardhatEthersSigner;
  auditor: HardhatEthersSigner;
  registrar: HardhatEthersSigner;
  donor: HardhatEthersSigner;
  donor2: HardhatEthersSigner;
  stranger: HardhatEthersSigner;
  beneficiaries: HardhatEthersSigner[];
}

export interface SystemFixture extends AidSystem, Actors {
  token: TestSettlementToken;
}

/** A deterministic stand-in for the gateway's keyed HMAC reference (tests only). */
export function ref(kind: "beneficiary" | "household", n: number | string): string {
  return ethers.keccak256(ethers.toUtf8Bytes(`test-${kind}-${n}`));
}

/**
 * The deployed system with every role licensed for all layers and categories for a year, and a minted
 * settlement token approved by both donors and both charities. Used with `loadFixture`.
 */
export async function deployedSystem(): Promise<SystemFixture> {
  const signers = await ethers.getSigners();
  const [deployer, council, regulator, charity, charity2, vendor, vendor2, fieldAgent, auditor, registrar] =
    signers;
  const [donor, donor2, stranger] = signers.slice(10, 13);
  const beneficiaries = signers.slice(13, 20);
  const system = await deployAidSystem(deployer, {
    council: [council.address],
    regulators: [regulator.address],
    timelockDelay: TIMELOCK_DELAY,
    adminDelay: 3 * DAY,
  });
  const now = await time.latest();
  const until = now + 365 * DAY;
  const grants: [HardhatEthersSigner, number][] = [
    [charity, LicenceKind.Charity],
    [charity2, LicenceKind.Charity],
    [vendor, LicenceKind.Vendor],
    [vendor2, LicenceKind.Vendor],
    [fieldAgent, LicenceKind.FieldAgent],
    [auditor, LicenceKind.Auditor],
    [registrar, LicenceKind.Registrar],
  ];
  for (const [holder, kind] of grants) {
    await system.licences
      .connect(regulator)
      .grantLicence(holder.address, kind, ALL_LAYERS, ALL_CATEGORIES, now, until, "bafy-licence");
  }
  const token = await new TestSettlementToken__factory(deployer).deploy();
  const ledgerAddress = await system.ledger.getAddress();
  for (const payer of [donor, donor2, charity, charity2]) {
    await token.mint(payer.address, 1_000_000n * UNIT);
    await token.connect(payer).approve(ledgerAddress, ethers.MaxUint256);
  }
  return {
    ...system,
    token,
    deployer,
    council,
    regulator,
    charity,
    charity2,
    vendor,
    vendor2,
    fieldAgent,
    auditor,
    registrar,
    donor,
    donor2,
    stranger,
    beneficiaries,
  };
}
