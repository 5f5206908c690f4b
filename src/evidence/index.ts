/**
 * Evidence: photos, scanned signed receipts and PDFs attached to deliveries, encrypted per file
 * (AES-256-GCM) before they reach IPFS (embedded Helia on disk, or Kubo), the key wrapped (X25519 + HKDF
 * + AES-GCM) for the programme's charity and every auditor. A receipt's `evidenceHash` commits to the
 * plaintext, salted with the file key. One action per file.
 */
export { EVIDENCE_SQL } from "./schema";
export type { EvidenceDeps, EvidencePrincipal } from "./context";
export { storeEvidence } from "./storeEvidence";
export type { StoreEvidenceParams, StoreEvidenceResult } from "./storeEvidence";
export { fetchEvidence, getEvidenceKey } from "./fetchEvidence";
export type { EvidenceKey, FetchedEvidence, FetchEvidenceParams } from "./fetchEvidence";
export { getEvidence } from "./getEvidence";
export type { GetEvidenceParams } from "./getEvidence";
export type { EvidenceRecord } from "./records";
export { verifyEvidence, openAndVerify, EvidenceMismatchError } from "./verifyEvidence";
export { evidenceHashOf, openEvidence, sealEvidence, newFileKey, FILE_KEY_BYTES } from "./envelope";
export {
  EVIDENCE_MAX_BYTES,
  EVIDENCE_MEDIA_TYPES,
  checkEvidenceBytes,
  evidenceTooLarge,
  parseMediaType,
  sniffMediaType,
} from "./mediaTypes";
export type { EvidenceMediaType } from "./mediaTypes";
export type { EvidenceStore } from "./store/evidenceStore";
export { CID_PATTERN, EvidenceNotStoredError } from "./store/evidenceStore";
export { openEvidenceStore } from "./store/openEvidenceStore";
export { openHeliaStore } from "./store/heliaStore";
export { openKuboStore } from "./store/kuboStore";
