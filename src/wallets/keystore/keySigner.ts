import type { TransactionRequest, TypedDataDomain, TypedDataField, Wallet } from "ethers";
import { signEip1559 } from "./signEip1559";

/**
 * What the gateway needs from a key: an address and three kinds of signature. The local keystore
 * implements it with an ethers Wallet; a KMS or HSM can implement it without the private key ever
 * reaching this process, and nothing above this interface changes.
 */
export interface KeySigner {
  /** Lower-case 0x address, as the wallets room stores addresses. */
  readonly address: string;
  signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    value: Record<string, unknown>,
  ): Promise<string>;
  /** A fully populated transaction (nonce, gas, chain id); the caller broadcasts the result. */
  signTransaction(tx: TransactionRequest): Promise<string>;
  signMessage(message: string | Uint8Array): Promise<string>;
}

/**
 * A KeySigner over an unsealed ethers Wallet; the wallet itself stays private to this object. Transactions
 * of the shape the outbox signs (EIP-1559, no access list) are signed natively (`signEip1559`, the same
 * bytes), the rest by the wallet.
 */
export function walletKeySigner(wallet: Wallet): KeySigner {
  const address = wallet.address.toLowerCase();
  const privateKey = Buffer.from(wallet.privateKey.slice(2), "hex");
  return Object.freeze({
    address,
    signTypedData: (
      domain: TypedDataDomain,
      types: Record<string, TypedDataField[]>,
      value: Record<string, unknown>,
    ) => wallet.signTypedData(domain, types, value),
    signTransaction: async (tx: TransactionRequest) => {
      const from = typeof tx.from === "string" ? tx.from.toLowerCase() : tx.from;
      const native =
        from === undefined || from === null || from === address ? signEip1559(tx, privateKey) : undefined;
      return native ?? wallet.signTransaction(tx);
    },
    signMessage: (message: string | Uint8Array) => wallet.signMessage(message),
  });
}
