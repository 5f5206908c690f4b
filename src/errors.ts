/**
 * Typed errors shared by every gateway room and returned by the API as one JSON shape.
 *
 * Messages are short, fixed sentences: they never interpolate the value that failed, because the
 * values the gateway validates are national IDs, postal codes and phone numbers, and an error ends up
 * in logs and HTTP responses.
 */
export class AppError extends Error {
  /** HTTP status the API answers with. */
  readonly status: number;
  /** The input field at fault (e.g. `members[1].nationalId`, or a CSV column), never its value. */
  readonly field?: string;
  /** Stable machine-readable reason, e.g. `checksum`, `enrolled_elsewhere`. */
  readonly code?: string;

  constructor(name: string, status: number, message: string, field?: string, code?: string) {
    super(message);
    this.name = name;
    this.status = status;
    if (field !== undefined) this.field = field;
    if (code !== undefined) this.code = code;
  }

  /** The body the API sends; the same shape for every error. */
  toJSON(): { error: { name: string; message: string; field?: string; code?: string } } {
    return { error: { name: this.name, message: this.message, field: this.field, code: this.code } };
  }
}

/** Bad input: 400, naming the field. */
export class ValidationError extends AppError {
  constructor(field: string, code: string, message: string) {
    super("ValidationError", 400, message, field, code);
  }
}

/** The thing already exists (a person already enrolled, a reused idempotency key): 409. */
export class DuplicateError extends AppError {
  constructor(field: string, code: string, message: string) {
    super("DuplicateError", 409, message, field, code);
  }
}

/** The thing is unknown: 404. */
export class NotFoundError extends AppError {
  constructor(field: string, message: string) {
    super("NotFoundError", 404, message, field, "not_found");
  }
}

/** The thing existed but was deliberately destroyed (crypto-shredded PII): 410. */
export class GoneError extends AppError {
  constructor(field: string, message: string) {
    super("GoneError", 410, message, field, "gone");
  }
}
