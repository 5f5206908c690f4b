import { randomUUID } from "node:crypto";
import { AppError, NotFoundError } from "../errors";
import type { EvidenceDeps } from "./context";
import { evidenceHashOf, newFileKey, sealEvidence } from "./envelope";
import { wrapFileKey } from "./keyWrap";
import { checkEvidenceBytes, type EvidenceMediaType } from "./mediaTypes";
import { ensureOrgKey } from "./orgKeys";
import { auditorOrgIds, insertWrap, programmeCharity } from "./records";

export interface StoreEvidenceParams {
  programmeId: number;
  uploadedBy: { orgId: string; role: string };
  mediaType: EvidenceMediaType;
  bytes: Uint8Array;
}

export interface StoreEvidenceResult {
  evidenceId: string;
  cid: string;
  evidenceHash: string;
  size: number;
  mediaType: EvidenceMediaType;
}

/**
 * Encrypts a photo, scanned receipt or PDF under a fresh key, stores the ciphertext (only) in the
 * evidence store, and wraps the key for the programme's charity and every auditor organisation. Bad
 * input (unknown programme, an uploader the programme does not allow, a wrong type, too large) is
 * refused before anything is stored or written.
 */
export async function storeEvidence(
  deps: EvidenceDeps,
  params: StoreEvidenceParams,
): Promise<StoreEvidenceResult> {
  const charity = programmeCharity(deps.db, params.programmeId);
  if (charity === undefined) throw new NotFoundError("programmeId", "No programme has this id.");
  checkEvidenceBytes(params.mediaType, params.bytes);
  if (!(await deps.mayUpload(params.programmeId, params.uploadedBy))) {
    throw new AppError(
      "ForbiddenError",
      403,
      "Only a vendor the programme allows, or a licensed field agent, attaches evidence to it.",
      "programmeId",
      "not_your_programme",
    );
  }

  const evidenceId = `ev_${randomUUID()}`;
  const fileKey = newFileKey();
  try {
    const evidenceHash = evidenceHashOf(fileKey, params.bytes);
    const cid = await deps.store.put(sealEvidence(fileKey, params.bytes));
    const now = deps.now();
    const recipients = [...new Set([charity, ...auditorOrgIds(deps.db)])];
    deps.db.transaction(() => {
      deps.db
        .prepare(
          `INSERT INTO evidence (evidence_id, programme_id, uploaded_by, media_type, size, cid, evidence_hash, store, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          evidenceId,
          params.programmeId,
          params.uploadedBy.orgId,
          params.mediaType,
          params.bytes.length,
          cid,
          evidenceHash,
          deps.store.kind,
          now.toISOString(),
        );
      for (const orgId of recipients) {
        const publicKey = ensureOrgKey(deps.db, deps.keystoreKeys, orgId, now);
        insertWrap(deps.db, evidenceId, orgId, wrapFileKey(publicKey, fileKey, { evidenceId, orgId }), now);
      }
    })();
    return { evidenceId, cid, evidenceHash, size: params.bytes.length, mediaType: params.mediaType };
  } finally {
    fileKey.fill(0);
  }
}
