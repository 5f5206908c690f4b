import { randomUUID } from "node:crypto";
import { apiTarget, CliError, describeFailure, gatewayUrl, requestJson } from "./apiClient";
import { parseFlags, readSecret, readSecrets, value } from "./cliInput";
import {
  historyLines,
  memberLine,
  serviceText,
  whole,
  type HistoryAnswer,
  type MemberAnswer,
  type ServiceAnswer,
} from "./timebankText";

export const TIMEBANK_USAGE = `  timebank appoint <orgId> [--valid-days <n>]
                                 appoint a charity a time-bank coordinator (the regulator's SINTECH_API_KEY)
  timebank admit --national-id --credit-limit <minutes> [--wallet <0x..> | --pin] [--phone]
                                 admit a member (a coordinator's key): the national ID, then with --pin the
                                 member's PIN, then with --phone its phone, read from stdin lines, never from
                                 argv; prints the member ref
  timebank member <memberRef>    a member's balance, credit limit and status, as the chain holds them
  timebank history <memberRef>   a member's minutes earned, paid and donated, and services pending with it
  timebank pool                  minutes the community pool holds
  timebank login-link <memberRef> [--minutes <n>] [--sms]
                                 a one-time sign-in link for the member's own page (15 minutes unless asked,
                                 at most 60), to hand to the member once you have checked who it is; with
                                 --sms texted to its phone on file instead of printed
  timebank change <memberRef> (set-credit-limit <minutes> | suspend | reinstate | remove)
  timebank rebind <memberRef> (--custodial | --wallet <0x..> --signature <0x..> --deadline <unix seconds>)
                                 move a member to a new custodial key, or to a wallet it holds (that wallet's
                                 personal_sign of the proof message, see the API's wallet-rebinding)
  timebank log --giver <ref> --recipient <ref> --minutes <n> --category <code> [--evidence-hash <0x..>]
                                 open a service; prints it with the confirmation the recipient signs
  timebank service <serviceId>   a service's state (and, while open, the confirmation to sign)
  timebank sms-code <serviceId>  text the recipient a code bound to the service
  timebank confirm <serviceId> (--pin | --sms | --signature <0x..> | --payer recipient|pool)
                                 the recipient's word (--pin and --sms read it from stdin), or the
                                 coordinator's confirmation (--payer: the recipient pays, or the pool)
  timebank donate <memberRef> --minutes <n> [--to <memberRef>]
                                 a member donates earned credit to a member or the pool (PIN from stdin)
  change, rebind, log and donate take [--idempotency-key <key>]: the same key sent again is answered from the first
                                 run; without it a new key is made, and named in the error if no answer came`;

const ACTIONS: Record<string, string> = {
  "set-credit-limit": "set_credit_limit",
  suspend: "suspend",
  reinstate: "reinstate",
  remove: "remove",
};

/** `sintech timebank ...`: a coordinator's tasks (and the regulator's appointment), against a running gateway. */
export async function timebankCommand(
  args: string[],
  io: { stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream } = process,
): Promise<number> {
  const [sub, ...rest] = args;
  const { positional, flags } = parseFlags(rest);
  const call = async (method: string, path: string, body?: unknown) => {
    const retry = () =>
      sentKey === undefined
        ? ""
        : ` Run it again with --idempotency-key ${sentKey} to have it answered once, not done twice.`;
    let result: Awaited<ReturnType<typeof requestJson>>;
    try {
      result = await requestJson(apiTarget(process.env), method, path, body);
    } catch (error) {
      if (error instanceof CliError) throw new CliError(`${error.message}${retry()}`);
      throw error;
    }
    if (result.status >= 500) throw new CliError(`${describeFailure(result.status, result.body)}${retry()}`);
    if (result.status >= 400) throw new CliError(describeFailure(result.status, result.body));
    return result.body;
  };
  const first = (what: string) => {
    const [id] = positional;
    if (!id) throw new CliError(`timebank ${sub} needs ${what}.`);
    return id;
  };
  const print = (text: string) => io.stdout.write(`${text}\n`);
  /** The caller's key, or a new one: named in the error if no answer came, to send again and be answered once. */
  let sentKey: string | undefined;
  const idempotencyKey = () => (sentKey = value(flags, "idempotency-key") ?? `cli-${randomUUID()}`);
  switch (sub) {
    case "appoint": {
      const validDays = flags.has("valid-days") ? whole(flags, "valid-days") : undefined;
      const body = { orgId: first("an organisation id"), ...(validDays !== undefined && { validDays }) };
      const c = (await call("POST", "/v1/timebank/coordinators", body)) as {
        orgId: string;
        licenceStatus: string;
        validUntil: number;
      };
      print(
        `coordinator ${c.orgId}: licence ${c.licenceStatus}, valid until ${new Date(c.validUntil * 1000).toISOString()}`,
      );
      return 0;
    }
    case "admit": {
      if (!flags.has("national-id"))
        throw new CliError("timebank admit needs --national-id (read from stdin).");
      const wallet = value(flags, "wallet");
      const asked = [
        "national ID",
        ...(flags.has("pin") ? ["PIN"] : []),
        ...(flags.has("phone") ? ["phone"] : []),
      ];
      const typed = await readSecrets(asked, io.stdin);
      const [nationalId] = typed;
      const pin = flags.has("pin") ? typed[1] : undefined;
      const phone = flags.has("phone") ? typed[asked.length - 1] : undefined;
      const body = {
        nationalId,
        creditLimit: whole(flags, "credit-limit"),
        ...(wallet && { wallet }),
        ...(pin && { pin }),
        ...(phone && { phone }),
      };
      print(memberLine((await call("POST", "/v1/timebank/members", body)) as MemberAnswer));
      return 0;
    }
    case "member":
      print(memberLine((await call("GET", `/v1/timebank/members/${first("a member ref")}`)) as MemberAnswer));
      return 0;
    case "history":
      for (const line of historyLines(
        (await call("GET", `/v1/timebank/members/${first("a member ref")}/history`)) as HistoryAnswer,
      ))
        print(line);
      return 0;
    case "login-link": {
      const minutes = flags.has("minutes") ? whole(flags, "minutes") : undefined;
      const link = (await call("POST", `/v1/timebank/members/${first("a member ref")}/login-links`, {
        ...(minutes !== undefined && { minutes }),
        ...(flags.has("sms") && { send: "sms" }),
      })) as { path: string | null; expiresAt: string };
      if (link.path === null)
        print(`texted to the member's phone on file; it works once, until ${link.expiresAt}`);
      else {
        print(`${gatewayUrl(process.env)}${link.path}`);
        print(`works once, until ${link.expiresAt}; hand it to the member only`);
      }
      return 0;
    }
    case "pool":
      print(
        `community pool: ${((await call("GET", "/v1/timebank/pool")) as { minutes: number }).minutes} min`,
      );
      return 0;
    case "change": {
      const [memberRef, verb, limit] = positional;
      const action = verb === undefined ? undefined : ACTIONS[verb];
      if (!memberRef || !action)
        throw new CliError(
          "timebank change needs <memberRef> and set-credit-limit|suspend|reinstate|remove.",
        );
      if (action === "set_credit_limit" && (limit === undefined || !/^[0-9]+$/.test(limit)))
        throw new CliError("set-credit-limit needs the limit in whole minutes.");
      const body = {
        action,
        idempotencyKey: idempotencyKey(),
        ...(action === "set_credit_limit" && { creditLimit: Number(limit) }),
      };
      print(
        memberLine((await call("POST", `/v1/timebank/members/${memberRef}/changes`, body)) as MemberAnswer),
      );
      return 0;
    }
    case "rebind": {
      const memberRef = first("<memberRef>");
      const wallet = value(flags, "wallet");
      if ((wallet === undefined) !== flags.has("custodial"))
        throw new CliError("timebank rebind needs --custodial, or --wallet with --signature and --deadline.");
      const body =
        wallet === undefined
          ? { idempotencyKey: idempotencyKey() }
          : {
              wallet,
              signature: value(flags, "signature"),
              deadline: whole(flags, "deadline"),
              idempotencyKey: idempotencyKey(),
            };
      print(
        memberLine(
          (await call("POST", `/v1/timebank/members/${memberRef}/wallet-rebinding`, body)) as MemberAnswer,
        ),
      );
      return 0;
    }
    case "log": {
      const evidenceHash = value(flags, "evidence-hash");
      const body = {
        giver: value(flags, "giver"),
        recipient: value(flags, "recipient"),
        minutes: whole(flags, "minutes"),
        category: value(flags, "category"),
        idempotencyKey: idempotencyKey(),
        ...(evidenceHash && { evidenceHash }),
      };
      print(serviceText((await call("POST", "/v1/timebank/services", body)) as ServiceAnswer));
      return 0;
    }
    case "service":
      print(
        serviceText((await call("GET", `/v1/timebank/services/${first("a service id")}`)) as ServiceAnswer),
      );
      return 0;
    case "sms-code": {
      const sent = (await call("POST", `/v1/timebank/services/${first("a service id")}/sms-code`, {})) as {
        expiresAt: string;
      };
      print(`code sent to the recipient's phone; it expires at ${sent.expiresAt}`);
      return 0;
    }
    case "confirm": {
      const serviceId = first("a service id");
      const chosen = ["pin", "sms", "signature", "payer"].filter((name) => flags.has(name));
      if (chosen.length !== 1)
        throw new CliError("Give exactly one of --pin, --sms, --signature <0x..> or --payer.");
      const path = `/v1/timebank/services/${serviceId}`;
      const answer = flags.has("payer")
        ? await call("POST", `${path}/coordinator-confirmation`, { payer: value(flags, "payer") })
        : await call(
            "POST",
            `${path}/confirmation`,
            flags.has("pin")
              ? { pin: await readSecret("PIN", io.stdin) }
              : flags.has("sms")
                ? { smsCode: await readSecret("SMS code", io.stdin) }
                : { signature: value(flags, "signature") },
          );
      print(serviceText(answer as ServiceAnswer));
      return 0;
    }
    case "donate": {
      const to = value(flags, "to");
      const body = {
        minutes: whole(flags, "minutes"),
        ...(to && { to }),
        pin: await readSecret("PIN", io.stdin),
        idempotencyKey: idempotencyKey(),
      };
      const memberRef = first("the donating member's ref");
      const d = (await call("POST", `/v1/timebank/members/${memberRef}/donations`, body)) as {
        donor: MemberAnswer;
        to: string | null;
        minutes: number;
        poolMinutes: number;
      };
      print(`donated ${d.minutes} min to ${d.to ?? "the community pool"} (pool: ${d.poolMinutes} min)`);
      print(memberLine(d.donor));
      return 0;
    }
    default:
      throw new CliError(
        `Unknown timebank command "${sub ?? ""}": appoint, admit, member, history, login-link, pool, change, log, service, sms-code, confirm or donate.`,
      );
  }
}
