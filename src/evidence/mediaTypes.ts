import { AppError, ValidationError } from "../errors";

/** The media types evidence may have: photos and scans of signed paper receipts, or PDFs. */
export const EVIDENCE_MEDIA_TYPES = ["image/jpeg", "image/png", "application/pdf"] as const;
export type EvidenceMediaType = (typeof EVIDENCE_MEDIA_TYPES)[number];

/** 10 MB: a phone photo is 2 to 5 MB, a scanned receipt far less. */
export const EVIDENCE_MAX_BYTES = 10 * 1024 * 1024;

/** What each allowed type's file must begin with (its magic bytes). */
const MAGIC: Record<EvidenceMediaType, Buffer> = {
  "image/jpeg": Buffer.from([0xff, 0xd8, 0xff]),
  "image/png": Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  "application/pdf": Buffer.from("%PDF-", "latin1"),
};

/** The declared type, lower-cased and without parameters, when it is one of the allowed types. */
export function parseMediaType(declared: string | undefined): EvidenceMediaType {
  const bare = (declared ?? "").split(";")[0]!.trim().toLowerCase();
  const allowed = EVIDENCE_MEDIA_TYPES.find((type) => type === bare);
  if (!allowed) {
    throw new AppError(
      "UnsupportedMediaType",
      415,
      `Evidence must be one of ${EVIDENCE_MEDIA_TYPES.join(", ")}.`,
      "Content-Type",
      "media_type",
    );
  }
  return allowed;
}

/** The type the bytes really are, by their magic bytes; undefined for anything else. */
export function sniffMediaType(bytes: Uint8Array): EvidenceMediaType | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 8));
  return EVIDENCE_MEDIA_TYPES.find((type) => head.subarray(0, MAGIC[type].length).equals(MAGIC[type]));
}

/**
 * Refuses evidence that is empty, too large, or whose bytes are not what the declared type says (a
 * renamed executable, an HTML page sent as `image/png`): the header alone proves nothing.
 */
export function checkEvidenceBytes(mediaType: EvidenceMediaType, bytes: Uint8Array): void {
  if (bytes.length === 0) throw new ValidationError("body", "empty", "The evidence file is empty.");
  if (bytes.length > EVIDENCE_MAX_BYTES) throw evidenceTooLarge();
  if (sniffMediaType(bytes) !== mediaType) {
    throw new ValidationError(
      "Content-Type",
      "content_mismatch",
      "The file's bytes are not of the declared media type.",
    );
  }
}

export function evidenceTooLarge(): AppError {
  return new AppError(
    "PayloadTooLarge",
    413,
    `Evidence is limited to ${EVIDENCE_MAX_BYTES / (1024 * 1024)} MB.`,
    "body",
    "too_large",
  );
}
