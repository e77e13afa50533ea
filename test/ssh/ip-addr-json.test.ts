import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { normalizeIp } from "../../src/model/net.js";
import { parseIpAddrJson, type InterfaceAddresses } from "../../src/sources/ip-addr-json.js";
import { reach } from "../helpers/reach.js";

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

  // Output shaped like `ip -j addr`, with known answers: a link list that may hold eth0 (its
  // MAC in some case, or no usable one; its addresses valid or not), other links and empty
  // objects. Only valid locals are expected back, each once, in order.
  const macArb = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(":"));
  const localArb = fc.oneof(
    fc.oneof(fc.ipV4(), fc.ipV6()).map((ip) => ({ local: ip as unknown, valid: true })),
    fc.constantFrom<unknown>("not-an-ip", "192.0.2.300", "192.0.2.010", "fe80::1::2", "", 42, null).map((v) => ({ local: v, valid: false })),
  );
  const linkArb = fc.record({
    ifname: fc.constantFrom("eth0", "eth1", "lo"),
    mac: fc.option(fc.mixedCase(macArb), { nil: null }),
    badAddress: fc.constantFrom<unknown>(undefined, 42, "", "00:1a:4a:48:be"),
    locals: fc.array(localArb, { maxLength: 6 }),
  });
  const outputArb = fc
    .record({ links: fc.array(linkArb, { maxLength: 3 }), empties: fc.nat({ max: 2 }) })
    .map(({ links, empties }) => {
      const objects: unknown[] = links.map((l) => ({
        ifindex: 2,
        ifname: l.ifname,
        ...(l.mac !== null ? { address: l.mac } : l.badAddress !== undefined ? { address: l.badAddress } : {}),
        addr_info: l.locals.map((a) => (a.local === null ? null : { family: "inet", local: a.local, prefixlen: 24 })),
      }));
      for (let i = 0; i < empties; i++) objects.splice(i % (objects.length + 1), 0, {});
      const eth0 = links.find((l) => l.ifname === "eth0");
      const expected = eth0
        ? { mac: eth0.mac?.toLowerCase() ?? null, addresses: [...new Set(eth0.locals.filter((a) => a.valid).map((a) => normalizeIp(a.local as string)!))] }
        : null;
      return { text: JSON.stringify(objects), expected };
    });

  it("on ip-shaped output returns exactly eth0's MAC and valid addresses, or says eth0 is missing", () => {
    const seen = reach("parsed", "parsed with a MAC", "parsed with addresses", "no eth0");
    fc.assert(
      fc.property(outputArb, ({ text, expected }) => {
        if (expected === null) {
          expect(() => parseIpAddrJson(text, "eth0")).toThrow(/printed no interface "eth0"/);
          seen.hit("no eth0");
          return;
        }
        const r = parseIpAddrJson(text, "eth0");
        seen.hit("parsed");
        if (r.mac !== null) seen.hit("parsed with a MAC");
        if (r.addresses.length > 0) seen.hit("parsed with addresses");
        expect(r).toEqual(expected);
      }),
      { numRuns: 300 },
    );
    seen.reached(10);
  });

  it("on arbitrary input either returns well-formed data or throws a clear Error", () => {
    const seen = reach("well-formed", "error");
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify([v])), outputArb.map((o) => o.text)), (s) => {
        // The call alone is in the try: an assertion failing below must not be caught.
        let r: InterfaceAddresses | undefined;
        let error: unknown;
        try {
          r = parseIpAddrJson(s, "eth0");
        } catch (err) {
          error = err;
        }
        if (r === undefined) {
          seen.hit("error");
          expect(error).toBeInstanceOf(Error);
          expect((error as Error).message).toContain('"ip -j addr show dev eth0"');
          return;
        }
        seen.hit("well-formed");
        expect(r.addresses.every((a) => isIP(a) !== 0)).toBe(true);
        expect(new Set(r.addresses).size).toBe(r.addresses.length);
        expect(r.mac === null || /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(r.mac)).toBe(true);
      }),
      { numRuns: 300 },
    );
    seen.reached(10);
  });
});
