// --web.config.file: parsing errors, a real HTTPS server on 127.0.0.1 (certificates made
// in-process), client certificate policies, basic auth and its exemption for /remediate.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openRuntime, type Runtime } from "../../src/cli/runtime.js";
import { serve } from "../../src/cli/serve.js";
import type { Exporter } from "../../src/serve/exporter.js";
import { ConfigError } from "../../src/config/load.js";
import { BasicAuthVerifier, CACHE_TTL_MS, parseBasicAuth } from "../../src/http/basic-auth.js";
import { createWebServer, loadWebConfigFile, parseWebConfig, type ClientAuthType, type WebConfig } from "../../src/http/web-config.js";
import { silentLogger } from "../../src/log.js";
import { issue } from "./certs.js";

const ca = issue("test CA", { ca: true });
const server = issue("vip-arp-exporter", { issuer: ca });
const client = issue("prometheus", { issuer: ca });
const stranger = issue("stranger", { ca: true }); // self-signed, not from ca

const dir = mkdtempSync(join(tmpdir(), "web-config-test-"));
const files: Record<string, string> = {
  "ca.pem": ca.cert,
  "server.pem": server.cert,
  "server-key.pem": server.key,
  "other-key.pem": client.key,
  "garbage.pem": "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n",
};
for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PASSWORD = "correct horse battery staple";
const HASH = bcrypt.hashSync(PASSWORD, 4);
const TOKEN = "remediate-token-0123456789abcdef";

function load(yaml: string): WebConfig {
  const path = join(dir, "web.yml");
  writeFileSync(path, yaml);
  return loadWebConfigFile(path);
}
function problems(yaml: string): string {
  try {
    load(yaml);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a ConfigError");
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}
function request(url: string, opts: https.RequestOptions & { body?: string } = {}): Promise<Reply> {
  const mod = url.startsWith("https:") ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(url, { agent: false, ...opts }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("parseWebConfig", () => {
  it("loads TLS and users, with paths relative to the web config file", () => {
    const web = load(`
tls_server_config:
  cert_file: server.pem
  key_file: server-key.pem
  client_ca_file: ca.pem
  client_auth_type: RequireAndVerifyClientCert
  min_version: TLS13
basic_auth_users:
  prometheus: "${HASH}"
`);
    expect(web.tls?.cert.toString()).toBe(server.cert);
    expect(web.tls?.clientCa?.toString()).toBe(ca.cert);
    expect(web.tls?.clientAuth).toBe("RequireAndVerifyClientCert");
    expect(web.tls?.minVersion).toBe("TLSv1.3");
    expect([...web.basicAuthUsers!]).toEqual([["prometheus", HASH]]);
  });

  it("takes an empty file or empty basic_auth_users as plain HTTP without auth, like the toolkit", () => {
    expect(load("")).toMatchObject({ tls: null, basicAuthUsers: null });
    expect(load("basic_auth_users: {}\n")).toMatchObject({ tls: null, basicAuthUsers: null });
  });

  it.each([
    ["http_server_config:\n  http2: false\n", "http_server_config: unknown key"],
    ["tls_server_config:\n  cert_file: server.pem\n  key_file: server-key.pem\n  max_version: TLS13\n", "tls_server_config.max_version: unknown key"],
    ["tls_server_config:\n  cert_file: server.pem\n", "tls_server_config.key_file: is required"],
    ["tls_server_config:\n  key_file: server-key.pem\n", "tls_server_config.cert_file: is required"],
    ["tls_server_config:\n  cert_file: server.pem\n  key_file: server-key.pem\n  client_auth_type: RequireClientCert\n", "tls_server_config.client_auth_type: "],
    ["tls_server_config:\n  cert_file: server.pem\n  key_file: server-key.pem\n  min_version: TLS11\n", "tls_server_config.min_version: "],
    ["tls_server_config:\n  cert_file: server.pem\n  key_file: server-key.pem\n  client_auth_type: RequireAndVerifyClientCert\n", "tls_server_config.client_ca_file: is required with client_auth_type RequireAndVerifyClientCert"],
    ["tls_server_config:\n  cert_file: server.pem\n  key_file: server-key.pem\n  client_ca_file: ca.pem\n", "tls_server_config.client_auth_type: client_ca_file is set but no client certificate is asked for"],
    ["tls_server_config:\n  cert_file: nope.pem\n  key_file: server-key.pem\n", `tls_server_config.cert_file: cannot read ${join(dir, "nope.pem")}: ENOENT`],
    ["tls_server_config:\n  cert_file: server.pem\n  key_file: other-key.pem\n", "tls_server_config: cannot use cert_file, key_file"],
    ["tls_server_config:\n  cert_file: garbage.pem\n  key_file: server-key.pem\n", "tls_server_config: cannot use cert_file, key_file"],
    ["basic_auth_users:\n  alice: plaintext\n", "basic_auth_users.alice: must be a bcrypt hash"],
    [`basic_auth_users:\n  "a:b": "${HASH}"\n`, "basic_auth_users.a:b: a user name must not be empty or contain ':'"],
    ["basic_auth_users: [alice]\n", "basic_auth_users: Invalid input: expected record"],
    ["tls_server_config:\n", "tls_server_config: Invalid input: expected object"],
    ["- tls_server_config\n", "must be a YAML mapping"],
    ["tls_server_config: [unclosed\n", "not valid YAML"],
  ])("refuses %j naming the key path", (yaml, expected) => {
    const message = problems(yaml);
    expect(message).toContain(`invalid config ${join(dir, "web.yml")}`);
    expect(message).toContain(expected);
  });

  it("loads README's example, with its commented-out options switched on", () => {
    const readme = readFileSync(join(process.cwd(), "README.md"), "utf8");
    const block = /```yaml\n(tls_server_config:[\s\S]*?)```/.exec(readme)?.[1];
    expect(block, "README shows a web config").toBeDefined();
    const real: Record<string, string> = { cert_file: "server.pem", key_file: "server-key.pem", client_ca_file: "ca.pem" };
    const yaml = block!
      .replace(/^ {2}# (client_auth_type|client_ca_file|min_version):/gm, "  $1:")
      .replace(/^( {2}(\w+_file): )\S+/gm, (_m, head: string, key: string) => head + real[key]);
    const web = load(yaml);
    expect(web.tls).toMatchObject({ clientAuth: "RequireAndVerifyClientCert", minVersion: "TLSv1.3" });
    expect(web.tls?.clientCa?.toString()).toBe(ca.cert);
    expect([...web.basicAuthUsers!.keys()]).toEqual(["prometheus"]);
  });

  it("reports a missing web config file as a config error", () => {
    expect(() => loadWebConfigFile(join(dir, "missing.yml"))).toThrow(ConfigError);
    expect(() => parseWebConfig("basic_auth_users: {u: x}", { source: "inline" })).toThrow(/basic_auth_users\.u: must be a bcrypt hash/);
  });
});

describe("parseBasicAuth", () => {
  it("reads user and password, the password may hold ':'", () => {
    expect(parseBasicAuth(basic("u", "p:w"))).toEqual({ user: "u", password: "p:w" });
    expect(parseBasicAuth(`basic  ${Buffer.from("u:").toString("base64")} `)).toEqual({ user: "u", password: "" });
    for (const bad of [undefined, "", "Bearer abc", "Basic", "Basic !!!", `Basic ${Buffer.from("nocolon").toString("base64")}`, `Basic ${Buffer.from(":p").toString("base64")}`]) {
      expect(parseBasicAuth(bad)).toBeNull();
    }
  });
});

describe("BasicAuthVerifier", () => {
  it("pays bcrypt once per good (user, password) until the cache entry expires, never caches failures", async () => {
    let now = 1_000_000;
    const compared: string[] = [];
    const v = new BasicAuthVerifier(new Map([["prometheus", HASH]]), {
      now: () => now,
      compare: (p, h) => {
        compared.push(h);
        return bcrypt.compare(p, h);
      },
    });
    expect(await v.verify("prometheus", PASSWORD)).toBe(true);
    expect(await v.verify("prometheus", PASSWORD)).toBe(true);
    expect(compared).toHaveLength(1);
    // A cached success does not let another password in, nor is the failure cached.
    expect(await v.verify("prometheus", "wrong")).toBe(false);
    expect(await v.verify("prometheus", "wrong")).toBe(false);
    expect(compared).toHaveLength(3);
    // Unknown users cost a bcrypt too (against a configured hash) and fail even with its password.
    expect(await v.verify("mallory", PASSWORD)).toBe(false);
    expect(compared).toEqual([HASH, HASH, HASH, HASH]);
    expect(await v.verify("prometheus", PASSWORD)).toBe(true);
    expect(compared).toHaveLength(4);
    now += CACHE_TTL_MS + 1;
    expect(await v.verify("prometheus", PASSWORD)).toBe(true);
    expect(compared).toHaveLength(5);
  });
});

describe("serve with TLS and basic auth", () => {
  let rt: Runtime;
  let serving: Exporter;
  let base: string;
  const tlsOpts = { ca: ca.cert };
  const auth = { authorization: basic("prometheus", PASSWORD) };

  beforeAll(async () => {
    rt = await openRuntime({ env: { VIP_ARP_REMEDIATE_TOKEN: TOKEN } });
    const webConfig = load(`
tls_server_config:
  cert_file: server.pem
  key_file: server-key.pem
basic_auth_users:
  prometheus: "${HASH}"
`);
    serving = await serve(rt, { listenAddresses: ["127.0.0.1:0"], telemetryPath: "/metrics", timeoutOffsetMs: 500, webConfig }, silentLogger());
    base = `https://127.0.0.1:${serving.web.listeners[0]!.port}`;
  });
  afterAll(async () => {
    await serving?.shutdown("SIGTERM");
    await rt?.close();
  });

  it("serves the metrics over TLS to a client that trusts the CA and sends the password", async () => {
    expect(serving.web.scheme).toBe("https");
    const r = await request(`${base}/metrics`, { ...tlsOpts, headers: auth });
    expect(r.status).toBe(200);
    expect(r.body).toContain('vip_mac_owner{router="core-s1",vip="192.0.2.102"');
  });

  it("refuses plain HTTP on the TLS port", async () => {
    await expect(request(`http://127.0.0.1:${serving.web.listeners[0]!.port}/metrics`, { headers: auth })).rejects.toThrow();
  });

  it("refuses a client that does not trust the certificate", async () => {
    await expect(request(`${base}/metrics`, { headers: auth })).rejects.toThrow(/certificate/i);
  });

  it.each(["/metrics", "/", "/-/healthy", "/-/ready", "/nope"])("answers %s with 401 and WWW-Authenticate: Basic without or with wrong credentials", async (path) => {
    for (const headers of [{}, { authorization: basic("prometheus", "wrong") }, { authorization: basic("mallory", PASSWORD) }, { authorization: `Bearer ${TOKEN}` }]) {
      const r = await request(`${base}${path}`, { ...tlsOpts, headers });
      expect(r.status).toBe(401);
      expect(r.headers["www-authenticate"]).toMatch(/^Basic realm="vip-arp-exporter"/);
    }
  });

  it("lets /-/healthy through with the right credentials (the toolkit protects it too)", async () => {
    const r = await request(`${base}/-/healthy`, { ...tlsOpts, headers: auth });
    expect(r.status).toBe(200);
    expect(r.body).toContain("Healthy");
  });

  it("keeps POST /remediate behind its own bearer token only (Alertmanager sends that in Authorization)", async () => {
    const post = (path: string, headers: Record<string, string>) =>
      request(`${base}${path}`, { ...tlsOpts, method: "POST", headers: { "content-type": "application/json", ...headers }, body: '{"dryRun": true}' });
    const ok = await post("/remediate", { authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ dryRun: true, actions: [expect.objectContaining({ status: "planned" })] });
    expect((await post("/Remediate/?x=1", { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    // Basic credentials do not replace the token.
    const noToken = await post("/remediate", auth);
    expect(noToken.status).toBe(401);
    expect(noToken.headers["www-authenticate"]).toMatch(/^Bearer/);
    // Only POST /remediate skips basic auth.
    const get = await request(`${base}/remediate`, { ...tlsOpts });
    expect(get.status).toBe(401);
    expect(get.headers["www-authenticate"]).toMatch(/^Basic/);
    expect((await post("/metrics", { authorization: `Bearer ${TOKEN}` })).status).toBe(401);
  });
});

describe("TLS client certificate policies and min_version", () => {
  let srv: http.Server | null = null;
  afterEach(async () => {
    srv?.closeAllConnections();
    await new Promise<void>((r) => (srv ? srv.close(() => r()) : r()));
    srv = null;
  });

  async function start(clientAuth: ClientAuthType, minVersion: "TLSv1.2" | "TLSv1.3" = "TLSv1.2"): Promise<string> {
    srv = createWebServer(
      { cert: Buffer.from(server.cert), key: Buffer.from(server.key), clientCa: Buffer.from(ca.cert), clientAuth, minVersion },
      (_req, res) => res.end("ok"),
    );
    await new Promise<void>((r) => srv!.listen(0, "127.0.0.1", r));
    return `https://127.0.0.1:${(srv.address() as { port: number }).port}/`;
  }
  const as = (who: { cert: string; key: string } | null) => ({ ca: ca.cert, ...(who ? { cert: who.cert, key: who.key } : {}) });
  const outcome = (url: string, opts: https.RequestOptions) => request(url, opts).then((r) => r.status, () => "refused");

  it.each([
    ["NoClientCert", 200, 200, 200],
    ["RequestClientCert", 200, 200, 200],
    ["RequireAnyClientCert", "refused", 200, 200],
    ["VerifyClientCertIfGiven", 200, 200, "refused"],
    ["RequireAndVerifyClientCert", "refused", 200, "refused"],
  ] as const)("%s: no cert -> %s, cert from client_ca_file -> %s, other cert -> %s", async (mode, none, good, other) => {
    const url = await start(mode);
    expect(await outcome(url, as(null))).toBe(none);
    expect(await outcome(url, as(client))).toBe(good);
    expect(await outcome(url, as(stranger))).toBe(other);
  });

  it("min_version TLS13 refuses a TLS 1.2 client", async () => {
    const url = await start("NoClientCert", "TLSv1.3");
    expect(await outcome(url, { ca: ca.cert })).toBe(200);
    expect(await outcome(url, { ca: ca.cert, maxVersion: "TLSv1.2" })).toBe("refused");
  });
});

describe("vip-arp-exporter --web.config.file", () => {
  it("exits 2 naming the key path of a bad web config, before serving", () => {
    const path = join(dir, "bad-web.yml");
    writeFileSync(path, "tls_server_config:\n  cert_file: server.pem\n  key_file: server-key.pem\n  cipher_suites: [x]\n");
    const r = spawnSync(process.execPath, [join(process.cwd(), "dist/src/cli.js"), "--web.config.file", path, "--web.listen-address", "127.0.0.1:0"], {
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(r.stderr).toContain("tls_server_config.cipher_suites: unknown key");
    expect(r.status).toBe(2);
  });
});
