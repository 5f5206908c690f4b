import { AppError } from "../errors";
import type { EvidenceDeps } from "./context";
import { unwrapFileKey, wrapFileKey } from "./keyWrap";
import { ensureOrgKey, orgKeyPair } from "./orgKeys";
import { insertWrap, programmeCharity, wrappedKeyFor, type EvidenceRecord } from "./records";

/**
 * The file key of `record`, unwrapped with `orgId`'s key. An auditor organisation registered after the
 * upload has no wrap yet: its wrap is made now from the charity's (the gateway holds both keys), so
 * every auditor can read every file, including those stored before it existed.
 */
export function fileKeyFor(deps: EvidenceDeps, record: EvidenceRecord, orgId: string): Buffer {
  const binding = (org: string) => ({ evidenceId: record.evidenceId, orgId: org });
  const own = unwrapWith(deps, record, orgId);
  if (own) return own;
  const charity = programmeCharity(deps.db, record.programmeId)!;
  const fileKey = unwrapWith(deps, record, charity);
  if (!fileKey) {
    throw new AppError("EvidenceKeyError", 500, "No key of this evidence can be opened.");
  }
  const now = deps.now();
  deps.db.transaction(() => {
    const publicKey = ensureOrgKey(deps.db, deps.keystoreKeys, orgId, now);
    insertWrap(deps.db, record.evidenceId, orgId, wrapFileKey(publicKey, fileKey, binding(orgId)), now);
  })();
  return fileKey;
}

function unwrapWith(deps: EvidenceDeps, record: EvidenceRecord, orgId: string): Buffer | undefined {
  const wrapped = wrappedKeyFor(deps.db, record.evidenceId, orgId);
  const pair = wrapped && orgKeyPair(deps.db, deps.keystoreKeys, orgId);
  if (!wrapped || !pair) return undefined;
  try {
    return unwrapFileKey(pair, wrapped, { evidenceId: record.evidenceId, orgId });
  } finally {
    pair.privateKey.fill(0);
  }
}
