// OpenSSH known_hosts parsing and host key verification (sshd(8) "SSH_KNOWN_HOSTS FILE
// FORMAT"). Pure: no I/O. Unknown hosts are never accepted, there is no "trust on first use".
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export interface KnownHostEntry {
  /** 1-based line number in the file, for messages. */
  line: number;
  /** "@revoked": never accept this key; "@cert-authority": CA key (certificates are not supported, ignored). */
  marker: "revoked" | "cert-authority" | null;
  /** Plain host patterns (wildcards `*` `?`, negation `!`); empty for a hashed entry. */
  patterns: string[];
  /** Hashed host name `|1|salt|hash` (HMAC-SHA1 of the lookup name keyed with salt). */
  hashed: { salt: Buffer; hash: Buffer } | null;
  /** Key type from the line, e.g. "ssh-ed25519". */
  keyType: string;
  /** The decoded public key blob (SSH wire format), as the server presents it. */
  key: Buffer;
}

export type HostKeyVerdict = { ok: true } | { ok: false; reason: string };

/** Parses known_hosts text. Malformed lines are skipped; this never throws. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  const lines = String(text).split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const entry = parseLine(lines[i]!, i + 1);
    if (entry) entries.push(entry);
  }
  return entries;
}

function parseLine(raw: string, line: number): KnownHostEntry | null {
  const fields = raw.trim().split(/[ \t]+/);
  if (fields.length === 0 || fields[0] === "" || fields[0]!.startsWith("#")) return null;
  let marker: KnownHostEntry["marker"] = null;
  if (fields[0]!.startsWith("@")) {
    const m = fields.shift()!;
    if (m === "@revoked") marker = "revoked";
    else if (m === "@cert-authority") marker = "cert-authority";
    else return null;
  }
  const [hosts, keyType, keyB64] = fields;
  if (!hosts || !keyType || !keyB64) return null;
  const key = decodeKeyBlob(keyType, keyB64);
  if (!key) return null;
  if (hosts.startsWith("|")) {
    const hashed = parseHashedHost(hosts);
    return hashed ? { line, marker, patterns: [], hashed, keyType, key } : null;
  }
  const patterns = hosts.split(",").filter((p) => p !== "");
  if (patterns.length === 0) return null;
  return { line, marker, patterns, hashed: null, keyType, key };
}

/** Base64 key blob whose embedded type string matches the type field; null otherwise. */
function decodeKeyBlob(keyType: string, b64: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return null;
  const blob = Buffer.from(b64, "base64");
  if (blob.length < 4) return null;
  const len = blob.readUInt32BE(0);
  if (len === 0 || 4 + len > blob.length) return null;
  if (blob.subarray(4, 4 + len).toString("latin1") !== keyType) return null;
  return blob;
}

function parseHashedHost(s: string): KnownHostEntry["hashed"] {
  const parts = s.split("|");
  // "|1|salt|hash" splits into ["", "1", salt, hash]
  if (parts.length !== 4 || parts[0] !== "" || parts[1] !== "1") return null;
  const salt = Buffer.from(parts[2]!, "base64");
  const hash = Buffer.from(parts[3]!, "base64");
  if (salt.length !== 20 || hash.length !== 20) return null;
  return { salt, hash };
}

/** The name OpenSSH looks up: "host" on port 22, "[host]:port" otherwise. */
export function knownHostsName(host: string, port: number): string {
  const h = host.toLowerCase();
  return port === 22 ? h : `[${h}]:${port}`;
}

/** OpenSSH-style glob: `*` any run, `?` one character; case-insensitive. */
function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(
    "^" + pattern.toLowerCase().replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".") + "$",
    "s",
  );
  return re.test(name);
}

/** True when the entry's host field matches the lookup name. */
function entryMatches(e: KnownHostEntry, name: string): boolean {
  if (e.hashed) {
    const h = createHmac("sha1", e.hashed.salt).update(name).digest();
    return timingSafeEqual(h, e.hashed.hash);
  }
  let positive = false;
  for (const p of e.patterns) {
    if (p.startsWith("!")) {
      if (globMatch(p.slice(1), name)) return false;
    } else if (globMatch(p, name)) {
      positive = true;
    }
  }
  return positive;
}

/** Entries (not cert-authority) that apply to host:port. */
export function entriesFor(entries: KnownHostEntry[], host: string, port: number): KnownHostEntry[] {
  const name = knownHostsName(host, port);
  return entries.filter((e) => e.marker !== "cert-authority" && entryMatches(e, name));
}

/** Key types known (not revoked) for host:port, in file order, without duplicates. */
export function knownKeyTypes(entries: KnownHostEntry[], host: string, port: number): string[] {
  const types = entriesFor(entries, host, port)
    .filter((e) => e.marker === null)
    .map((e) => e.keyType);
  return [...new Set(types)];
}

/** "SHA256:..." as ssh-keygen -l prints it. */
export function fingerprint(keyBlob: Buffer): string {
  return "SHA256:" + createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "");
}

/** The key type embedded in a key blob ("unknown" when unreadable). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return "unknown";
  const len = keyBlob.readUInt32BE(0);
  if (len === 0 || 4 + len > keyBlob.length) return "unknown";
  return keyBlob.subarray(4, 4 + len).toString("latin1");
}

/**
 * Accepts the server's key only when a non-revoked entry for host:port holds exactly that key.
 * The reason on refusal says what to do about it.
 */
export function verifyHostKey(
  entries: KnownHostEntry[],
  host: string,
  port: number,
  keyBlob: Buffer,
  opts: { file?: string } = {},
): HostKeyVerdict {
  const file = opts.file || "known_hosts_file";
  const name = knownHostsName(host, port);
  const type = keyTypeOf(keyBlob);
  const fp = fingerprint(keyBlob);
  const applicable = entriesFor(entries, host, port);
  const revoked = applicable.find((e) => e.marker === "revoked" && e.key.equals(keyBlob));
  if (revoked) {
    return {
      ok: false,
      reason: `host key for ${name} (${type} ${fp}) is marked @revoked in ${file} line ${revoked.line}: refusing to connect; replace the node's host key`,
    };
  }
  const valid = applicable.filter((e) => e.marker === null);
  if (valid.some((e) => e.key.equals(keyBlob))) return { ok: true };
  const sameType = valid.filter((e) => e.keyType === type);
  if (sameType.length > 0) {
    const lines = sameType.map((e) => e.line).join(", ");
    return {
      ok: false,
      reason:
        `host key MISMATCH for ${name}: the server presented ${type} ${fp}, but ${file} line ${lines} ` +
        `holds a different ${type} key. This may be a man-in-the-middle attack; if the host was reinstalled, ` +
        `verify the new fingerprint, then run: ssh-keygen -R '${name}' -f ${file} and add the new key`,
    };
  }
  const portArg = port === 22 ? "" : `-p ${port} `;
  const keyscanType = type.startsWith("ecdsa-") ? "ecdsa" : type.replace(/^ssh-/, "");
  const others = valid.length > 0 ? ` (it only has ${[...new Set(valid.map((e) => e.keyType))].join(", ")} keys for this host)` : "";
  return {
    ok: false,
    reason:
      `host key for ${name} (${type} ${fp}) not in known_hosts ${file}${others}: add it with ` +
      `ssh-keyscan ${portArg}-t ${keyscanType} ${host} >> ${file} after checking its fingerprint`,
  };
}
