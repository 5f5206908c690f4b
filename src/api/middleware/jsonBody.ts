import express, { type RequestHandler } from "express";
import { UnsupportedMediaTypeError } from "../errors/httpErrors";

/**
 * Parses JSON bodies up to `limit`; other media types are refused (415) rather than silently left
 * unparsed, which would surface later as a confusing "body is required". `text/csv` is the one
 * exception: upload routes stream it themselves, with their own size limit (see `csvUpload`).
 */
export function jsonBody(limit: string): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    const hasBody =
      req.headers["transfer-encoding"] !== undefined ||
      (req.headers["content-length"] !== undefined && req.headers["content-length"] !== "0");
    if (hasBody && !req.is("application/json") && !req.is("text/csv")) throw new UnsupportedMediaTypeError();
    next();
  };
  return [requireJson, express.json({ limit, strict: true })];
}
