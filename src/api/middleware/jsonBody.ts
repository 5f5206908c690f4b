import express, { type RequestHandler } from "express";
import { UnsupportedMediaTypeError } from "../errors/httpErrors";

/**
 * Parses JSON bodies up to `limit`; other media types are refused (415) rather than silently left
 * unparsed, which would surface later as a confusing "body is required". `text/csv` is one exception:
 * upload routes stream it themselves, with their own size limit (see `csvUpload`); `rawBodyPaths` (the
 * evidence upload) are the other: those routes read and check any body themselves.
 */
export function jsonBody(limit: string, rawBodyPaths: readonly string[] = []): RequestHandler[] {
  const raw = new Set(rawBodyPaths);
  const requireJson: RequestHandler = (req, _res, next) => {
    if (raw.has(req.path)) return next();
    const hasBody =
      req.headers["transfer-encoding"] !== undefined ||
      (req.headers["content-length"] !== undefined && req.headers["content-length"] !== "0");
    if (hasBody && !req.is("application/json") && !req.is("text/csv")) throw new UnsupportedMediaTypeError();
    next();
  };
  const parseJson = express.json({ limit, strict: true });
  const json: RequestHandler = (req, res, next) => (raw.has(req.path) ? next() : parseJson(req, res, next));
  return [requireJson, json];
}
