import { CHUNK_BYTES, EvidenceNotStoredError, type EvidenceStore } from "./evidenceStore";
import { loadKuboClient } from "./loadEsm";

/**
 * A Kubo node (or an IPFS Cluster proxy) through its RPC API, `IPFS_API_URL`: `/api/v0/add` to store
 * (pinned, CIDv1, raw leaves, 1 MiB chunks) and `/api/v0/cat` to read, with `offline` so the node answers
 * from its own repository rather than searching the network for an object it does not hold.
 */
export async function openKuboStore(
  apiUrl: string,
  options: { timeoutMs?: number } = {},
): Promise<EvidenceStore> {
  const { create, CID } = await loadKuboClient();
  const client = create({ url: apiUrl, timeout: options.timeoutMs ?? 30_000 });
  // Kubo's global `offline` flag: the client passes unknown options on as query parameters (its
  // `searchParams` option is dropped for URLSearchParams), but its types do not list this one.
  const OFFLINE = { offline: true } as Parameters<typeof client.cat>[1];
  return {
    kind: "kubo",
    async put(bytes) {
      const added = await client.add(bytes, {
        cidVersion: 1,
        rawLeaves: true,
        chunker: `size-${CHUNK_BYTES}`,
        pin: true,
      });
      return added.cid.toV1().toString();
    },
    async get(cid) {
      const chunks: Uint8Array[] = [];
      try {
        for await (const chunk of client.cat(CID.parse(cid), OFFLINE)) chunks.push(chunk);
      } catch (error) {
        // Kubo answers 500 with "block was not found locally (offline)" for an object it lacks.
        if (/not found|offline/i.test(String((error as Error).message)))
          throw new EvidenceNotStoredError(cid);
        throw error;
      }
      return Buffer.concat(chunks);
    },
    async stop() {},
  };
}
