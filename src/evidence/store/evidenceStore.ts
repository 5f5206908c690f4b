/**
 * Where encrypted evidence lives: content-addressed, so the CID names exactly the bytes stored. Adapters:
 * embedded Helia on disk (the default) and a Kubo node through its RPC API. Only ciphertext is ever
 * handed to a store.
 */
export interface EvidenceStore {
  /** Which adapter this is, for the status page and logs. */
  readonly kind: "helia" | "kubo";
  /** Stores the bytes; returns their CID (CIDv1, base32). */
  put(bytes: Uint8Array): Promise<string>;
  /** The bytes stored under the CID; throws `EvidenceNotStoredError` when the store does not hold them. */
  get(cid: string): Promise<Uint8Array>;
  stop(): Promise<void>;
}

/**
 * How files become UnixFS DAGs (IPIP-499: CIDv1, raw leaves, 1 MiB chunks). The Kubo adapter asks Kubo
 * for the same CID version, leaves and chunk size.
 */
export const UNIXFS_PROFILE = "unixfs-v1-2025" as const;
export const CHUNK_BYTES = 1024 * 1024;

export class EvidenceNotStoredError extends Error {
  constructor(cid: string) {
    super(`the evidence store holds no object ${cid}`);
    this.name = "EvidenceNotStoredError";
  }
}

/** CIDs as the stores accept them: base32 CIDv1 (`b...`) or base58 CIDv0 (`Qm...`), nothing else. */
export const CID_PATTERN = /^(b[a-z2-7]{58,100}|Qm[1-9A-HJ-NP-Za-km-z]{44})$/;
