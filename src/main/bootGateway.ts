import { join } from "node:path";
import { mkdirSync } from "node:fs";
import type { Logger } from "pino";
import { connectAidSystem } from "../../deploy/system";
import { TestSettlementToken__factory } from "../../typechain-types";
import { ANCHOR_JOB, anchorHandlers, closeBatchesOnTime, type AnchoringDeps } from "../anchoring";
import {
  closeRecognitionOnTime,
  RECOGNITION_ANCHOR_JOB,
  recognitionAnchorHandlers,
  type RecognitionDeps,
} from "../recognition";
import { memberPhoneVault, type TimeBankDeps } from "../timebank";
import { sendNoticesOnTime, withPremiumNotices, type MandateDeps } from "../mandates";
import { createApp, startServer, type RunningServer } from "../api";
import { ChainOutbox } from "../chain/outbox";
import { createProvider } from "../chain/provider";
import { jsonRpcAt } from "../chain/jsonRpc";
import { startLocalChain, type LocalChain } from "../chain/localChain";
import { RawSignerAdapter } from "../chain/signerAdapter";
import type { Config } from "../config";
import type { CoverageDeps } from "../coverage";
import { openSqliteStore } from "../db";
import {
  issuanceHandlers,
  ISSUE_JOB,
  rebindHandlers,
  REBIND_JOB,
  registrationHandlers,
  REGISTER_JOB,
  syncRebindsOnChain,
  type DisbursementDeps,
} from "../disbursement";
import { openEvidenceStore, type EvidenceStore } from "../evidence";
import { createHouseholdContext, indexPhoneBacklog } from "../households";
import { followChainOnTime, GiftNotifier, type IndexerDeps } from "../indexer";
import { createMasterKeyRing, createPepperRing } from "../identity";
import type { OrganisationDeps } from "../organisations";
import {
  GIFT_JOB,
  onGiftReceived,
  onProgrammeCreated,
  PROGRAMME_CREATE_JOB,
  type ProgrammeDeps,
} from "../programmes";
import {
  fileSmsSender,
  flagHandlers,
  flagResolutionHandlers,
  FLAG_JOB,
  FLAG_RESOLUTION_JOB,
  redemptionHandlers,
  batchQueuedRedemptions,
  REDEEM_JOB,
  SMS_OUTBOX_FILE,
  type DeliveryDeps,
} from "../delivery";
import { CustodialSigner, firstOperatorAddress } from "../wallets";
import { createWalletsContext } from "../wallets/context";
import { createCustodialWallets } from "../wallets/custodial/createCustodialWallets";
import { deriveKeystoreKey, loadOrCreateKeystoreSalt } from "../wallets/keystore/keystoreKey";
import {
  bootstrapEmbeddedChain,
  gasFunder,
  readConsortiumDeployment,
  restoreLostGas,
} from "./chainBootstrap";
import { contractInterfaces } from "./contractInterfaces";
import { gatewayRoutes } from "./routes";
import { webPages } from "../web";
import { PAGES_OPENAPI } from "./pagesOpenapi";
import { eligibleSelector } from "./selectEligible";
import { evidenceUploaders } from "./evidenceUploaders";
import type { GatewayServices } from "./services";

export interface Gateway {
  services: GatewayServices;
  /** The API's base URL, when listening. */
  url: string | undefined;
  chainUrl: string;
  /** The embedded node, when the profile runs one (tests stop and start it to play an outage). */
  chain: LocalChain | undefined;
  stop(): Promise<void>;
}

export interface BootOptions {
  logger: Logger;
  /** Start the HTTP server (default true); the CLI's offline commands pass false. */
  listen?: boolean;
}

/**
 * Builds the whole gateway from the validated configuration: database, keystore, chain (an embedded node
 * with state on disk, or the consortium's endpoints), contracts (deployed on first boot when embedded),
 * the durable outbox with every room's handlers, and the HTTP API. Queued chain writes left by a previous
 * run are resumed before the API opens.
 */
export async function bootGateway(config: Config, options: BootOptions): Promise<Gateway> {
  const { logger } = options;
  mkdirSync(config.dataDir, { recursive: true });
  const store = openSqliteStore(join(config.dataDir, "gateway.db"), {
    checkpoints: "worker",
    checkpointer: { onError: (error) => logger.warn({ err: describe(error) }, "database checkpoint failed") },
  });
  let chain: LocalChain | undefined;
  let server: RunningServer | undefined;
  let drainTimer: NodeJS.Timeout | undefined;
  let stopClosingBatches: (() => void) | undefined;
  let stopClosingPeriods: (() => void) | undefined;
  let stopNotices: (() => void) | undefined;
  let stopIndexer: (() => Promise<void>) | undefined;
  let notifier: GiftNotifier | undefined;
  let evidenceStore: EvidenceStore | undefined;
  try {
    const keystoreKey = deriveKeystoreKey(
      config.keystorePassphrase.reveal(),
      loadOrCreateKeystoreSalt(config.dataDir),
    );
    const wallets = createWalletsContext({
      db: store.sqlite,
      keystoreKeys: keystoreKey,
      signerCacheSize: 64,
    });
    const operator = firstOperatorAddress(store.sqlite) ?? wallets.keystore.create("operator", "gateway");

    if (config.profile === "embedded") {
      chain = await startLocalChain({
        dataDir: config.dataDir,
        port: config.anvilPort!,
        chainId: config.chainId,
        stateHistory: config.anvilStateHistory,
        onSaveError: (error) => logger.warn({ err: describe(error) }, "chain state not saved"),
      });
      const { tookOver } = chain;
      if (tookOver.kind === "taken-over")
        logger.warn(
          { pid: tookOver.pid, saveError: tookOver.saveError },
          "the node an earlier gateway left running was saved and stopped; its blocks are kept",
        );
    }
    const chainUrl = chain?.url ?? config.rpcUrls[0]!;
    const provider = createProvider(chainUrl, config.chainId);
    const fundGas = gasFunder(config.profile, provider, chain);
    const operatorSigner = new RawSignerAdapter(wallets.keystore.signer(operator), provider);

    let system;
    let settlementToken: string;
    if (config.profile === "embedded") {
      await fundGas(operator);
      const handles = await bootstrapEmbeddedChain(config.dataDir, operatorSigner);
      // The deployment is not in the outbox: it must be on disk before any job that calls it is.
      if (handles.deployed) await chain!.saveState();
      if (handles.deployed) logger.info({ addresses: handles.record.addresses }, "contracts deployed");
      system = handles.system;
      settlementToken = handles.record.settlementToken;
    } else {
      const record = readConsortiumDeployment(config.dataDir);
      system = connectAidSystem(record.addresses, operatorSigner);
      settlementToken = record.settlementToken;
    }
    const decimals = Number(await TestSettlementToken__factory.connect(settlementToken, provider).decimals());

    const outbox = new ChainOutbox({
      db: store.sqlite,
      provider,
      signers: {
        get: (address) => (wallets.keystore.has(address) ? wallets.keystore.signer(address) : undefined),
      },
      interfaces: contractInterfaces(),
      // Every block the gateway makes is saved as soon as the node can: the outbox replays what a crash
      // still loses, but a donor's own transaction in the same block would be lost for good.
      afterMined: chain ? () => chain!.requestSave() : undefined,
      blockBuilder: chain?.blockBuilder,
    });
    const now = () => new Date();
    const peppers = createPepperRing({
      current: config.peppers.current,
      keys: config.peppers.keys.map((key) => ({ version: key.version, secret: key.secret.reveal() })),
    });
    const masterKeys = createMasterKeyRing({
      current: 1,
      keys: [{ version: 1, secret: config.vaultMasterKey.reveal() }],
    });
    const households = createHouseholdContext({ store, peppers, masterKeys });
    // Households enrolled before the keyed phone index: their numbers are read from the vault once.
    const phonesIndexed = await indexPhoneBacklog(households);
    if (phonesIndexed > 0)
      logger.info({ households: phonesIndexed }, "indexed phone refs of earlier households");
    const organisations: OrganisationDeps = {
      db: store.sqlite,
      outbox,
      system,
      operator,
      keys: wallets.keystore,
      fundGas,
      peppers,
      now,
    };
    const programmes: ProgrammeDeps = {
      db: store.sqlite,
      outbox,
      system,
      peppers,
      settlementToken,
      decimals,
      now,
    };
    const disbursement: DisbursementDeps = {
      db: store.sqlite,
      outbox,
      system,
      peppers,
      registrar: operator,
      decimals,
      now,
      wallets: {
        async ensureWallets(beneficiaryRefs) {
          const bound = await createCustodialWallets(wallets, { beneficiaryRefs });
          return new Map(bound.map((entry) => [entry.beneficiaryRef, entry.address]));
        },
      },
    };
    const delivery: DeliveryDeps = {
      db: store.sqlite,
      outbox,
      system,
      chainId: config.chainId,
      ledgerAddress: (system.ledger.target as string).toLowerCase(),
      decimals,
      households,
      wallets,
      custodialSigner: new CustodialSigner(wallets, {
        caps: custodialCaps(decimals),
        ledger: { chainId: config.chainId, verifyingContract: system.ledger.target as string },
        mandates: { chainId: config.chainId, verifyingContract: system.mandates.target as string },
      }),
      // The development adapter: a consortium gateway plugs its SMS provider in here.
      sms: fileSmsSender(join(config.dataDir, SMS_OUTBOX_FILE)),
      fundGas,
      now,
    };
    const mandates: MandateDeps = { ...delivery, operator };
    // A premium under a standing mandate is redeemed as any delivery; its confirmation also owes an SMS.
    outbox.on(REDEEM_JOB, withPremiumNotices(mandates, redemptionHandlers(delivery)));
    // Redemptions that piled up (under load, or while the chain was unreachable) go 50 to a transaction.
    outbox.beforeEachJob(() => batchQueuedRedemptions(delivery));
    outbox.on(FLAG_JOB, flagHandlers(delivery));
    outbox.on(FLAG_RESOLUTION_JOB, flagResolutionHandlers(delivery));
    outbox.on(PROGRAMME_CREATE_JOB, {
      confirmed: (job, receipt) => onProgrammeCreated(programmes, job, receipt),
    });
    outbox.on(GIFT_JOB, { confirmed: (job, receipt) => onGiftReceived(programmes, job, receipt) });
    outbox.on(REGISTER_JOB, registrationHandlers(disbursement));
    outbox.on(ISSUE_JOB, issuanceHandlers(disbursement));
    outbox.on(REBIND_JOB, rebindHandlers(disbursement));
    const anchoring: AnchoringDeps = {
      db: store.sqlite,
      outbox,
      anchor: system.anchor,
      registrar: operator,
      policy: config.anchoring,
      now,
    };
    outbox.on(ANCHOR_JOB, anchorHandlers(anchoring));

    // Helia opens its blockstore on disk (DATA_DIR/ipfs), or the Kubo client its endpoint.
    evidenceStore = await openEvidenceStore({ dataDir: config.dataDir, ipfsApiUrl: config.ipfsApiUrl });
    const evidence = {
      db: store.sqlite,
      store: evidenceStore,
      keystoreKeys: wallets.keystoreKeys,
      mayUpload: evidenceUploaders(store.sqlite, system),
      now,
    };

    notifier = new GiftNotifier();
    const indexer: IndexerDeps = {
      db: store.sqlite,
      provider,
      rpc: jsonRpcAt(chainUrl),
      system,
      peppers,
      households,
      decimals,
      policy: config.indexer,
      webhooks: config.webhooks,
      notifier,
      now,
    };

    const selectEligible = eligibleSelector(store.sqlite, households);
    const coverage: CoverageDeps = {
      db: store.sqlite,
      households,
      decimals,
      currentPeriod: async (programmeId) => Number(await system.ledger.currentPeriod(programmeId)),
      selectEligible,
    };

    const recognition: RecognitionDeps = {
      db: store.sqlite,
      outbox,
      anchor: system.anchor,
      registrar: operator,
      decimals,
      now,
    };
    outbox.on(RECOGNITION_ANCHOR_JOB, recognitionAnchorHandlers(recognition));

    const timebank: TimeBankDeps = {
      db: store.sqlite,
      outbox,
      system,
      operator,
      peppers,
      createCustodialKey: (memberRef) => wallets.keystore.create("custodial", memberRef),
      wallets,
      fundGas,
      chainId: config.chainId,
      phones: memberPhoneVault(store.sqlite, masterKeys, now),
      sms: delivery.sms,
      publicUrl: config.publicUrl,
      now,
    };

    const services: GatewayServices = {
      config,
      logger,
      store,
      households,
      wallets,
      provider,
      system,
      settlementToken,
      chainId: config.chainId,
      operator,
      outbox,
      organisations,
      programmes,
      disbursement,
      anchoring,
      evidence,
      delivery,
      indexer,
      coverage,
      recognition,
      timebank,
      mandates,
      selectEligible,
    };

    // A node restarted from an older state lacks blocks the outbox saw confirmed: those jobs are sent
    // again, byte for byte, before anything new; the gas of their senders may be lost with them.
    if (config.profile === "embedded") {
      const senders = store.sqlite
        .prepare("SELECT DISTINCT from_address FROM chain_jobs UNION SELECT address FROM organisations")
        .pluck()
        .all() as string[];
      const restored = await restoreLostGas(provider, senders, fundGas);
      if (restored > 0) logger.warn({ accounts: restored }, "gas the chain lost was given again");
    }
    const lost = await outbox.reconcile();
    if (lost.length > 0)
      logger.warn({ jobs: lost.length }, "the chain lost confirmed writes: re-broadcasting them");
    const resumed = await outbox.drain();
    await syncRebindsOnChain(disbursement);
    if (resumed.length > 0) logger.info({ jobs: resumed.length }, "resumed queued chain writes");
    drainTimer = setInterval(() => {
      if (outbox.pendingCount() === 0) return;
      outbox
        .drain()
        .catch((error: unknown) => logger.warn({ err: describe(error) }, "chain writes will be retried"));
    }, 1_000);
    drainTimer.unref();
    stopClosingBatches = closeBatchesOnTime(anchoring, logger);
    stopClosingPeriods = closeRecognitionOnTime(recognition, logger);
    stopNotices = sendNoticesOnTime(mandates, logger);
    stopIndexer = followChainOnTime(indexer, logger);

    if (options.listen !== false) {
      const app = createApp({
        config,
        db: store.sqlite,
        logger,
        routes: gatewayRoutes(services),
        pages: webPages(services, logger),
        pagesOpenapi: PAGES_OPENAPI,
        probeChain: async () => {
          try {
            await provider.getBlockNumber();
            return true;
          } catch {
            return false;
          }
        },
      });
      server = await startServer(app, { port: config.port, host: config.host });
    }

    const stop = async () => {
      stopClosingBatches?.();
      stopClosingPeriods?.();
      stopNotices?.();
      await stopIndexer?.();
      // Open event streams end now rather than hold the server's close for its grace period.
      notifier?.close();
      if (drainTimer) clearInterval(drainTimer);
      await server?.stop();
      await outbox.drain().catch(() => undefined);
      provider.destroy();
      await evidenceStore?.stop();
      await chain?.stop();
      await store.closeAndWait();
      logger.flush();
    };
    return { services, url: server?.url, chainUrl, chain, stop };
  } catch (error) {
    stopClosingBatches?.();
    stopClosingPeriods?.();
    stopNotices?.();
    await stopIndexer?.().catch(() => undefined);
    if (drainTimer) clearInterval(drainTimer);
    await server?.stop().catch(() => undefined);
    await evidenceStore?.stop().catch(() => undefined);
    await chain?.stop().catch(() => undefined);
    await store.closeAndWait();
    throw error;
  }
}

/**
 * What a custodial wallet may sign in any 24 hours: what a stolen PIN or a phone in the wrong hands can
 * cost a household at most. Ten receipts, and more than any programme's cap per period (2.5M units in the
 * demo), so the cap per period is the binding limit and these stop only a runaway.
 */
function custodialCaps(decimals: number) {
  return { maxSignaturesPerDay: 10, maxAmountPerDay: 10n ** 9n * 10n ** BigInt(decimals) };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message.slice(0, 200)}` : "unknown error";
}
