import { AppError } from "../errors";
import { recordAccess } from "../households";
import type { EvidenceDeps, EvidencePrincipal } from "./context";
import { contentGrounds, evidenceNotFound } from "./evidenceAccess";
import { fileKeyFor } from "./fileKeyFor";
import { sniffMediaType, type EvidenceMediaType } from "./mediaTypes";
import { evidenceByCid, evidenceById, type EvidenceRecord } from "./records";
import { openAndVerify } from "./verifyEvidence";

export interface FetchEvidenceParams {
  /** One of the two. */
  evidenceId?: string;
  cid?: string;
  principal: EvidencePrincipal;
  /** For the access log: the caller's stated purpose and the request id. */
  purpose?: string | null;
  requestId?: string | null;
}

export interface FetchedEvidence {
  record: EvidenceRecord;
  mediaType: EvidenceMediaType;
  bytes: Buffer;
}

/** The record and why the principal may read its content, or 404 as for an unknown id. */
function authorise(
  deps: EvidenceDeps,
  params: FetchEvidenceParams,
): { record: EvidenceRecord; grounds: string } {
  const field = params.evidenceId !== undefined ? "evidenceId" : "cid";
  const record =
    params.evidenceId !== undefined
      ? evidenceById(deps.db, params.evidenceId)
      : params.cid !== undefined
        ? evidenceByCid(deps.db, params.cid)
        : undefined;
  const grounds = record ? contentGrounds(deps.db, params.principal, record) : null;
  if (!record || grounds === null) throw evidenceNotFound(field);
  return { record, grounds };
}

/**
 * The decrypted evidence, for the programme's charity and auditors (see `contentGrounds`): fetched by
 * CID, opened with the caller's wrapped key, checked against its evidence hash, and the read recorded in
 * the access log.
 */
export async function fetchEvidence(
  deps: EvidenceDeps,
  params: FetchEvidenceParams,
): Promise<FetchedEvidence> {
  const { record, grounds } = authorise(deps, params);
  const fileKey = fileKeyFor(deps, record, params.principal.orgId);
  try {
    const envelope = await deps.store.get(record.cid);
    let bytes: Buffer;
    try {
      bytes = openAndVerify(envelope, fileKey, record.evidenceHash);
    } catch {
      // A tag that fails or a hash that differs: the store returned other bytes than were put.
      throw new AppError(
        "EvidenceIntegrityError",
        500,
        "The stored evidence does not open or match its hash.",
      );
    }
    recordAccess(deps.db, {
      reader: params.principal,
      action: "evidence.content",
      subject: record.evidenceId,
      grounds,
      purpose: params.purpose,
      requestId: params.requestId,
      now: deps.now,
    });
    return { record, mediaType: sniffMediaType(bytes) ?? record.mediaType, bytes };
  } finally {
    fileKey.fill(0);
  }
}

export interface EvidenceKey {
  evidenceId: string;
  cid: string;
  evidenceHash: string;
  mediaType: EvidenceMediaType;
  /** The file's AES-256-GCM key, 64 hex digits: with it and the CID anyone can open and check the file. */
  key: string;
}

/**
 * The file key, for the same readers as the content, to open the evidence offline (`sintech evidence
 * fetch`); recorded in the access log as `evidence.key`, since the key is as good as the content.
 */
export function getEvidenceKey(deps: EvidenceDeps, params: FetchEvidenceParams): EvidenceKey {
  const { record, grounds } = authorise(deps, params);
  const fileKey = fileKeyFor(deps, record, params.principal.orgId);
  recordAccess(deps.db, {
    reader: params.principal,
    action: "evidence.key",
    subject: record.evidenceId,
    grounds,
    purpose: params.purpose,
    requestId: params.requestId,
    now: deps.now,
  });
  const key = fileKey.toString("hex");
  fileKey.fill(0);
  return {
    evidenceId: record.evidenceId,
    cid: record.cid,
    evidenceHash: record.evidenceHash,
    mediaType: record.mediaType,
    key,
  };
}
