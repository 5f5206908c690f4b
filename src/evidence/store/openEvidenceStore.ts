import { join } from "node:path";
import type { EvidenceStore } from "./evidenceStore";
import { openHeliaStore } from "./heliaStore";
import { openKuboStore } from "./kuboStore";

/** Kubo when `ipfsApiUrl` is configured, the embedded Helia under `<dataDir>/ipfs` otherwise. */
export function openEvidenceStore(options: {
  dataDir: string;
  ipfsApiUrl: string | null;
}): Promise<EvidenceStore> {
  return options.ipfsApiUrl !== null
    ? openKuboStore(options.ipfsApiUrl)
    : openHeliaStore(join(options.dataDir, "ipfs"));
}
