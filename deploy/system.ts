import type { Signer } from "ethers";
import {
  AidLedger__factory,
  AuditLog__factory,
  BeneficiaryRegistry__factory,
  ConsortiumTimelock__factory,
  LicenceRegistry__factory,
  PremiumMandates__factory,
  ProgrammeSetup__factory,
  ReceiptAnchor__factory,
  TimeBank__factory,
  type AidLedger,
  type AuditLog,
  type BeneficiaryRegistry,
  type ConsortiumTimelock,
  type LicenceRegistry,
  type PremiumMandates,
  type ReceiptAnchor,
  type TimeBank,
} from "../typechain-types";

/** The deployed contracts of one Sin Tech consortium. */
export interface AidSystem {
  timelock: ConsortiumTimelock;
  licences: LicenceRegistry;
  registry: BeneficiaryRegistry;
  ledger: AidLedger;
  anchor: ReceiptAnchor;
  auditLog: AuditLog;
  timeBank: TimeBank;
  /** Standing premium mandates (nazr-e bimeh), whose address the ledger holds. */
  mandates: PremiumMandates;
}

export interface DeployOptions {
  /** Consortium members: proposers, executors and cancellers of the timelock that administers licences. */
  council: string[];
  /** The first regulators, able to license from day one. */
  regulators: string[];
  /** Seconds a regulator appointment waits in the timelock. */
  timelockDelay: number;
  /** Seconds a transfer of the registry's default admin waits. */
  adminDelay: number;
}

export const DEFAULT_DEPLOY_DELAYS = { timelockDelay: 2 * 24 * 3600, adminDelay: 3 * 24 * 3600 } as const;

/** Addresses of a deployed system, as recorded on disk. */
export type AidSystemAddresses = Record<keyof AidSystem, string>;

/** Deploys the whole system in dependency order and waits for each deployment. */
export async function deployAidSystem(deployer: Signer, options: DeployOptions): Promise<AidSystem> {
  const timelock = await new ConsortiumTimelock__factory(deployer).deploy(
    options.timelockDelay,
    options.council,
  );
  await timelock.waitForDeployment();
  const licences = await new LicenceRegistry__factory(deployer).deploy(
    options.adminDelay,
    await timelock.getAddress(),
    options.regulators,
  );
  await licences.waitForDeployment();
  // Only a regulator can cancel a pending revocation: if the council needed longer than the revocation
  // delay to appoint one, a captured sole regulator's revocations would become final before anyone could.
  const revocationDelay = await licences.REVOCATION_DELAY();
  if (BigInt(options.timelockDelay) >= revocationDelay) {
    throw new Error(
      `timelockDelay (${options.timelockDelay} s) must be shorter than the licence registry's REVOCATION_DELAY (${revocationDelay} s)`,
    );
  }
  const licencesAddress = await licences.getAddress();
  const registry = await new BeneficiaryRegistry__factory(deployer).deploy(licencesAddress);
  await registry.waitForDeployment();
  const registryAddress = await registry.getAddress();
  // The ledger runs programme and group creation in this contract's code, against the ledger's own storage.
  const setup = await new ProgrammeSetup__factory(deployer).deploy(licencesAddress, registryAddress);
  await setup.waitForDeployment();
  // The ledger asks it, by static call, whether a standing premium mandate covers a receipt.
  const mandates = await deployMandates(deployer, registryAddress);
  const ledger = await new AidLedger__factory(deployer).deploy(
    licencesAddress,
    registryAddress,
    await setup.getAddress(),
    await mandates.getAddress(),
  );
  await ledger.waitForDeployment();
  const anchor = await new ReceiptAnchor__factory(deployer).deploy(licencesAddress);
  await anchor.waitForDeployment();
  const auditLog = await new AuditLog__factory(deployer).deploy(licencesAddress);
  await auditLog.waitForDeployment();
  const timeBank = await deployTimeBank(deployer, licencesAddress);
  return { timelock, licences, registry, ledger, anchor, auditLog, timeBank, mandates };
}

/** Deploys the time bank against a licence registry (also for systems recorded before it existed). */
export async function deployTimeBank(deployer: Signer, licencesAddress: string): Promise<TimeBank> {
  const timeBank = await new TimeBank__factory(deployer).deploy(licencesAddress);
  await timeBank.waitForDeployment();
  return timeBank;
}

/** Deploys the premium mandates against a beneficiary registry. */
export async function deployMandates(deployer: Signer, registryAddress: string): Promise<PremiumMandates> {
  const mandates = await new PremiumMandates__factory(deployer).deploy(registryAddress);
  await mandates.waitForDeployment();
  return mandates;
}

/** The addresses of a deployed system, or of the part of it given (an audit follows only some contracts). */
export async function addressesOf<T extends Partial<AidSystem>>(system: T): Promise<Record<keyof T, string>> {
  const entries = await Promise.all(
    Object.entries(system).map(
      async ([name, contract]) =>
        [name, await (contract as AidSystem[keyof AidSystem]).getAddress()] as const,
    ),
  );
  return Object.fromEntries(entries) as Record<keyof T, string>;
}

/** Connects to an already deployed system. */
export function connectAidSystem(addresses: AidSystemAddresses, runner: Signer): AidSystem {
  return {
    timelock: ConsortiumTimelock__factory.connect(addresses.timelock, runner),
    licences: LicenceRegistry__factory.connect(addresses.licences, runner),
    registry: BeneficiaryRegistry__factory.connect(addresses.registry, runner),
    ledger: AidLedger__factory.connect(addresses.ledger, runner),
    anchor: ReceiptAnchor__factory.connect(addresses.anchor, runner),
    auditLog: AuditLog__factory.connect(addresses.auditLog, runner),
    timeBank: TimeBank__factory.connect(addresses.timeBank, runner),
    mandates: PremiumMandates__factory.connect(addresses.mandates, runner),
  };
}
