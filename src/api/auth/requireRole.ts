import type { RequestHandler } from "express";
import { ForbiddenError, UnauthenticatedError } from "../errors/httpErrors";
import { ROLES, type Role } from "../../apiKeys";

/**
 * Lets the request through only with a valid key of one of `roles` (any valid key when none are
 * given): 401 without a usable key, 403 with a key of another role. Put it before `validate()` so
 * strangers learn nothing about a route's input rules.
 */
export function requireRole(...roles: Role[]): RequestHandler {
  for (const role of roles) {
    if (!ROLES.includes(role)) throw new Error(`requireRole: unknown role "${role}"`);
  }
  return (_req, res, next) => {
    const principal = res.locals.principal;
    if (!principal) {
      throw new UnauthenticatedError(
        res.locals.credentialsRejected
          ? "The API key is not valid or has been revoked"
          : "An API key is required",
      );
    }
    if (roles.length > 0 && !roles.includes(principal.role)) {
      throw new ForbiddenError(`This action requires the role ${roles.join(" or ")}`);
    }
    next();
  };
}
