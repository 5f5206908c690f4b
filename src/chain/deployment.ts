import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Provider, Signer } from "ethers";
import {
  addressesOf,
  connectAidSystem,
  deployAidSystem,
  deployMandates,
  deployTimeBank,
  type AidSystem,
  type AidSystemAddresses,
  type DeployOptions,
} from "../../deploy/system";

/** What `deployment.json` in the data folder records. */
export interface DeploymentRecord {
  chainId: number;
  deployedAt: string;
  blockNumber: number;
  addresses: AidSystemAddresses;
}

export function deploymentPath(dataDir: string): string {
  return join(dataDir, "deployment.json");
}

export function readDeployment(dataDir: string): DeploymentRecord | undefined {
  const path = deploymentPath(dataDir);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, "utf8")) as DeploymentRecord;
}

/**
 * Connects to the system recorded in the data folder if its contracts are on this chain, otherwise
 * deploys a new one and records it. The record is written atomically, after every deployment succeeded.
 */
export async function loadOrDeploy(
  dataDir: string,
  deployer: Signer,
  options: DeployOptions,
): Promise<{ system: AidSystem; record: DeploymentRecord; deployed: boolean }> {
  const provider = deployer.provider as Provider;
  const chainId = Number((await provider.getNetwork()).chainId);
  const existing = readDeployment(dataDir);
  if (existing && existing.chainId === chainId && (await hasCode(provider, existing.addresses))) {
    const record = await withMandates(dataDir, await withTimeBank(dataDir, existing, deployer), deployer);
    return { system: connectAidSystem(record.addresses, deployer), record, deployed: false };
  }
  const system = await deployAidSystem(deployer, options);
  const record: DeploymentRecord = {
    chainId,
    deployedAt: new Date().toISOString(),
    blockNumber: await provider.getBlockNumber(),
    addresses: await addressesOf(system),
  };
  writeJsonAtomically(deploymentPath(dataDir), record);
  return { system, record, deployed: true };
}

/**
 * A system recorded before the time bank existed gets one, deployed against its licence registry, and the
 * record is rewritten with its address (keeping whatever else the record holds, such as the settlement token).
 */
async function withTimeBank(
  dataDir: string,
  existing: DeploymentRecord,
  deployer: Signer,
): Promise<DeploymentRecord> {
  if (existing.addresses.timeBank) return existing;
  const timeBank = await deployTimeBank(deployer, existing.addresses.licences);
  const record = { ...existing, addresses: { ...existing.addresses, timeBank: await timeBank.getAddress() } };
  writeJsonAtomically(deploymentPath(dataDir), record);
  return record;
}

/**
 * A system recorded before premium mandates existed gets a PremiumMandates against its beneficiary registry, so
 * the record names every contract. Its ledger was built without the mandates' address and never asks it:
 * premiums under mandates need a ledger deployed with one.
 */
async function withMandates(
  dataDir: string,
  existing: DeploymentRecord,
  deployer: Signer,
): Promise<DeploymentRecord> {
  if (existing.addresses.mandates) return existing;
  const mandates = await deployMandates(deployer, existing.addresses.registry);
  const record = { ...existing, addresses: { ...existing.addresses, mandates: await mandates.getAddress() } };
  writeJsonAtomically(deploymentPath(dataDir), record);
  return record;
}

async function hasCode(provider: Provider, addresses: AidSystemAddresses): Promise<boolean> {
  const codes = await Promise.all(Object.values(addresses).map((address) => provider.getCode(address)));
  return codes.every((code) => code !== "0x");
}

export function writeJsonAtomically(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(value, null, 2) + "\n", { mode: 0o600 });
  renameSync(temporary, path);
}
