// The address helpers IPv6 VIPs rely on (src/model/net.ts): which addresses can be VIPs, the
// family of an address, bytes, subnets and order. Oracles are BigInt arithmetic and node:net.
import fc from "fast-check";
import { isIPv6 } from "node:net";
import { describe, expect, it } from "vitest";
import { compareIp, ipFamily, ipv6FromBytes, ipv6Groups, ipv6InSubnet, ipv6ToBytes, isIpv6, normalizeIp, vipProblem } from "../../src/model/net.js";
import { reach } from "../helpers/reach.js";

const big = (ip: string): bigint => ipv6Groups(ip)!.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);

describe("vipProblem", () => {
  it.each(["198.51.100.101", "2001:db8::101", "2001:DB8:0:0::101", "fd00:1::5", "2001:db8:0:1:21a:4aff:fe48:be4c", "64:ff9b::c000:201"])("accepts %s", (vip) => {
    expect(vipProblem(vip)).toBeNull();
  });

  it.each([
    ["198.51.100.010", "must be an IPv4 or IPv6 address"],
    [" 2001:db8::1", "must be an IPv4 or IPv6 address"],
    ["fe80::1%eth0", "must be an IPv4 or IPv6 address without a zone index (%...)"],
    ["::", "must not be the unspecified address ::"],
    ["0:0:0:0:0:0:0:1", "must not be the loopback address ::1"],
    ["ff05::1:3", "must not be a multicast address (ff00::/8)"],
    ["febf::1", "must not be a link-local address (fe80::/10): use a global or unique-local VIP"],
    ["::ffff:c633:6465", "is an IPv4-mapped address: write the IPv4 address 198.51.100.101"],
  ])("refuses %j: %s", (vip, why) => {
    expect(vipProblem(vip)).toBe(why);
  });

  it("fec0::/10 (deprecated site-local, not link-local) is no link-local refusal", () => {
    expect(vipProblem("fec0::1")).toBeNull();
  });
});

describe("IPv6 helpers", () => {
  it("ipFamily and isIpv6 agree with node:net, zone ids and IPv4 aside", () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 12 })), (s) => {
        const fam = ipFamily(s);
        expect(isIpv6(s)).toBe(fam === 6);
        if (fam === 6) expect(isIPv6(s) && !s.includes("%")).toBe(true);
      }),
    );
  });

  it("bytes round-trip to the normalised address", () => {
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        const bytes = ipv6ToBytes(ip)!;
        expect(bytes).toHaveLength(16);
        expect(ipv6FromBytes(bytes)).toBe(normalizeIp(ip));
      }),
    );
    expect(ipv6FromBytes([1, 2, 3])).toBeNull();
    expect(ipv6FromBytes(Array(16).fill(256))).toBeNull();
  });

  it("ipv6InSubnet is prefix equality of the 128-bit numbers", () => {
    const seen = reach("inside", "outside");
    fc.assert(
      fc.property(fc.ipV6(), fc.ipV6(), fc.integer({ min: 0, max: 128 }), fc.boolean(), (a, b, len, near) => {
        // Half the time b shares a's first len bits (else almost nothing is inside).
        const mask = len === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - len)) - 1n);
        const nb = near ? (big(a) & mask) | (big(b) & ~mask & ((1n << 128n) - 1n)) : big(b);
        const bText = Array.from({ length: 8 }, (_, i) => ((nb >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(":");
        const inside = (big(a) & mask) === (nb & mask);
        expect(ipv6InSubnet(a, bText, len)).toBe(inside);
        seen.hit(inside ? "inside" : "outside");
      }),
      { numRuns: 300 },
    );
    seen.reached(30);
    expect(ipv6InSubnet("2001:db8::1", "2001:db8::", 129)).toBe(false);
    expect(ipv6InSubnet("198.51.100.1", "2001:db8::", 64)).toBe(false);
  });

  it("compareIp orders IPv4 first, then IPv6 numerically (not as text)", () => {
    expect(["2001:db8::a", "2001:db8::9", "198.51.100.2", "2001:db8::1:0", "10.0.0.1"].sort(compareIp)).toEqual(["10.0.0.1", "198.51.100.2", "2001:db8::9", "2001:db8::a", "2001:db8::1:0"]);
    fc.assert(
      fc.property(fc.ipV6(), fc.ipV6(), (a, b) => {
        expect(Math.sign(compareIp(a, b))).toBe(big(a) < big(b) ? -1 : big(a) > big(b) ? 1 : 0);
      }),
    );
  });
});
