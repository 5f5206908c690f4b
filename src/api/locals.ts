import type { Logger } from "pino";
import type { Principal } from "../apiKeys";

/** Per-request state the middleware leaves for route handlers, typed on `res.locals`. */
declare global {
  namespace Express {
    interface Locals {
      requestId: string;
      /** A logger bound to this request's id. */
      log: Logger;
      /** Set when the request carried a valid, unrevoked API key. */
      principal?: Principal;
      /** True when the request carried credentials that were not a valid key. */
      credentialsRejected?: boolean;
      /** Inputs parsed by `validate()`, by where they came from. */
      validated?: Partial<Record<"body" | "query" | "params", unknown>>;
    }
  }
}

export {};
