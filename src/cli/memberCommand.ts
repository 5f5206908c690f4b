import { randomUUID } from "node:crypto";
import { CliError, describeFailure, gatewayUrl, requestJson } from "./apiClient";
import { parseFlags, readSecret, value } from "./cliInput";
import {
  historyLines,
  memberLine,
  serviceText,
  whole,
  type HistoryAnswer,
  type MemberAnswer,
  type ServiceAnswer,
} from "./timebankText";

export const MEMBER_USAGE = `  member sign-in <link>          a time-bank member spends the one-time link its coordinator made (the whole
                                 address or the part after #); prints its session token, for
                                 SINTECH_MEMBER_SESSION (two hours)
  member account | history | services
                                 with SINTECH_MEMBER_SESSION: its own account, what moved its minutes, and the
                                 services it received that wait for its word
  member confirm <serviceId> (--pin | --sms | --signature <0x..>)
                                 its word on a service it received (--pin and --sms read it from stdin)
  member log --recipient <memberRef> --minutes <n> --category <code> [--idempotency-key <key>]
                                 log a service it gave (the recipient's member code, from its page); it
                                 counts once the recipient confirms it
  member sms-code <serviceId>    text it a code bound to that service
  member donate --minutes <n> [--to <memberRef>] [--idempotency-key <key>]
                                 give earned minutes to the pool or a member (PIN from stdin)
  member sign-out                end the session`;

const SESSION = /^stms_[A-Za-z0-9_-]{43}$/;

/**
 * `sintech member ...`: a time-bank member's own commands. It holds no API key: `sign-in` spends the link its
 * coordinator made and prints a member session's token; the others act with that token
 * (SINTECH_MEMBER_SESSION) for that one member, through the same routes as its page.
 */
export async function memberCommand(
  args: string[],
  io: { stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream } = process,
): Promise<number> {
  const [sub, ...rest] = args;
  const { positional, flags } = parseFlags(rest);
  const print = (text: string) => io.stdout.write(`${text}\n`);
  const url = gatewayUrl(process.env);
  const session = () => {
    const token = process.env.SINTECH_MEMBER_SESSION;
    if (!token || !SESSION.test(token))
      throw new CliError(
        "SINTECH_MEMBER_SESSION is not set to a member session (stms_…): run `sintech member sign-in <link>` first.",
      );
    return token;
  };
  const call = async (method: string, path: string, body?: unknown, token: string | null = session()) => {
    const result = await requestJson({ url, apiKey: token }, method, path, body);
    if (result.status >= 400) throw new CliError(describeFailure(result.status, result.body));
    return result.body;
  };
  const first = (what: string) => {
    const [id] = positional;
    if (!id) throw new CliError(`member ${sub} needs ${what}.`);
    return id;
  };
  switch (sub) {
    case "sign-in": {
      const link = first("the sign-in link");
      const token = link.includes("#") ? link.slice(link.indexOf("#") + 1) : link;
      const opened = (await call("POST", "/v1/member/sessions", { token }, null)) as {
        token: string;
        memberRef: string;
        expiresAt: string;
      };
      print(`SINTECH_MEMBER_SESSION=${opened.token}`);
      print(`signed in as member ${opened.memberRef} until ${opened.expiresAt}; keep the token to yourself`);
      return 0;
    }
    case "account":
      print(memberLine((await call("GET", "/v1/member")) as MemberAnswer));
      return 0;
    case "history":
      for (const line of historyLines((await call("GET", "/v1/member/history")) as HistoryAnswer))
        print(line);
      return 0;
    case "services": {
      const { services } = (await call("GET", "/v1/member/services")) as { services: ServiceAnswer[] };
      for (const service of services) print(serviceText(service));
      if (!services.length) print("no service waits for your word");
      return 0;
    }
    case "confirm": {
      const serviceId = first("a service id");
      const chosen = ["pin", "sms", "signature"].filter((name) => flags.has(name));
      if (chosen.length !== 1) throw new CliError("Give exactly one of --pin, --sms or --signature <0x..>.");
      const body = flags.has("pin")
        ? { pin: await readSecret("PIN", io.stdin) }
        : flags.has("sms")
          ? { smsCode: await readSecret("SMS code", io.stdin) }
          : { signature: value(flags, "signature") };
      print(
        serviceText(
          (await call("POST", `/v1/member/services/${serviceId}/confirmation`, body)) as ServiceAnswer,
        ),
      );
      return 0;
    }
    case "log": {
      const recipient = value(flags, "recipient");
      const category = value(flags, "category");
      if (!recipient || !category)
        throw new CliError("member log needs --recipient, --minutes and --category.");
      const body = {
        recipient,
        minutes: whole(flags, "minutes"),
        category,
        idempotencyKey: value(flags, "idempotency-key") ?? `cli-${randomUUID()}`,
      };
      print(serviceText((await call("POST", "/v1/member/services", body)) as ServiceAnswer));
      return 0;
    }
    case "sms-code": {
      const sent = (await call("POST", `/v1/member/services/${first("a service id")}/sms-code`, {})) as {
        expiresAt: string;
      };
      print(`code sent to the phone on file; it works until ${sent.expiresAt}`);
      return 0;
    }
    case "donate": {
      const to = value(flags, "to");
      const body = {
        minutes: whole(flags, "minutes"),
        ...(to && { to }),
        pin: await readSecret("PIN", io.stdin),
        idempotencyKey: value(flags, "idempotency-key") ?? `cli-${randomUUID()}`,
      };
      const d = (await call("POST", "/v1/member/donations", body)) as {
        donor: MemberAnswer;
        to: string | null;
        minutes: number;
        poolMinutes: number;
      };
      print(`donated ${d.minutes} min to ${d.to ?? "the community pool"} (pool: ${d.poolMinutes} min)`);
      print(memberLine(d.donor));
      return 0;
    }
    case "sign-out":
      await call("DELETE", "/v1/member/session");
      print("signed out");
      return 0;
    default:
      throw new CliError(
        `Unknown member command "${sub ?? ""}": sign-in, account, history, services, log, confirm, sms-code, donate or sign-out.`,
      );
  }
}
