// --web.config.file: the subset of the Prometheus exporter-toolkit web configuration this
// exporter supports (TLS, client certificates, basic auth). Read once at start, like the
// config file; relative paths are relative to the web config file. Strict keys: an
// unsupported toolkit key is an error rather than a security setting silently ignored.
import { createServer as createHttpServer, type RequestListener, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { dirname, resolve } from "node:path";
import { createSecureContext, type TLSSocket } from "node:tls";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ConfigError, formatPath } from "../config/load.js";
import { decodeUtf8, readBoundedFile } from "../config/read-file.js";

/** Web config, certificates, keys and CA bundles are small; a larger file is a wrong path. */
const WEB_FILE_LIMIT = 1024 * 1024;
const readWebFile = (p: string): Buffer => readBoundedFile(p, WEB_FILE_LIMIT);

export const CLIENT_AUTH_TYPES = [
  "NoClientCert",
  "RequestClientCert",
  "RequireAnyClientCert",
  "VerifyClientCertIfGiven",
  "RequireAndVerifyClientCert",
] as const;
export type ClientAuthType = (typeof CLIENT_AUTH_TYPES)[number];

// bcrypt as htpasswd -B and the toolkit's docs make it: $2a$, $2b$ or $2y$, cost 04-31.
const BCRYPT = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;

const webConfigSchema = z.strictObject({
  tls_server_config: z
    .strictObject({
      cert_file: z.string().min(1),
      key_file: z.string().min(1),
      client_auth_type: z.enum(CLIENT_AUTH_TYPES).default("NoClientCert"),
      client_ca_file: z.string().min(1).optional(),
      min_version: z.enum(["TLS12", "TLS13"]).default("TLS12"),
    })
    .optional(),
  basic_auth_users: z
    .record(z.string(), z.string().regex(BCRYPT, "must be a bcrypt hash like $2y$10$... (`htpasswd -nBC 10 USER` prints USER:HASH)"))
    .optional(),
});

export interface TlsSettings {
  cert: Buffer;
  key: Buffer;
  clientCa: Buffer | null;
  clientAuth: ClientAuthType;
  minVersion: "TLSv1.2" | "TLSv1.3";
}

export interface WebConfig {
  source: string;
  tls: TlsSettings | null;
  /** user -> bcrypt hash; null when basic auth is off. */
  basicAuthUsers: Map<string, string> | null;
  /** Files the web config names (certificate, key, CA), as written: a change on disk reloads it. */
  files?: string[];
}

/** No web config: plain HTTP, no basic auth. */
export const NO_WEB_CONFIG: WebConfig = { source: "(none)", tls: null, basicAuthUsers: null };

export function loadWebConfigFile(path: string, readFile: (p: string) => Buffer = readWebFile): WebConfig {
  let text: string;
  try {
    text = decodeUtf8(readFile(path), "the web config file");
  } catch (err) {
    throw new ConfigError(path, [`cannot read the web config file (--web.config.file): ${(err as Error).message}`]);
  }
  return parseWebConfig(text, { source: path, readFile });
}

export function parseWebConfig(text: string, opts: { source: string; readFile?: (p: string) => Buffer }): WebConfig {
  const fail = (problems: string[]): never => {
    throw new ConfigError(opts.source, problems);
  };
  let doc: unknown;
  try {
    doc = parseYaml(text) ?? {}; // an empty file is valid: plain HTTP, no auth (as in the toolkit)
  } catch (err) {
    return fail([`not valid YAML: ${(err as Error).message.split("\n")[0]}`]);
  }
  if (typeof doc !== "object" || Array.isArray(doc)) fail(["the web config must be a YAML mapping with tls_server_config and/or basic_auth_users"]);
  const parsed = webConfigSchema.safeParse(doc, { reportInput: true });
  if (!parsed.success) {
    return fail(
      parsed.error.issues.flatMap((i) =>
        i.code === "unrecognized_keys"
          ? i.keys.map((k) => `${formatPath([...i.path, k])}: unknown key (supported: tls_server_config with cert_file, key_file, client_auth_type, client_ca_file, min_version; basic_auth_users)`)
          : [`${formatPath(i.path)}: ${i.code === "invalid_type" && i.input === undefined ? "is required" : i.message}`],
      ),
    );
  }
  const raw = parsed.data;
  const problems: string[] = [];
  const base = dirname(resolve(opts.source));
  const read = (file: string, key: string): Buffer => {
    const full = resolve(base, file);
    try {
      return (opts.readFile ?? readWebFile)(full);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      problems.push(`${key}: ${e.name === "FileReadError" ? e.message : `cannot read ${full}: ${e.code ?? e.message}`}`);
      return Buffer.alloc(0);
    }
  };

  let tls: TlsSettings | null = null;
  const t = raw.tls_server_config;
  if (t) {
    tls = {
      cert: read(t.cert_file, "tls_server_config.cert_file"),
      key: read(t.key_file, "tls_server_config.key_file"),
      clientCa: t.client_ca_file ? read(t.client_ca_file, "tls_server_config.client_ca_file") : null,
      clientAuth: t.client_auth_type,
      minVersion: t.min_version === "TLS13" ? "TLSv1.3" : "TLSv1.2",
    };
    const verifies = t.client_auth_type === "VerifyClientCertIfGiven" || t.client_auth_type === "RequireAndVerifyClientCert";
    if (verifies && !t.client_ca_file) problems.push(`tls_server_config.client_ca_file: is required with client_auth_type ${t.client_auth_type} (the CA that signs client certificates)`);
    if (t.client_ca_file && t.client_auth_type === "NoClientCert") problems.push("tls_server_config.client_auth_type: client_ca_file is set but no client certificate is asked for: set client_auth_type to RequireAndVerifyClientCert");
    if (!problems.length) {
      // Parse now so a bad PEM or a key that does not match the certificate fails at start.
      try {
        createSecureContext(secureContextOptions(tls));
      } catch (err) {
        problems.push(`tls_server_config: cannot use cert_file, key_file${t.client_ca_file ? " and client_ca_file" : ""}: ${(err as Error).message} (PEM files, the key matching the certificate)`);
      }
    }
  }
  const users = raw.basic_auth_users ? new Map(Object.entries(raw.basic_auth_users)) : null;
  for (const user of users?.keys() ?? []) {
    if (!user || user.includes(":")) problems.push(`basic_auth_users.${user}: a user name must not be empty or contain ':' (basic auth splits user and password at the first ':')`);
  }
  if (problems.length) fail(problems);
  // An empty basic_auth_users turns auth off, as in the toolkit.
  const files = t ? [t.cert_file, t.key_file, ...(t.client_ca_file ? [t.client_ca_file] : [])] : [];
  return { source: opts.source, tls, basicAuthUsers: users?.size ? users : null, files };
}

export function secureContextOptions(tls: TlsSettings) {
  return { cert: tls.cert, key: tls.key, minVersion: tls.minVersion, ...(tls.clientCa ? { ca: tls.clientCa } : {}) };
}

/** An HTTP server, or an HTTPS one with the client certificate policy when TLS is configured. */
export function createWebServer(tls: TlsSettings | null, handler: RequestListener): Server {
  if (!tls) return createHttpServer(handler);
  const mode = tls.clientAuth;
  const server = createHttpsServer(
    {
      ...secureContextOptions(tls),
      requestCert: mode !== "NoClientCert",
      rejectUnauthorized: mode === "RequireAndVerifyClientCert",
    },
    handler,
  );
  // Node has no direct equivalent of Go's RequireAnyClientCert and VerifyClientCertIfGiven:
  // accept the handshake, then drop the connection before it carries a request.
  if (mode === "RequireAnyClientCert" || mode === "VerifyClientCertIfGiven") {
    server.on("secureConnection", (socket: TLSSocket) => {
      const given = Object.keys(socket.getPeerCertificate()).length > 0;
      if (mode === "RequireAnyClientCert" ? !given : given && !socket.authorized) socket.destroy();
    });
  }
  return server;
}
