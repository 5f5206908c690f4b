import { sealPin } from "../delivery";
import { CliError } from "./apiClient";

export const SEAL_PIN_USAGE = `  deliveries seal-pin <deliveryId> | --redemption-id <0x..> --public-key <base64url>
                                 seal a PIN (read from stdin) to the gateway's offline key for one delivery, as an
                                 offline device does; prints the sealedPin for POST /v1/deliveries/offline. With a
                                 delivery id it asks the gateway for the key and the delivery's redemption id`;

/** What sealing needs: the gateway's key and the delivery's digest, given or fetched from the gateway. */
export interface SealPinInputs {
  redemptionId: string;
  publicKey: string;
  pin: string;
}

/** Seals the PIN; refuses a key or digest of the wrong shape before any crypto runs. */
export function sealPinFor(inputs: SealPinInputs): string {
  if (!/^0x[0-9a-f]{64}$/i.test(inputs.redemptionId))
    throw new CliError("--redemption-id needs 0x and 64 hex digits.");
  const key = Buffer.from(inputs.publicKey, "base64url");
  if (key.length !== 32)
    throw new CliError("--public-key needs the gateway's 32-byte X25519 key, base64url.");
  if (!/^[0-9]{4,12}$/.test(inputs.pin)) throw new CliError("A PIN is 4 to 12 digits.");
  return sealPin(key, inputs.redemptionId.toLowerCase(), inputs.pin);
}
