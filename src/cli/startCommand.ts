import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { createApiKey } from "../apiKeys";
import { loadConfig } from "../config";
import { createLogger } from "../logging";
import { bootGateway } from "../main/bootGateway";
import { startDemo } from "../main/seedDemo";

/**
 * `sintech start [--demo]`: the embedded default (or a consortium gateway), in the foreground until
 * SIGINT/SIGTERM, which stops the API, finishes queued chain writes and lets the chain write its state.
 */
export async function startCommand(argv: string[]): Promise<void> {
  const demo = argv.includes("--demo");
  const config = loadConfig(
    process.env,
    argv.filter((arg) => arg !== "--demo"),
  );
  const logger = createLogger({ level: config.logLevel });
  const gateway = await bootGateway(config, { logger });
  const { services } = gateway;
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(`Sin Tech gateway (${config.profile}) is running`);
  say(`  API        ${gateway.url}   (docs: ${gateway.url}/docs, health: ${gateway.url}/health)`);
  say(`  chain      ${gateway.chainUrl}   chain id ${services.chainId}`);
  say(`  ledger     ${String(services.system.ledger.target)}`);
  say(`  data       ${config.dataDir}`);
  const firstKeyPath = ensureRegulatorKey(services.store.sqlite, config.dataDir);
  if (firstKeyPath)
    say(`  regulator  the gateway's first regulator API key is in ${firstKeyPath} (mode 0600)`);
  if (demo) {
    try {
      await startDemo(services, say);
    } catch (error) {
      await gateway.stop();
      throw error;
    }
  }
  // Listen before saying so: a service manager may signal as soon as it reads the line.
  const stopRequested = new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  say("Press Ctrl+C to stop.");
  await stopRequested;
  say("Stopping: finishing queued chain writes and saving the chain state...");
  await gateway.stop();
}

/** On a fresh data folder, issues the regulator's first API key into a private file instead of a log. */
function ensureRegulatorKey(db: Parameters<typeof createApiKey>[0], dataDir: string): string | undefined {
  const existing = db
    .prepare("SELECT count(*) FROM api_keys WHERE role = 'regulator'")
    .pluck()
    .get() as number;
  if (existing > 0) return undefined;
  const { key } = createApiKey(db, { orgId: "regulator", role: "regulator", label: "first regulator key" });
  const path = join(dataDir, "regulator.key");
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  return path;
}
