import { expect } from "chai";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { inspect } from "node:util";
import { ConfigError, loadConfig, SECRETS_FILE_NAME, type Config } from "../../../src/config";
import { FIELDS } from "../../../src/config/fields";

const PEPPER_1 = "11".repeat(32);
const PEPPER_2 = "22".repeat(40);
const MASTER_KEY = "ab".repeat(32);
const PASSPHRASE = "correct horse battery staple";

/** The ConfigError `load` throws, for assertions on its issues. */
function configError(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return error as ConfigError;
  }
  return expect.fail("expected a ConfigError") as never;
}

const consortiumEnv = (dataDir: string) => ({
  DATA_DIR: dataDir,
  SINTECH_PROFILE: "consortium",
  SINTECH_RPC_URLS: "https://besu-1.example:8545, wss://besu-2.example:8546",
  SINTECH_CHAIN_ID: "1337",
  SINTECH_PEPPERS: `1:${PEPPER_1},2:${PEPPER_2}`,
  SINTECH_VAULT_MASTER_KEY: MASTER_KEY,
  SINTECH_KEYSTORE_PASSPHRASE: PASSPHRASE,
});

describe("loadConfig", () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), "sintech-config-"));
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe("embedded profile (the default)", () => {
    it("applies the documented defaults", () => {
      const config = loadConfig({ DATA_DIR: dataDir });
      expect(config).to.deep.include({
        profile: "embedded",
        port: 8080,
        host: "127.0.0.1",
        dataDir,
        rpcUrls: ["http://127.0.0.1:8545"],
        anvilPort: 8545,
        chainId: 31337,
        bodyLimit: "1mb",
        webPageSize: 50,
        trustProxy: false,
        logLevel: "info",
      });
      expect(loadConfig({ DATA_DIR: dataDir, SINTECH_WEB_PAGE_SIZE: "3" }).webPageSize).to.equal(3);
      expect(
        configError(() => loadConfig({ DATA_DIR: dataDir, SINTECH_WEB_PAGE_SIZE: "0" })).issues.map(
          (issue) => issue.variable,
        ),
      ).to.deep.equal(["SINTECH_WEB_PAGE_SIZE"]);
      expect(config.rateLimit).to.deep.equal({ windowMs: 60_000, max: 300 });
      // Evidence goes to the embedded Helia store unless a Kubo node is named.
      expect(config.ipfsApiUrl).to.equal(null);
      expect(loadConfig({ DATA_DIR: dataDir, IPFS_API_URL: "http://127.0.0.1:5001" }).ipfsApiUrl).to.equal(
        "http://127.0.0.1:5001",
      );
    });

    it("resolves a relative data directory against the working directory", () => {
      const relative = path.relative(process.cwd(), dataDir);
      expect(loadConfig({ DATA_DIR: relative }).dataDir).to.equal(dataDir);
    });

    it("creates secrets on first run in a 0600 file and reuses them afterwards", () => {
      const first = loadConfig({ DATA_DIR: dataDir });
      const file = path.join(dataDir, SECRETS_FILE_NAME);
      expect(statSync(file).mode & 0o777).to.equal(0o600);
      expect(first.peppers.current).to.equal(1);
      expect(first.peppers.keys[0].secret.reveal()).to.have.length(32);
      expect(first.vaultMasterKey.reveal()).to.have.length(32);
      expect(first.keystorePassphrase.reveal()).to.have.length.greaterThan(30);

      const second = loadConfig({ DATA_DIR: dataDir });
      expect(second.peppers.keys[0].secret.reveal().equals(first.peppers.keys[0].secret.reveal())).to.equal(
        true,
      );
      expect(second.vaultMasterKey.reveal().equals(first.vaultMasterKey.reveal())).to.equal(true);
      expect(second.keystorePassphrase.reveal()).to.equal(first.keystorePassphrase.reveal());
    });

    it("generates only what the environment did not give, keeping what the file already holds", () => {
      loadConfig({ DATA_DIR: dataDir, SINTECH_VAULT_MASTER_KEY: MASTER_KEY });
      const stored = JSON.parse(readFileSync(path.join(dataDir, SECRETS_FILE_NAME), "utf8"));
      expect(Object.keys(stored).sort()).to.deep.equal(["keystorePassphrase", "peppers"]);
      const config = loadConfig({ DATA_DIR: dataDir });
      const restored = JSON.parse(readFileSync(path.join(dataDir, SECRETS_FILE_NAME), "utf8"));
      expect(restored.peppers).to.deep.equal(stored.peppers);
      expect(config.vaultMasterKey.reveal().toString("hex")).to.equal(restored.vaultMasterKey);
    });

    it("touches no file when every secret comes from the environment", () => {
      const config = loadConfig({
        DATA_DIR: dataDir,
        SINTECH_PEPPERS: `2:${PEPPER_2},1:${PEPPER_1}`,
        SINTECH_VAULT_MASTER_KEY: MASTER_KEY,
        SINTECH_KEYSTORE_PASSPHRASE: PASSPHRASE,
      });
      expect(existsSync(path.join(dataDir, SECRETS_FILE_NAME))).to.equal(false);
      expect(config.peppers.current).to.equal(2);
      expect(config.peppers.keys.map((k) => [k.version, k.secret.reveal().toString("hex")])).to.deep.equal([
        [1, PEPPER_1],
        [2, PEPPER_2],
      ]);
    });

    it("refuses a secrets file that other users can read, naming it", () => {
      loadConfig({ DATA_DIR: dataDir });
      const file = path.join(dataDir, SECRETS_FILE_NAME);
      chmodSync(file, 0o644);
      const error = configError(() => loadConfig({ DATA_DIR: dataDir }));
      expect(error.issues).to.deep.equal([
        { variable: file, message: "is readable by other users (mode 0644); run chmod 600 on it" },
      ]);
    });

    it("refuses RPC endpoints, which only the consortium profile uses", () => {
      const error = configError(() =>
        loadConfig({ DATA_DIR: dataDir, SINTECH_RPC_URLS: "http://node:8545" }),
      );
      expect(error.issues[0].variable).to.equal("SINTECH_RPC_URLS");
    });

    it("refuses the same port for the gateway and the local chain", () => {
      const error = configError(() => loadConfig({ DATA_DIR: dataDir, PORT: "8545" }));
      expect(error.issues).to.deep.equal([
        { variable: "SINTECH_ANVIL_PORT", message: "must differ from PORT" },
      ]);
    });
  });

  describe("consortium profile", () => {
    it("takes the endpoints, chain id and secrets from the environment", () => {
      const config = loadConfig(consortiumEnv(dataDir));
      expect(config).to.deep.include({
        profile: "consortium",
        rpcUrls: ["https://besu-1.example:8545", "wss://besu-2.example:8546"],
        anvilPort: null,
        chainId: 1337,
      });
      expect(config.vaultMasterKey.reveal().toString("hex")).to.equal(MASTER_KEY);
      expect(config.keystorePassphrase.reveal()).to.equal(PASSPHRASE);
    });

    it("requires endpoints, chain id and every secret, naming each variable, and generates nothing", () => {
      const error = configError(() => loadConfig({ DATA_DIR: dataDir, SINTECH_PROFILE: "consortium" }));
      expect(error.issues.map((i) => i.variable)).to.deep.equal(["SINTECH_RPC_URLS", "SINTECH_CHAIN_ID"]);

      const noSecrets = configError(() =>
        loadConfig({
          DATA_DIR: dataDir,
          SINTECH_PROFILE: "consortium",
          SINTECH_RPC_URLS: "http://a:1",
          SINTECH_CHAIN_ID: "5",
        }),
      );
      expect(noSecrets.issues.map((i) => i.variable)).to.deep.equal([
        "SINTECH_PEPPERS",
        "SINTECH_VAULT_MASTER_KEY",
        "SINTECH_KEYSTORE_PASSPHRASE",
      ]);
      expect(noSecrets.issues[0].message).to.include(
        "every gateway of the consortium must use the same peppers",
      );
      expect(noSecrets.message).to.include("SINTECH_PEPPERS: is required");
      expect(existsSync(path.join(dataDir, SECRETS_FILE_NAME))).to.equal(false);
    });

    it("names the bad entry of an endpoint list without repeating it", () => {
      const env = { ...consortiumEnv(dataDir), SINTECH_RPC_URLS: "https://ok:1,ftp://user:hunter2@node" };
      const error = configError(() => loadConfig(env));
      expect(error.issues).to.deep.equal([
        { variable: "SINTECH_RPC_URLS", message: "entry 2: each entry must be an http(s) or ws(s) URL" },
      ]);
      expect(error.message).not.to.include("hunter2");
    });
  });

  describe("validation errors name the variable", () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ PORT: "http" }, "PORT", "must be an integer from 0 to 65535"],
      [{ PORT: "70000" }, "PORT", "must be an integer from 0 to 65535"],
      [{ SINTECH_PROFILE: "cloud" }, "SINTECH_PROFILE", 'must be "embedded" or "consortium"'],
      [{ LOG_LEVEL: "loud" }, "LOG_LEVEL", "must be one of fatal, error, warn, info, debug, trace, silent"],
      [
        { SINTECH_BODY_LIMIT: "lots" },
        "SINTECH_BODY_LIMIT",
        'must be a size such as "1mb", "512kb" or "2048b"',
      ],
      ...["yes", "11", "10.0.0.0/33", "loopback,example.org", "10.0.0.1/8/2", "::1/129"].map(
        (value): [Record<string, string>, string, string] => [
          { SINTECH_TRUST_PROXY: value },
          "SINTECH_TRUST_PROXY",
          'must be "false", a number of proxy hops (1 to 10), or addresses, subnets (CIDR) and the names "loopback", "linklocal", "uniquelocal", separated by commas',
        ],
      ),
      [{ SINTECH_RATE_LIMIT_MAX: "0" }, "SINTECH_RATE_LIMIT_MAX", "must be an integer from 1 to 1000000"],
      [{ SINTECH_CHAIN_ID: "-1" }, "SINTECH_CHAIN_ID", "must be an integer from 1 to 9007199254740991"],
      [
        { SINTECH_PEPPERS: "1:abcd" },
        "SINTECH_PEPPERS",
        'version "1": must be at least 32 bytes written as hex (64+ characters)',
      ],
      [
        { SINTECH_PEPPERS: PEPPER_1 },
        "SINTECH_PEPPERS",
        "must be <version>:<hex>[,<version>:<hex>...] or a JSON object of version to hex",
      ],
      [
        { SINTECH_PEPPERS: `${PEPPER_1}:1` },
        "SINTECH_PEPPERS",
        "an entry: versions must be positive integers",
      ],
      [
        { IPFS_API_URL: "ftp://ipfs.example.org:5001" },
        "IPFS_API_URL",
        "must be the http(s) URL of a Kubo RPC API, e.g. http://127.0.0.1:5001",
      ],
      [
        { SINTECH_KEYSTORE_PASSPHRASE: "short" },
        "SINTECH_KEYSTORE_PASSPHRASE",
        "must be a string of at least 12 characters",
      ],
    ];
    for (const [env, variable, message] of cases) {
      it(`${variable}=${Object.values(env)[0].slice(0, 12)} → "${message}"`, () => {
        const error = configError(() => loadConfig({ DATA_DIR: dataDir, ...env }));
        expect(error.issues).to.deep.equal([{ variable, message }]);
        expect(error.message).to.include(`${variable}: ${message}`);
      });
    }

    it("lists every problem at once", () => {
      const error = configError(() =>
        loadConfig({ DATA_DIR: dataDir, PORT: "x", LOG_LEVEL: "y", HOST: " " }),
      );
      expect(error.issues.map((i) => i.variable)).to.deep.equal(["PORT", "HOST", "LOG_LEVEL"]);
    });

    it("never repeats a rejected secret", () => {
      const secret = "my-vault-key-is-not-hex-at-all";
      const error = configError(() => loadConfig({ DATA_DIR: dataDir, SINTECH_VAULT_MASTER_KEY: secret }));
      expect(error.issues).to.deep.equal([
        { variable: "SINTECH_VAULT_MASTER_KEY", message: "must be 32 bytes written as 64 hex characters" },
      ]);
      expect(error.message + inspect(error)).not.to.include(secret);
    });

    it("reads SINTECH_TRUST_PROXY as a hop count, a list of proxies, or none", () => {
      const trust = (value: string) =>
        loadConfig({ DATA_DIR: dataDir, SINTECH_TRUST_PROXY: value }).trustProxy;
      expect(trust("false")).to.equal(false);
      expect(trust("0")).to.equal(false);
      expect(trust("1")).to.equal(1);
      expect(trust(" Loopback, 10.0.0.0/8 ,fd00::/8, 192.168.1.7 ")).to.deep.equal([
        "loopback",
        "10.0.0.0/8",
        "fd00::/8",
        "192.168.1.7",
      ]);
    });

    it("documents every variable in config/example.env", () => {
      const example = readFileSync(path.join(__dirname, "../../../config/example.env"), "utf8");
      const missing = Object.values(FIELDS)
        .map((field) => field.env)
        .filter((variable) => !new RegExp(`^#? ?${variable}=`, "m").test(example));
      expect(missing).to.deep.equal([]);
    });

    it("treats an empty variable as unset", () => {
      expect(loadConfig({ DATA_DIR: dataDir, PORT: "" }).port).to.equal(8080);
    });
  });

  describe("config file and command line", () => {
    const writeConfigFile = (content: unknown) => {
      const file = path.join(dataDir, "gateway.json");
      writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
      return file;
    };

    it("reads SINTECH_CONFIG; the environment overrides it and flags override both", () => {
      const file = writeConfigFile({
        port: 9000,
        host: "0.0.0.0",
        logLevel: "warn",
        rateLimitMax: 50,
        peppers: { "3": PEPPER_2 },
      });
      const fromFile = loadConfig({ DATA_DIR: dataDir, SINTECH_CONFIG: file });
      expect(fromFile).to.deep.include({ port: 9000, host: "0.0.0.0", logLevel: "warn" });
      expect(fromFile.rateLimit.max).to.equal(50);
      expect(fromFile.peppers.current).to.equal(3);

      const overridden = loadConfig(
        { DATA_DIR: dataDir, SINTECH_CONFIG: file, PORT: "9001", LOG_LEVEL: "debug" },
        ["--port", "9002", "--host=127.0.0.2"],
      );
      expect(overridden).to.deep.include({ port: 9002, host: "127.0.0.2", logLevel: "debug" });
    });

    it("accepts --config in place of SINTECH_CONFIG", () => {
      const file = writeConfigFile({ bodyLimit: "512kb" });
      expect(loadConfig({ DATA_DIR: dataDir }, [`--config=${file}`]).bodyLimit).to.equal("512kb");
    });

    it("names the file and key of a bad value, an unknown key, or invalid JSON", () => {
      const file = writeConfigFile({ port: "eighty", colour: "blue" });
      const error = configError(() => loadConfig({ DATA_DIR: dataDir, SINTECH_CONFIG: file }));
      expect(error.issues).to.deep.equal([
        { variable: `SINTECH_CONFIG (${file}) key "colour"`, message: "is not a known setting" },
        { variable: `SINTECH_CONFIG (${file}) key "port"`, message: "must be an integer from 0 to 65535" },
      ]);

      const broken = writeConfigFile(`{"vaultMasterKey": "${MASTER_KEY}",`);
      const parseError = configError(() => loadConfig({ DATA_DIR: dataDir, SINTECH_CONFIG: broken }));
      expect(parseError.issues).to.deep.equal([
        { variable: `SINTECH_CONFIG (${broken})`, message: "is not valid JSON" },
      ]);
      expect(parseError.message).not.to.include(MASTER_KEY);

      const missing = configError(() =>
        loadConfig({ DATA_DIR: dataDir, SINTECH_CONFIG: path.join(dataDir, "nope.json") }),
      );
      expect(missing.issues[0].message).to.equal("cannot be read (ENOENT)");
    });

    it("names an unknown flag or a flag without a value", () => {
      const error = configError(() => loadConfig({ DATA_DIR: dataDir }, ["--colour", "blue", "--port"]));
      expect(error.issues).to.deep.equal([
        { variable: "--colour", message: "is not a known option" },
        { variable: "argument 2", message: "is not a known option" },
        { variable: "--port", message: "needs a value" },
      ]);
    });
  });

  describe("the USSD face", () => {
    const SECRET = "a-ussd-aggregator-secret-of-40-characters";

    it("is off without a secret, with a 180-second session and its own rate limit by default", () => {
      expect(loadConfig({ DATA_DIR: dataDir }).ussd).to.deep.equal({
        secret: null,
        sessionSeconds: 180,
        rateLimitMax: 1200,
      });
    });

    it("takes the aggregator's secret, kept redacted, and refuses a short one without repeating it", () => {
      const config = loadConfig({
        DATA_DIR: dataDir,
        SINTECH_USSD_SECRET: SECRET,
        SINTECH_USSD_SESSION_SECONDS: "90",
      });
      expect(config.ussd.secret!.reveal()).to.equal(SECRET);
      expect(config.ussd.sessionSeconds).to.equal(90);
      expect(String(config)).to.not.include(SECRET);
      const error = configError(() => loadConfig({ DATA_DIR: dataDir, SINTECH_USSD_SECRET: "short-secret" }));
      expect(error.issues).to.deep.equal([
        { variable: "SINTECH_USSD_SECRET", message: "must be a string of at least 32 characters" },
      ]);
      expect(JSON.stringify(error.issues)).to.not.include("short-secret");
    });
  });

  describe("secrets stay secret", () => {
    let config: Config;
    beforeEach(() => {
      config = loadConfig(consortiumEnv(dataDir));
    });

    it("redacts every secret from JSON, toString and util.inspect", () => {
      const printed = [JSON.stringify(config), String(config), `${config}`, inspect(config, { depth: null })];
      for (const text of printed) {
        for (const secret of [PEPPER_1, PEPPER_2, MASTER_KEY, PASSPHRASE])
          expect(text).not.to.include(secret);
        expect(text).to.include("[redacted]");
      }
      expect(JSON.parse(String(config))).to.deep.include({
        vaultMasterKey: "[redacted]",
        keystorePassphrase: "[redacted]",
        peppers: {
          current: 2,
          keys: [
            { version: 1, secret: "[redacted]" },
            { version: 2, secret: "[redacted]" },
          ],
        },
        port: 8080,
      });
    });

    it("is frozen, nested objects included", () => {
      expect(Object.isFrozen(config)).to.equal(true);
      expect(Object.isFrozen(config.rateLimit)).to.equal(true);
      expect(Object.isFrozen(config.peppers.keys)).to.equal(true);
      expect(() => {
        (config as { port: number }).port = 1;
      }).to.throw(TypeError);
    });
  });
});
