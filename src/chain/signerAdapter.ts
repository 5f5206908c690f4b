import {
  AbstractSigner,
  type Provider,
  type TransactionRequest,
  type TypedDataDomain,
  type TypedDataField,
} from "ethers";

/** The signing half of a key, as the wallets room's KeySigner (local keystore, KMS or HSM) offers it. */
export interface RawSigner {
  readonly address: string;
  signTransaction(tx: TransactionRequest): Promise<string>;
  signMessage(message: string | Uint8Array): Promise<string>;
  signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    value: Record<string, unknown>,
  ): Promise<string>;
}

/**
 * An ethers Signer over a raw signer, so TypeChain factories and contracts can deploy and call with a key
 * that never leaves its keystore. ethers populates nonce, gas and fees; the raw signer only signs.
 */
export class RawSignerAdapter extends AbstractSigner {
  constructor(
    private readonly raw: RawSigner,
    provider: Provider | null,
  ) {
    super(provider);
  }

  override async getAddress(): Promise<string> {
    return this.raw.address;
  }

  override connect(provider: Provider | null): RawSignerAdapter {
    return new RawSignerAdapter(this.raw, provider);
  }

  override async signTransaction(tx: TransactionRequest): Promise<string> {
    const populated = await this.populateTransaction(tx);
    delete populated.from;
    return this.raw.signTransaction(populated);
  }

  override signMessage(message: string | Uint8Array): Promise<string> {
    return this.raw.signMessage(message);
  }

  override signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    value: Record<string, unknown>,
  ): Promise<string> {
    return this.raw.signTypedData(domain, types, value);
  }
}
