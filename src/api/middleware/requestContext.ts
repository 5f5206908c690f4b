import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import type { Logger } from "pino";

export const REQUEST_ID_HEADER = "X-Request-Id";

/**
 * Gives every request an id (returned in `X-Request-Id`, the error body and every log line) and a
 * logger bound to it. The id is always ours: a client-chosen id could be anything, including an ID
 * number, and would then be repeated in logs and responses.
 */
export function requestContext(logger: Logger): RequestHandler {
  return (_req, res, next) => {
    const requestId = randomUUID();
    res.locals.requestId = requestId;
    res.locals.log = logger.child({ requestId });
    res.setHeader(REQUEST_ID_HEADER, requestId);
    next();
  };
}
