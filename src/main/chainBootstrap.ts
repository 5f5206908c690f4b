import type { JsonRpcProvider, Signer } from "ethers";
import type { AidSystem } from "../../deploy/system";
import type { LocalChain } from "../chain/localChain";
import { DEFAULT_DEPLOY_DELAYS } from "../../deploy/system";
import { TestSettlementToken__factory } from "../../typechain-types";
import {
  loadOrDeploy,
  readDeployment,
  writeJsonAtomically,
  deploymentPath,
  type DeploymentRecord,
} from "../chain/deployment";

/** The registrar licence kind (`LicenceKind.Registrar`). */
const REGISTRAR = 5;
/** The time bank's coordinator licence kind (`LicenceKind.Coordinator`). */
const COORDINATOR = 6;
const ALL_LAYERS = 7;
const ALL_CATEGORIES = (1n << 256n) - 1n;
const TEN_YEARS = 10 * 365 * 86_400;

export interface ChainHandles {
  system: AidSystem;
  record: DeploymentRecord & { settlementToken: string };
  deployed: boolean;
}

/**
 * The embedded default: the operator is the consortium's only council member, its regulator, the
 * gateway's registrar and the time bank's first coordinator; the settlement token is a mintable test rial. Run once, on the first boot; every
 * later boot finds the deployment record and the contracts on the persisted chain.
 */
export async function bootstrapEmbeddedChain(dataDir: string, operator: Signer): Promise<ChainHandles> {
  const address = await operator.getAddress();
  const { system, record, deployed } = await loadOrDeploy(dataDir, operator, {
    council: [address],
    regulators: [address],
    ...DEFAULT_DEPLOY_DELAYS,
  });
  const existingToken = (readDeployment(dataDir) as { settlementToken?: string } | undefined)
    ?.settlementToken;
  if (!deployed && existingToken)
    return { system, record: { ...record, settlementToken: existingToken }, deployed };

  const now = (await operator.provider!.getBlock("latest"))!.timestamp;
  // The embedded operator is also the time bank's first coordinator, as it is the first registrar.
  for (const kind of [REGISTRAR, COORDINATOR]) {
    await (
      await system.licences.grantLicence(
        address,
        kind,
        ALL_LAYERS,
        ALL_CATEGORIES,
        now - 60,
        now + TEN_YEARS,
        "",
      )
    ).wait();
  }
  const token = await new TestSettlementToken__factory(operator).deploy();
  await token.waitForDeployment();
  const full = { ...record, settlementToken: await token.getAddress() };
  writeJsonAtomically(deploymentPath(dataDir), full);
  return { system, record: full, deployed: true };
}

/** The consortium profile: contracts are deployed by the consortium; the record is provided in the data folder. */
export function readConsortiumDeployment(dataDir: string): DeploymentRecord & { settlementToken: string } {
  const record = readDeployment(dataDir) as (DeploymentRecord & { settlementToken?: string }) | undefined;
  if (!record?.settlementToken) {
    throw new Error(
      `The consortium profile needs ${deploymentPath(dataDir)} with the contract addresses and settlementToken`,
    );
  }
  return record as DeploymentRecord & { settlementToken: string };
}

/** Gas for a new account: a balance on the embedded chain; nothing on a consortium chain with free gas. */
export function gasFunder(
  profile: "embedded" | "consortium",
  provider: JsonRpcProvider,
  chain?: Pick<LocalChain, "requestSave">,
) {
  return async (address: string): Promise<void> => {
    if (profile !== "embedded") return;
    await provider.send("anvil_setBalance", [address, "0x56bc75e2d63100000"]);
    chain?.requestSave();
  };
}

/**
 * On the embedded chain, gives gas again to every account the gateway signs for that has none: a balance
 * set just before a crash makes no block and no outbox job, so a restarted node may not have it, and the
 * account's next job could not even be estimated.
 */
export async function restoreLostGas(
  provider: JsonRpcProvider,
  addresses: Iterable<string>,
  fundGas: (address: string) => Promise<void>,
): Promise<number> {
  let restored = 0;
  for (const address of new Set(addresses)) {
    if ((await provider.getBalance(address)) > 0n) continue;
    await fundGas(address);
    restored++;
  }
  return restored;
}
