import { randomUUID } from "node:crypto";
import { apiTarget, CliError, describeFailure, requestJson } from "./apiClient";
import { parseFlags, readSecret, value, type Flags } from "./cliInput";
import { sealPinFor, SEAL_PIN_USAGE } from "./sealPinCommand";

export const DELIVERIES_USAGE = `  deliveries open --programme <id> (--household <ref> | --beneficiary <ref> | --national-id)
                 --amount <units> --item <code> [--quantity <n>] [--evidence-hash <0x..>]
                                 open a delivery (a vendor's SINTECH_API_KEY); prints it with the receipt to sign.
                                 --national-id reads a member's ID from stdin, so it is never in argv or history
  deliveries show <deliveryId>   a delivery's state, redemption or refusal, and flag
  deliveries sms-code <deliveryId>
                                 text the household a code bound to the delivery
  deliveries accept <deliveryId> (--pin | --sms | --signature <0x..>) [--by <beneficiaryRef>]
  deliveries dispute <deliveryId> (--pin | --sms | --signature <0x..>) [--by <ref>] [--reason <code>]
                                 --pin and --sms read the PIN or code from stdin, never from argv
${SEAL_PIN_USAGE}`;

/** What the household proves with: `--signature <hex>`, or a PIN or SMS code read from stdin. */
async function proofOf(flags: Flags, stdin: NodeJS.ReadableStream): Promise<Record<string, string>> {
  const chosen = ["pin", "sms", "signature"].filter((name) => flags.has(name));
  if (chosen.length !== 1) throw new CliError("Give exactly one of --pin, --sms or --signature <0x..>.");
  const by = value(flags, "by");
  const proof: Record<string, string> = by ? { by } : {};
  if (flags.has("signature")) proof.signature = value(flags, "signature") ?? "";
  else if (flags.has("pin")) proof.pin = await readSecret("PIN", stdin);
  else proof.smsCode = await readSecret("SMS code", stdin);
  return proof;
}

interface DeliveryAnswer {
  deliveryId: string;
  state: string;
  amount: string;
  item: string;
  redemption: { txHash: string; blockNumber: number } | null;
  refusal: { code: string; message: string } | null;
  flag: string;
}

function summary(delivery: DeliveryAnswer): string {
  const parts = [`delivery ${delivery.deliveryId}: ${delivery.state}`, `${delivery.item} ${delivery.amount}`];
  if (delivery.redemption)
    parts.push(`tx ${delivery.redemption.txHash} block ${delivery.redemption.blockNumber}`);
  if (delivery.refusal) parts.push(`refused ${delivery.refusal.code}: ${delivery.refusal.message}`);
  if (delivery.flag !== "none") parts.push(`flag ${delivery.flag}`);
  return parts.join(", ");
}

/** `sintech deliveries open|show|sms-code|accept|dispute`, against a running gateway. */
export async function deliveriesCommand(
  args: string[],
  io: { stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream } = process,
): Promise<number> {
  const [sub, ...rest] = args;
  const { positional, flags } = parseFlags(rest);
  // Lazily: `seal-pin` with its key and redemption id given needs no gateway (a device developer's bench).
  const call = async (method: string, path: string, body?: unknown) => {
    const result = await requestJson(apiTarget(process.env), method, path, body);
    if (result.status >= 400) throw new CliError(describeFailure(result.status, result.body));
    return result.body;
  };
  const idPath = () => {
    const [deliveryId] = positional;
    if (!deliveryId || !/^dlv_[0-9a-f-]{36}$/.test(deliveryId))
      throw new CliError(`${sub} needs a delivery id (dlv_...).`);
    return `/v1/deliveries/${deliveryId}`;
  };
  switch (sub) {
    case "open": {
      const programme = value(flags, "programme");
      if (!programme || !/^[1-9][0-9]*$/.test(programme))
        throw new CliError("--programme needs a programme id.");
      const body: Record<string, unknown> = {
        programmeId: Number(programme),
        amount: value(flags, "amount"),
        item: value(flags, "item"),
        quantity: flags.has("quantity") ? Number(value(flags, "quantity")) : undefined,
        evidenceHash: value(flags, "evidence-hash"),
        householdRef: value(flags, "household"),
        beneficiaryRef: value(flags, "beneficiary"),
        idempotencyKey: `cli-${randomUUID()}`,
      };
      if (flags.has("national-id")) body.nationalId = await readSecret("national ID", io.stdin);
      const opened = (await call("POST", "/v1/deliveries", body)) as { delivery: DeliveryAnswer };
      io.stdout.write(`${summary(opened.delivery)}\n${JSON.stringify(opened.delivery, null, 2)}\n`);
      return 0;
    }
    case "show":
      io.stdout.write(`${summary((await call("GET", idPath())) as DeliveryAnswer)}\n`);
      return 0;
    case "sms-code": {
      const sent = (await call("POST", `${idPath()}/sms-code`, {})) as { expiresAt: string };
      io.stdout.write(`code sent to the household's phone; it expires at ${sent.expiresAt}\n`);
      return 0;
    }
    case "accept":
    case "dispute": {
      const path = `${idPath()}/${sub === "accept" ? "acceptance" : "dispute"}`;
      const body = await proofOf(flags, io.stdin);
      if (sub === "dispute" && flags.has("reason")) body.reason = value(flags, "reason")!;
      io.stdout.write(`${summary((await call("POST", path, body)) as DeliveryAnswer)}\n`);
      return 0;
    }
    case "seal-pin": {
      const given = value(flags, "redemption-id");
      const redemptionId = given ?? ((await call("GET", idPath())) as { redemptionId: string }).redemptionId;
      const publicKey =
        value(flags, "public-key") ??
        ((await call("GET", "/v1/deliveries/offline-key")) as { publicKey: string }).publicKey;
      const pin = await readSecret("PIN", io.stdin);
      io.stdout.write(`${sealPinFor({ redemptionId, publicKey, pin })}\n`);
      return 0;
    }
    default:
      throw new CliError(`Usage:\n${DELIVERIES_USAGE}`);
  }
}
