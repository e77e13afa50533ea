// Bearer-token check for /remediate. Compared in constant time over SHA-256 digests, so
// neither the content nor the length of the token leaks through timing. The token and the
// Authorization header are never logged.
import { createHash, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { Logger } from "../log.js";

export const AUTH_REALM = "vip-arp-exporter";

export const DISABLED_MESSAGE =
  "remediation is disabled: no token is configured. Enable it by setting remediation.token_file " +
  "in the config file (a file holding the token) or the environment variable VIP_ARP_REMEDIATE_TOKEN, " +
  "then call POST /remediate with `Authorization: Bearer <token>`";

function digest(s: string): Buffer {
  return createHash("sha256").update(s, "utf8").digest();
}

/** The token of a `Bearer <token>` header, "" when it is not one. */
function bearerToken(header: string): string {
  // No backtracking regex here: a lazy `(.+?)[ \t]*$` is quadratic on a header padded with
  // blanks, and this runs before authentication.
  const scheme = /^Bearer[ \t]+/i.exec(header);
  if (!scheme) return "";
  let end = header.length;
  while (end > scheme[0].length && (header[end - 1] === " " || header[end - 1] === "\t")) end--;
  return header.slice(scheme[0].length, end);
}

/** True when `header` is `Bearer <token>` with exactly the expected token. */
export function tokenMatches(header: string | undefined, expected: string): boolean {
  const token = bearerToken(header ?? "");
  // Hash even on a malformed header so every path costs the same.
  const given = digest(token);
  return timingSafeEqual(given, digest(expected)) && token !== "";
}

/**
 * Express middleware: 503 when no token is configured, 401 on a missing or wrong token. The
 * token may be a function: it is read per request (a reload may change it).
 */
export function bearerAuth(tokenOf: string | null | (() => string | null), log: Logger): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const token = typeof tokenOf === "function" ? tokenOf() : tokenOf;
    if (token === null || token === "") {
      res.status(503).json({ error: DISABLED_MESSAGE });
      return;
    }
    if (!tokenMatches(req.get("authorization"), token)) {
      log.warn(
        { remote: req.ip, path: req.path, authorization: req.get("authorization") === undefined ? "missing" : "invalid" },
        "rejected /remediate request: bad or missing bearer token",
      );
      res
        .status(401)
        .set("WWW-Authenticate", `Bearer realm="${AUTH_REALM}"`)
        .json({ error: "missing or invalid bearer token: send `Authorization: Bearer <token>`" });
      return;
    }
    next();
  };
}
