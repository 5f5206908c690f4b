import type { ErrorRequestHandler, RequestHandler } from "express";
import type { AppError } from "../../errors";
import { redactText } from "../../logging/redactText";
import { RouteNotFoundError } from "./httpErrors";
import { toAppError } from "./toAppError";

export interface ErrorBody {
  error: { name: string; message: string; field?: string; code?: string; requestId: string };
}

/** The one error shape of the API. Masked again in case a domain message quoted an ID-like value. */
export function errorBody(error: AppError, requestId: string): ErrorBody {
  return {
    error: {
      name: error.name,
      message: redactText(error.message),
      ...(error.field !== undefined && { field: redactText(error.field) }),
      ...(error.code !== undefined && { code: error.code }),
      requestId,
    },
  };
}

export const notFound: RequestHandler = () => {
  throw new RouteNotFoundError();
};

export function errorHandler(bodyLimit: string): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    const appError = toAppError(error, bodyLimit);
    if (appError.status >= 500) res.locals.log.error({ err: error }, "request failed");
    if (res.headersSent) {
      // Too late for an error body; cutting the connection tells the client the response is incomplete.
      res.destroy();
      return;
    }
    if (appError.status === 401) res.setHeader("WWW-Authenticate", 'Bearer realm="sintech"');
    res.status(appError.status).json(errorBody(appError, res.locals.requestId));
  };
}
