// The lab's IPv6 plan and config (pure, no root): who gets which IPv6 address, and which
// routers the config of an IPv6 lab reads (SSH only: Debian's snmpd keeps stale IPv6 MACs).
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { planLab } from "../../lab/addressing.js";
import { exporterConfig } from "../../lab/exporter-config.js";
import { loadConfigFile } from "../../src/config/load.js";

describe("planLab with IPv6", () => {
  it("gives every site an address in the subnet's /64, numbered like its IPv4 one, and the VIPs of each family", () => {
    const p = planLab("vt1", "203.0.113.0/24", 2, 2, "dual");
    expect(p.prefix6).toBe("2001:db8:203:113::/64");
    expect([p.router.address6, p.rogue.address6, ...p.nodes.map((n) => n.address6)]).toEqual([
      "2001:db8:203:113::254",
      "2001:db8:203:113::200",
      "2001:db8:203:113::1",
      "2001:db8:203:113::2",
    ]);
    expect(p.vips).toEqual(["203.0.113.101", "203.0.113.102", "2001:db8:203:113::101", "2001:db8:203:113::102"]);
    expect(planLab("vt1", "198.51.100.0/24", 1, 1, "ipv6").vips).toEqual(["2001:db8:198:51::101"]);
    const v4 = planLab("vt1", "198.51.100.0/24", 1, 1);
    expect([v4.prefix6, v4.vips6, v4.router.address6]).toEqual([null, [], undefined]);
    expect(() => planLab("vt1", "198.51.100.0/24", 1, 1, "ipv5" as never)).toThrow(/family must be ipv4, ipv6, dual/);
  });
});

describe("the lab's exporter config", () => {
  const input = { nodes: [{ name: "lab-node-1", address: "198.51.100.1" }], router: { address: "198.51.100.254" }, community: "c", privateKeyFile: "k", knownHostsFile: "kh", tokenFile: "t" };
  it("reads the router over SNMP and SSH with IPv4 VIPs, over SSH only once a VIP is IPv6", () => {
    const names = (text: string) => (parse(text) as { routers: { name: string; type: string }[] }).routers.map((r) => `${r.type} ${r.name}`);
    expect(names(exporterConfig({ ...input, vips: ["198.51.100.101"] }))).toEqual(["snmp lab-router", "ssh lab-router-ssh"]);
    expect(names(exporterConfig({ ...input, vips: ["198.51.100.101", "2001:db8:198:51::101"], family: "dual" }))).toEqual(["ssh lab-router-ssh"]);
  });

  it("is a config the exporter loads, IPv6 VIPs and all", async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "vae-labcfg-"));
    for (const f of ["k", "kh", "t"]) writeFileSync(join(dir, f), f === "t" ? "0123456789abcdef0123\n" : "x\n");
    writeFileSync(join(dir, "config.yml"), exporterConfig({ ...input, privateKeyFile: join(dir, "k"), knownHostsFile: join(dir, "kh"), tokenFile: join(dir, "t"), vips: ["2001:db8:198:51::101"], family: "ipv6" }));
    const c = loadConfigFile(join(dir, "config.yml"), {});
    expect(c.vips).toEqual(["2001:db8:198:51::101"]);
    expect(c.routers.map((r) => r.type)).toEqual(["ssh"]);
  });
});
