import type { EvidenceDeps, EvidencePrincipal } from "./context";
import { evidenceNotFound, metadataGrounds } from "./evidenceAccess";
import { evidenceById, type EvidenceRecord } from "./records";

export interface GetEvidenceParams {
  evidenceId: string;
  principal: EvidencePrincipal;
}

/** The evidence's metadata, for whoever may see it (see `metadataGrounds`); 404 otherwise. */
export function getEvidence(deps: Pick<EvidenceDeps, "db">, params: GetEvidenceParams): EvidenceRecord {
  const record = evidenceById(deps.db, params.evidenceId);
  if (!record || metadataGrounds(deps.db, params.principal, record) === null) {
    throw evidenceNotFound("evidenceId");
  }
  return record;
}
