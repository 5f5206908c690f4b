import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  CID_PATTERN,
  EVIDENCE_MAX_BYTES,
  evidenceHashOf,
  fetchEvidence,
  getEvidence,
  getEvidenceKey,
  openAndVerify,
  openEvidence,
  openHeliaStore,
  sealEvidence,
  newFileKey,
  storeEvidence,
  verifyEvidence,
  type EvidencePrincipal,
  type StoreEvidenceParams,
} from "../../../src/evidence";
import { generateX25519, unwrapFileKey, wrapFileKey } from "../../../src/evidence/keyWrap";
import { AppError } from "../../../src/errors";
import {
  blockCount,
  fakeJpeg,
  fakePng,
  filesUnder,
  openEvidenceWorld,
  plaintextWindowsIn,
  type EvidenceWorld,
} from "./evidenceFixture";

const pdf = (size: number) => Buffer.concat([Buffer.from("%PDF-1.7\n"), randomBytes(size)]);

async function refusal(promise: Promise<unknown> | (() => unknown)): Promise<AppError> {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("evidence: encrypted on IPFS (Helia on disk), keys wrapped per organisation", () => {
  let world: EvidenceWorld;
  const principal = (orgId: string, role: string): EvidencePrincipal => ({
    keyId: `key_${orgId}`,
    orgId,
    role,
  });
  const counts = () =>
    Object.fromEntries(
      ["evidence", "evidence_key_wraps", "evidence_org_keys", "access_log"].map((table) => [
        table,
        world.deps.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number,
      ]),
    );

  beforeEach(async () => {
    world = await openEvidenceWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  describe("the envelope and the key wrap", () => {
    it("opens with its key; a wrong key or one changed byte gets nothing (the GCM tag fails)", () => {
      const plaintext = fakeJpeg(4096);
      const key = newFileKey();
      const envelope = sealEvidence(key, plaintext);
      expect(openEvidence(key, envelope).equals(plaintext)).to.equal(true);
      expect(() => openEvidence(newFileKey(), envelope)).to.throw(/authenticate/);
      const tampered = Buffer.from(envelope);
      tampered[100] ^= 1;
      expect(() => openEvidence(key, tampered)).to.throw(/authenticate/);
    });

    it("unwraps a file key only with the recipient's private key and for the evidence and organisation it was wrapped for", () => {
      const charity = generateX25519();
      const other = generateX25519();
      const fileKey = newFileKey();
      const binding = { evidenceId: "ev_a", orgId: "org_a" };
      const wrapped = wrapFileKey(charity.publicKey, fileKey, binding);
      expect(unwrapFileKey(charity, wrapped, binding).equals(fileKey)).to.equal(true);
      expect(() => unwrapFileKey(other, wrapped, binding)).to.throw();
      expect(() => unwrapFileKey(charity, wrapped, { ...binding, evidenceId: "ev_b" })).to.throw();
      expect(() => unwrapFileKey(charity, wrapped, { ...binding, orgId: "org_b" })).to.throw();
    });

    it("salts the evidence hash with the file key: the key holder verifies, a guess without the key cannot be tested", () => {
      const plaintext = pdf(200);
      const key = newFileKey();
      const hash = evidenceHashOf(key, plaintext);
      expect(hash).to.match(/^0x[0-9a-f]{64}$/);
      expect(verifyEvidence(plaintext, key, hash)).to.equal(true);
      expect(verifyEvidence(Buffer.concat([plaintext, Buffer.from([0])]), key, hash)).to.equal(false);
      // Another key gives another hash for the same file: without the key the hash says nothing of it.
      expect(evidenceHashOf(newFileKey(), plaintext)).to.not.equal(hash);
      expect(() => openAndVerify(sealEvidence(key, plaintext), key, evidenceHashOf(key, pdf(10)))).to.throw(
        /does not match/,
      );
    });
  });

  describe("storeEvidence and fetchEvidence", () => {
    it("stores only ciphertext, fetches by evidence id and by CID, decrypts, and verifies the hash", async () => {
      const photo = fakeJpeg(64 * 1024);
      const stored = await storeEvidence(world.deps, {
        programmeId: world.programmeId,
        uploadedBy: { orgId: world.orgs.vendor, role: "vendor" },
        mediaType: "image/jpeg",
        bytes: photo,
      });
      expect(stored).to.include({ size: photo.length, mediaType: "image/jpeg" });
      expect(stored.evidenceId).to.match(/^ev_[0-9a-f-]{36}$/);
      expect(stored.cid).to.match(CID_PATTERN);

      // The object under the CID is the envelope, not the photo.
      const raw = Buffer.from(await world.deps.store.get(stored.cid));
      expect(raw.length).to.equal(photo.length + 1 + 12 + 16);
      expect(raw.includes(photo.subarray(0, 32))).to.equal(false);

      for (const [orgId, role] of [
        [world.orgs.charity, "charity"],
        [world.orgs.auditor, "auditor"],
      ] as const) {
        const byId = await fetchEvidence(world.deps, {
          evidenceId: stored.evidenceId,
          principal: principal(orgId, role),
        });
        expect(byId.bytes.equals(photo), role).to.equal(true);
        expect(byId.mediaType).to.equal("image/jpeg");
        const byCid = await fetchEvidence(world.deps, { cid: stored.cid, principal: principal(orgId, role) });
        expect(byCid.bytes.equals(photo)).to.equal(true);
      }

      // Offline: the key from getEvidenceKey and the object by CID are all anyone needs.
      const { key } = getEvidenceKey(world.deps, {
        evidenceId: stored.evidenceId,
        principal: principal(world.orgs.auditor, "auditor"),
      });
      const opened = openAndVerify(raw, Buffer.from(key, "hex"), stored.evidenceHash);
      // The key itself is nowhere in clear: only its wraps are stored.
      world.deps.db.pragma("wal_checkpoint(TRUNCATE)");
      for (const haystack of [world.temp.fileBytes(), ...filesUnder(world.ipfsDir)]) {
        expect(haystack.includes(Buffer.from(key, "hex"))).to.equal(false);
        expect(haystack.includes(Buffer.from(key, "utf8"))).to.equal(false);
      }
      expect(opened.equals(photo)).to.equal(true);
      expect(() => openAndVerify(raw, newFileKey(), stored.evidenceHash)).to.throw(/authenticate/);
    });

    it("records every read of content or key in the access log, with the grounds and purpose", async () => {
      const stored = await storeEvidence(world.deps, {
        programmeId: world.programmeId,
        uploadedBy: { orgId: world.orgs.fieldAgent, role: "field_agent" },
        mediaType: "image/png",
        bytes: fakePng(2000),
      });
      await fetchEvidence(world.deps, {
        evidenceId: stored.evidenceId,
        principal: principal(world.orgs.charity, "charity"),
        purpose: "dispute 12",
        requestId: "req-1",
      });
      getEvidenceKey(world.deps, {
        evidenceId: stored.evidenceId,
        principal: principal(world.orgs.auditor, "auditor"),
      });
      getEvidence(world.deps, {
        evidenceId: stored.evidenceId,
        principal: principal(world.orgs.auditor, "auditor"),
      });
      const log = world.deps.db
        .prepare(
          "SELECT org_id, action, subject, grounds, purpose, request_id FROM access_log ORDER BY entry_id",
        )
        .all();
      expect(log).to.deep.equal([
        {
          org_id: world.orgs.charity,
          action: "evidence.content",
          subject: stored.evidenceId,
          grounds: `charity:${world.programmeId}`,
          purpose: "dispute 12",
          request_id: "req-1",
        },
        {
          org_id: world.orgs.auditor,
          action: "evidence.key",
          subject: stored.evidenceId,
          grounds: "auditor",
          purpose: null,
          request_id: null,
        },
      ]);
    });

    it("refuses content to other charities, the uploading vendor, other vendors, donors and the regulator as if the id were unknown, logging nothing", async () => {
      const stored = await storeEvidence(world.deps, {
        programmeId: world.programmeId,
        uploadedBy: { orgId: world.orgs.vendor, role: "vendor" },
        mediaType: "image/jpeg",
        bytes: fakeJpeg(1000),
      });
      const donor = world.addOrganisation("donor");
      const before = counts();
      for (const [orgId, role] of [
        [world.orgs.otherCharity, "charity"],
        [world.orgs.vendor, "vendor"],
        [world.orgs.otherVendor, "vendor"],
        [world.orgs.fieldAgent, "field_agent"],
        [donor, "donor"],
        ["regulator", "regulator"],
      ] as const) {
        const error = await refusal(
          fetchEvidence(world.deps, { evidenceId: stored.evidenceId, principal: principal(orgId, role) }),
        );
        expect(error, `${role} ${orgId}`).to.include({ status: 404, field: "evidenceId", code: "not_found" });
        const key = await refusal(() =>
          getEvidenceKey(world.deps, { cid: stored.cid, principal: principal(orgId, role) }),
        );
        expect(key).to.include({ status: 404, field: "cid" });
      }
      const unknown = await refusal(
        fetchEvidence(world.deps, {
          evidenceId: "ev_00000000-0000-4000-8000-000000000000",
          principal: principal(world.orgs.charity, "charity"),
        }),
      );
      expect(unknown.message).to.equal("No evidence has this id.");
      expect(counts()).to.deep.equal(before);

      // Metadata: the uploader, the programme's charity, auditors and the regulator; not another vendor.
      for (const [orgId, role] of [
        [world.orgs.vendor, "vendor"],
        [world.orgs.charity, "charity"],
        [world.orgs.auditor, "auditor"],
        ["regulator", "regulator"],
      ] as const) {
        expect(
          getEvidence(world.deps, { evidenceId: stored.evidenceId, principal: principal(orgId, role) }).cid,
        ).to.equal(stored.cid);
      }
      for (const [orgId, role] of [
        [world.orgs.otherVendor, "vendor"],
        [world.orgs.otherCharity, "charity"],
        [donor, "donor"],
      ] as const) {
        const error = await refusal(() =>
          getEvidence(world.deps, { evidenceId: stored.evidenceId, principal: principal(orgId, role) }),
        );
        expect(error.status, role).to.equal(404);
      }
    });

    it("lets an auditor registered after the upload read it (its wrap is made from the charity's)", async () => {
      const photo = fakeJpeg(3000);
      const stored = await storeEvidence(world.deps, {
        programmeId: world.programmeId,
        uploadedBy: { orgId: world.orgs.vendor, role: "vendor" },
        mediaType: "image/jpeg",
        bytes: photo,
      });
      const wraps = () =>
        world.deps.db.prepare("SELECT org_id FROM evidence_key_wraps ORDER BY org_id").pluck().all();
      expect(wraps()).to.have.members([world.orgs.charity, world.orgs.auditor]);
      const lateAuditor = world.addOrganisation("auditor");
      const fetched = await fetchEvidence(world.deps, {
        evidenceId: stored.evidenceId,
        principal: principal(lateAuditor, "auditor"),
      });
      expect(fetched.bytes.equals(photo)).to.equal(true);
      expect(wraps()).to.have.members([world.orgs.charity, world.orgs.auditor, lateAuditor]);
    });

    it("refuses a bad media type, a lying content type, an empty or oversized file, an unknown programme and a vendor the programme does not allow, writing and storing nothing", async () => {
      const vendor = { orgId: world.orgs.vendor, role: "vendor" };
      const cases: [string, Partial<StoreEvidenceParams>, Partial<AppError>][] = [
        [
          "a PNG sent as image/jpeg",
          { bytes: fakePng(500) },
          { status: 400, field: "Content-Type", code: "content_mismatch" },
        ],
        [
          "HTML sent as application/pdf",
          { mediaType: "application/pdf", bytes: Buffer.from("<html><script>alert(1)</script></html>") },
          { status: 400, field: "Content-Type", code: "content_mismatch" },
        ],
        [
          "an empty file",
          { mediaType: "image/png", bytes: Buffer.alloc(0) },
          { status: 400, field: "body", code: "empty" },
        ],
        [
          "a file over 10 MB",
          { bytes: fakeJpeg(EVIDENCE_MAX_BYTES + 1) },
          { status: 413, field: "body", code: "too_large" },
        ],
        ["an unknown programme", { programmeId: 99 }, { status: 404, field: "programmeId" }],
        [
          "a vendor the programme does not allow",
          { uploadedBy: { orgId: world.orgs.otherVendor, role: "vendor" } },
          { status: 403, field: "programmeId", code: "not_your_programme" },
        ],
      ];
      for (const [label, overrides, expected] of cases) {
        const before = counts();
        const blocks = blockCount(world.ipfsDir);
        const error = await refusal(
          storeEvidence(world.deps, {
            programmeId: world.programmeId,
            uploadedBy: vendor,
            mediaType: "image/jpeg",
            bytes: fakeJpeg(500),
            ...overrides,
          }),
        );
        expect(error, label).to.include(expected);
        expect(counts(), label).to.deep.equal(before);
        expect(blockCount(world.ipfsDir), label).to.equal(blocks);
      }
    });
  });

  describe("what is on disk", () => {
    it("leaves no 32-byte window of the plaintext in the blockstore, the datastore or the database (and the scan finds one where the plaintext is stored raw)", async () => {
      const photo = fakeJpeg(96 * 1024);
      const scan = fakePng(2_500_000); // several 1 MiB chunks: a DAG, not one block
      const receipt = pdf(20_000);
      for (const [bytes, mediaType] of [
        [photo, "image/jpeg"],
        [scan, "image/png"],
        [receipt, "application/pdf"],
      ] as const) {
        const stored = await storeEvidence(world.deps, {
          programmeId: world.programmeId,
          uploadedBy: { orgId: world.orgs.vendor, role: "vendor" },
          mediaType,
          bytes,
        });
        const fetched = await fetchEvidence(world.deps, {
          evidenceId: stored.evidenceId,
          principal: principal(world.orgs.charity, "charity"),
        });
        expect(fetched.bytes.equals(bytes)).to.equal(true);
      }
      world.deps.db.pragma("wal_checkpoint(TRUNCATE)");
      const onDisk = [...filesUnder(world.ipfsDir), world.temp.fileBytes()];
      expect(blockCount(world.ipfsDir)).to.be.greaterThan(3);
      expect(plaintextWindowsIn(photo, onDisk)).to.equal(0);
      expect(plaintextWindowsIn(receipt, onDisk)).to.equal(0);
      expect(plaintextWindowsIn(scan, onDisk, 4096)).to.equal(0);

      // The control: the same scan over a store holding the photo unencrypted finds it.
      const controlDir = mkdtempSync(path.join(tmpdir(), "sintech-evidence-control-"));
      try {
        const control = await openHeliaStore(controlDir);
        await control.put(photo);
        await control.stop();
        expect(plaintextWindowsIn(photo, filesUnder(controlDir))).to.be.greaterThan(6000);
      } finally {
        rmSync(controlDir, { recursive: true, force: true });
      }
    });

    it("keeps the blocks across a restart of Helia on the same folder", async () => {
      const photo = fakeJpeg(1_500_000);
      const stored = await storeEvidence(world.deps, {
        programmeId: world.programmeId,
        uploadedBy: { orgId: world.orgs.vendor, role: "vendor" },
        mediaType: "image/jpeg",
        bytes: photo,
      });
      await world.reopenStore();
      const fetched = await fetchEvidence(world.deps, {
        evidenceId: stored.evidenceId,
        principal: principal(world.orgs.auditor, "auditor"),
      });
      expect(fetched.bytes.equals(photo)).to.equal(true);
    });
  });
});
