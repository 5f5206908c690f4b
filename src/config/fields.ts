import { isIP } from "node:net";
import { z } from "zod";

export const PROFILES = ["embedded", "consortium"] as const;
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const MAX_PORT = 65_535;

/**
 * How many recent blocks' states the embedded node keeps for calls at a past block. anvil keeps a whole
 * copy of the state for each block it remembers (up to 500, then 10 at least, the rest on disk), so
 * unbounded its memory grew with blocks × households: 18.9 GB near a million households. A few blocks
 * are enough for the gateway (it explains a refusal at the block before it, within a pipeline group).
 */
export const ANVIL_STATE_HISTORY = 8;

/** Accepts a JSON number or the decimal string an environment variable carries. */
function integer(min: number, max: number) {
  const message = `must be an integer from ${min} to ${max}`;
  return z
    .union([z.number(), z.string().trim().regex(/^\d+$/).transform(Number)], { error: message })
    .pipe(
      z
        .number({ error: message })
        .int({ error: message })
        .min(min, { error: message })
        .max(max, { error: message }),
    );
}

const nonEmptyString = (what: string) =>
  z
    .string({ error: `must be ${what}` })
    .trim()
    .min(1, { error: `must be ${what}` });

const hexBytes = (minBytes: number, maxBytes: number) => {
  const message =
    minBytes === maxBytes
      ? `must be ${minBytes} bytes written as ${minBytes * 2} hex characters`
      : `must be at least ${minBytes} bytes written as hex (${minBytes * 2}+ characters)`;
  return z
    .string({ error: message })
    .trim()
    .regex(/^(?:[0-9a-fA-F]{2})+$/, { error: message })
    .refine((hex) => hex.length >= minBytes * 2 && hex.length <= maxBytes * 2, { error: message })
    .transform((hex) => Buffer.from(hex, "hex"));
};

const rpcUrl = z.string().refine(
  (value) => {
    try {
      return ["http:", "https:", "ws:", "wss:"].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  },
  // The URL is not repeated: node URLs sometimes carry credentials.
  { error: "each entry must be an http(s) or ws(s) URL" },
);

/** A comma-separated env value or a JSON array, at least one endpoint. */
const rpcUrls = z
  .union([z.string().transform((list) => list.split(",").map((url) => url.trim())), z.array(z.string())], {
    error: "must be a comma-separated list of JSON-RPC URLs",
  })
  .pipe(z.array(rpcUrl).min(1, { error: "must list at least one JSON-RPC URL" }));

/** An http(s) URL (`bare`: with no query or fragment either); the error names the field, never the value. */
const httpUrl = (error: string, { bare = false } = {}) =>
  z
    .string()
    .trim()
    .refine(
      (value) => {
        try {
          const url = new URL(value);
          return (
            ["http:", "https:"].includes(url.protocol) && (!bare || (url.search === "" && url.hash === ""))
          );
        } catch {
          return false;
        }
      },
      { error },
    );

const PEPPER_BYTES = 32;
const pepperValue = hexBytes(PEPPER_BYTES, 1024);

/**
 * Versioned peppers: `1:<hex>,2:<hex>` in the environment, or `{"1": "<hex>"}` in JSON. Old versions stay
 * listed so references computed with them can still be recomputed during a rotation.
 */
export const peppersSchema = z
  .union(
    [
      z.string().transform((list, ctx) => {
        const entries: [string, string][] = [];
        for (const part of list.split(",")) {
          const separator = part.indexOf(":");
          if (separator < 0) {
            // The union reports its own message; this only makes the string branch fail.
            ctx.addIssue({ code: "custom", message: "entries must look like <version>:<hex>" });
            return z.NEVER;
          }
          entries.push([part.slice(0, separator).trim(), part.slice(separator + 1).trim()]);
        }
        return Object.fromEntries(entries);
      }),
      z.record(z.string(), z.string()),
    ],
    { error: "must be <version>:<hex>[,<version>:<hex>...] or a JSON object of version to hex" },
  )
  .pipe(
    z
      .record(z.string().regex(/^[1-9]\d{0,5}$/), pepperValue, {
        error: (issue) => (issue.code === "invalid_key" ? "versions must be positive integers" : undefined),
      })
      .refine((peppers) => Object.keys(peppers).length > 0, { error: "must hold at least one pepper" }),
  );

export const vaultMasterKeySchema = hexBytes(32, 32);

export const keystorePassphraseSchema = z
  .string({ error: "must be a string of at least 12 characters" })
  .min(12, { error: "must be a string of at least 12 characters" });

const TRUST_PROXY_MESSAGE =
  'must be "false", a number of proxy hops (1 to 10), or addresses, subnets (CIDR) and the names ' +
  '"loopback", "linklocal", "uniquelocal", separated by commas';
const PROXY_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

/** One entry of a trusted-proxy list: a name Express knows, an IP address, or a subnet in CIDR notation. */
function isProxyEntry(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [address = "", prefix, extra] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * Which proxies in front of the gateway are believed about the client (X-Forwarded-For) and the scheme
 * (X-Forwarded-Proto): nobody by default, a hop count, or a list of addresses. It decides the address
 * keyless callers are rate-limited by and whether the pages' session cookies are marked Secure.
 */
export const trustProxySchema = z
  .union([z.number(), z.string()], { error: TRUST_PROXY_MESSAGE })
  .transform((value, context): false | number | string[] => {
    const text = String(value).trim().toLowerCase();
    if (text === "false" || text === "0") return false;
    if (/^\d+$/.test(text)) {
      const hops = Number(text);
      if (hops <= 10) return hops;
    } else {
      const entries = text.split(",").map((entry) => entry.trim());
      if (entries.every(isProxyEntry)) return entries;
    }
    context.addIssue({ code: "custom", message: TRUST_PROXY_MESSAGE });
    return z.NEVER;
  });

/**
 * Every configurable field: its environment variable, optional command-line flag and parser.
 * JSON config files use the field names (`port`, `rateLimitMax`, ...).
 */
export const FIELDS = {
  profile: {
    env: "SINTECH_PROFILE",
    flag: "--profile",
    schema: z.enum(PROFILES, { error: 'must be "embedded" or "consortium"' }).default("embedded"),
  },
  port: { env: "PORT", flag: "--port", schema: integer(0, MAX_PORT).default(8080) },
  host: {
    env: "HOST",
    flag: "--host",
    schema: nonEmptyString("a host name or address").default("127.0.0.1"),
  },
  dataDir: {
    env: "DATA_DIR",
    flag: "--data-dir",
    schema: nonEmptyString("a directory path").default("./data"),
  },
  rpcUrls: { env: "SINTECH_RPC_URLS", flag: undefined, schema: rpcUrls.optional() },
  anvilPort: { env: "SINTECH_ANVIL_PORT", flag: undefined, schema: integer(1, MAX_PORT).default(8545) },
  anvilStateHistory: {
    env: "SINTECH_ANVIL_STATE_HISTORY",
    flag: undefined,
    schema: integer(1, 256).default(ANVIL_STATE_HISTORY),
  },
  chainId: {
    env: "SINTECH_CHAIN_ID",
    flag: undefined,
    schema: integer(1, Number.MAX_SAFE_INTEGER).optional(),
  },
  peppers: { env: "SINTECH_PEPPERS", flag: undefined, schema: peppersSchema.optional() },
  vaultMasterKey: {
    env: "SINTECH_VAULT_MASTER_KEY",
    flag: undefined,
    schema: vaultMasterKeySchema.optional(),
  },
  keystorePassphrase: {
    env: "SINTECH_KEYSTORE_PASSPHRASE",
    flag: undefined,
    schema: keystorePassphraseSchema.optional(),
  },
  rateLimitWindowMs: {
    env: "SINTECH_RATE_LIMIT_WINDOW_MS",
    flag: undefined,
    schema: integer(1_000, 86_400_000).default(60_000),
  },
  rateLimitMax: {
    env: "SINTECH_RATE_LIMIT_MAX",
    flag: undefined,
    schema: integer(1, 1_000_000).default(300),
  },
  trustProxy: {
    env: "SINTECH_TRUST_PROXY",
    flag: undefined,
    schema: trustProxySchema.default(false),
  },
  bodyLimit: {
    env: "SINTECH_BODY_LIMIT",
    flag: undefined,
    schema: z
      .string({ error: 'must be a size such as "1mb", "512kb" or "2048b"' })
      .trim()
      .toLowerCase()
      .regex(/^[1-9]\d*(?:b|kb|mb)$/, { error: 'must be a size such as "1mb", "512kb" or "2048b"' })
      .default("1mb"),
  },
  anchorBatchSize: {
    env: "SINTECH_ANCHOR_BATCH_SIZE",
    flag: undefined,
    schema: integer(1, 100_000).default(1_000),
  },
  anchorBatchSeconds: {
    env: "SINTECH_ANCHOR_BATCH_SECONDS",
    flag: undefined,
    schema: integer(1, 86_400).default(600),
  },
  indexerConfirmations: {
    env: "SINTECH_INDEXER_CONFIRMATIONS",
    flag: undefined,
    schema: integer(0, 10_000).default(0),
  },
  indexerBlockRange: {
    env: "SINTECH_INDEXER_BLOCK_RANGE",
    flag: undefined,
    schema: integer(1, 100_000).default(500),
  },
  indexerPollMs: {
    env: "SINTECH_INDEXER_POLL_MS",
    flag: undefined,
    schema: integer(50, 600_000).default(1_000),
  },
  webPageSize: {
    env: "SINTECH_WEB_PAGE_SIZE",
    flag: undefined,
    schema: integer(1, 500).default(50),
  },
  webhookRetryBaseMs: {
    env: "SINTECH_WEBHOOK_RETRY_BASE_MS",
    flag: undefined,
    schema: integer(10, 3_600_000).default(5_000),
  },
  webhookMaxAttempts: {
    env: "SINTECH_WEBHOOK_MAX_ATTEMPTS",
    flag: undefined,
    schema: integer(1, 50).default(12),
  },
  ipfsApiUrl: {
    env: "IPFS_API_URL",
    flag: undefined,
    // The URL is not repeated in the error: it may carry credentials.
    schema: httpUrl("must be the http(s) URL of a Kubo RPC API, e.g. http://127.0.0.1:5001").optional(),
  },
  publicUrl: {
    env: "SINTECH_PUBLIC_URL",
    flag: undefined,
    schema: httpUrl("must be the gateway's public http(s) address, e.g. https://aid.example.org", {
      bare: true,
    }).optional(),
  },
  ussdSecret: {
    env: "SINTECH_USSD_SECRET",
    flag: undefined,
    schema: z
      .string({ error: "must be a string of at least 32 characters" })
      .trim()
      .min(32, { error: "must be a string of at least 32 characters" })
      .max(256, { error: "must be at most 256 characters" })
      .optional(),
  },
  ussdSessionSeconds: {
    env: "SINTECH_USSD_SESSION_SECONDS",
    flag: undefined,
    schema: integer(10, 3_600).default(180),
  },
  ussdRateLimitMax: {
    env: "SINTECH_USSD_RATE_LIMIT_MAX",
    flag: undefined,
    schema: integer(1, 1_000_000).default(1_200),
  },
  logLevel: {
    env: "LOG_LEVEL",
    flag: "--log-level",
    schema: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
  },
} as const;

export type FieldName = keyof typeof FIELDS;
export type ParsedFields = { [K in FieldName]: z.output<(typeof FIELDS)[K]["schema"]> };
