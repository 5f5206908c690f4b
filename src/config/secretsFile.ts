import { randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import type { ConfigIssue } from "./configError";
import { FIELDS, keystorePassphraseSchema, peppersSchema, vaultMasterKeySchema } from "./fields";

export const SECRETS_FILE_NAME = "secrets.json";

/** The secrets a gateway needs; each may come from the environment/config file or from `secrets.json`. */
export interface SecretValues {
  peppers?: Record<string, Buffer>;
  vaultMasterKey?: Buffer;
  keystorePassphrase?: string;
}

interface StoredSecrets {
  peppers?: Record<string, string>;
  vaultMasterKey?: string;
  keystorePassphrase?: string;
}

/**
 * Fills the secrets not given explicitly from `<dataDir>/secrets.json`.
 *
 * Embedded profile: missing secrets are generated on first run and written with 0600 permissions, so a
 * newcomer gets a working node without inventing keys. Consortium profile: nothing is generated,
 * because every gateway of a consortium must share the same pepper (otherwise the same household
 * gets different references and the cross-charity overlap guard is blind); the file is only read if
 * an operator put it there.
 */
export function resolveSecrets(
  profile: "embedded" | "consortium",
  dataDir: string,
  given: SecretValues,
  issues: ConfigIssue[],
): Required<SecretValues> | undefined {
  const missing = (["peppers", "vaultMasterKey", "keystorePassphrase"] as const).filter((k) => !given[k]);
  if (missing.length === 0) return given as Required<SecretValues>;

  const file = path.join(dataDir, SECRETS_FILE_NAME);
  const fileExists = existsSync(file);
  const stored = fileExists ? readSecretsFile(file, issues) : {};
  if (stored === undefined) return undefined;

  const result: SecretValues = { ...given };
  const generated: StoredSecrets = {};
  for (const key of missing) {
    const fromFile = parseStored(key, stored, file, issues);
    if (fromFile !== undefined) {
      Object.assign(result, { [key]: fromFile });
    } else if (profile === "embedded") {
      const fresh = generate(key);
      Object.assign(generated, { [key]: fresh.stored });
      Object.assign(result, { [key]: fresh.value });
    } else {
      issues.push({
        variable: FIELDS[key].env,
        message:
          key === "peppers"
            ? "is required for the consortium profile: every gateway of the consortium must use the same peppers"
            : "is required for the consortium profile",
      });
    }
  }
  if (Object.keys(generated).length > 0 && issues.length === 0) {
    const written = writeSecretsFile(file, { ...stored, ...generated }, fileExists);
    // Another process created the file first: use its secrets, never a second, diverging pepper.
    if (!written) return resolveSecrets(profile, dataDir, given, issues);
  }
  return issues.length === 0 ? (result as Required<SecretValues>) : undefined;
}

function readSecretsFile(file: string, issues: ConfigIssue[]): StoredSecrets | undefined {
  const mode = statSync(file).mode & 0o777;
  if (process.platform !== "win32" && (mode & 0o077) !== 0) {
    issues.push({
      variable: file,
      message: `is readable by other users (mode ${mode.toString(8).padStart(4, "0")}); run chmod 600 on it`,
    });
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed))
      return parsed as StoredSecrets;
  } catch {
    // Fall through: the parser's message would quote secret text.
  }
  issues.push({ variable: file, message: "is not a JSON object; fix or remove it" });
  return undefined;
}

function parseStored(
  key: keyof SecretValues,
  stored: StoredSecrets,
  file: string,
  issues: ConfigIssue[],
): SecretValues[typeof key] | undefined {
  if (stored[key] === undefined) return undefined;
  const schema = {
    peppers: peppersSchema,
    vaultMasterKey: vaultMasterKeySchema,
    keystorePassphrase: keystorePassphraseSchema,
  }[key];
  const parsed = schema.safeParse(stored[key]);
  if (parsed.success) return parsed.data;
  issues.push({ variable: `${file} key "${key}"`, message: parsed.error.issues[0].message });
  return undefined;
}

function generate(key: keyof SecretValues): { stored: unknown; value: unknown } {
  if (key === "peppers") {
    const pepper = randomBytes(32);
    return { stored: { "1": pepper.toString("hex") }, value: { "1": pepper } };
  }
  if (key === "vaultMasterKey") {
    const masterKey = randomBytes(32);
    return { stored: masterKey.toString("hex"), value: masterKey };
  }
  const passphrase = randomBytes(32).toString("base64url");
  return { stored: passphrase, value: passphrase };
}

/**
 * Writes a private temporary file, then moves it into place, so a crash never leaves a half-written
 * secret. A first-run creation uses link(), which fails if the file appeared meanwhile (returns false).
 */
function writeSecretsFile(file: string, secrets: StoredSecrets, replace: boolean): boolean {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = openSync(temporary, "wx", 0o600);
  try {
    writeSync(fd, JSON.stringify(secrets, null, 2) + "\n");
  } finally {
    closeSync(fd);
  }
  if (replace) {
    renameSync(temporary, file);
    return true;
  }
  try {
    linkSync(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
}
