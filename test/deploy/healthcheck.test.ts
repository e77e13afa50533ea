// `vip-arp-exporter healthcheck` (the image's HEALTHCHECK and the exec probes of
// deploy/kubernetes/components/web-tls-auth), run as the built CLI against real servers on
// 127.0.0.1: the exporter served with TLS and basic auth, plain HTTP, a server with another
// certificate, and nothing at all. Certificates are made in-process (test/http/certs.ts).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { healthcheckTarget, probeHost } from "../../src/cli/healthcheck.js";
import { UsageError } from "../../src/cli/runtime.js";
import { openRuntime, type Runtime } from "../../src/cli/runtime.js";
import { serve } from "../../src/cli/serve.js";
import type { Exporter } from "../../src/serve/exporter.js";
import { loadWebConfigFile, NO_WEB_CONFIG } from "../../src/http/web-config.js";
import { silentLogger } from "../../src/log.js";
import { issue } from "../http/certs.js";

const CLI = join(process.cwd(), "dist/src/cli.js");
const ca = issue("test CA", { ca: true });
const serverCert = issue("vip-arp-exporter", { issuer: ca });
const other = issue("vip-arp-exporter", { issuer: ca }); // same name and CA, another key
const PASSWORD = "probe: correct horse battery staple";

const dir = mkdtempSync(join(tmpdir(), "healthcheck-test-"));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
file("server.pem", serverCert.cert);
file("server-key.pem", serverCert.key);
file("other.pem", other.cert);
file("other-key.pem", other.key);
const passwordFile = file("password", `${PASSWORD}\n`);
const wrongPasswordFile = file("wrong-password", "not it\n");
const users = `basic_auth_users:\n  prometheus: "${bcrypt.hashSync(PASSWORD, 4)}"\n`;
const tlsAuthConfig = file("web.yml", `tls_server_config:\n  cert_file: server.pem\n  key_file: server-key.pem\n${users}`);
const otherCertConfig = file("web-other.yml", `tls_server_config:\n  cert_file: other.pem\n  key_file: other-key.pem\n${users}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}
/** The built CLI, asynchronously: the servers under test live in this process. */
function healthcheck(args: string[], env: Record<string, string> = {}): Promise<Run> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, "healthcheck", ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("healthcheck against the exporter served with TLS and basic auth", () => {
  let rt: Runtime;
  let serving: Exporter;
  let listen: string;

  beforeAll(async () => {
    rt = await openRuntime({ env: {} });
    serving = await serve(rt, { listenAddresses: ["127.0.0.1:0"], telemetryPath: "/metrics", timeoutOffsetMs: 500, webConfig: loadWebConfigFile(tlsAuthConfig) }, silentLogger());
    listen = `127.0.0.1:${serving.port}`;
  });
  afterAll(async () => {
    await serving?.shutdown("SIGTERM");
    await rt?.close();
  });

  it("passes over HTTPS with the password of the web config's only user", async () => {
    const r = await healthcheck(["--web.listen-address", listen, "--web.config.file", tlsAuthConfig, "--auth.password-file", passwordFile]);
    expect(r.stdout).toBe(`https://${listen}/-/healthy: vip-arp-exporter is Healthy.\n`);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  });

  it("checks readiness with --path /-/ready", async () => {
    const r = await healthcheck(["--web.listen-address", listen, "--web.config.file", tlsAuthConfig, "--auth.password-file", passwordFile, "--path", "/-/ready"]);
    expect(r.stdout).toBe(`https://${listen}/-/ready: vip-arp-exporter is Ready.\n`);
    expect(r.code).toBe(0);
  });

  it("takes everything from the environment, as the image's HEALTHCHECK runs it", async () => {
    const r = await healthcheck([], { VIP_ARP_WEB_LISTEN_ADDRESS: listen, VIP_ARP_WEB_CONFIG_FILE: tlsAuthConfig, VIP_ARP_HEALTHCHECK_PASSWORD_FILE: passwordFile });
    expect(r.code).toBe(0);
  });

  it("fails with 401 and a hint on a wrong password", async () => {
    const r = await healthcheck(["--web.listen-address", listen, "--web.config.file", tlsAuthConfig, "--auth.password-file", wrongPasswordFile]);
    expect(r.stdout).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/-\/healthy: HTTP 401 \(basic auth refused: check --auth\.username and --auth\.password-file/);
    expect(r.code).toBe(1);
  });

  it("exits 2 naming --auth.password-file when basic auth is on and no password is given", async () => {
    const r = await healthcheck(["--web.listen-address", listen, "--web.config.file", tlsAuthConfig]);
    expect(r.stderr).toContain('basic auth is on in ' + tlsAuthConfig + ': give the password of "prometheus" with --auth.password-file');
    expect(r.code).toBe(2);
  });

  it("fails without the web config: plain HTTP does not speak to the TLS port", async () => {
    const r = await healthcheck(["--web.listen-address", listen, "--timeout", "2s"]);
    expect(r.stdout).toMatch(new RegExp(`^http://${listen.replace(/\./g, "\\.")}/-/healthy: `));
    expect(r.code).toBe(1);
  });
});

describe("healthcheck over HTTPS pins the configured certificate", () => {
  let server: HttpsServer;
  let requests = 0;
  beforeAll(async () => {
    // Presents serverCert while the web config names `other`: same subject and CA, other key.
    server = createHttpsServer({ cert: serverCert.cert, key: serverCert.key }, (_req, res) => {
      requests++;
      res.end("vip-arp-exporter is Healthy.\n");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it("fails on another certificate and sends no request, so no password leaves", async () => {
    const listen = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const r = await healthcheck(["--web.listen-address", listen, "--web.config.file", otherCertConfig, "--auth.password-file", passwordFile]);
    expect(r.stdout).toBe(`https://${listen}/-/healthy: the server presents another certificate than tls_server_config.cert_file\n`);
    expect(r.code).toBe(1);
    expect(requests).toBe(0);
  });

  it("passes against the same server when the web config names its certificate", async () => {
    const listen = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const r = await healthcheck(["--web.listen-address", listen, "--web.config.file", tlsAuthConfig, "--auth.password-file", passwordFile]);
    expect(r.code).toBe(0);
    expect(requests).toBe(1);
  });
});

describe("healthcheck over plain HTTP", () => {
  let rt: Runtime;
  let serving: Exporter;
  beforeAll(async () => {
    rt = await openRuntime({ env: {} });
    serving = await serve(rt, { listenAddresses: ["127.0.0.1:0"], telemetryPath: "/metrics", timeoutOffsetMs: 500 }, silentLogger());
  });
  afterAll(async () => {
    await serving?.shutdown("SIGTERM");
    await rt?.close();
  });

  it("passes against the exporter without a web config", async () => {
    const r = await healthcheck(["--web.listen-address", `127.0.0.1:${serving.port}`]);
    expect(r.stdout).toBe(`http://127.0.0.1:${serving.port}/-/healthy: vip-arp-exporter is Healthy.\n`);
    expect(r.code).toBe(0);
  });

  it("fails on another status (404 for an unknown path)", async () => {
    const r = await healthcheck(["--web.listen-address", `127.0.0.1:${serving.port}`, "--path", "/-/nope"]);
    expect(r.stdout).toMatch(/: HTTP 404/);
    expect(r.code).toBe(1);
  });

  it("fails when nothing listens", async () => {
    const r = await healthcheck(["--web.listen-address", "127.0.0.1:9", "--timeout", "2s"]);
    expect(r.stdout).toBe("http://127.0.0.1:9/-/healthy: ECONNREFUSED\n");
    expect(r.code).toBe(1);
  });
});

describe("healthcheckTarget and probeHost", () => {
  it("asks loopback for wildcard listen addresses and the host itself otherwise", () => {
    expect(probeHost(":9797")).toEqual({ host: "127.0.0.1", port: 9797 });
    expect(probeHost("0.0.0.0:9797")).toEqual({ host: "127.0.0.1", port: 9797 });
    expect(probeHost("[::]:9797")).toEqual({ host: "::1", port: 9797 });
    expect(probeHost("127.0.0.2:9100")).toEqual({ host: "127.0.0.2", port: 9100 });
  });

  it("builds the basic auth header from the only user and the password file, without the trailing newline", () => {
    const t = healthcheckTarget({ listenAddress: ":9797", path: "/-/healthy", passwordFile, timeoutMs: 1000 }, loadWebConfigFile(tlsAuthConfig));
    expect(t).toMatchObject({ scheme: "https", host: "127.0.0.1", port: 9797, clientCert: null });
    expect(Buffer.from((t.authorization ?? "").replace(/^Basic /, ""), "base64").toString()).toBe(`prometheus:${PASSWORD}`);
    expect(t.pinnedCert?.length).toBeGreaterThan(100);
  });

  it("needs no credentials without basic auth, and refuses what it cannot do", () => {
    expect(healthcheckTarget({ listenAddress: ":1", path: "/-/ready", timeoutMs: 1 }, NO_WEB_CONFIG)).toMatchObject({ scheme: "http", authorization: null, pinnedCert: null });
    expect(() => healthcheckTarget({ listenAddress: ":1", path: "healthy", timeoutMs: 1 }, NO_WEB_CONFIG)).toThrow(UsageError);
    const twoUsers = file("web-two.yml", `${users}  grafana: "${bcrypt.hashSync("x", 4)}"\n`);
    expect(() => healthcheckTarget({ listenAddress: ":1", path: "/", passwordFile, timeoutMs: 1 }, loadWebConfigFile(twoUsers))).toThrow(/2 basic auth users: choose one with --auth\.username/);
    expect(() => healthcheckTarget({ listenAddress: ":1", path: "/", username: "mallory", passwordFile, timeoutMs: 1 }, loadWebConfigFile(twoUsers))).toThrow(/"mallory" is not one of the basic auth users/);
    const mtls = file("web-mtls.yml", `tls_server_config:\n  cert_file: server.pem\n  key_file: server-key.pem\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: server.pem\n`);
    expect(() => healthcheckTarget({ listenAddress: ":1", path: "/", timeoutMs: 1 }, loadWebConfigFile(mtls))).toThrow(/requires client certificates \(RequireAndVerifyClientCert\): give one the server accepts with --tls\.client-cert-file/);
  });
});
