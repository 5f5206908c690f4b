import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { openHeliaStore, type EvidenceDeps, type EvidenceStore } from "../../../src/evidence";
import { createKeystoreKeyRing } from "../../../src/wallets";
import { openTempStore, type TempStore } from "../db/tempStore";

/**
 * A real SQLite file and a real Helia blockstore on disk in one temp folder, with the organisations and
 * one programme the evidence rules talk about. `mayUpload` follows the chain's rule in spirit: vendors
 * the programme allows (here: `allowedVendors`) and field agents.
 */
export interface EvidenceWorld {
  temp: TempStore;
  ipfsDir: string;
  deps: EvidenceDeps;
  programmeId: number;
  orgs: Record<"charity" | "otherCharity" | "vendor" | "otherVendor" | "auditor" | "fieldAgent", string>;
  allowedVendors: Set<string>;
  addOrganisation(role: string): string;
  /** Stops Helia and opens the same folder again, as a restart does. */
  reopenStore(): Promise<EvidenceStore>;
  close(): Promise<void>;
}

const now = () => new Date("2026-12-02T05:00:00.000Z");

export async function openEvidenceWorld(): Promise<EvidenceWorld> {
  const temp = openTempStore();
  const db = temp.store.sqlite;
  const ipfsDir = path.join(temp.dir, "ipfs");
  let counter = 0;
  const addOrganisation = (role: string): string => {
    const orgId = `org_${role}_${++counter}`;
    db.prepare(
      `INSERT INTO organisations (org_id, name, role, address, layers, categories, valid_until, created_at)
       VALUES (?, ?, ?, ?, 7, '[]', NULL, ?)`,
    ).run(
      orgId,
      `Test ${role} ${counter}`,
      role,
      `0x${randomBytes(20).toString("hex")}`,
      now().toISOString(),
    );
    return orgId;
  };
  const orgs = {
    charity: addOrganisation("charity"),
    otherCharity: addOrganisation("charity"),
    vendor: addOrganisation("vendor"),
    otherVendor: addOrganisation("vendor"),
    auditor: addOrganisation("auditor"),
    fieldAgent: addOrganisation("field_agent"),
  };
  const at = now().toISOString();
  db.prepare(
    `INSERT INTO chain_jobs (job_id, idempotency_key, kind, from_address, to_address, data, status, created_at, updated_at)
     VALUES (1, 'programme:1', 'programme.create', '0x00', '0x00', '0x', 'confirmed', ?, ?)`,
  ).run(at, at);
  db.prepare(
    `INSERT INTO programme_requests (request_id, org_id, idempotency_key, params_json, job_id, programme_id, created_at)
     VALUES ('req_1', ?, 'programme-key-1', '{}', 1, 4, ?)`,
  ).run(orgs.charity, at);
  db.prepare(
    `INSERT INTO programmes (programme_id, request_id, org_id, name, layer, category, group_id, period_length, cap, min_gift, starts_at, ends_at, created_at)
     VALUES (4, 'req_1', ?, 'Winter food basket', 'relief', 1, 0, 2592000, '2500000', '100000', 0, 4102444800, ?)`,
  ).run(orgs.charity, at);

  const allowedVendors = new Set([orgs.vendor]);
  const deps: EvidenceDeps = {
    db,
    store: await openHeliaStore(ipfsDir),
    keystoreKeys: createKeystoreKeyRing({ current: 1, keys: [{ version: 1, secret: randomBytes(32) }] }),
    mayUpload: async (_programmeId, uploader) =>
      uploader.role === "field_agent" || (uploader.role === "vendor" && allowedVendors.has(uploader.orgId)),
    now,
  };
  return {
    temp,
    ipfsDir,
    deps,
    programmeId: 4,
    orgs,
    allowedVendors,
    addOrganisation,
    async reopenStore() {
      await deps.store.stop();
      deps.store = await openHeliaStore(ipfsDir);
      return deps.store;
    },
    async close() {
      await deps.store.stop();
      temp.cleanup();
      rmSync(ipfsDir, { recursive: true, force: true });
    },
  };
}

/** A "photo": JPEG magic bytes and random content, so no window of it can appear anywhere by chance. */
export function fakeJpeg(size: number): Buffer {
  const bytes = randomBytes(size);
  Buffer.from([0xff, 0xd8, 0xff, 0xe0]).copy(bytes);
  return bytes;
}

export function fakePng(size: number): Buffer {
  const bytes = randomBytes(size);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes);
  return bytes;
}

/** Every file under `dir`, concatenated (empty when the folder does not exist). */
export function filesUnder(dir: string): Buffer[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [readFileSync(full)];
  });
}

/**
 * The 32-byte windows of `plaintext` (one every `stride` bytes) found in any of `haystacks`. With a
 * stride of 16, any run of 47 or more plaintext bytes stored anywhere contains one of them.
 */
export function plaintextWindowsIn(plaintext: Buffer, haystacks: Buffer[], stride = 16): number {
  let found = 0;
  for (let offset = 0; offset + 32 <= plaintext.length; offset += stride) {
    const window = plaintext.subarray(offset, offset + 32);
    if (haystacks.some((haystack) => haystack.includes(window))) found++;
  }
  return found;
}

export function blockCount(ipfsDir: string): number {
  return filesUnder(path.join(ipfsDir, "blocks")).length;
}
