import type { Database } from "better-sqlite3";
import { NotFoundError } from "../errors";
import type { EvidencePrincipal } from "./context";
import { programmeCharity, type EvidenceRecord } from "./records";

/**
 * Who may see what of a piece of evidence. Refusals answer 404 exactly like an unknown id, so another
 * charity or vendor cannot learn which evidence exists.
 *
 * - Metadata (type, size, CID, hash): the programme's charity, the organisation that uploaded it,
 *   auditors and the regulator.
 * - Content and key: the programme's charity and auditors only. Not the uploading vendor or field agent:
 *   it held the photo once, at the counter; letting its API key read beneficiaries' faces and papers
 *   back later would turn every vendor login into a window onto them. Not the regulator either: it
 *   licenses and resolves, and reads evidence through an auditor.
 */
export function metadataGrounds(
  db: Database,
  principal: EvidencePrincipal,
  record: EvidenceRecord,
): string | null {
  if (principal.role === "auditor" || principal.role === "regulator") return principal.role;
  if (principal.role === "charity" && programmeCharity(db, record.programmeId) === principal.orgId) {
    return `charity:${record.programmeId}`;
  }
  if (record.uploadedBy === principal.orgId) return "uploaded";
  return null;
}

export function contentGrounds(
  db: Database,
  principal: EvidencePrincipal,
  record: EvidenceRecord,
): string | null {
  if (principal.role === "auditor") return "auditor";
  if (principal.role === "charity" && programmeCharity(db, record.programmeId) === principal.orgId) {
    return `charity:${record.programmeId}`;
  }
  return null;
}

export function evidenceNotFound(field: string): NotFoundError {
  return new NotFoundError(field, "No evidence has this id.");
}
