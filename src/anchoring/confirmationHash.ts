import { AbiCoder, keccak256, toUtf8Bytes, ZeroHash } from "ethers";
import { CONFIRMATION_KINDS, type ConfirmationKind } from "./types";

/**
 * The ABI types of a confirmation's hash, in order: `keccak256(abi.encode(salt, programmeId,
 * householdRef, kind, deliveredAt, evidenceHash, recordedBy))`. `kind` is its index in
 * `CONFIRMATION_KINDS`, `deliveredAt` Unix seconds, a missing `evidenceHash` zero, `recordedBy`
 * `keccak256` of the recording organisation's id. The salt makes two equal confirmations differ and
 * keeps the hash from being recomputed from guessable fields.
 */
export const CONFIRMATION_TYPES = [
  "bytes32",
  "uint256",
  "bytes32",
  "uint8",
  "uint64",
  "bytes32",
  "bytes32",
] as const;

export interface ConfirmationFields {
  salt: string;
  programmeId: number;
  householdRef: string;
  kind: ConfirmationKind;
  /** Whole seconds. */
  deliveredAt: Date;
  evidenceHash: string | null;
  recordedBy: string;
}

export function confirmationHashOf(fields: ConfirmationFields): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(CONFIRMATION_TYPES, [
      fields.salt,
      fields.programmeId,
      fields.householdRef,
      CONFIRMATION_KINDS.indexOf(fields.kind),
      Math.floor(fields.deliveredAt.getTime() / 1000),
      fields.evidenceHash ?? ZeroHash,
      keccak256(toUtf8Bytes(fields.recordedBy)),
    ]),
  );
}
