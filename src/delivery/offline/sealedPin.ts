import {
  createCipheriv,
  createDecipheriv,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from "node:crypto";

/**
 * A PIN typed at a vendor's offline device, sealed to the gateway's X25519 public key so the vendor (and
 * anything between the device and the gateway) cannot read it: an ephemeral X25519 key agreement, HKDF-SHA256
 * over the shared secret (salt: both public keys), AES-256-GCM. The plaintext is the delivery's digest
 * (its redemption id) and the PIN, so a sealed PIN opens only for the delivery it was typed for.
 *
 * Wire form, base64url: version `0x01` · ephemeral public key (32) · IV (12) · tag (16) · ciphertext
 * (32-byte digest then the PIN's ASCII digits). The version and ephemeral key are the AAD.
 */
export const SEALED_PIN_VERSION = 1;
export const SEALED_PIN_ALGORITHM = "X25519-HKDF-SHA256-AES-256-GCM";
const HKDF_INFO = Buffer.from("sintech offline pin v1", "utf8");
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + KEY_BYTES;
const DIGEST_BYTES = 32;

/** Why a sealed PIN did not open: its bytes were changed (or sealed to another key), or it was for another delivery. */
export type SealedPinProblem = "sealed_pin_invalid" | "sealed_for_another_delivery";

export class SealedPinError extends Error {
  constructor(readonly problem: SealedPinProblem) {
    super(
      problem === "sealed_pin_invalid"
        ? "The sealed PIN does not open with the gateway's key: it was changed or sealed to another key."
        : "The sealed PIN was typed for another delivery.",
    );
    this.name = "SealedPinError";
  }
}

/** Seals `pin` for the delivery whose EIP-712 digest is `digest`, to the gateway's raw 32-byte public key. */
export function sealPin(gatewayPublicKey: Buffer, digest: string, pin: string): string {
  const ephemeral = generateKeyPairSync("x25519");
  const ephemeralPublic = rawPublicKey(ephemeral.publicKey);
  const key = sharedKey(
    ephemeral.privateKey,
    publicKeyObject(gatewayPublicKey),
    ephemeralPublic,
    gatewayPublicKey,
  );
  const header = Buffer.concat([Buffer.from([SEALED_PIN_VERSION]), ephemeralPublic]);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv).setAAD(header);
  const plaintext = Buffer.concat([digestBytes(digest), Buffer.from(pin, "ascii")]);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([header, iv, cipher.getAuthTag(), ciphertext]).toString("base64url");
}

/** Opens a sealed PIN with the gateway's key pair, for the delivery `digest`; throws `SealedPinError`. */
export function openSealedPin(
  gateway: { privateKey: KeyObject; publicKey: Buffer },
  digest: string,
  sealed: string,
): string {
  const bytes = Buffer.from(sealed, "base64url");
  if (bytes.length <= HEADER_BYTES + IV_BYTES + TAG_BYTES + DIGEST_BYTES || bytes[0] !== SEALED_PIN_VERSION) {
    throw new SealedPinError("sealed_pin_invalid");
  }
  const header = bytes.subarray(0, HEADER_BYTES);
  const ephemeralPublic = bytes.subarray(1, HEADER_BYTES);
  const iv = bytes.subarray(HEADER_BYTES, HEADER_BYTES + IV_BYTES);
  const tag = bytes.subarray(HEADER_BYTES + IV_BYTES, HEADER_BYTES + IV_BYTES + TAG_BYTES);
  let plaintext: Buffer;
  try {
    const key = sharedKey(
      gateway.privateKey,
      publicKeyObject(ephemeralPublic),
      ephemeralPublic,
      gateway.publicKey,
    );
    const decipher = createDecipheriv("aes-256-gcm", key, iv).setAAD(header);
    decipher.setAuthTag(tag);
    plaintext = Buffer.concat([
      decipher.update(bytes.subarray(HEADER_BYTES + IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw new SealedPinError("sealed_pin_invalid");
  }
  if (!plaintext.subarray(0, DIGEST_BYTES).equals(digestBytes(digest))) {
    throw new SealedPinError("sealed_for_another_delivery");
  }
  return plaintext.subarray(DIGEST_BYTES).toString("ascii");
}

/** A raw 32-byte X25519 public key as a Node key object. */
export function publicKeyObject(raw: Buffer): KeyObject {
  if (raw.length !== KEY_BYTES) throw new RangeError("an X25519 public key is 32 bytes");
  return createPublicKey({ key: { kty: "OKP", crv: "X25519", x: raw.toString("base64url") }, format: "jwk" });
}

export function rawPublicKey(key: KeyObject): Buffer {
  return Buffer.from(key.export({ format: "jwk" }).x!, "base64url");
}

function sharedKey(
  privateKey: KeyObject,
  publicKey: KeyObject,
  ephemeralPublic: Buffer,
  gatewayPublic: Buffer,
) {
  const shared = diffieHellman({ privateKey, publicKey });
  return Buffer.from(
    hkdfSync("sha256", shared, Buffer.concat([ephemeralPublic, gatewayPublic]), HKDF_INFO, 32),
  );
}

function digestBytes(digest: string): Buffer {
  if (!/^0x[0-9a-fA-F]{64}$/.test(digest)) throw new RangeError("a delivery digest is 0x and 64 hex digits");
  return Buffer.from(digest.slice(2), "hex");
}
