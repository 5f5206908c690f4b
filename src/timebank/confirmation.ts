import { TypedDataEncoder } from "ethers";
import type { TimeBankDeps } from "./types";

/** `ServiceConfirmation` in contracts/timebank/TimeBank.sol: what a recipient signs for `recordService`. */
export const CONFIRMATION_TYPES = {
  ServiceConfirmation: [
    { name: "giver", type: "address" },
    { name: "recipient", type: "address" },
    { name: "duration", type: "uint32" },
    { name: "category", type: "uint8" },
    { name: "evidenceHash", type: "bytes32" },
    { name: "nonce", type: "uint64" },
    { name: "deadline", type: "uint40" },
  ],
};

export interface ServiceConfirmation {
  giver: string;
  recipient: string;
  duration: number;
  category: number;
  evidenceHash: string;
  nonce: number;
  deadline: number;
}

export interface TimeBankDomain {
  name: "Sin Tech TimeBank";
  version: "1";
  chainId: number;
  verifyingContract: string;
}

/** The TimeBank's EIP-712 domain on this chain. */
export function timeBankDomain(deps: Pick<TimeBankDeps, "chainId" | "system">): TimeBankDomain {
  return {
    name: "Sin Tech TimeBank",
    version: "1",
    chainId: deps.chainId,
    verifyingContract: deps.system.timeBank.target as string,
  };
}

/** The digest the recipient signs, which the TimeBank also takes as the service's id. */
export function confirmationDigest(domain: TimeBankDomain, message: ServiceConfirmation): string {
  return TypedDataEncoder.hash(domain, CONFIRMATION_TYPES, message);
}

/** The typed data a wallet app signs (`eth_signTypedData_v4`), exactly as the gateway will submit it. */
export function confirmationTypedData(domain: TimeBankDomain, message: ServiceConfirmation) {
  return {
    domain,
    types: CONFIRMATION_TYPES,
    primaryType: "ServiceConfirmation" as const,
    message,
  };
}

/**
 * What a service's QR code carries for a wallet app: a versioned line with the domain and the message, in the
 * typed data's order, so an app (or a person) can rebuild exactly what it signs.
 */
export function confirmationQrPayload(typedData: ReturnType<typeof confirmationTypedData>): string {
  const { domain, message } = typedData;
  return [
    "sintech:service:1",
    domain.chainId,
    domain.verifyingContract.toLowerCase(),
    message.giver.toLowerCase(),
    message.recipient.toLowerCase(),
    message.duration,
    message.category,
    message.evidenceHash,
    message.nonce,
    message.deadline,
  ].join(";");
}
