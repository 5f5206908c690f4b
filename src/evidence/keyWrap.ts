import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from "node:crypto";

/**
 * Wrapping a file key for one organisation: ephemeral-static X25519, HKDF-SHA256 and AES-256-GCM (the
 * ECIES pattern of HPKE's base mode). The wrap is bound to the evidence id and the organisation, so a
 * wrap copied onto another file or another organisation fails to open.
 *
 * wrapped = ephemeral public key (32) || iv (12) || tag (16) || AES-256-GCM(file key) (32)
 */
const X25519_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
export const WRAPPED_KEY_BYTES = X25519_BYTES + IV_BYTES + TAG_BYTES + KEY_BYTES;

export interface X25519KeyPair {
  /** 32 raw bytes. */
  publicKey: Buffer;
  /** 32 raw bytes. */
  privateKey: Buffer;
}

export function generateX25519(): X25519KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync("x25519");
  return { publicKey: rawPublic(publicKey), privateKey: rawPrivate(privateKey) };
}

export function wrapFileKey(
  recipientPublic: Buffer,
  fileKey: Buffer,
  binding: { evidenceId: string; orgId: string },
): Buffer {
  const ephemeral = generateKeyPairSync("x25519");
  const ephemeralPublic = rawPublic(ephemeral.publicKey);
  const kek = deriveKek(
    diffieHellman({ privateKey: ephemeral.privateKey, publicKey: publicKeyObject(recipientPublic) }),
    ephemeralPublic,
    recipientPublic,
  );
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", kek, iv).setAAD(aad(binding));
  const ciphertext = Buffer.concat([cipher.update(fileKey), cipher.final()]);
  return Buffer.concat([ephemeralPublic, iv, cipher.getAuthTag(), ciphertext]);
}

/** The file key, or a throw when the private key, the binding or any byte is wrong. */
export function unwrapFileKey(
  recipient: X25519KeyPair,
  wrapped: Buffer,
  binding: { evidenceId: string; orgId: string },
): Buffer {
  if (wrapped.length !== WRAPPED_KEY_BYTES) throw new Error("wrapped key has the wrong length");
  const ephemeralPublic = wrapped.subarray(0, X25519_BYTES);
  const iv = wrapped.subarray(X25519_BYTES, X25519_BYTES + IV_BYTES);
  const tag = wrapped.subarray(X25519_BYTES + IV_BYTES, X25519_BYTES + IV_BYTES + TAG_BYTES);
  const kek = deriveKek(
    diffieHellman({
      privateKey: privateKeyObject(recipient.privateKey),
      publicKey: publicKeyObject(ephemeralPublic),
    }),
    ephemeralPublic,
    recipient.publicKey,
  );
  const decipher = createDecipheriv("aes-256-gcm", kek, iv).setAAD(aad(binding));
  decipher.setAuthTag(tag);
  return Buffer.concat([
    decipher.update(wrapped.subarray(X25519_BYTES + IV_BYTES + TAG_BYTES)),
    decipher.final(),
  ]);
}

function deriveKek(shared: Buffer, ephemeralPublic: Buffer, recipientPublic: Buffer): Buffer {
  return Buffer.from(
    hkdfSync(
      "sha256",
      shared,
      Buffer.concat([ephemeralPublic, recipientPublic]),
      "sintech:evidence-key-wrap:v1",
      KEY_BYTES,
    ),
  );
}

const aad = ({ evidenceId, orgId }: { evidenceId: string; orgId: string }) =>
  Buffer.from(`sintech:evidence-key:${evidenceId}:${orgId}`, "utf8");

// The fixed DER prefixes of an X25519 key (RFC 8410), so raw 32-byte keys become KeyObjects.
const SPKI_PREFIX = Buffer.from("302a300506032b656e032100", "hex");
const PKCS8_PREFIX = Buffer.from("302e020100300506032b656e04220420", "hex");

function rawPublic(key: KeyObject): Buffer {
  return key.export({ format: "der", type: "spki" }).subarray(SPKI_PREFIX.length);
}
function rawPrivate(key: KeyObject): Buffer {
  return key.export({ format: "der", type: "pkcs8" }).subarray(PKCS8_PREFIX.length);
}
function publicKeyObject(raw: Buffer): KeyObject {
  if (raw.length !== X25519_BYTES) throw new Error("an X25519 public key is 32 bytes");
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: "der", type: "spki" });
}
function privateKeyObject(raw: Buffer): KeyObject {
  if (raw.length !== X25519_BYTES) throw new Error("an X25519 private key is 32 bytes");
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw]), format: "der", type: "pkcs8" });
}
