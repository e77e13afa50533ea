// The dns section of the config file: defaults, the server's form, bounds, and errors that name
// their key path.
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/config/load.js";

const BASE = `
vips: [198.51.100.101, 198.51.100.102]
nodes:
  - {name: node1, address: 198.51.100.1, mac: "02:00:00:00:00:01"}
routers:
  - {name: core-s1, type: snmp, address: 198.51.100.254, community: public}
`;

const load = (dns: string) => parseConfig(`${BASE}dns:\n${dns}`, { source: "config.yml", env: {} });

function problems(dns: string): string[] {
  try {
    load(dns);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("the config was accepted");
}

describe("config dns section", () => {
  it("is absent unless configured", () => {
    expect(parseConfig(BASE, { source: "config.yml", env: {} }).dns).toBeUndefined();
  });

  it("defaults to the system resolver and a 2s timeout, names in canonical form", () => {
    expect(load("  names: [App.OS.example.com., api.os.example.com]\n").dns).toEqual({
      names: ["app.os.example.com", "api.os.example.com"],
      server: null,
      timeoutMs: 2000,
    });
  });

  it.each([
    ["198.51.100.53:53", { host: "198.51.100.53", port: 53 }],
    ["198.51.100.53", { host: "198.51.100.53", port: 53 }],
    ["127.0.0.1:5353", { host: "127.0.0.1", port: 5353 }],
    ["[2001:db8::53]:5353", { host: "2001:db8::53", port: 5353 }],
    ["2001:db8::53", { host: "2001:db8::53", port: 53 }],
  ])("takes server %s", (server, expected) => {
    expect(load(`  names: [app.os.example.com]\n  server: "${server}"\n  timeout: 500ms\n`).dns).toEqual({
      names: ["app.os.example.com"],
      server: expected,
      timeoutMs: 500,
    });
  });

  it.each([
    ["  names: []\n", "dns.names: list at least one name"],
    ["  names: [app_1.os.example.com]\n", "dns.names[0]: must be a DNS name like app.os.example.com"],
    ["  names: [app.os.example.com, APP.os.example.com.]\n", 'dns.names[1]: duplicate name "app.os.example.com"'],
    [
      "  names: [app.os.example.com]\n  server: ns1.example.com\n",
      'dns.server: "ns1.example.com" is not an IP address: give the name server\'s address, optionally with :port ([v6]:port)',
    ],
    ["  names: [app.os.example.com]\n  server: '198.51.100.53:70000'\n", "dns.server: port 70000 is out of range 1-65535"],
    ["  names: [app.os.example.com]\n  timeout: 50ms\n", "dns.timeout: must be from 100ms to 1h (got 50ms)"],
    ["  names: [app.os.example.com]\n  timeout: 2h\n", "dns.timeout: must be from 100ms to 1h (got 2h)"],
    ["  names: [app.os.example.com]\n  timeout: soon\n", "dns.timeout: must be a duration like 500ms, 5s, 1m"],
    ["  names: [app.os.example.com]\n  servers: 198.51.100.53\n", 'dns.servers: unknown key (check the spelling; see README "Configuration")'],
    ["  server: 198.51.100.53\n", "dns.names: is required"],
  ])("refuses %j", (dns, problem) => {
    expect(problems(dns)).toEqual([problem]);
  });

  it("accepts the bounds themselves", () => {
    expect(load("  names: [a.example.com]\n  timeout: 100ms\n").dns?.timeoutMs).toBe(100);
    expect(load("  names: [a.example.com]\n  timeout: 1h\n").dns?.timeoutMs).toBe(3_600_000);
  });
});
