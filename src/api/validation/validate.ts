import type { RequestHandler } from "express";
import type { z } from "zod";
import { assertStrictObjects } from "./assertStrictObjects";
import { parseInput, type InputSource } from "../../validation";

/**
 * Middleware that validates the request body (or query, or path parameters) against a strict zod
 * schema. On success the parsed value replaces `req.body` and is kept in `res.locals.validated`;
 * on failure a 400 names the first failing field.
 */
export function validate<S extends z.ZodType>(schema: S, source: InputSource = "body"): RequestHandler {
  assertStrictObjects(schema, source);
  return (req, res, next) => {
    const data = parseInput(schema, req[source], source);
    res.locals.validated = { ...res.locals.validated, [source]: data };
    if (source === "body") req.body = data;
    next();
  };
}

/** The value `validate(schema, source)` parsed for this request, typed by the same schema. */
export function validated<S extends z.ZodType>(
  res: { locals: { validated?: Partial<Record<InputSource, unknown>> } },
  _schema: S,
  source: InputSource = "body",
): z.output<S> {
  if (!res.locals.validated || !(source in res.locals.validated)) {
    throw new Error(`validated(): no validate(schema, "${source}") ran for this route`);
  }
  return res.locals.validated[source] as z.output<S>;
}
