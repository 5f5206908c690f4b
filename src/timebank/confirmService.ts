import { z } from "zod";
import { recoverSigner, SignatureRefusedError, useSmsCode } from "../delivery";
import { AppError, ValidationError } from "../errors";
import { parseInput } from "../validation";
import { passAccessCheck } from "../wallets";
import {
  confirmationDigest,
  CONFIRMATION_TYPES,
  timeBankDomain,
  type ServiceConfirmation,
} from "./confirmation";
import { requireActiveCoordinator } from "./coordinators";
import { memberRow } from "./members";
import { oneAtATime } from "./oneAtATime";
import { checkOnly, sendChecked } from "./sendChecked";
import { SERVICE_CODES } from "./smsCodes";
import { confirmationOf, openService, serviceRow, serviceView, type ServiceView } from "./services";
import type { TimeBankDeps } from "./types";

/** The recipient's word, relayed by the coordinator's device: exactly one of a signature or a PIN. */
export const confirmServiceSchema = z.strictObject({
  /** The recipient's own wallet's EIP-712 signature of the service's `confirmation`. */
  signature: z
    .string()
    .regex(/^0x[0-9a-fA-F]{130}$/)
    .optional(),
  /** The recipient's PIN (custodial wallet): its custodial key then signs. */
  pin: z.string().min(1).max(32).optional(),
  /** The code texted to the recipient's phone (`POST .../sms-code`): its custodial key then signs. */
  smsCode: z.string().min(1).max(32).optional(),
});
export type ConfirmServiceParams = z.input<typeof confirmServiceSchema>;

/**
 * The recipient confirms an open service, and the proof is what authorises it: its own wallet's EIP-712
 * signature of the confirmation (checked here first, then by the TimeBank), or its PIN or the SMS code bound to
 * this service (the delivery room's checks), after which its custodial key signs. Then `recordService` (log and confirm in one transaction) goes through the outbox from
 * the giver's custodial key. Everything the chain would refuse is refused before the PIN is tried, so a
 * refusal costs no PIN attempt; any refusal writes nothing.
 */
export async function confirmService(
  deps: TimeBankDeps,
  coordinatorOrgId: string,
  serviceId: string,
  params: ConfirmServiceParams,
): Promise<ServiceView> {
  const input = parseInput(confirmServiceSchema, params);
  const proofs = [input.signature, input.pin, input.smsCode].filter((proof) => proof !== undefined);
  if (proofs.length !== 1)
    throw new ValidationError("signature", "one_proof", "Give exactly one of signature, pin or smsCode.");
  // One call at a time per service: a coordinator's confirmation of it waits, then finds it confirmed.
  return oneAtATime([serviceLock(serviceId)], () => confirmOpen(deps, coordinatorOrgId, serviceId, input));
}

/** The key every call that confirms a service holds while it runs (`oneAtATime`). */
export const serviceLock = (serviceId: string) => `timebank-service:${serviceId}`;

async function confirmOpen(
  deps: TimeBankDeps,
  coordinatorOrgId: string,
  serviceId: string,
  input: z.output<typeof confirmServiceSchema>,
): Promise<ServiceView> {
  await requireActiveCoordinator(deps, coordinatorOrgId);
  const row = openService(deps, coordinatorOrgId, serviceId);
  const { message, giverWallet, recipientWallet } = await confirmationOf(deps, row);
  const domain = timeBankDomain(deps);
  const digest = confirmationDigest(domain, message);
  const timeBank = deps.system.timeBank;
  const call = (signature: string) =>
    timeBank.interface.encodeFunctionData("recordService", [serviceStruct(message), signature]);

  let signature: string;
  if (input.signature !== undefined) {
    requireRecipientSignature(digest, input.signature, recipientWallet);
    signature = input.signature.toLowerCase();
  } else {
    const recipient = memberRow(deps, row.recipient_ref)!;
    const key = deps.wallets.keystore.describe(recipientWallet);
    if (recipient.custody !== "custodial" || key?.purpose !== "custodial" || key.owner !== row.recipient_ref)
      throw new AppError(
        "ServiceStateError",
        409,
        "The recipient holds its own wallet: it confirms with that wallet's signature.",
        input.pin !== undefined ? "pin" : "smsCode",
        "sign_with_own_wallet",
      );
    await checkAllButSignature(deps, giverWallet, call("0x"), message);
    if (input.pin !== undefined) await pinCheck(deps, row.recipient_ref, input.pin);
    else useSmsCode(deps, row.service_id, input.smsCode, SERVICE_CODES);
    signature = await deps.wallets.keystore
      .signer(recipientWallet)
      .signTypedData(domain, CONFIRMATION_TYPES, { ...message });
  }
  await deps.fundGas(giverWallet);
  const channel = input.signature !== undefined ? "wallet" : input.pin !== undefined ? "pin" : "sms";
  await sendChecked(
    deps,
    {
      idempotencyKey: `timebank-service:${row.service_id}:record`,
      kind: "timebank.record_service",
      from: giverWallet,
      to: timeBank.target as string,
      data: call(signature),
      field: channel === "wallet" ? "signature" : channel === "pin" ? "pin" : "smsCode",
      retryAfterFailure: true,
    },
    (job) => {
      openService(deps, coordinatorOrgId, serviceId);
      deps.db
        .prepare(
          `UPDATE timebank_services SET state = 'confirmed', confirmed_by = ?, chain_service_id = ?, confirm_job_id = ?,
             updated_at = ? WHERE service_id = ?`,
        )
        .run(channel, digest, job.jobId, deps.now().toISOString(), row.service_id);
    },
    (job) =>
      deps.db
        .prepare(
          `UPDATE timebank_services SET state = 'open', confirmed_by = NULL, chain_service_id = NULL,
             confirm_job_id = NULL WHERE service_id = ? AND confirm_job_id = ?`,
        )
        .run(row.service_id, job.jobId),
  );
  return serviceView(deps, serviceRow(deps, row.service_id)!);
}

/** `Service` in ITimeBank: the confirmation without its giver (the sender). */
export function serviceStruct(message: ServiceConfirmation) {
  const { giver: _giver, ...service } = message;
  return service;
}

/** Refuses a signature that is not the recipient wallet's over this confirmation, naming why. */
function requireRecipientSignature(digest: string, signature: string, wallet: string): void {
  const recovered = recoverSigner(digest, signature);
  if ("problem" in recovered) {
    if (recovered.problem === "high_s")
      throw new SignatureRefusedError(
        "high_s",
        "The signature has a high s value (a malleable form); sign again with a standard wallet.",
      );
    throw new SignatureRefusedError("malformed", "The signature is not a valid 65-byte ECDSA signature.");
  }
  if (recovered.address !== wallet.toLowerCase())
    throw new SignatureRefusedError(
      "not_signer",
      "The signature is not by the recipient's wallet over this service's confirmation, with its current nonce.",
    );
}

/**
 * `recordService` tried with an empty signature: the TimeBank checks everything else first (deadline,
 * members, nonce, limit), so only `ConfirmationSignatureInvalid` means the signature alone is missing.
 */
async function checkAllButSignature(
  deps: TimeBankDeps,
  from: string,
  data: string,
  message: ServiceConfirmation,
): Promise<void> {
  try {
    await checkOnly(deps, { from, to: deps.system.timeBank.target as string, data, field: "serviceId" });
  } catch (error) {
    if ((error as AppError).code !== "ConfirmationSignatureInvalid") throw error;
  }
  // The limit is checked after the signature on chain: checked here, so a refusal costs no PIN attempt.
  const account = await deps.system.timeBank.accountOf(message.recipient);
  if (Number(account.balance) - message.duration < -Number(account.creditLimit))
    throw new AppError(
      "ChainRefusedError",
      409,
      "The recipient would go below its credit limit.",
      "serviceId",
      "CreditLimitExceeded",
    );
}

/** The wallets room's PIN check (attempts counted, lockout), its refusals naming the request's `pin`. */
export async function pinCheck(deps: TimeBankDeps, memberRef: string, pin: string): Promise<void> {
  try {
    await passAccessCheck(deps.wallets, memberRef, { pin });
  } catch (error) {
    if (!(error instanceof AppError) || error.field === undefined) throw error;
    throw new AppError(error.name, error.status, error.message, "pin", error.code);
  }
}
