import type { Database } from "better-sqlite3";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { createApiKey, createLoginLink, LOGIN_LINK_MAX_MINUTES, type Principal, type Role } from "../apiKeys";
import { loadConfig } from "../config";
import { openSqliteStore } from "../db";
import { createPepperRing } from "../identity";
import { CliError, gatewayUrl, optionValue } from "./apiClient";

export const LOGIN_LINK_USAGE = `  login-link --org <orgId> [--minutes <1-60>]
                                 a one-time link that signs a browser in to the pages as the organisation
                                 (in its registered role; "regulator" for the regulator), for 15 minutes
                                 unless asked; written straight into the data folder's database`;

/** What the links the operator makes sign in as: one key per organisation, its plaintext never shown. */
const CLI_LINK_LABEL = "login links (CLI)";

/**
 * `sintech login-link --org <id>`: the operator's way to let an organisation's person into the pages without
 * handing over a key. The link signs in as a key of its own ("login links (CLI)", made once per organisation,
 * its plaintext discarded): revoking that key ends every session such links opened. Prints the address
 * (SINTECH_URL, or the default) with the token in its fragment, and when it expires.
 */
export function loginLinkCommand(args: string[]): number {
  const orgId = optionValue(args, "--org");
  if (!orgId)
    throw new CliError(`Usage: sintech login-link --org <orgId> [--minutes <1-${LOGIN_LINK_MAX_MINUTES}>]`);
  const minutesText = optionValue(args, "--minutes");
  const minutes = minutesText === undefined ? undefined : Number(minutesText);
  if (
    minutes !== undefined &&
    !(Number.isInteger(minutes) && minutes >= 1 && minutes <= LOGIN_LINK_MAX_MINUTES)
  )
    throw new CliError(`--minutes must be a whole number from 1 to ${LOGIN_LINK_MAX_MINUTES}.`);
  // As `keys create`: never a fresh data folder, checked before the configuration could write secrets into one.
  const database = join(resolve(process.env.DATA_DIR || "./data"), "gateway.db");
  if (!existsSync(database)) {
    throw new CliError(
      `No gateway database at ${database}: set DATA_DIR to the gateway's data folder (start the gateway once to create it).`,
    );
  }
  const config = loadConfig(process.env, []);
  const peppers = createPepperRing({
    current: config.peppers.current,
    keys: config.peppers.keys.map((key) => ({ version: key.version, secret: key.secret.reveal() })),
  });
  const store = openSqliteStore(database);
  try {
    const principal = linkPrincipal(store.sqlite, orgId);
    const link = createLoginLink(store.sqlite, peppers, principal, { minutes });
    process.stdout.write(`${gatewayUrl(process.env)}${link.path}\nexpires ${link.expiresAt}\n`);
  } finally {
    store.close();
  }
  return 0;
}

function linkPrincipal(db: Database, orgId: string): Principal {
  const role = (
    orgId === "regulator"
      ? "regulator"
      : db.prepare("SELECT role FROM organisations WHERE org_id = ?").pluck().get(orgId)
  ) as Role | undefined;
  if (role === undefined)
    throw new CliError(
      `No organisation "${orgId}" is registered: register it first (POST /v1/organisations).`,
    );
  const existing = db
    .prepare(
      "SELECT id FROM api_keys WHERE org_id = ? AND role = ? AND label = ? AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1",
    )
    .pluck()
    .get(orgId, role, CLI_LINK_LABEL) as string | undefined;
  const keyId = existing ?? createApiKey(db, { orgId, role, label: CLI_LINK_LABEL }).record.id;
  return { keyId, orgId, role };
}
