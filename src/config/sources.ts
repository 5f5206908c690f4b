import { readFileSync } from "node:fs";
import path from "node:path";
import type { ConfigIssue } from "./configError";
import { FIELDS, type FieldName } from "./fields";

export const CONFIG_FILE_VARIABLE = "SINTECH_CONFIG";
const CONFIG_FILE_FLAG = "--config";

/** A raw value and the name of the place it came from, so errors point where the operator must look. */
export interface RawValue {
  value: unknown;
  source: string;
}

export type RawValues = Partial<Record<FieldName, RawValue>>;

const FIELD_NAMES = Object.keys(FIELDS) as FieldName[];

/**
 * Collects raw values by precedence: JSON file < environment < command line. Unset and empty env
 * variables count as absent (an `.env` line like `PORT=` means "use the default").
 */
export function collectRawValues(
  env: Readonly<Record<string, string | undefined>>,
  argv: readonly string[],
  issues: ConfigIssue[],
): RawValues {
  const flags = parseFlags(argv, issues);
  const raw: RawValues = {};

  const configFile = flags.get(CONFIG_FILE_FLAG) ?? env[CONFIG_FILE_VARIABLE];
  if (configFile) {
    const label = flags.has(CONFIG_FILE_FLAG) ? CONFIG_FILE_FLAG : CONFIG_FILE_VARIABLE;
    Object.assign(raw, readConfigFile(configFile, label, issues));
  }
  for (const name of FIELD_NAMES) {
    const fromEnv = env[FIELDS[name].env];
    if (fromEnv !== undefined && fromEnv !== "") raw[name] = { value: fromEnv, source: FIELDS[name].env };
    const flag = FIELDS[name].flag;
    if (flag && flags.has(flag)) raw[name] = { value: flags.get(flag), source: flag };
  }
  return raw;
}

function parseFlags(argv: readonly string[], issues: ConfigIssue[]): Map<string, string> {
  const known = new Set<string>([CONFIG_FILE_FLAG]);
  for (const name of FIELD_NAMES) if (FIELDS[name].flag) known.add(FIELDS[name].flag!);

  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const equals = arg.indexOf("=");
    const flag = equals >= 0 ? arg.slice(0, equals) : arg;
    if (!known.has(flag)) {
      issues.push({
        variable: flag.startsWith("--") ? flag : `argument ${i + 1}`,
        message: "is not a known option",
      });
      continue;
    }
    const value = equals >= 0 ? arg.slice(equals + 1) : argv[++i];
    if (value === undefined) issues.push({ variable: flag, message: "needs a value" });
    else flags.set(flag, value);
  }
  return flags;
}

function readConfigFile(file: string, label: string, issues: ConfigIssue[]): RawValues {
  const where = `${label} (${path.resolve(file)})`;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    issues.push({ variable: where, message: `cannot be read (${(error as NodeJS.ErrnoException).code})` });
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The parser's message quotes the text, which may hold secrets.
    issues.push({ variable: where, message: "is not valid JSON" });
    return {};
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    issues.push({ variable: where, message: "must hold a JSON object" });
    return {};
  }
  const raw: RawValues = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!(FIELD_NAMES as string[]).includes(key)) {
      issues.push({ variable: `${where} key "${key}"`, message: `is not a known setting` });
      continue;
    }
    raw[key as FieldName] = { value, source: `${where} key "${key}"` };
  }
  return raw;
}
