import type { Database } from "better-sqlite3";
import { cachedStatement } from "../db/statements";
import type { EvidenceMediaType } from "./mediaTypes";

/** What the gateway says about a piece of evidence: never its bytes, never its key. */
export interface EvidenceRecord {
  evidenceId: string;
  programmeId: number;
  uploadedBy: string;
  mediaType: EvidenceMediaType;
  size: number;
  cid: string;
  evidenceHash: string;
  store: "helia" | "kubo";
  createdAt: string;
}

const SELECT = `SELECT evidence_id AS evidenceId, programme_id AS programmeId, uploaded_by AS uploadedBy,
  media_type AS mediaType, size, cid, evidence_hash AS evidenceHash, store, created_at AS createdAt
  FROM evidence`;

export function evidenceById(db: Database, evidenceId: string): EvidenceRecord | undefined {
  return cachedStatement(db, `${SELECT} WHERE evidence_id = ?`).get(evidenceId) as EvidenceRecord | undefined;
}

/** The first evidence stored under a CID (ciphertexts are random, so a CID names one upload). */
export function evidenceByCid(db: Database, cid: string): EvidenceRecord | undefined {
  return cachedStatement(db, `${SELECT} WHERE cid = ? ORDER BY created_at LIMIT 1`).get(cid) as
    EvidenceRecord | undefined;
}

export function programmeCharity(db: Database, programmeId: number): string | undefined {
  return cachedStatement(db, "SELECT org_id FROM programmes WHERE programme_id = ?", "pluck").get(
    programmeId,
  ) as string | undefined;
}

/** Every auditor organisation the gateway knows: each gets a wrap of every file key. */
export function auditorOrgIds(db: Database): string[] {
  return cachedStatement(
    db,
    "SELECT org_id FROM organisations WHERE role = 'auditor' ORDER BY org_id",
    "pluck",
  ).all() as string[];
}

export function wrappedKeyFor(db: Database, evidenceId: string, orgId: string): Buffer | undefined {
  return cachedStatement(
    db,
    "SELECT wrapped FROM evidence_key_wraps WHERE evidence_id = ? AND org_id = ?",
    "pluck",
  ).get(evidenceId, orgId) as Buffer | undefined;
}

export function insertWrap(
  db: Database,
  evidenceId: string,
  orgId: string,
  wrapped: Buffer,
  now: Date,
): void {
  cachedStatement(
    db,
    "INSERT INTO evidence_key_wraps (evidence_id, org_id, wrapped, created_at) VALUES (?, ?, ?, ?)",
  ).run(evidenceId, orgId, wrapped, now.toISOString());
}
