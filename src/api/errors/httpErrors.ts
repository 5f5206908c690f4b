import { AppError } from "../../errors";

/** The HTTP-layer errors; domain rooms throw their own `AppError`s. */

export class UnauthenticatedError extends AppError {
  constructor(message: string) {
    super("UnauthenticatedError", 401, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string) {
    super("ForbiddenError", 403, message);
  }
}

export class RouteNotFoundError extends AppError {
  constructor() {
    // The path is not repeated: URLs can carry identifiers.
    super("RouteNotFoundError", 404, "No route matches this method and path");
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limit: string) {
    super("PayloadTooLargeError", 413, `Request body exceeds the ${limit} limit`);
  }
}

export class MalformedJsonError extends AppError {
  constructor() {
    // A fixed message: the parser's own message quotes the offending text.
    super("MalformedJsonError", 400, "Request body is not valid JSON (an object or array is expected)");
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor() {
    super("UnsupportedMediaTypeError", 415, "Request bodies must be application/json in UTF-8");
  }
}

export class RateLimitedError extends AppError {
  constructor() {
    super("RateLimitedError", 429, "Too many requests; retry after the time given in Retry-After");
  }
}

export class InternalError extends AppError {
  constructor() {
    super("InternalError", 500, "Internal error; quote the request id when reporting it");
  }
}
