import type { Database } from "better-sqlite3";
import type { KeystoreKeyRing } from "../wallets";
import type { EvidenceStore } from "./store/evidenceStore";

/** Who is asking: the caller resolved from its API key. */
export interface EvidencePrincipal {
  keyId: string;
  orgId: string;
  role: string;
}

/** What every evidence use-case runs against; built once at boot. */
export interface EvidenceDeps {
  db: Database;
  store: EvidenceStore;
  /** Seals the organisations' X25519 private keys (the wallets keystore's keys). */
  keystoreKeys: KeystoreKeyRing;
  /**
   * Whether `orgId` may attach evidence to the programme: a vendor the programme allows on chain, or a
   * licensed field agent (field agents are licensed per layer, not per programme).
   */
  mayUpload(programmeId: number, uploader: { orgId: string; role: string }): Promise<boolean>;
  now: () => Date;
}
