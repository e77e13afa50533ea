// HTTP basic auth against the web config's basic_auth_users (bcrypt hashes, as in the
// Prometheus exporter-toolkit). bcrypt is slow on purpose, too slow to pay on every 1 s
// scrape: a successful check is remembered for CACHE_TTL_MS as an HMAC of (user, password)
// under a per-process key, compared in constant time. Failures are never cached. An unknown
// user costs one bcrypt too, so timing does not tell which users exist. Neither passwords
// nor the Authorization header are logged.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import bcrypt from "bcryptjs";
import type { Logger } from "../log.js";
import { AUTH_REALM } from "./auth.js";

export const CACHE_TTL_MS = 5 * 60_000;

export interface BasicAuthOptions {
  log: Logger;
  /** Requests that skip basic auth because they authenticate otherwise. */
  exempt?: (req: IncomingMessage) => boolean;
  /** Injectable for tests. */
  now?: () => number;
  compare?: (password: string, hash: string) => Promise<boolean>;
}

/** user and password of a `Basic <base64(user:password)>` header; null when it is not one. */
export function parseBasicAuth(header: string | undefined): { user: string; password: string } | null {
  const m = /^Basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i.exec(header ?? "");
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export class BasicAuthVerifier {
  private readonly key = randomBytes(32);
  private readonly cache = new Map<string, { mac: Buffer; expires: number }>();
  private readonly now: () => number;
  private readonly compare: (password: string, hash: string) => Promise<boolean>;
  /** A configured hash, checked for unknown users so that they cost the same. */
  private readonly decoy: string;

  constructor(
    private readonly users: ReadonlyMap<string, string>,
    opts: Pick<BasicAuthOptions, "now" | "compare"> = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.compare = opts.compare ?? ((p, h) => bcrypt.compare(p, h));
    const first = users.values().next();
    if (first.done) throw new Error("basic auth needs at least one user");
    this.decoy = first.value;
  }

  async verify(user: string, password: string): Promise<boolean> {
    const mac = createHmac("sha256", this.key).update(user).update("\0").update(password).digest();
    const hit = this.cache.get(user);
    if (hit && hit.expires > this.now() && timingSafeEqual(hit.mac, mac)) return true;
    const hash = this.users.get(user);
    const matches = await this.compare(password, hash ?? this.decoy).catch(() => false);
    const ok = matches && hash !== undefined;
    if (ok) this.cache.set(user, { mac, expires: this.now() + CACHE_TTL_MS });
    return ok;
  }
}

/** A request gate in front of the app: 401 with `WWW-Authenticate: Basic` unless the credentials match. */
export function basicAuthGate(
  users: ReadonlyMap<string, string>,
  opts: BasicAuthOptions,
): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  const verifier = new BasicAuthVerifier(users, opts);
  return (req, res, next) => {
    if (opts.exempt?.(req)) return next();
    const creds = parseBasicAuth(req.headers.authorization);
    (creds ? verifier.verify(creds.user, creds.password) : Promise.resolve(false))
      .then((ok) => {
        if (ok) return next();
        opts.log.warn(
          { remote: req.socket.remoteAddress, path: (req.url ?? "").split("?")[0], authorization: creds ? "invalid" : "missing" },
          "rejected request: bad or missing basic auth credentials",
        );
        res.writeHead(401, { "WWW-Authenticate": `Basic realm="${AUTH_REALM}", charset="UTF-8"`, "Content-Type": "text/plain; charset=utf-8" });
        res.end("401 Unauthorized: send the user and password of basic_auth_users in the web config (--web.config.file)\n");
      })
      .catch((err: unknown) => {
        opts.log.error({ err: (err as Error).message }, "request failed after basic auth");
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  };
}
