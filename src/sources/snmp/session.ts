// A thin promise wrapper around one net-snmp session per router: created lazily, reused,
// reopened after errors. Every request is bounded by the configured timeout and retries,
// and failures become Errors that say what to check.
import { isIPv6 } from "node:net";
import snmp from "net-snmp";
import type { SnmpRouterConfig } from "../../config/types.js";
import type { Logger } from "../../log.js";
import type { RawVarbind } from "./decode.js";
import { ASN, compareOids, oidSuffix, parseOid } from "./oids.js";

export interface WalkOptions {
  /** Stop after this many rows (a bound against agents that never end a walk). */
  maxRows?: number;
  /** GETBULK max-repetitions. */
  maxRepetitions?: number;
}

export interface SnmpClient {
  /** "host:port", for messages. */
  readonly target: string;
  get(oids: string[]): Promise<RawVarbind[]>;
  getNext(oids: string[]): Promise<RawVarbind[]>;
  /** The varbinds strictly under `columnOid`, in OID order, fetched with GETBULK. */
  walkColumn(columnOid: string, opts?: WalkOptions): Promise<RawVarbind[]>;
  close(): Promise<void>;
}

export const DEFAULT_WALK_MAX_ROWS = 200_000;

export function formatTarget(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

function v3User(cfg: SnmpRouterConfig): snmp.User {
  const v3 = cfg.v3;
  if (!v3) throw new Error(`router "${cfg.name}": SNMP version 3 needs a v3 user (user, auth_key, priv_key)`);
  const level = snmp.SecurityLevel[v3.level];
  if (level === undefined) throw new Error(`router "${cfg.name}": unknown SNMPv3 level "${v3.level}"`);
  const user: snmp.User = { name: v3.user, level };
  if (v3.level !== "noAuthNoPriv") {
    if (!v3.authKey) throw new Error(`router "${cfg.name}": SNMPv3 level ${v3.level} needs an auth key`);
    user.authProtocol = snmp.AuthProtocols[v3.authProtocol];
    user.authKey = v3.authKey;
  }
  if (v3.level === "authPriv") {
    if (!v3.privKey) throw new Error(`router "${cfg.name}": SNMPv3 level authPriv needs a priv key`);
    user.privProtocol = snmp.PrivProtocols[v3.privProtocol];
    user.privKey = v3.privKey;
  }
  return user;
}

/** Turns a net-snmp failure into an Error that names the target and what to check. */
export function describeSnmpError(err: unknown, cfg: SnmpRouterConfig, op: string): Error {
  const target = formatTarget(cfg.host, cfg.port);
  const e = err instanceof Error ? err : new Error(String(err));
  const code = (e as { code?: unknown }).code;
  // net-snmp quotes the community in a community mismatch and the expected HMAC in an auth
  // failure: such messages are replaced, and any other is scrubbed of the configured secrets.
  let detail = scrubSecrets(String(e.message), cfg);
  let message: string;
  if (e.name === "RequestTimedOutError") {
    const total = cfg.timeoutMs * (cfg.retries + 1);
    const check = cfg.version === 3 ? "address, SNMPv3 user, auth/priv keys and ACL" : "address, community and ACL";
    message = `SNMP request to ${target} timed out after ${total}ms: check ${check}`;
  } else if (e.name === "ResponseInvalidError" && code === snmp.ResponseInvalidCode.EAuthFailure) {
    // usmStats reports ("Unknown User Name", ...) are safe to show; a digest mismatch is not.
    if (/digest/i.test(detail)) detail = "the response's authentication digest does not match";
    message = `SNMPv3 authentication with ${target} failed (${detail}): check user name, auth/priv protocols and keys`;
  } else if (e.name === "ResponseInvalidError" && code === snmp.ResponseInvalidCode.ECommunityNoMatch) {
    detail = "the response carries another community than the request";
    message = `SNMP ${op} response from ${target} rejected: ${detail}; check for a proxy or NAT rewriting SNMP between the exporter and the router`;
  } else if (e.name === "ResponseInvalidError" && code === snmp.ResponseInvalidCode.ECouldNotDecrypt) {
    message = `SNMPv3 response from ${target} could not be decrypted: check privacy protocol and key`;
  } else if (e.name === "ResponseInvalidError" && code === snmp.ResponseInvalidCode.EReqResOidNoMatch) {
    message = `malformed SNMP ${op} response from ${target}: it does not answer the OIDs asked (${detail}); the router's entries are unknown: check the agent (firmware, proxies or NAT rewriting SNMP)`;
  } else if (e.name === "RequestFailedError") {
    message = `SNMP agent ${target} refused the ${op} request: ${detail}`;
  } else {
    message = `SNMP ${op} request to ${target} failed: ${detail}`;
  }
  // net-snmp attaches the session's user (keys included) to some errors: keep only what is safe.
  const cause = new Error(detail);
  cause.name = e.name;
  if (code !== undefined) (cause as Error & { code?: unknown }).code = code;
  return new Error(message, { cause });
}

/** The message with every configured community and SNMPv3 key replaced by "<secret>". */
function scrubSecrets(text: string, cfg: SnmpRouterConfig): string {
  const secrets = [cfg.community, cfg.v3?.authKey, cfg.v3?.privKey].filter((s): s is string => !!s);
  return secrets.reduce((t, s) => t.split(s).join("<secret>"), text);
}

export function createSnmpClient(cfg: SnmpRouterConfig, log: Logger): SnmpClient {
  const target = formatTarget(cfg.host, cfg.port);
  // net-snmp retries on its own; the guard only catches a callback that never comes. SNMPv3
  // may spend a second round on engine discovery before the request itself.
  const guardMs = cfg.timeoutMs * (cfg.retries + 1) * (cfg.version === 3 ? 2 : 1) + 1_000;
  let session: snmp.Session | null = null;

  function open(): snmp.Session {
    if (session) return session;
    const options: snmp.SessionOptions = {
      port: cfg.port,
      retries: cfg.retries,
      timeout: cfg.timeoutMs,
      backoff: 1,
      transport: isIPv6(cfg.host) ? "udp6" : "udp4",
      version: cfg.version === 3 ? snmp.Version3 : snmp.Version2c,
      idBitsSize: 32,
      // An answer naming other OIDs than the ones asked is an error, never data (see getVarbindProblem).
      reportOidMismatchErrors: true,
      // A VRF's or VLAN's table (Cisco, Juniper); v2c reaches it with the community "community@context".
      ...(cfg.version === 3 && cfg.v3?.context ? { context: cfg.v3.context } : {}),
    };
    const s =
      cfg.version === 3
        ? snmp.createV3Session(cfg.host, v3User(cfg), options)
        : snmp.createSession(cfg.host, cfg.community, options);
    // Socket errors and unparseable datagrams arrive here; without a listener they would crash.
    s.on("error", (err) => {
      log.debug({ target, err: err.message }, "SNMP session error; the session is reopened on the next request");
      drop(s);
    });
    session = s;
    return s;
  }

  function drop(s: snmp.Session): void {
    if (session !== s) return;
    session = null;
    try {
      s.close();
    } catch {
      // already closed
    }
  }

  function call<T>(op: string, run: (s: snmp.Session, cb: (err: Error | null, value?: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      let s: snmp.Session | null = null;
      const finish = (err: unknown, value?: T): void => {
        if (settled) return;
        settled = true;
        clearTimeout(guard);
        if (err) {
          // A timeout says nothing about the session; anything else (auth, decoding) may.
          if (s && (err as Error).name !== "RequestTimedOutError") drop(s);
          reject(describeSnmpError(err, cfg, op));
        } else {
          resolve(value as T);
        }
      };
      const guard = setTimeout(() => {
        if (s) drop(s);
        finish(new snmp.RequestTimedOutError("Request timed out"));
      }, guardMs);
      try {
        s = open();
        run(s, (err, value) => finish(err, value));
      } catch (err) {
        finish(err);
      }
    });
  }

  function varbindList(value: unknown, op: string): RawVarbind[] {
    if (!Array.isArray(value)) throw new Error(`SNMP ${op} to ${target} returned no varbind list`);
    return value as RawVarbind[];
  }

  return {
    target,
    async get(oids) {
      return varbindList(await call<unknown>("GET", (s, cb) => s.get(oids, cb)), "GET");
    },
    async getNext(oids) {
      return varbindList(await call<unknown>("GETNEXT", (s, cb) => s.getNext(oids, cb)), "GETNEXT");
    },
    async walkColumn(columnOid, opts = {}) {
      const maxRows = opts.maxRows ?? DEFAULT_WALK_MAX_ROWS;
      const maxRepetitions = opts.maxRepetitions ?? 50;
      const out: RawVarbind[] = [];
      let cursor = columnOid;
      let last: number[] | null = null;
      // Each round either adds a row or returns, so maxRows bounds the loop.
      while (out.length < maxRows) {
        const reply = await call<unknown>("GETBULK", (s, cb) => s.getBulk([cursor], 0, maxRepetitions, cb));
        const first = Array.isArray(reply) ? (reply[0] as unknown) : undefined;
        const list = (Array.isArray(first) ? first : first ? [first] : []) as RawVarbind[];
        if (list.length === 0) return out;
        for (const vb of list) {
          if (!vb || typeof vb !== "object" || vb.type === ASN.EndOfMibView) return out;
          if (oidSuffix(vb.oid, columnOid) === null) return out;
          const sub = parseOid(vb.oid)!;
          if (last && compareOids(sub, last) <= 0) {
            log.debug({ target, oid: vb.oid }, "SNMP agent returned OIDs out of order; walk stopped");
            return out;
          }
          last = sub;
          out.push(vb);
          cursor = vb.oid;
          if (out.length >= maxRows) {
            log.warn({ target, column: columnOid, maxRows }, "SNMP walk stopped at its row limit");
            return out;
          }
        }
      }
      return out;
    },
    async close() {
      const s = session;
      session = null;
      if (!s) return;
      await new Promise<void>((resolve) => {
        const done = setTimeout(resolve, 1_000);
        s.on("close", () => {
          clearTimeout(done);
          resolve();
        });
        try {
          s.close();
        } catch {
          clearTimeout(done);
          resolve();
        }
      });
    },
  };
}
