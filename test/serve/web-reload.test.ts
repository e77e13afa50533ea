// The web config applies without a restart: a certificate rotated on disk (as cert-manager
// does, by swapping the file) is served to new connections; new basic auth users on reload;
// turning TLS off needs a restart, so that reload is refused and the old settings stay.
import { createHash, X509Certificate } from "node:crypto";
import { mkdtempSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:tls";
import bcrypt from "bcryptjs";
import { afterEach, describe, expect, it } from "vitest";
import { serve } from "../../src/cli/serve.js";
import { loadWebConfigFile } from "../../src/http/web-config.js";
import { silentLogger } from "../../src/log.js";
import type { Exporter } from "../../src/serve/exporter.js";
import { defaultScenario } from "../../src/sim/scenario.js";
import { startSimulation, type Simulation } from "../../src/sim/start.js";
import { issue } from "../http/certs.js";
import { eventually } from "../helpers/exporter-process.js";

let sim: Simulation | null = null;
let exporter: Exporter | null = null;
afterEach(async () => {
  await exporter?.shutdown("SIGTERM");
  await sim?.stop();
  exporter = null;
  sim = null;
});

/** The SHA-256 fingerprint of the certificate a new TLS connection to the port is served. */
function servedFingerprint(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: "127.0.0.1", port, ca, servername: "localhost" }, () => {
      const fp = createHash("sha256").update(s.getPeerCertificate().raw).digest("hex");
      s.end();
      resolve(fp);
    });
    s.on("error", reject);
  });
}
const fingerprint = (pem: string) => createHash("sha256").update(new X509Certificate(pem).raw).digest("hex");

async function serveWith(webYaml: string, files: Record<string, string>): Promise<{ dir: string; exporter: Exporter; webFile: string }> {
  const dir = mkdtempSync(join(tmpdir(), "vae-webreload-"));
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  const webFile = join(dir, "web.yml");
  writeFileSync(webFile, webYaml);
  sim = await startSimulation(defaultScenario());
  exporter = await serve(
    { config: sim.config, sim, tokenFile: null, banner: null, close: async () => {} },
    { listenAddresses: ["127.0.0.1:0"], telemetryPath: "/metrics", timeoutOffsetMs: 500, webConfigFile: webFile, webConfig: loadWebConfigFile(webFile), webWatchIntervalMs: 50 },
    silentLogger(),
  );
  return { dir, exporter, webFile };
}

describe("web config reload", () => {
  it("a certificate replaced on disk is served to new connections, without a reload call", async () => {
    const ca = issue("test CA", { ca: true });
    const first = issue("localhost", { issuer: ca });
    const second = issue("localhost", { issuer: ca });
    const { dir, exporter: e } = await serveWith("tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\n", { "tls.crt": first.cert, "tls.key": first.key });
    expect(await servedFingerprint(e.port, ca.cert)).toBe(fingerprint(first.cert));
    // cert-manager's way: the new files appear at once (a rename), key and certificate together.
    writeFileSync(join(dir, "tls.crt.new"), second.cert);
    writeFileSync(join(dir, "tls.key.new"), second.key);
    renameSync(join(dir, "tls.key.new"), join(dir, "tls.key"));
    renameSync(join(dir, "tls.crt.new"), join(dir, "tls.crt"));
    const served = await eventually("the new certificate", async () => {
      const fp = await servedFingerprint(e.port, ca.cert);
      return fp === fingerprint(second.cert) ? fp : undefined;
    });
    expect(served).toBe(fingerprint(second.cert));
  });

  it("new basic auth users apply on reload; turning TLS off is refused and the old settings stay", async () => {
    const ca = issue("test CA", { ca: true });
    const cert = issue("localhost", { issuer: ca });
    const hash = (p: string) => bcrypt.hashSync(p, 4);
    const tls = "tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\n";
    const { webFile, exporter: e } = await serveWith(`${tls}basic_auth_users:\n  alice: "${hash("alice-password")}"\n`, { "tls.crt": cert.cert, "tls.key": cert.key });
    const status = (user: string, password: string) =>
      new Promise<number>((resolve, reject) => {
        const s = connect({ host: "127.0.0.1", port: e.port, ca: ca.cert, servername: "localhost" }, () => {
          s.write(`GET /-/healthy HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Basic ${Buffer.from(`${user}:${password}`).toString("base64")}\r\n\r\n`);
        });
        let out = "";
        s.on("data", (d: Buffer) => (out += d.toString()));
        s.on("end", () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(out)?.[1] ?? 0)));
        s.on("error", reject);
      });
    expect(await status("alice", "alice-password")).toBe(200);
    expect(await status("bob", "bob-password")).toBe(401);

    writeFileSync(webFile, `${tls}basic_auth_users:\n  bob: "${hash("bob-password")}"\n`);
    await e.reload("test");
    expect(await status("bob", "bob-password")).toBe(200);
    expect(await status("alice", "alice-password")).toBe(401);

    writeFileSync(webFile, `basic_auth_users:\n  bob: "${hash("bob-password")}"\n`);
    await expect(e.reload("test")).rejects.toThrow("turning TLS off needs a restart of the exporter (the listeners are https)");
    expect(await status("bob", "bob-password")).toBe(200); // still TLS, still bob
  });
});
