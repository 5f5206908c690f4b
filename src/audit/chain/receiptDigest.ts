import { AbiCoder, concat, id, keccak256, toUtf8Bytes } from "ethers";

/** A delivery receipt as the ledger's `redeem`/`redeemBatch` calldata carries it. */
export interface CalldataReceipt {
  programmeId: bigint;
  beneficiaryRef: string;
  householdRef: string;
  vendor: string;
  amount: bigint;
  evidenceHash: string;
  nonce: bigint;
  deadline: bigint;
}

export const RECEIPT_TYPEHASH = id(
  "DeliveryReceipt(uint256 programmeId,bytes32 beneficiaryRef,bytes32 householdRef,address vendor," +
    "uint256 amount,bytes32 evidenceHash,uint256 nonce,uint256 deadline)",
);
const DOMAIN_TYPEHASH = id(
  "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)",
);

/** An EIP-712 domain separator (version "1"), computed here rather than asked of the contract being audited. */
export function eip712DomainSeparator(name: string, chainId: number, verifyingContract: string): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["bytes32", "bytes32", "bytes32", "uint256", "address"],
      [
        DOMAIN_TYPEHASH,
        keccak256(toUtf8Bytes(name)),
        keccak256(toUtf8Bytes("1")),
        chainId,
        verifyingContract,
      ],
    ),
  );
}

/** The ledger's EIP-712 domain separator. */
export function domainSeparator(chainId: number, ledger: string): string {
  return eip712DomainSeparator("SinTech AidLedger", chainId, ledger);
}

const pad = (value: bigint): string => value.toString(16).padStart(64, "0");
const strip = (hex: string): string => hex.slice(2).toLowerCase().padStart(64, "0");

/** The receipt's digest, which is also its redemption id: `keccak256(0x1901 ‖ domain ‖ structHash)`. */
export function receiptDigest(separator: string, receipt: CalldataReceipt): string {
  // Every field is one static word, so the struct's encoding is the words side by side.
  const structHash = keccak256(
    `0x${strip(RECEIPT_TYPEHASH)}${pad(receipt.programmeId)}${strip(receipt.beneficiaryRef)}${strip(
      receipt.householdRef,
    )}${strip(receipt.vendor)}${pad(receipt.amount)}${strip(receipt.evidenceHash)}${pad(receipt.nonce)}${pad(
      receipt.deadline,
    )}`,
  );
  return keccak256(concat(["0x1901", separator, structHash]));
}
