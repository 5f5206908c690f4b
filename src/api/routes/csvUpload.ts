import { Transform, type Readable } from "node:stream";
import type { Request } from "express";
import { AppError, ValidationError } from "../../errors";
import { utf8Guard } from "../../households/utf8Guard";

/** CSV uploads stream through; 64 MB is about a million household rows. */
export const CSV_UPLOAD_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * The request body as a stream of CSV text, refused with 415 when it is not `text/csv` and cut with 413
 * past the limit, and refused (400 `not_utf8`, naming the line) when it is not UTF-8. Nothing is buffered whole and nothing of it is logged.
 */
export function csvUpload(req: Request, limitBytes = CSV_UPLOAD_LIMIT_BYTES): Readable {
  if (!req.is("text/csv")) {
    throw new AppError("UnsupportedMediaType", 415, "Send the file as text/csv.", "body", "media_type");
  }
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > limitBytes) {
        callback(
          new AppError(
            "PayloadTooLarge",
            413,
            "The file is larger than the upload limit.",
            "body",
            "too_large",
          ),
        );
        return;
      }
      callback(null, chunk);
    },
  });
  req.on("error", (error) => counter.destroy(error));
  // Bytes that are not UTF-8 are refused naming their line, never decoded into U+FFFD.
  const text = utf8Guard();
  counter.on("error", (error) => text.destroy(error));
  return req.pipe(counter).pipe(text);
}

/** The Idempotency-Key header that every upload must carry, so a retried upload is not applied twice. */
export function idempotencyKeyHeader(req: Request): string {
  const key = req.get("idempotency-key");
  if (!key || !/^[A-Za-z0-9._:-]{8,100}$/.test(key)) {
    throw new ValidationError(
      "Idempotency-Key",
      "required",
      "Send an Idempotency-Key header of 8 to 100 characters.",
    );
  }
  return key;
}
