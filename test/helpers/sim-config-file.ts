// A real config file (with key, known_hosts and token files) pointing at a simulated segment
// running in the test process, so the exporter can be run as a separate process: for the
// signal, reload and shutdown tests that need a real `vip-arp-exporter --config.file`.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import type { Simulation } from "../../src/sim/start.js";

export const SIM_TOKEN = "sim-config-file-token-0123456789";

export interface SimConfigFile {
  dir: string;
  path: string;
  auditFile: string;
  /** The document written, to edit and write again (reload tests). */
  doc: Record<string, unknown>;
  write(doc?: Record<string, unknown>): void;
}

export function simConfigFile(sim: Simulation, extra: { remediation?: Record<string, unknown>; top?: Record<string, unknown> } = {}): SimConfigFile {
  const dir = mkdtempSync(join(tmpdir(), "vae-simcfg-"));
  const c = sim.config;
  writeFileSync(join(dir, "id_ed25519"), c.ssh!.privateKey, { mode: 0o600 });
  writeFileSync(join(dir, "known_hosts"), c.ssh!.knownHosts);
  writeFileSync(join(dir, "token"), `${SIM_TOKEN}\n`, { mode: 0o600 });
  const auditFile = join(dir, "audit.jsonl");
  const doc: Record<string, unknown> = {
    vips: [...c.vips],
    nodes: c.nodes.map((n) => ({ name: n.name, address: `127.0.0.1:${n.port}`, interface: n.interface })),
    routers: c.routers.map((r) =>
      r.type === "snmp" ? { name: r.name, type: "snmp", address: `127.0.0.1:${r.port}`, community: r.community, timeout: "2s", retries: 0 } : { name: r.name },
    ),
    ssh: { user: c.ssh!.user, private_key_file: "id_ed25519", known_hosts_file: "known_hosts", timeout: "5s" },
    remediation: { token_file: "token", audit_log_file: "audit.jsonl", verify_timeout: "3s", verify_interval: "100ms", ...extra.remediation },
    ...extra.top,
  };
  const path = join(dir, "config.yml");
  const file: SimConfigFile = {
    dir,
    path,
    auditFile,
    doc,
    write(next = doc) {
      writeFileSync(path, stringify(next));
    },
  };
  file.write();
  return file;
}
