// IPv6 VIPs in the config file: one RFC 5952 spelling for every key that names a VIP (vips,
// nodes[].holds, remediation.preferred), and an ssh router on a platform without an IPv6
// neighbour reader refused at load, naming the key.
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/config/load.js";

const BASE = `
vips: [198.51.100.101, "2001:DB8:0:1:0:0:0:101", 2001:db8:0:1::102]
nodes:
  - name: node1
    address: 198.51.100.1
    mac: "02:00:00:00:00:01"
    ssh: false
    holds: [198.51.100.101, "2001:db8:0:1::0101"]
  - name: node2
    address: 198.51.100.2
    mac: "02:00:00:00:00:02"
    ssh: false
routers:
  - name: core-s1
    type: snmp
    address: 198.51.100.254
    community: public
remediation:
  preferred:
    "2001:DB8:0:0001::101": node2
`;

const parse = (text: string) => parseConfig(text, { source: "/tmp/vae-ipv6.yml", env: {}, readFile: () => "x" });

function problems(text: string): string[] {
  try {
    parse(text);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("IPv6 VIPs in the config", () => {
  it("every key naming a VIP is read in RFC 5952 form", () => {
    const c = parse(BASE);
    expect(c.vips).toEqual(["198.51.100.101", "2001:db8:0:1::101", "2001:db8:0:1::102"]);
    expect(c.nodes[0]!.holds).toEqual(["198.51.100.101", "2001:db8:0:1::101"]);
    expect(c.remediation.preferred).toEqual({ "2001:db8:0:1::101": "node2" });
  });

  it("a preferred VIP that is none of the VIPs is still an error, in its own spelling", () => {
    expect(problems(BASE.replace('"2001:DB8:0:0001::101": node2', '"2001:DB8:0:0001::109": node2'))).toEqual(["remediation.preferred.2001:DB8:0:0001::109: 2001:DB8:0:0001::109 is not one of vips"]);
  });

  it("an ssh router on a platform without an IPv6 reader is refused when a VIP is IPv6, naming the key and what to do", () => {
    const ssh = BASE.replace(
      "  - name: core-s1\n    type: snmp\n    address: 198.51.100.254\n    community: public\n",
      "  - name: fw1\n    type: ssh\n    platform: fortios\n    address: 198.51.100.253\n  - name: core-s2\n    type: ssh\n    platform: junos\n    address: 198.51.100.252\n",
    ) + "ssh:\n  user: root\n  private_key_file: k\n  known_hosts_file: kh\n";
    expect(problems(ssh)).toEqual([
      'routers[0].platform: vips lists IPv6 addresses, but platform "fortios" has no IPv6 neighbour reader yet (linux, cisco-ios, arista-eos, cisco-nxos, junos have one): read this router over SNMP (ipNetToPhysicalTable), or keep its VIPs IPv4',
    ]);
    // The same router is fine with IPv4 VIPs only.
    expect(parse(ssh.replace('vips: [198.51.100.101, "2001:DB8:0:1:0:0:0:101", 2001:db8:0:1::102]', "vips: [198.51.100.101]").replace(', "2001:db8:0:1::0101"', "").replace(/remediation:\n  preferred:\n.*\n/, "")).routers).toHaveLength(2);
  });
});
