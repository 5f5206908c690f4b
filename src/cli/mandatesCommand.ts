import { randomUUID } from "node:crypto";
import { apiTarget, CliError, describeFailure, requestJson } from "./apiClient";
import { parseFlags, readSecret, value, type Flags } from "./cliInput";

export const MANDATES_USAGE = `  mandates propose --programme <id> --household <ref> --premium <units> --first-period <n> --last-period <n>
          [--insurer <orgId>] [--member <ref>]
                                 propose a standing premium mandate (nazr-e bimeh): an insurer's key, or the
                                 household's charity naming --insurer; prints it with the typed data to sign
  mandates show <mandateId>      a mandate: its state, terms, and each premium with its SMS notice
  mandates list [--household <ref>] [--state proposed|accepted|revoked]
  mandates sms-code <mandateId> (--accept | --revoke)
                                 text the household a code bound to accepting or revoking this mandate
  mandates accept <mandateId> (--pin | --sms | --signature <0x..>) [--by <ref>]
                                 a member accepts once (--pin and --sms read it from stdin)
  mandates revoke <mandateId> (--pin | --sms | --signature <0x..> --deadline <unix>) [--by <ref>]
                                 a member revokes, finally (revokeMandateBySig on chain)
  mandates premium <mandateId> [<mandateId>...] [--amount <units>]
                                 the insurer redeems this period's premium under each (many: one redeemBatch)`;

interface PremiumAnswer {
  period: number;
  amount: string;
  state: string;
  refusal: { code: string; message: string } | null;
  notice: string;
}

interface MandateAnswer {
  mandateId: string;
  state: string;
  programmeId: number;
  householdRef: string;
  premiumPerPeriod: string;
  firstPeriod: number;
  lastPeriod: number;
  chainMandateId: string | null;
  acceptance: { channel: string; by: string } | null;
  revocation: { channel: string; by: string } | null;
  typedData: unknown;
  premiums: PremiumAnswer[];
}

function mandateText(m: MandateAnswer): string {
  const lines = [
    `mandate ${m.mandateId}: ${m.state}, ${m.premiumPerPeriod} a period, periods ${m.firstPeriod}-${m.lastPeriod}, ` +
      `programme ${m.programmeId}, household ${m.householdRef}` +
      (m.chainMandateId ? ` (on chain ${m.chainMandateId})` : ""),
  ];
  if (m.acceptance) lines.push(`accepted by ${m.acceptance.by} (${m.acceptance.channel})`);
  if (m.revocation) lines.push(`revoked by ${m.revocation.by} (${m.revocation.channel})`);
  for (const p of m.premiums)
    lines.push(
      `premium of period ${p.period}: ${p.amount} ${p.state}` +
        (p.refusal ? ` (${p.refusal.code}: ${p.refusal.message})` : "") +
        (p.notice === "sent" ? ", household told" : ""),
    );
  if (m.typedData)
    lines.push(`a member's wallet signs (eth_signTypedData_v4):\n${JSON.stringify(m.typedData, null, 2)}`);
  return lines.join("\n");
}

function whole(flags: Flags, name: string): number {
  const raw = value(flags, name);
  if (raw === undefined || !/^[0-9]+$/.test(raw)) throw new CliError(`--${name} needs a whole number.`);
  return Number(raw);
}

/** `sintech mandates ...`: an insurer's or a charity's tasks on standing premium mandates, against a running gateway. */
export async function mandatesCommand(
  args: string[],
  io: { stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream } = process,
): Promise<number> {
  const [sub, ...rest] = args;
  const { positional, flags } = parseFlags(rest);
  const call = async (method: string, path: string, body?: unknown) => {
    const result = await requestJson(apiTarget(process.env), method, path, body);
    if (result.status >= 400) throw new CliError(describeFailure(result.status, result.body));
    return result.body;
  };
  const first = () => {
    const [id] = positional;
    if (!id) throw new CliError(`mandates ${sub} needs a mandate id.`);
    return id;
  };
  const print = (text: string) => io.stdout.write(`${text}\n`);
  /** Exactly one proof; a PIN or an SMS code is read from stdin, never argv. */
  const proof = async () => {
    const chosen = ["pin", "sms", "signature"].filter((name) => flags.has(name));
    if (chosen.length !== 1) throw new CliError("Give exactly one of --pin, --sms or --signature <0x..>.");
    const by = value(flags, "by");
    return {
      ...(flags.has("pin")
        ? { pin: await readSecret("PIN", io.stdin) }
        : flags.has("sms")
          ? { smsCode: await readSecret("SMS code", io.stdin) }
          : { signature: value(flags, "signature") }),
      ...(by && { by }),
    };
  };
  switch (sub) {
    case "propose": {
      const insurerOrgId = value(flags, "insurer");
      const beneficiaryRef = value(flags, "member");
      const body = {
        programmeId: whole(flags, "programme"),
        householdRef: value(flags, "household"),
        premiumPerPeriod: value(flags, "premium"),
        firstPeriod: whole(flags, "first-period"),
        lastPeriod: whole(flags, "last-period"),
        idempotencyKey: `cli-${randomUUID()}`,
        ...(insurerOrgId && { insurerOrgId }),
        ...(beneficiaryRef && { beneficiaryRef }),
      };
      print(mandateText((await call("POST", "/v1/mandates", body)) as MandateAnswer));
      return 0;
    }
    case "show":
      print(mandateText((await call("GET", `/v1/mandates/${first()}`)) as MandateAnswer));
      return 0;
    case "list": {
      const query = new URLSearchParams();
      const household = value(flags, "household");
      const state = value(flags, "state");
      if (household) query.set("householdRef", household);
      if (state) query.set("state", state);
      const { mandates } = (await call("GET", `/v1/mandates${query.size > 0 ? `?${query}` : ""}`)) as {
        mandates: MandateAnswer[];
      };
      for (const m of mandates) print(mandateText({ ...m, typedData: null }));
      if (mandates.length === 0) print("no mandates");
      return 0;
    }
    case "sms-code": {
      if (flags.has("accept") === flags.has("revoke"))
        throw new CliError("Give exactly one of --accept or --revoke.");
      const purpose = flags.has("accept") ? "accept" : "revoke";
      const sent = (await call("POST", `/v1/mandates/${first()}/sms-code`, { purpose })) as {
        expiresAt: string;
      };
      print(`code to ${purpose} sent to the household's phone; it expires at ${sent.expiresAt}`);
      return 0;
    }
    case "accept": {
      const mandateId = first();
      print(
        mandateText(
          (await call("POST", `/v1/mandates/${mandateId}/acceptance`, await proof())) as MandateAnswer,
        ),
      );
      return 0;
    }
    case "revoke": {
      const mandateId = first();
      const body = {
        ...(await proof()),
        ...(flags.has("deadline") && { deadline: whole(flags, "deadline") }),
      };
      print(mandateText((await call("POST", `/v1/mandates/${mandateId}/revocation`, body)) as MandateAnswer));
      return 0;
    }
    case "premium": {
      if (positional.length === 0) throw new CliError("mandates premium needs a mandate id.");
      const amount = value(flags, "amount");
      const idempotencyKey = `cli-${randomUUID()}`;
      const answers = (
        positional.length === 1
          ? [
              await call("POST", `/v1/mandates/${positional[0]}/premiums`, {
                idempotencyKey,
                ...(amount && { amount }),
              }),
            ]
          : (
              (await call("POST", "/v1/mandates/premiums", {
                premiums: positional.map((mandateId) => ({ mandateId, ...(amount && { amount }) })),
                idempotencyKey,
              })) as { premiums: unknown[] }
            ).premiums
      ) as { mandate: MandateAnswer; deliveryId: string }[];
      for (const answer of answers) {
        const latest = answer.mandate.premiums.at(-1);
        print(
          `${answer.mandate.mandateId}: premium of period ${latest?.period} ${latest?.state} (delivery ${answer.deliveryId})` +
            (latest?.notice === "sent" ? ", household told it is insured" : ""),
        );
      }
      return 0;
    }
    default:
      throw new CliError(
        `Unknown mandates command "${sub ?? ""}": propose, show, list, sms-code, accept, revoke or premium.`,
      );
  }
}
