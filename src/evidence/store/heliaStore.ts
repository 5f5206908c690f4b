import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { EvidenceNotStoredError, UNIXFS_PROFILE, type EvidenceStore } from "./evidenceStore";
import { loadHelia } from "./loadEsm";

/**
 * Embedded IPFS: Helia with its blockstore and datastore on disk under `dir` (DATA_DIR/ipfs), built
 * without libp2p networking (`createHeliaLight`), so blocks are neither announced nor fetched from
 * peers. Restarting on the same folder finds every block again. Files are added as UnixFS under
 * IPIP-499's `unixfs-v1-2025` profile.
 */
export async function openHeliaStore(dir: string): Promise<EvidenceStore> {
  const { createHeliaLight, unixfs, FsBlockstore, FsDatastore, CID } = await loadHelia();
  mkdirSync(join(dir, "blocks"), { recursive: true });
  mkdirSync(join(dir, "datastore"), { recursive: true });
  const blockstore = new FsBlockstore(join(dir, "blocks"));
  const datastore = new FsDatastore(join(dir, "datastore"));
  // The light node has no libp2p, no bitswap and no HTTP gateways: nothing leaves this machine.
  const helia = createHeliaLight({ blockstore, datastore });
  await helia.start();
  const fs = unixfs(helia);
  return {
    kind: "helia",
    async put(bytes) {
      const cid = await fs.addBytes(bytes, { profile: UNIXFS_PROFILE });
      return cid.toString();
    },
    async get(cid) {
      const parsed = CID.parse(cid);
      // Offline: a block the disk lacks must fail now, not wait for a peer that will never come.
      if (!(await helia.blockstore.has(parsed))) throw new EvidenceNotStoredError(cid);
      const chunks: Uint8Array[] = [];
      for await (const chunk of fs.cat(parsed, { offline: true })) chunks.push(chunk);
      return Buffer.concat(chunks);
    },
    async stop() {
      await helia.stop();
    },
  };
}
