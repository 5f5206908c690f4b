import type { Request, Response } from "express";
import { ValidationError } from "../../errors";
import { unsafeTextProblem, type Reader } from "../../households";

/** The optional header a caller states its purpose in; recorded with each read in the access log. */
export const ACCESS_PURPOSE_HEADER = "X-Access-Purpose";

/**
 * Who reads and why, for the access log: the caller's key, organisation and role, the request id, and
 * the purpose stated in `X-Access-Purpose` (at most 200 characters, no control characters).
 */
export function accessContext(
  req: Request,
  res: Response,
): { reader: Reader; purpose: string | null; requestId: string } {
  const principal = res.locals.principal!;
  const purpose = req.get(ACCESS_PURPOSE_HEADER)?.trim() || null;
  if (purpose !== null && (purpose.length > 200 || unsafeTextProblem(purpose) !== null)) {
    throw new ValidationError(
      ACCESS_PURPOSE_HEADER,
      "invalid_purpose",
      `Send ${ACCESS_PURPOSE_HEADER} as at most 200 characters of plain text.`,
    );
  }
  return {
    reader: { keyId: principal.keyId, orgId: principal.orgId, role: principal.role },
    purpose,
    requestId: res.locals.requestId,
  };
}
