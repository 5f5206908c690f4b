/**
 * Helia, its stores and kubo-rpc-client are ESM-only; the gateway is CommonJS. TypeScript with
 * `module: node16` keeps `import()` as a real dynamic import in CommonJS output (never a `require`), so
 * these load the same under ts-node (`hardhat test`) and from `dist/` (`npm run build`).
 *
 * Node 20 lacks `Promise.withResolvers` (Node 22 has it), which Helia's dependencies call: it is added
 * here, before the first import, and only when missing.
 */
function polyfillWithResolvers(): void {
  const promise = Promise as unknown as { withResolvers?: unknown };
  if (typeof promise.withResolvers === "function") return;
  Object.defineProperty(Promise, "withResolvers", {
    configurable: true,
    writable: true,
    value: function withResolvers<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const created = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise: created, resolve, reject };
    },
  });
}

export async function loadHelia() {
  polyfillWithResolvers();
  // The CID class comes from kubo-rpc-client, which re-exports multiformats' (a dependency of ours,
  // where multiformats itself is only a transitive one).
  const [helia, unixfs, blockstoreFs, datastoreFs, kubo] = await Promise.all([
    import("helia"),
    import("@helia/unixfs"),
    import("blockstore-fs"),
    import("datastore-fs"),
    import("kubo-rpc-client"),
  ]);
  return {
    createHeliaLight: helia.createHeliaLight,
    unixfs: unixfs.unixfs,
    FsBlockstore: blockstoreFs.FsBlockstore,
    FsDatastore: datastoreFs.FsDatastore,
    CID: kubo.CID,
  };
}

export async function loadKuboClient() {
  polyfillWithResolvers();
  const kubo = await import("kubo-rpc-client");
  return { create: kubo.create, CID: kubo.CID };
}
