import type { DeliveryDeps } from "../types";
import { offlineKey } from "./offlineKey";
import { openSealedPin } from "./sealedPin";

/** What an uploaded item proves acceptance with: the PIN sealed at the device, opened here, or a signature. */
export function itemProof(
  deps: DeliveryDeps,
  digest: string,
  item: { sealedPin?: string; signature?: string },
): { pin: string } | { signature: string } {
  if (item.sealedPin !== undefined) {
    return {
      pin: openSealedPin(
        offlineKey({ db: deps.db, keystoreKeys: deps.wallets.keystoreKeys }),
        digest,
        item.sealedPin,
      ),
    };
  }
  return { signature: item.signature! };
}
