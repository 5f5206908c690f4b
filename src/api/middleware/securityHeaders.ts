import type { RequestHandler } from "express";
import helmet from "helmet";

/**
 * helmet's headers with a CSP tightened for an API: nothing may load except the inline styles of the
 * /docs page. `Cache-Control: no-store` keeps responses that may hold personal data out of caches.
 */
export function securityHeaders(): RequestHandler[] {
  return [
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          styleSrc: ["'unsafe-inline'"],
          baseUri: ["'none'"],
          formAction: ["'none'"],
          frameAncestors: ["'none'"],
        },
      },
    }),
    (_req, res, next) => {
      res.setHeader("Cache-Control", "no-store");
      next();
    },
  ];
}
