import type { Database } from "better-sqlite3";
import type { KeystoreKeyRing } from "../../wallets";
import { gatewayKeyPair, type GatewayKeyPair } from "./sealedKeyPair";
import { SEALED_PIN_ALGORITHM } from "./sealedPin";

/** The gateway's key pair that offline devices seal PINs to; its private half only ever in memory. */
export interface OfflineKey extends GatewayKeyPair {
  algorithm: typeof SEALED_PIN_ALGORITHM;
}

/**
 * The gateway's offline PIN key, made on first use: X25519, the private key sealed with the keystore key
 * in `offline_keys`.
 */
export function offlineKey(deps: { db: Database; keystoreKeys: KeystoreKeyRing }): OfflineKey {
  const pair = gatewayKeyPair(deps, { curve: "X25519", table: "offline_keys", idPrefix: "okey" });
  return { ...pair, algorithm: SEALED_PIN_ALGORITHM };
}
