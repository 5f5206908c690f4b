import { isAddress, ZeroAddress } from "ethers";
import { ValidationError } from "../errors";

/**
 * Parsers for what the wallets room is handed. Addresses come back lower-case: the room stores and
 * compares them that way, so a checksummed and a lower-case spelling are one wallet.
 */

const REF = /^0x[0-9a-f]{64}$/;
const HEX_ADDRESS = /^0x[0-9a-fA-F]{40}$/;

export function parseBeneficiaryRef(value: unknown, field = "beneficiaryRef"): string {
  if (typeof value !== "string" || !REF.test(value)) {
    throw new ValidationError(
      field,
      "format",
      "A beneficiary reference is 0x followed by 64 lower-case hex digits",
    );
  }
  return value;
}

/** Mixed-case input must carry a valid EIP-55 checksum: a typo in a pasted address is caught here. */
export function parseAddress(value: unknown, field = "address"): string {
  if (typeof value !== "string" || !HEX_ADDRESS.test(value) || !isAddress(value)) {
    throw new ValidationError(field, "format", "Not a valid wallet address");
  }
  const address = value.toLowerCase();
  if (address === ZeroAddress) throw new ValidationError(field, "zero", "The zero address is not a wallet");
  return address;
}
