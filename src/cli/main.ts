import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { createApiKey, ROLES, type Role } from "../apiKeys";
import { ConfigError, loadConfig } from "../config";
import { openSqliteStore } from "../db";
import { DemoStepError } from "../main/seedDemo";
import { join, resolve } from "node:path";
import type { Database } from "better-sqlite3";
import {
  apiTarget,
  CliError,
  describeFailure,
  followJob,
  requestJson,
  uploadCsv,
  type JobStatus,
} from "./apiClient";
import { AUDIT_USAGE, auditCommand } from "./auditCommand";
import { confirmCommand, verifyCommand } from "./confirmationCommands";
import { COVERAGE_USAGE, openDataCommand, underCoverageCommand } from "./coverageCommands";
import { recognitionCommand, RECOGNITION_USAGE } from "./recognitionCommand";
import { deliveriesCommand, DELIVERIES_USAGE } from "./deliveriesCommand";
import { deployCommand } from "./deployCommand";
import { evidenceCommand } from "./evidenceCommand";
import { startCommand } from "./startCommand";
import { timebankCommand, TIMEBANK_USAGE } from "./timebankCommand";
import { memberCommand, MEMBER_USAGE } from "./memberCommand";
import { mandatesCommand, MANDATES_USAGE } from "./mandatesCommand";
import { loginLinkCommand, LOGIN_LINK_USAGE } from "./loginLinkCommand";

const USAGE = `sintech <command>

  start [--demo]                 start the gateway (embedded chain by default); --demo seeds a populated system
  deploy [--settlement-token <address>]
                                 deploy the contracts (embedded: the local chain; consortium: the configured
                                 endpoint, from the operator key) and record data/deployment.json
  enrol <households.csv>         import households and register them on chain, with a progress bar
                                 (needs SINTECH_API_KEY of a charity or registrar)
  disburse <programmeId> <file.csv>
                                 disburse national_id,amount rows, with a progress bar until every
                                 chain write has ended (needs a charity's SINTECH_API_KEY)
  status                         chain, contracts, queued writes and counts (any SINTECH_API_KEY)
  confirm <programmeId> <householdRef> <in_kind_distribution|service_visit>
          [--delivered-at <ISO time>] [--evidence-hash <0x...>]
                                 record an off-chain confirmation, anchored on chain in a Merkle batch
                                 (a charity's or a field agent's SINTECH_API_KEY)
  verify <confirmationId>        the confirmation's proof, checked on chain (exit 1 until anchored)
${DELIVERIES_USAGE}
${AUDIT_USAGE}
${COVERAGE_USAGE}
${RECOGNITION_USAGE}
${TIMEBANK_USAGE}
${MEMBER_USAGE}
${MANDATES_USAGE}
  keys create --role <role> --org <orgId> [--label <text>]
                                 issue an API key straight into the data folder's database
${LOGIN_LINK_USAGE}
  evidence fetch --cid <cid> --key <hex> --hash <0x...> [--out <file>] [--ipfs-api <url> | --ipfs-dir <dir>]
                                 open evidence offline: fetch the encrypted object by CID (Kubo, or the
                                 Helia blockstore in DATA_DIR/ipfs), decrypt it and check its hash
  help                           this text

API keys in the data folder: regulator.key is the gateway's first regulator key, written once when
\`start\` finds no regulator key; demo.json (after \`start --demo\`) holds one key per demo organisation,
including a second regulator key labelled "demo regulator". Both are private files (mode 0600).

Service managers: run \`node bin/sintech.js start\` (or \`npx sintech start\`), not \`npm start\`: npm does
not pass SIGTERM/SIGINT on to the gateway, which stops cleanly on either.

Environment: SINTECH_URL (default http://127.0.0.1:8080), SINTECH_API_KEY, and the gateway's own
variables documented in config/example.env.`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "start":
        await startCommand(rest);
        return 0;
      case "deploy":
        return await deployCommand(rest);
      case "enrol":
        return await enrol(rest);
      case "disburse":
        return await disburse(rest);
      case "status":
        return await status();
      case "confirm":
        return await confirmCommand(rest);
      case "verify":
        return await verifyCommand(rest);
      case "deliveries":
        return await deliveriesCommand(rest);
      case "audit":
        return await auditCommand(rest);
      case "under-coverage":
        return await underCoverageCommand(rest);
      case "open-data":
        return await openDataCommand(rest);
      case "recognition":
        return await recognitionCommand(rest);
      case "timebank":
        return await timebankCommand(rest);
      case "member":
        return await memberCommand(rest);
      case "mandates":
        return await mandatesCommand(rest);
      case "keys":
        return keys(rest);
      case "login-link":
        return loginLinkCommand(rest);
      case "evidence":
        return await evidenceCommand(rest);
      case undefined:
      case "help":
      case "--help":
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new CliError(`Unknown command "${command}". Run "sintech help".`);
    }
  } catch (error) {
    if (error instanceof CliError || error instanceof ConfigError || error instanceof DemoStepError) {
      process.stderr.write(`sintech: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

async function enrol([file]: string[]): Promise<number> {
  if (!file || !existsSync(file)) throw new CliError("enrol needs the path of an existing CSV file.");
  const target = apiTarget(process.env);
  const upload = await uploadCsv(target, "/v1/households/imports", file, `cli-${randomUUID()}`);
  if (upload.status >= 400) throw new CliError(describeFailure(upload.status, upload.body));
  const report = upload.body as { importId: string; counts: Record<string, number>; reviews?: unknown[] };
  process.stdout.write(`import ${report.importId}: ${JSON.stringify(report.counts)}\n`);
  const registered = await requestJson(target, "POST", "/v1/households/registrations");
  if (registered.status >= 400) throw new CliError(describeFailure(registered.status, registered.body));
  const run = registered.body as JobStatus & { registrationId: string | null };
  if (run.registrationId === null) {
    process.stdout.write("on chain: no household was waiting to be registered\n");
    return 0;
  }
  process.stdout.write(`registration ${run.registrationId}: writing to the chain\n`);
  const done = await followJob(target, `/v1/households/registrations/${run.registrationId}`, run);
  const { progress } = done;
  const counts = { registered: progress.done, failed: progress.refused, queued: progress.pending };
  process.stdout.write(`on chain: ${JSON.stringify(counts)}\n`);
  return 0;
}

async function disburse([programmeId, file]: string[]): Promise<number> {
  if (!programmeId || !/^\d+$/.test(programmeId))
    throw new CliError("disburse needs a programme id (a number).");
  if (!file || !existsSync(file)) throw new CliError("disburse needs the path of an existing CSV file.");
  const target = apiTarget(process.env);
  const result = await uploadCsv(
    target,
    `/v1/programmes/${programmeId}/disbursements`,
    file,
    `cli-${randomUUID()}`,
  );
  if (result.status >= 400) throw new CliError(describeFailure(result.status, result.body));
  type Report = JobStatus & {
    disbursementId: string;
    counts: Record<string, number>;
    rows: { rowNo: number; status: string; message: string | null }[];
  };
  const accepted = result.body as Report;
  process.stdout.write(`disbursement ${accepted.disbursementId}: writing to the chain\n`);
  const statusPath = `/v1/disbursements/${accepted.disbursementId}`;
  // Polled with one row per answer; the rows to explain are read once, when it is done.
  await followJob(target, `${statusPath}?limit=1`, accepted);
  const last = await requestJson(target, "GET", statusPath);
  if (last.status >= 400) throw new CliError(describeFailure(last.status, last.body));
  const report = last.body as Report;
  process.stdout.write(`disbursement ${report.disbursementId}: ${JSON.stringify(report.counts)}\n`);
  for (const row of report.rows.filter((candidate) => candidate.message)) {
    process.stdout.write(`  row ${row.rowNo}: ${row.status}: ${row.message}\n`);
  }
  return 0;
}

async function status(): Promise<number> {
  const result = await requestJson(apiTarget(process.env), "GET", "/v1/status");
  if (result.status >= 400) throw new CliError(describeFailure(result.status, result.body));
  process.stdout.write(`${JSON.stringify(result.body, null, 2)}\n`);
  return 0;
}

function keys(args: string[]): number {
  const flag = (name: string) => {
    const index = args.indexOf(name);
    return index >= 0 ? args[index + 1] : undefined;
  };
  if (args[0] !== "create")
    throw new CliError("Usage: sintech keys create --role <role> --org <orgId> [--label <text>]");
  const role = flag("--role");
  const orgId = flag("--org");
  if (!role || !(ROLES as readonly string[]).includes(role))
    throw new CliError(`--role must be one of ${ROLES.join(", ")}.`);
  if (!orgId) throw new CliError("--org is required.");
  // A client command never creates a data folder: without the gateway's database there is nothing to
  // issue a key for, and a stray ./data would be a second, empty gateway. Checked before the
  // configuration is loaded, which would write a secrets file into a fresh folder.
  const database = join(resolve(process.env.DATA_DIR || "./data"), "gateway.db");
  if (!existsSync(database)) {
    throw new CliError(
      `No gateway database at ${database}: set DATA_DIR to the gateway's data folder (start the gateway once to create it).`,
    );
  }
  loadConfig(process.env, []);
  const store = openSqliteStore(database);
  try {
    refuseUnknownOrganisation(store.sqlite, orgId, role as Role);
    const { key, record } = createApiKey(store.sqlite, {
      orgId,
      role: role as Role,
      label: flag("--label") ?? "issued by CLI",
    });
    process.stdout.write(`${record.id} ${key}\n`);
  } finally {
    store.close();
  }
  return 0;
}

/**
 * A key is issued only for an organisation the gateway knows, in the role it was registered with (the
 * regulator's keys belong to the organisation `regulator`): a key for a typo'd or invented organisation
 * would act with no organisation behind it.
 */
function refuseUnknownOrganisation(db: Database, orgId: string, role: Role): void {
  if (role === "regulator" || orgId === "regulator") {
    if (role !== "regulator" || orgId !== "regulator")
      throw new CliError('Regulator keys belong to the organisation "regulator", and only to it.');
    return;
  }
  const registered = db.prepare("SELECT role FROM organisations WHERE org_id = ?").pluck().get(orgId) as
    string | undefined;
  if (registered === undefined)
    throw new CliError(
      `No organisation "${orgId}" is registered: register it first (POST /v1/organisations).`,
    );
  if (registered !== role)
    throw new CliError(
      `The organisation "${orgId}" is a ${registered}: a ${role} key cannot be issued for it.`,
    );
}

/** ethers errors carry the whole signed transaction in `message`; one line is enough for a person. */
function shortMessage(error: unknown): string {
  const { shortMessage: short, message } = error as { shortMessage?: string; message?: string };
  return String(short ?? message ?? error).slice(0, 300);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`sintech: unexpected error: ${shortMessage(error)}\n`);
      process.exit(1);
    },
  );
}
