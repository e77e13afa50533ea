import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseIpAddrJson } from "../../src/sources/ip-addr-json.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

describe("parseIpAddrJson", () => {
  it("reads a keepalived node (iproute2 6.1): MAC normalised, primary address and VIPs", () => {
    expect(parseIpAddrJson(fixture("ip-addr-keepalived-6.1.json"), "eth0")).toEqual({
      mac: "00:1a:4a:48:be:ef",
      addresses: ["192.0.2.2", "192.0.2.101", "192.0.2.102", "192.0.2.103", "fe80::21a:4aff:fe48:beef"],
    });
  });

  it("skips the empty objects iproute2 4.x prints and reads a VLAN on a bond", () => {
    expect(parseIpAddrJson(fixture("ip-addr-vlan-4.15.json"), "bond0.100")).toEqual({
      mac: "52:54:00:12:34:56",
      addresses: ["198.51.100.11", "198.51.100.101", "2001:db8:100::11", "fe80::5054:ff:fe12:3456"],
    });
  });

  it("returns mac null when the link has no address (then /sys is read)", () => {
    expect(parseIpAddrJson(fixture("ip-addr-tun-none.json"), "wg0")).toEqual({ mac: null, addresses: ["203.0.113.5"] });
  });

  it("reads output captured from this machine's iproute2", () => {
    expect(parseIpAddrJson(fixture("ip-addr-lo-real.json"), "lo")).toEqual({
      mac: "00:00:00:00:00:00",
      addresses: ["127.0.0.1", "::1"],
    });
  });

  it("names the first bytes of non-JSON output and the iproute2 requirement", () => {
    expect(() => parseIpAddrJson('Option "-j" is unknown, try "ip -help".\n', "eth0")).toThrow(
      /did not print JSON \(got "Option \\"-j\\" is unknown, try \\"ip -help\\"\.\\n"\).*iproute2 >= 4\.13/,
    );
    expect(() => parseIpAddrJson("", "eth0")).toThrow(/got no output/);
  });

  it("rejects JSON without the interface, naming the ones it saw", () => {
    expect(() => parseIpAddrJson(fixture("ip-addr-keepalived-6.1.json"), "eth1")).toThrow(/no interface "eth1" \(only "eth0"\)/);
    expect(() => parseIpAddrJson('{"ifname":"eth0"}', "eth0")).toThrow(/not an array/);
  });

  it("ignores malformed addresses and fields of the wrong type", () => {
    const text = JSON.stringify([
      { ifname: "eth0", address: 42, addr_info: [{ local: "not-an-ip" }, null, { local: "192.0.2.7" }, { local: "192.0.2.7" }, 5] },
    ]);
    expect(parseIpAddrJson(text, "eth0")).toEqual({ mac: null, addresses: ["192.0.2.7"] });
  });

  it("on arbitrary input either returns well-formed data or throws a clear Error", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify([v]))), (s) => {
        try {
          const r = parseIpAddrJson(s, "eth0");
          expect(Array.isArray(r.addresses)).toBe(true);
          expect(r.mac === null || /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(r.mac)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(Error);
          expect((err as Error).message).toContain('"ip -j addr show dev eth0"');
        }
      }),
      { numRuns: 300 },
    );
  });
});
