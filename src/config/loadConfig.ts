import path from "node:path";
import { ConfigError, type ConfigIssue } from "./configError";
import { FIELDS, type FieldName, type LOG_LEVELS, type PROFILES, type ParsedFields } from "./fields";
import { Secret } from "./secret";
import { resolveSecrets } from "./secretsFile";
import { collectRawValues } from "./sources";

export type Profile = (typeof PROFILES)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * HMAC peppers by version; `current` is the highest version and is used for new references. Shaped like
 * identity's `KeyRingOptions`, with each secret still wrapped: unwrap with `reveal()` when building the ring.
 */
export interface PepperSet {
  readonly current: number;
  readonly keys: readonly { readonly version: number; readonly secret: Secret<Buffer> }[];
}

/** The gateway's configuration: parsed and validated once at boot, then frozen. */
export interface Config {
  readonly profile: Profile;
  readonly port: number;
  readonly host: string;
  /** Absolute path. */
  readonly dataDir: string;
  /** Consortium: the configured endpoints. Embedded: the local node the gateway runs on `anvilPort`. */
  readonly rpcUrls: readonly string[];
  /** Embedded only: the port of the local chain node; null for the consortium profile. */
  readonly anvilPort: number | null;
  /** Embedded only: how many recent blocks' states the local node keeps for calls at a past block. */
  readonly anvilStateHistory: number;
  readonly chainId: number;
  readonly peppers: PepperSet;
  readonly vaultMasterKey: Secret<Buffer>;
  readonly keystorePassphrase: Secret<string>;
  /** Requests allowed per API key (or per client address without a key) in each window. */
  readonly rateLimit: Readonly<{ windowMs: number; max: number }>;
  /**
   * The proxies believed about the client's address and scheme (Express's `trust proxy`): false (none,
   * the default), a number of hops, or addresses and subnets. See `trustProxySchema`.
   */
  readonly trustProxy: false | number | readonly string[];
  /** Largest JSON body accepted, in the `bytes` notation express uses ("1mb"). */
  readonly bodyLimit: string;
  /** Items per page of a list on the web pages (the charity's disbursements, imports, reviews...). */
  readonly webPageSize: number;
  /** Off-chain confirmations are anchored in batches of `batchSize`, or when the oldest is `maxAgeMs` old. */
  readonly anchoring: Readonly<{ batchSize: number; maxAgeMs: number }>;
  /**
   * The chain follower: it reads up to head − `confirmations` (0 on the embedded node, whose blocks are
   * final unless it is rewound; Besu QBFT is final at once), at most `blockRange` blocks per eth_getLogs,
   * every `pollMs`.
   */
  readonly indexer: Readonly<{ confirmations: number; blockRange: number; pollMs: number }>;
  /** Webhook retries: the n-th wait is `retryBaseMs` × 2^(n−1) (at most an hour), `maxAttempts` in all. */
  readonly webhooks: Readonly<{ retryBaseMs: number; maxAttempts: number }>;
  /** A Kubo node's RPC API for evidence; null for the embedded Helia store under `dataDir/ipfs`. */
  readonly ipfsApiUrl: string | null;
  /**
   * The gateway's public address (no trailing slash), for links it sends by SMS and shows as QR codes; null
   * when unset: links are then shown with the address the browser used, and none is texted.
   */
  readonly publicUrl: string | null;
  /**
   * The USSD face: the aggregator authenticates with `secret` in the `X-USSD-Secret` header (null: the
   * endpoint refuses every call); a session lasts `sessionSeconds` after its last input; `rateLimitMax`
   * requests per rate-limit window from the aggregator.
   */
  readonly ussd: Readonly<{ secret: Secret<string> | null; sessionSeconds: number; rateLimitMax: number }>;
  readonly logLevel: LogLevel;
}

/** Hardhat and anvil's default chain id, so wallets and tests agree with the embedded node. */
const EMBEDDED_CHAIN_ID = 31337;

/**
 * Reads the configuration from a JSON file (`SINTECH_CONFIG` or `--config`), the environment and
 * command-line flags (later sources win), validates it, and fills missing secrets (see
 * `resolveSecrets`). Throws one `ConfigError` listing every problem by variable name.
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  argv: readonly string[] = [],
): Config {
  const issues: ConfigIssue[] = [];
  const raw = collectRawValues(env, argv, issues);
  // Where an unset field would be set: its environment variable.
  const sourceOf = (name: FieldName) => raw[name]?.source ?? FIELDS[name].env;

  const parsed: Partial<ParsedFields> = {};
  for (const name of Object.keys(FIELDS) as FieldName[]) {
    const result = FIELDS[name].schema.safeParse(raw[name]?.value);
    if (result.success) Object.assign(parsed, { [name]: result.data });
    else issues.push({ variable: sourceOf(name), message: firstMessage(result.error.issues) });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  const fields = parsed as ParsedFields;

  const chain = resolveChain(fields, sourceOf, issues);
  const dataDir = path.resolve(fields.dataDir);
  const secrets =
    issues.length === 0
      ? resolveSecrets(
          fields.profile,
          dataDir,
          {
            peppers: fields.peppers,
            vaultMasterKey: fields.vaultMasterKey,
            keystorePassphrase: fields.keystorePassphrase,
          },
          issues,
        )
      : undefined;
  if (issues.length > 0 || !secrets || !chain) throw new ConfigError(issues);

  const versions = Object.keys(secrets.peppers)
    .map(Number)
    .sort((a, b) => a - b);
  const config: Config = {
    profile: fields.profile,
    port: fields.port,
    host: fields.host,
    dataDir,
    rpcUrls: chain.rpcUrls,
    anvilPort: chain.anvilPort,
    anvilStateHistory: fields.anvilStateHistory,
    chainId: chain.chainId,
    peppers: {
      current: Math.max(...versions),
      keys: versions.map((version) => ({ version, secret: new Secret(secrets.peppers[String(version)]) })),
    },
    vaultMasterKey: new Secret(secrets.vaultMasterKey),
    keystorePassphrase: new Secret(secrets.keystorePassphrase),
    rateLimit: { windowMs: fields.rateLimitWindowMs, max: fields.rateLimitMax },
    trustProxy: fields.trustProxy,
    bodyLimit: fields.bodyLimit,
    webPageSize: fields.webPageSize,
    anchoring: { batchSize: fields.anchorBatchSize, maxAgeMs: fields.anchorBatchSeconds * 1000 },
    indexer: {
      confirmations: fields.indexerConfirmations,
      blockRange: fields.indexerBlockRange,
      pollMs: fields.indexerPollMs,
    },
    webhooks: { retryBaseMs: fields.webhookRetryBaseMs, maxAttempts: fields.webhookMaxAttempts },
    ipfsApiUrl: fields.ipfsApiUrl ?? null,
    publicUrl: fields.publicUrl === undefined ? null : fields.publicUrl.replace(/\/+$/, ""),
    ussd: {
      secret: fields.ussdSecret === undefined ? null : new Secret(fields.ussdSecret),
      sessionSeconds: fields.ussdSessionSeconds,
      rateLimitMax: fields.ussdRateLimitMax,
    },
    logLevel: fields.logLevel,
  };
  // Printing the config (`${config}`, console.log, a log line) shows "[redacted]" for every Secret.
  Object.defineProperty(config, "toString", { value: () => JSON.stringify(config), enumerable: false });
  return deepFreeze(config);
}

function resolveChain(
  fields: ParsedFields,
  sourceOf: (name: FieldName) => string,
  issues: ConfigIssue[],
): Pick<Config, "rpcUrls" | "anvilPort" | "chainId"> | undefined {
  if (fields.profile === "consortium") {
    if (!fields.rpcUrls)
      issues.push({ variable: sourceOf("rpcUrls"), message: "is required for the consortium profile" });
    if (!fields.chainId)
      issues.push({ variable: sourceOf("chainId"), message: "is required for the consortium profile" });
    if (!fields.rpcUrls || !fields.chainId) return undefined;
    return { rpcUrls: fields.rpcUrls, anvilPort: null, chainId: fields.chainId };
  }
  // Silently ignoring endpoints would leave an operator believing the gateway talks to their network.
  if (fields.rpcUrls) {
    issues.push({
      variable: sourceOf("rpcUrls"),
      message:
        "is only used by the consortium profile; the embedded profile runs its own node on SINTECH_ANVIL_PORT",
    });
    return undefined;
  }
  if (fields.port !== 0 && fields.port === fields.anvilPort) {
    issues.push({ variable: sourceOf("anvilPort"), message: `must differ from ${sourceOf("port")}` });
    return undefined;
  }
  return {
    rpcUrls: [`http://127.0.0.1:${fields.anvilPort}`],
    anvilPort: fields.anvilPort,
    chainId: fields.chainId ?? EMBEDDED_CHAIN_ID,
  };
}

/** Lists and pepper maps are the only nested values: name the entry, never its content. */
function firstMessage(issues: readonly { message: string; path: readonly PropertyKey[] }[]): string {
  const [issue] = issues;
  const [where] = issue.path;
  if (typeof where === "number") return `entry ${where + 1}: ${issue.message}`;
  // Only a well-formed version is repeated: a swapped `hex:1` entry would put the pepper in the key.
  if (typeof where === "string")
    return `${/^\d{1,6}$/.test(where) ? `version "${where}"` : "an entry"}: ${issue.message}`;
  return issue.message;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !(value instanceof Secret) && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
