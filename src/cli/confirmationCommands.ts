import { apiTarget, CliError, describeFailure, requestJson } from "./apiClient";

const KINDS = ["in_kind_distribution", "service_visit"];

/**
 * `sintech confirm <programmeId> <householdRef> <kind> [--delivered-at <ISO time>] [--evidence-hash <0x..>]`:
 * records an off-chain confirmation (a charity's or a field agent's key) and prints its id and hash.
 */
export async function confirmCommand(args: string[]): Promise<number> {
  const [programmeId, householdRef, kind] = args;
  if (!programmeId || !/^\d+$/.test(programmeId))
    throw new CliError("confirm needs a programme id (a number).");
  if (!householdRef) throw new CliError("confirm needs the household's reference (0x and 64 hex digits).");
  if (!kind || !KINDS.includes(kind)) throw new CliError(`confirm needs a kind: ${KINDS.join(" or ")}.`);
  const flag = (name: string) => {
    const index = args.indexOf(name);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const evidenceHash = flag("--evidence-hash");
  const result = await requestJson(apiTarget(process.env), "POST", "/v1/confirmations", {
    programmeId: Number(programmeId),
    householdRef,
    kind,
    deliveredAt: flag("--delivered-at") ?? new Date().toISOString(),
    ...(evidenceHash === undefined ? {} : { evidenceHash }),
  });
  if (result.status >= 400) throw new CliError(describeFailure(result.status, result.body));
  const recorded = result.body as { confirmationId: string; confirmationHash: string; state: string };
  process.stdout.write(`${recorded.confirmationId} ${recorded.confirmationHash} ${recorded.state}\n`);
  return 0;
}

/**
 * `sintech verify <confirmationId>`: the confirmation with its proof, checked on chain by the contract.
 * Exit 0 when `ReceiptAnchor.verifyReceipt` accepts it, 1 when it is not anchored yet.
 */
export async function verifyCommand([confirmationId]: string[]): Promise<number> {
  if (!confirmationId) throw new CliError("verify needs a confirmation id (cnf_...).");
  const result = await requestJson(
    apiTarget(process.env),
    "GET",
    `/v1/confirmations/${encodeURIComponent(confirmationId)}?verify=true`,
  );
  if (result.status >= 400) throw new CliError(describeFailure(result.status, result.body));
  const view = result.body as { state: string; verifiedOnChain: boolean };
  process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
  return view.verifiedOnChain ? 0 : 1;
}
