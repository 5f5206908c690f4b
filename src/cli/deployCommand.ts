import { join } from "node:path";
import { getAddress } from "ethers";
import { DEFAULT_DEPLOY_DELAYS, addressesOf, deployAidSystem } from "../../deploy/system";
import { deploymentPath, readDeployment, writeJsonAtomically } from "../chain/deployment";
import { createProvider } from "../chain/provider";
import { RawSignerAdapter } from "../chain/signerAdapter";
import { loadConfig } from "../config";
import { openSqliteStore } from "../db";
import { createLogger } from "../logging";
import { bootGateway } from "../main/bootGateway";
import {
  createWalletsContext,
  deriveKeystoreKey,
  firstOperatorAddress,
  loadOrCreateKeystoreSalt,
} from "../wallets";
import { CliError } from "./apiClient";

/**
 * `sintech deploy`: embedded, starts the local chain, deploys if needed and prints the addresses.
 * Consortium, deploys the contracts to the configured endpoint from the gateway's operator key (council
 * member and first regulator; hand both to the consortium's own accounts afterwards) with the settlement
 * token given by `--settlement-token`, and records `deployment.json` in the data folder.
 */
export async function deployCommand(argv: string[]): Promise<number> {
  const tokenIndex = argv.indexOf("--settlement-token");
  const token = tokenIndex >= 0 ? argv[tokenIndex + 1] : undefined;
  const config = loadConfig(
    process.env,
    tokenIndex >= 0 ? argv.filter((_, i) => i !== tokenIndex && i !== tokenIndex + 1) : argv,
  );
  const say = (line: string) => process.stdout.write(`${line}\n`);
  if (config.profile === "embedded") {
    const gateway = await bootGateway(config, { logger: createLogger({ level: "warn" }), listen: false });
    say(JSON.stringify(readDeployment(config.dataDir), null, 2));
    await gateway.stop();
    return 0;
  }
  if (readDeployment(config.dataDir))
    throw new CliError(`${deploymentPath(config.dataDir)} exists: already deployed.`);
  if (!token || !/^0x[0-9a-fA-F]{40}$/.test(token)) {
    throw new CliError("The consortium profile needs --settlement-token <address of the settlement ERC-20>.");
  }
  const store = openSqliteStore(join(config.dataDir, "gateway.db"));
  const provider = createProvider(config.rpcUrls[0]!, config.chainId);
  try {
    const wallets = createWalletsContext({
      db: store.sqlite,
      keystoreKeys: deriveKeystoreKey(
        config.keystorePassphrase.reveal(),
        loadOrCreateKeystoreSalt(config.dataDir),
      ),
    });
    const existing = firstOperatorAddress(store.sqlite);
    const operator = existing ?? wallets.keystore.create("operator", "gateway");
    const signer = new RawSignerAdapter(wallets.keystore.signer(operator), provider);
    const system = await deployAidSystem(signer, {
      council: [operator],
      regulators: [operator],
      ...DEFAULT_DEPLOY_DELAYS,
    });
    const record = {
      chainId: config.chainId,
      deployedAt: new Date().toISOString(),
      blockNumber: await provider.getBlockNumber(),
      addresses: await addressesOf(system),
      settlementToken: getAddress(token),
    };
    writeJsonAtomically(deploymentPath(config.dataDir), record);
    say(JSON.stringify({ operator, ...record }, null, 2));
    return 0;
  } finally {
    provider.destroy();
    store.close();
  }
}
