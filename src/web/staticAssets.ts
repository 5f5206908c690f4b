import { readFileSync } from "node:fs";
import path from "node:path";
import type { Router } from "express";

/** The pages' only scripts and styles: files beside this one, read once at boot, served with a hash ETag. */
export const ASSET_FILES = [
  "app.css",
  "keccak.js",
  "verify.js",
  "vendor.js",
  "progress.js",
  "follow.js",
  "login-link.js",
] as const;
const TYPES: Record<string, string> = {
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
};
export const ASSETS_DIR = path.join(__dirname, "assets");

export function registerStaticAssets(router: Router): void {
  const files = new Map(ASSET_FILES.map((name) => [name, readFileSync(path.join(ASSETS_DIR, name))]));
  router.get("/app/static/:name", (req, res, next) => {
    const body = files.get(req.params.name as (typeof ASSET_FILES)[number]);
    if (!body) return next();
    res
      .status(200)
      .set({ "Content-Type": TYPES[path.extname(req.params.name)]!, "Cache-Control": "public, max-age=300" })
      .send(body);
  });
}
