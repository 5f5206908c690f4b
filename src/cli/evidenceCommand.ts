import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  CID_PATTERN,
  EvidenceMismatchError,
  FILE_KEY_BYTES,
  openAndVerify,
  openHeliaStore,
  openKuboStore,
  sniffMediaType,
  type EvidenceStore,
} from "../evidence";
import { CliError } from "./apiClient";

export const EVIDENCE_USAGE =
  "Usage: sintech evidence fetch --cid <cid> --key <64 hex> --hash <0x + 64 hex> [--out <file>] [--ipfs-api <url> | --ipfs-dir <dir>]";

/**
 * `sintech evidence fetch`: what anyone holding an evidence key does offline. Fetches the encrypted object
 * by CID from a Kubo node (`--ipfs-api`, or IPFS_API_URL) or a Helia blockstore on disk (`--ipfs-dir`, or
 * DATA_DIR/ipfs), decrypts it (a wrong key fails the authentication tag), checks the evidence hash a
 * receipt committed to, and writes the file to `--out` (mode 0600) or stdout. No gateway, no API key.
 */
export async function evidenceCommand(args: string[]): Promise<number> {
  const flag = (name: string) => {
    const index = args.indexOf(name);
    return index >= 0 ? args[index + 1] : undefined;
  };
  if (args[0] !== "fetch") throw new CliError(EVIDENCE_USAGE);
  const cid = flag("--cid");
  const key = flag("--key");
  const hash = flag("--hash");
  if (!cid || !CID_PATTERN.test(cid)) throw new CliError(`--cid must be an IPFS CID. ${EVIDENCE_USAGE}`);
  if (!key || !new RegExp(`^[0-9a-fA-F]{${FILE_KEY_BYTES * 2}}$`).test(key))
    throw new CliError(`--key must be the file key as ${FILE_KEY_BYTES * 2} hex digits.`);
  if (!hash || !/^0x[0-9a-fA-F]{64}$/.test(hash))
    throw new CliError("--hash must be the evidence hash: 0x and 64 hex digits.");

  const apiUrl = flag("--ipfs-api") ?? (process.env.IPFS_API_URL || undefined);
  const store: EvidenceStore = apiUrl
    ? await openKuboStore(apiUrl)
    : await openHeliaStore(flag("--ipfs-dir") ?? join(resolve(process.env.DATA_DIR || "./data"), "ipfs"));
  let plaintext: Buffer;
  try {
    const envelope = await store.get(cid).catch((error: unknown) => {
      throw new CliError(`The store does not give ${cid}: ${(error as Error).message.slice(0, 200)}`);
    });
    try {
      plaintext = openAndVerify(envelope, Buffer.from(key, "hex"), hash);
    } catch (error) {
      if (error instanceof EvidenceMismatchError)
        throw new CliError("Decrypted, but the file does not match the evidence hash.");
      throw new CliError("The key does not open this object (authentication failed).");
    }
  } finally {
    await store.stop();
  }
  const out = flag("--out");
  if (out) writeFileSync(out, plaintext, { mode: 0o600 });
  else process.stdout.write(plaintext);
  process.stderr.write(
    `verified ${hash}: ${plaintext.length} bytes, ${sniffMediaType(plaintext) ?? "unknown type"}\n`,
  );
  return 0;
}
