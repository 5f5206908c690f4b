import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  CID_PATTERN,
  EvidenceNotStoredError,
  fetchEvidence,
  openHeliaStore,
  openKuboStore,
  storeEvidence,
  type EvidenceStore,
} from "../../../src/evidence";
import { fakeJpeg, openEvidenceWorld } from "./evidenceFixture";
import { startKuboRpcSubset, type KuboRpcSubset } from "./kuboRpcSubset";

describe("evidence: the Kubo adapter (kubo-rpc-client) over HTTP, against a server speaking Kubo's add/cat subset", () => {
  let dir: string;
  let backing: EvidenceStore;
  let kubo: KuboRpcSubset;
  let store: EvidenceStore;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "sintech-kubo-"));
    backing = await openHeliaStore(dir);
    kubo = await startKuboRpcSubset(backing);
    store = await openKuboStore(kubo.url);
  });
  afterEach(async () => {
    await store.stop();
    await kubo.close();
    await backing.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("adds pinned with CIDv1, raw leaves and 1 MiB chunks, and cats offline what it added", async () => {
    const bytes = fakeJpeg(2_200_000);
    const cid = await store.put(bytes);
    expect(cid).to.match(CID_PATTERN);
    expect(Buffer.from(await store.get(cid)).equals(bytes)).to.equal(true);
    const add = kubo.requests.find((request) => request.path === "/api/v0/add")!;
    expect(
      Object.fromEntries(
        ["cid-version", "raw-leaves", "chunker", "pin"].map((name) => [name, add.query.get(name)]),
      ),
    ).to.deep.equal({
      "cid-version": "1",
      "raw-leaves": "true",
      chunker: "size-1048576",
      pin: "true",
    });
    const cat = kubo.requests.find((request) => request.path === "/api/v0/cat")!;
    expect(cat.query.get("arg")).to.equal(cid);
    expect(cat.query.get("offline")).to.equal("true");
  });

  it("answers EvidenceNotStoredError for an object the node does not hold", async () => {
    const missing = await (async () => {
      const other = mkdtempSync(path.join(tmpdir(), "sintech-kubo-other-"));
      const elsewhere = await openHeliaStore(other);
      const cid = await elsewhere.put(fakeJpeg(100));
      await elsewhere.stop();
      rmSync(other, { recursive: true, force: true });
      return cid;
    })();
    let error: unknown;
    try {
      await store.get(missing);
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(EvidenceNotStoredError);
  });

  it("serves storeEvidence and fetchEvidence like the embedded store (the metadata says kubo)", async () => {
    const world = await openEvidenceWorld();
    const helia = world.deps.store;
    world.deps.store = store;
    try {
      const photo = fakeJpeg(50_000);
      const stored = await storeEvidence(world.deps, {
        programmeId: world.programmeId,
        uploadedBy: { orgId: world.orgs.vendor, role: "vendor" },
        mediaType: "image/jpeg",
        bytes: photo,
      });
      const row = world.deps.db
        .prepare("SELECT store FROM evidence WHERE evidence_id = ?")
        .pluck()
        .get(stored.evidenceId);
      expect(row).to.equal("kubo");
      const fetched = await fetchEvidence(world.deps, {
        cid: stored.cid,
        principal: { keyId: "k", orgId: world.orgs.charity, role: "charity" },
      });
      expect(fetched.bytes.equals(photo)).to.equal(true);
    } finally {
      world.deps.store = helia;
      await world.close();
    }
  });
});
