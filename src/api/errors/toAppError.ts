import { STATUS_CODES } from "node:http";
import { AppError } from "../../errors";
import {
  InternalError,
  MalformedJsonError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from "./httpErrors";

/** What body-parser and http-errors attach to the errors they raise. */
interface HttpLibraryError {
  type?: string;
  status?: number;
  expose?: boolean;
}

/**
 * Maps anything thrown during a request to an AppError. Library errors get fixed messages because
 * theirs can quote input; unknown errors become a generic 500 (the original is logged, not sent).
 */
export function toAppError(error: unknown, bodyLimit: string): AppError {
  if (error instanceof AppError) return error;
  const { type, status, expose } = (error ?? {}) as HttpLibraryError;
  switch (type) {
    case "entity.too.large":
      return new PayloadTooLargeError(bodyLimit);
    case "entity.parse.failed":
      return new MalformedJsonError();
    case "encoding.unsupported":
    case "charset.unsupported":
      return new UnsupportedMediaTypeError();
  }
  if (typeof status === "number" && status >= 400 && status < 500 && expose !== false) {
    const reason = STATUS_CODES[status] ?? "Bad Request";
    return new AppError(`${reason.replace(/[^A-Za-z]/g, "")}Error`, status, reason);
  }
  return new InternalError();
}
