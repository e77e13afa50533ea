// Address and name forms the DNS view relies on (src/model/net.ts): RFC 5952 IPv6, DNS names.
import fc from "fast-check";
import { isIPv6 } from "node:net";
import { describe, expect, it } from "vitest";
import { canonicalDnsName, ipv6Groups, isDnsName, normalizeIp } from "../../src/model/net.js";

describe("normalizeIp", () => {
  it.each([
    ["198.51.100.101", "198.51.100.101"],
    [" 198.51.100.101\n", "198.51.100.101"],
    ["2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"], // RFC 5952 4.2.3: the first of equal runs
    ["2001:db8:0:0:0:1:0:0", "2001:db8::1:0:0"], // the longest run wins
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"], // 4.2.2: one zero group stays
    ["2001:db8::0:1", "2001:db8::1"],
    ["::", "::"],
    ["::1", "::1"],
    ["fe80::", "fe80::"],
    ["::ffff:192.0.2.1", "::ffff:192.0.2.1"],
    ["::FFFF:C000:0201", "::ffff:192.0.2.1"], // 5: IPv4-mapped in dotted form
    ["64:ff9b::192.0.2.1", "64:ff9b::c000:201"],
  ])("%s -> %s", (input, out) => {
    expect(normalizeIp(input)).toBe(out);
  });

  it.each(["198.51.100.010", "198.51.100", "fe80::1%eth0", "2001:db8::1::2", "app.os.example.com", "", "1:2:3:4:5:6:7:8:9"])("refuses %j", (input) => {
    expect(normalizeIp(input)).toBeNull();
  });

  const groupsArb = fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 });

  it("agrees with the WHATWG URL serialiser (RFC 5952 compression), keeps the value, and is idempotent", () => {
    let compressed = 0;
    fc.assert(
      fc.property(groupsArb, fc.boolean(), (groups, upper) => {
        // Written the long way: leading zeros, and upper case or not.
        const long = groups.map((g) => g.toString(16).padStart(4, "0")).join(":");
        const input = upper ? long.toUpperCase() : long;
        const out = normalizeIp(input)!;
        expect(isIPv6(out)).toBe(true);
        expect(ipv6Groups(out)).toEqual(groups);
        expect(normalizeIp(out)).toBe(out);
        const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
        if (!mapped) expect(out).toBe(new URL(`http://[${input}]/`).hostname.slice(1, -1));
        if (out.includes("::")) compressed++;
      }),
      { numRuns: 500 },
    );
    expect(compressed).toBeGreaterThan(100);
  });
});

describe("DNS names", () => {
  it.each(["app.os.example.com", "app.os.example.com.", "a", "x-1.example", `${"a".repeat(63)}.example.com`])("accepts %s", (n) => {
    expect(isDnsName(n)).toBe(true);
  });

  it.each(["", ".", "-app.example.com", "app-.example.com", "app..example.com", "app_1.example.com", "app example.com", `${"a".repeat(64)}.example.com`, `${"a.".repeat(127)}ab`])(
    "refuses %j",
    (n) => {
      expect(isDnsName(n)).toBe(false);
    },
  );

  it("compares names without case and the root's dot", () => {
    expect(canonicalDnsName("App.OS.Example.COM.")).toBe("app.os.example.com");
  });
});
