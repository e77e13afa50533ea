// `vip-arp-exporter healthcheck`: GET /-/healthy (or --path) of the exporter running on this
// host, over HTTP or HTTPS and with basic auth as its --web.config.file says. For the image's
// HEALTHCHECK and Kubernetes exec probes, which a plain HTTP probe cannot pass once TLS or
// basic auth is on. Exit 0 healthy, 1 not healthy (no answer, timeout, another status, or
// another certificate), 2 usage or config errors.
//
// HTTPS: the server must present exactly the certificate of tls_server_config.cert_file (the
// probe runs beside the server, so it pins the configured certificate instead of trusting a
// CA or a host name). Credentials are sent only after that check. The password comes from a
// file and is never printed.
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { request as httpRequest, type ClientRequest, type IncomingMessage } from "node:http";
import { connect as tlsConnect, type TLSSocket } from "node:tls";
import { Command, Option } from "commander";
import { MAX_TIMER_MS, parseDuration } from "../config/duration.js";
import { loadWebConfigFile, NO_WEB_CONFIG, type WebConfig } from "../http/web-config.js";
import { parseListenAddress } from "./listen-address.js";
import { UsageError } from "./runtime.js";

export interface HealthcheckOptions {
  listenAddress: string;
  webConfigFile?: string;
  path: string;
  username?: string;
  passwordFile?: string;
  clientCertFile?: string;
  clientKeyFile?: string;
  timeoutMs: number;
}

export interface HealthcheckTarget {
  scheme: "http" | "https";
  host: string;
  port: number;
  path: string;
  /** DER of the certificate the server must present (HTTPS only). */
  pinnedCert: Buffer | null;
  /** The `Authorization` header value, when basic auth is on. */
  authorization: string | null;
  clientCert: { cert: Buffer; key: Buffer } | null;
}

const CLIENT_CERT_REQUIRED = new Set(["RequireAnyClientCert", "RequireAndVerifyClientCert"]);

/** Where a server listening on `listenAddress` answers on this host: wildcards mean loopback. */
export function probeHost(listenAddress: string): { host: string; port: number } {
  const { host, port } = parseListenAddress(listenAddress);
  if (host === undefined || host === "0.0.0.0") return { host: "127.0.0.1", port };
  if (host === "::") return { host: "::1", port };
  return { host, port };
}

/**
 * What to ask and how, from the options and the web config. Throws UsageError naming the
 * option to add when the web config needs credentials or a client certificate not given.
 */
export function healthcheckTarget(o: HealthcheckOptions, web: WebConfig, readFile: (p: string) => Buffer = readFileSync): HealthcheckTarget {
  if (!o.path.startsWith("/")) throw new UsageError(`--path "${o.path}" must start with "/", e.g. /-/healthy or /-/ready`);
  const { host, port } = probeHost(o.listenAddress);
  const read = (file: string, flag: string): Buffer => {
    try {
      return readFile(file);
    } catch (err) {
      throw new UsageError(`cannot read ${flag} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  };
  let authorization: string | null = null;
  if (web.basicAuthUsers) {
    const users = [...web.basicAuthUsers.keys()];
    const user = o.username ?? (users.length === 1 ? users[0] : undefined);
    if (user === undefined) throw new UsageError(`${web.source} has ${users.length} basic auth users: choose one with --auth.username`);
    if (!web.basicAuthUsers.has(user)) throw new UsageError(`--auth.username "${user}" is not one of the basic auth users of ${web.source}`);
    if (!o.passwordFile) throw new UsageError(`basic auth is on in ${web.source}: give the password of "${user}" with --auth.password-file (or VIP_ARP_HEALTHCHECK_PASSWORD_FILE)`);
    const password = read(o.passwordFile, "--auth.password-file").toString("utf8").replace(/\r?\n$/, "");
    if (!password) throw new UsageError(`--auth.password-file ${o.passwordFile} is empty`);
    authorization = `Basic ${Buffer.from(`${user}:${password}`, "utf8").toString("base64")}`;
  }
  let clientCert: HealthcheckTarget["clientCert"] = null;
  if (o.clientCertFile || o.clientKeyFile) {
    if (!o.clientCertFile || !o.clientKeyFile) throw new UsageError("give both --tls.client-cert-file and --tls.client-key-file");
    clientCert = { cert: read(o.clientCertFile, "--tls.client-cert-file"), key: read(o.clientKeyFile, "--tls.client-key-file") };
  }
  if (web.tls && CLIENT_CERT_REQUIRED.has(web.tls.clientAuth) && !clientCert) {
    throw new UsageError(`${web.source} requires client certificates (${web.tls.clientAuth}): give one the server accepts with --tls.client-cert-file and --tls.client-key-file`);
  }
  return {
    scheme: web.tls ? "https" : "http",
    host,
    port,
    path: o.path,
    pinnedCert: web.tls ? new X509Certificate(web.tls.cert).raw : null,
    authorization,
    clientCert,
  };
}

/** The TLS connection, once the server has shown the pinned certificate; nothing is sent before. */
function pinnedTls(t: HealthcheckTarget, timeoutMs: number): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host: t.host,
      port: t.port,
      rejectUnauthorized: false, // checked below against the configured certificate itself
      ...(t.clientCert ?? {}),
    });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no TLS handshake within ${timeoutMs} ms`)));
    socket.once("error", reject);
    socket.once("secureConnect", () => {
      const raw = socket.getPeerCertificate().raw;
      if (!raw || !t.pinnedCert || !raw.equals(t.pinnedCert)) {
        socket.destroy();
        reject(new Error("the server presents another certificate than tls_server_config.cert_file"));
        return;
      }
      socket.setTimeout(0);
      resolve(socket);
    });
  });
}

/** Status code and the start of the body, or an error saying why there is none. */
export async function probe(t: HealthcheckTarget, timeoutMs: number): Promise<{ status: number; body: string }> {
  const socket = t.scheme === "https" ? await pinnedTls(t, timeoutMs) : null;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { "user-agent": "vip-arp-exporter-healthcheck" };
    if (t.authorization) headers.authorization = t.authorization;
    const req: ClientRequest = httpRequest(
      { host: t.host, port: t.port, path: t.path, method: "GET", headers, ...(socket ? { createConnection: () => socket } : {}) },
      (res: IncomingMessage) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          if (body.length < 512) body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: body.slice(0, 512) }));
        res.on("error", reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}

export async function runHealthcheck(o: HealthcheckOptions, out: NodeJS.WritableStream): Promise<number> {
  const web = o.webConfigFile ? loadWebConfigFile(o.webConfigFile) : NO_WEB_CONFIG;
  const t = healthcheckTarget(o, web);
  const url = `${t.scheme}://${t.host.includes(":") ? `[${t.host}]` : t.host}:${t.port}${t.path}`;
  try {
    const r = await probe(t, o.timeoutMs);
    if (r.status === 200) {
      out.write(`${url}: ${r.body.trim() || "200 OK"}\n`);
      return 0;
    }
    const hint = r.status === 401 ? " (basic auth refused: check --auth.username and --auth.password-file against the web config)" : "";
    out.write(`${url}: HTTP ${r.status}${hint}: ${r.body.trim()}\n`);
    return 1;
  } catch (err) {
    out.write(`${url}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
    return 1;
  }
}

/** Adds the subcommand; `done` receives its exit code. */
export function registerHealthcheck(program: Command, done: (code: number) => void): void {
  program
    .command("healthcheck")
    .description("GET /-/healthy of the exporter on this host, over HTTP or HTTPS and with basic auth as its --web.config.file says\nexit 0 healthy, 1 not healthy, 2 usage or config errors")
    .addOption(new Option("--web.listen-address <address>", "address the exporter listens on (a wildcard host means loopback)").env("VIP_ARP_WEB_LISTEN_ADDRESS").default(":9797"))
    .addOption(new Option("--web.config.file <path>", "the exporter's web config file: HTTPS when it has tls_server_config, basic auth when it has users").env("VIP_ARP_WEB_CONFIG_FILE"))
    .addOption(new Option("--path <path>", "path to GET, e.g. /-/ready for readiness").default("/-/healthy"))
    .addOption(new Option("--auth.username <user>", "basic auth user (default: the web config's only user)"))
    .addOption(new Option("--auth.password-file <path>", "file holding that user's password (plain text, the web config holds its hash)").env("VIP_ARP_HEALTHCHECK_PASSWORD_FILE"))
    .addOption(new Option("--tls.client-cert-file <path>", "client certificate, when the web config requires one"))
    .addOption(new Option("--tls.client-key-file <path>", "key of that client certificate"))
    .addOption(new Option("--timeout <duration>", "give up after this long").default("4s"))
    .action(async (o: Record<string, string | undefined>) => {
      const timeoutMs = parseDuration(o.timeout ?? "");
      if (timeoutMs === null || timeoutMs <= 0 || timeoutMs > MAX_TIMER_MS) throw new UsageError(`--timeout "${o.timeout}" must be a duration like 4s or 500ms`);
      const opts: HealthcheckOptions = {
        listenAddress: o["web.listenAddress"] ?? ":9797",
        webConfigFile: o["web.config.file"],
        path: o.path ?? "/-/healthy",
        username: o["auth.username"],
        passwordFile: o["auth.passwordFile"],
        clientCertFile: o["tls.clientCertFile"],
        clientKeyFile: o["tls.clientKeyFile"],
        timeoutMs,
      };
      done(await runHealthcheck(opts, process.stdout));
    });
}
