import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Readable, Writable } from "node:stream";
import { CliError } from "../../../src/cli/apiClient";
import { main } from "../../../src/cli/main";
import { memberCommand } from "../../../src/cli/memberCommand";
import { timebankCommand } from "../../../src/cli/timebankCommand";
import { syntheticNationalId } from "../../../src/identity/synthetic";
import {
  bootE2e,
  countRows,
  registerOrganisation,
  removeDataDir,
  type E2eGateway,
  untilIndexed,
} from "../e2e/harness";

const PIN = "482913";

/**
 * `sintech timebank ...` against a running gateway over real HTTP (anvil, SQLite, outbox): the regulator
 * appoints, the coordinator admits (national ID and PIN typed on stdin), changes, logs a service, confirms it
 * by the recipient's PIN or as coordinator, and a member donates. Secrets never appear in what it prints.
 */
describe("timebank CLI: a coordinator's tasks", function () {
  this.timeout(180_000);
  let gw: E2eGateway;

  before(async () => {
    gw = await bootE2e();
  });
  after(async () => {
    await gw?.stop();
    if (gw) removeDataDir(gw.dataDir);
  });

  /** `sintech member ...` against the gateway, with `session` as SINTECH_MEMBER_SESSION (unset without it). */
  async function member(args: string[], session?: string, input = ""): Promise<string> {
    let out = "";
    const stdout = new Writable({
      write(chunk, _encoding, done) {
        out += String(chunk);
        done();
      },
    });
    const saved = [process.env.SINTECH_URL, process.env.SINTECH_MEMBER_SESSION];
    process.env.SINTECH_URL = gw.url;
    if (session === undefined) delete process.env.SINTECH_MEMBER_SESSION;
    else process.env.SINTECH_MEMBER_SESSION = session;
    try {
      expect(await memberCommand(args, { stdin: Readable.from([input]), stdout })).to.equal(0);
      return out;
    } finally {
      for (const [name, value] of [
        ["SINTECH_URL", saved[0]],
        ["SINTECH_MEMBER_SESSION", saved[1]],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  }

  async function sintech(apiKey: string, args: string[], input = ""): Promise<string> {
    let out = "";
    const stdout = new Writable({
      write(chunk, _encoding, done) {
        out += String(chunk);
        done();
      },
    });
    const saved = [process.env.SINTECH_URL, process.env.SINTECH_API_KEY];
    Object.assign(process.env, { SINTECH_URL: gw.url, SINTECH_API_KEY: apiKey });
    try {
      const code = await timebankCommand(args, { stdin: Readable.from([input]), stdout });
      expect(code).to.equal(0);
      return out;
    } finally {
      for (const [name, value] of [
        ["SINTECH_URL", saved[0]],
        ["SINTECH_API_KEY", saved[1]],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  }

  it("appoints, admits, changes, logs, confirms and donates, printing no secret", async () => {
    const charity = await registerOrganisation(gw, "charity");
    expect(await sintech(gw.regulatorKey, ["appoint", charity.orgId, "--valid-days", "30"])).to.match(
      new RegExp(`^coordinator ${charity.orgId}: licence active`),
    );
    const admit = async (seed: number) => {
      const nationalId = syntheticNationalId(seed);
      const out = await sintech(
        charity.apiKey,
        ["admit", "--national-id", "--credit-limit", "60", "--pin"],
        `${nationalId}\n${PIN}\n`,
      );
      expect(out).to.not.include(nationalId);
      expect(out).to.not.include(PIN);
      return /^member (0x[0-9a-f]{64}): active, custodial wallet, balance 0 min/.exec(out)![1]!;
    };
    const giver = await admit(140_001);
    const recipient = await admit(140_002);
    expect(await sintech(charity.apiKey, ["change", recipient, "set-credit-limit", "90"])).to.include(
      "credit limit 90 min",
    );
    expect(await sintech(charity.apiKey, ["member", recipient])).to.include("balance 0 min");
    // A member moved to a new custodial key: the same member, another wallet, the same account.
    const walletBefore = (await gw.get(`/v1/timebank/members/${recipient}`, charity.apiKey)).body.wallet;
    expect(
      await sintech(charity.apiKey, [
        "rebind",
        recipient,
        "--custodial",
        "--idempotency-key",
        "cli-rebind-0001",
      ]),
    ).to.include(`member ${recipient}: active, custodial wallet, balance 0 min, credit limit 90 min`);
    expect((await gw.get(`/v1/timebank/members/${recipient}`, charity.apiKey)).body.wallet).to.not.equal(
      walletBefore,
    );

    const log = (minutes: string) =>
      sintech(charity.apiKey, [
        "log",
        "--giver",
        giver,
        "--recipient",
        recipient,
        "--minutes",
        minutes,
        "--category",
        "transport",
      ]);
    const opened = await log("45");
    const [, serviceId] = /^service (svc_[0-9a-f-]{36}): open, 45 min of transport/.exec(opened)!;
    expect(opened).to.include('"primaryType": "ServiceConfirmation"');
    expect(await sintech(charity.apiKey, ["service", serviceId!])).to.include(": open");
    const confirmed = await sintech(charity.apiKey, ["confirm", serviceId!, "--pin"], `${PIN}\n`);
    expect(confirmed).to.match(
      /: confirmed, 45 min of transport, confirmed by pin \(on chain 0x[0-9a-f]{64}\)/,
    );

    // A member admitted with a phone (typed after the PIN) confirms by the code texted to it.
    const phone = "09131112233";
    const texted = await sintech(
      charity.apiKey,
      ["admit", "--national-id", "--credit-limit", "60", "--pin", "--phone"],
      `${syntheticNationalId(140_003)}\n${PIN}\n${phone}\n`,
    );
    expect(texted).to.not.include(phone);
    const textedRef = /^member (0x[0-9a-f]{64})/.exec(texted)![1]!;
    const smsService = /^service (svc_[0-9a-f-]{36})/.exec(
      await sintech(charity.apiKey, [
        "log",
        "--giver",
        giver,
        "--recipient",
        textedRef,
        "--minutes",
        "10",
        "--category",
        "care",
      ]),
    )![1]!;
    expect(await sintech(charity.apiKey, ["sms-code", smsService])).to.include("code sent");
    const line = readFileSync(path.join(gw.dataDir, "sms-outbox.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((raw) => JSON.parse(raw) as { to: string; text: string })
      .find((message) => message.to === phone)!;
    const code = /\b([0-9]{6})\b/.exec(line.text)![1]!;
    expect(await sintech(charity.apiKey, ["confirm", smsService, "--sms"], `${code}\n`)).to.include(
      "confirmed by sms",
    );

    const second = /^service (svc_[0-9a-f-]{36})/.exec(await log("15"))![1]!;
    expect(await sintech(charity.apiKey, ["confirm", second, "--payer", "recipient"])).to.include(
      "confirmed by coordinator",
    );
    expect(await sintech(charity.apiKey, ["member", recipient])).to.include("balance -60 min");
    const donated = await sintech(charity.apiKey, ["donate", giver, "--minutes", "25"], `${PIN}\n`);
    expect(donated).to.include("donated 25 min to the community pool (pool: 25 min)");
    expect(donated).to.include("balance 45 min");
    expect(await sintech(charity.apiKey, ["pool"])).to.equal("community pool: 25 min\n");
    await untilIndexed(gw);
    const history = await sintech(charity.apiKey, ["history", giver]);
    expect(history).to.match(/: earned 45 min\n/);
    expect(history).to.match(/: donated 25 min \(community pool\)\n/);

    // A sign-in link for the member's own page: the full address, once; it opens one member session.
    const [address, note] = (
      await sintech(charity.apiKey, ["login-link", recipient, "--minutes", "5"])
    ).split("\n");
    expect(address).to.match(new RegExp(`^${gw.url}/app/member/login#stm_[A-Za-z0-9_-]{43}$`));
    expect(note).to.match(/^works once, until 20\d\d-/);
    // The member spends it with its own command, and reads and signs out with the session it prints.
    const signIn = await member(["sign-in", address!]);
    const session = /^SINTECH_MEMBER_SESSION=(stms_[A-Za-z0-9_-]{43})\n/.exec(signIn)![1]!;
    expect(signIn).to.include(`signed in as member ${recipient} until 20`);
    expect(await member(["account"], session)).to.include(
      `member ${recipient}: active, custodial wallet, balance -60 min`,
    );
    const paid = [...(await member(["history"], session)).matchAll(/: paid (\d+) min\n/g)].map((m) =>
      Number(m[1]),
    );
    expect(paid.reduce((sum, minutes) => sum + minutes, 0)).to.equal(60);
    expect(await member(["services"], session)).to.equal("no service waits for your word\n");
    const logged = await member(
      ["log", "--recipient", giver, "--minutes", "5", "--category", "care"],
      session,
    );
    expect(logged).to.match(/^service svc_[0-9a-f-]{36}: open, 5 min of care\n/);
    expect(await member(["sign-out"], session)).to.equal("signed out\n");
    const ended = await member(["account"], session).catch((error: Error) => error);
    expect(ended).to.be.instanceOf(CliError);
    expect((ended as Error).message).to.match(/member session has expired or ended.*\(401\)/);
    const unset = await member(["account"]).catch((error: Error) => error);
    expect((unset as Error).message).to.include("SINTECH_MEMBER_SESSION is not set");

    // The same --idempotency-key sent twice donates once; with no answer, the error names the key to send.
    const again = ["donate", giver, "--minutes", "5", "--idempotency-key", "cli-donation-retry-01"];
    expect(await sintech(charity.apiKey, again, `${PIN}\n`)).to.include("balance 40 min");
    expect(await sintech(charity.apiKey, again, `${PIN}\n`)).to.include("balance 40 min");
    const saved = process.env.SINTECH_URL;
    process.env.SINTECH_URL = "http://127.0.0.1:9";
    process.env.SINTECH_API_KEY = charity.apiKey;
    try {
      const lost = await timebankCommand(
        ["log", "--giver", giver, "--recipient", recipient, "--minutes", "5", "--category", "care"],
        {
          stdin: Readable.from([""]),
          stdout: new Writable({ write: (_chunk, _encoding, done) => done() }),
        },
      ).catch((error: Error) => error);
      expect(lost).to.be.instanceOf(Error);
      expect((lost as Error).message).to.match(
        /Cannot reach the gateway.*--idempotency-key cli-[0-9a-f-]{36} /,
      );
    } finally {
      if (saved === undefined) delete process.env.SINTECH_URL;
      else process.env.SINTECH_URL = saved;
      delete process.env.SINTECH_API_KEY;
    }
  });

  it("explains a refusal in one line and writes nothing", async () => {
    const charity = await registerOrganisation(gw, "charity");
    const jobs = countRows(gw, "chain_jobs");
    let refused: unknown;
    await sintech(charity.apiKey, ["admit", "--national-id", "--credit-limit", "60"], "0012345679\n").catch(
      (error) => (refused = error),
    );
    expect(refused).to.be.instanceOf(CliError);
    expect((refused as Error).message).to.equal(
      "This organisation is not a time-bank coordinator. (403, field authorization)",
    );
    await sintech(charity.apiKey, ["change", `0x${"ab".repeat(32)}`, "set-credit-limit"]).catch(
      (error) => (refused = error),
    );
    expect((refused as Error).message).to.equal("set-credit-limit needs the limit in whole minutes.");
    await sintech(charity.apiKey, ["rebind", `0x${"ab".repeat(32)}`]).catch((error) => (refused = error));
    expect((refused as Error).message).to.equal(
      "timebank rebind needs --custodial, or --wallet with --signature and --deadline.",
    );
    expect(countRows(gw, "chain_jobs")).to.equal(jobs);
    // Through the CLI's entry point: exit 2 with the one line on stderr.
    expect(await main(["timebank", "sell"])).to.equal(2);
  });
});
