// Pure decoders: round trips, enumerations, and garbage that must never throw.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  arpRowIndex,
  decodeArpRow,
  ipv4FromSubids,
  ipv4ToSubids,
  macFromOctets,
  macToOctets,
  parseArpRowIndex,
  prefixFromMask,
  prefixFromRowPointer,
  type RawVarbind,
} from "../../src/sources/snmp/decode.js";
import {
  interfaceFor,
  parseIpAddrTable,
  parseIpAddressTable,
} from "../../src/sources/snmp/discovery.js";
import { ASN, compareOids, oidSuffix, parseOid } from "../../src/sources/snmp/oids.js";
import { reach } from "../helpers/reach.js";

const octets = (hex: string): RawVarbind => ({ oid: "x", type: ASN.OctetString, value: Buffer.from(hex, "hex") });
const int = (n: number): RawVarbind => ({ oid: "x", type: ASN.Integer, value: n });
const noSuch: RawVarbind = { oid: "x", type: ASN.NoSuchInstance, value: null };
const VIP = "192.0.2.101";

/** A MAC in lower-case colon form from its bytes, written out independently of the decoder. */
const hexMac = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(":");
/** The dotted-quad netmask of a prefix length. */
const maskOf = (p: number) => {
  const m = p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0;
  return [24, 16, 8, 0].map((sh) => (m >>> sh) & 255).join(".");
};
/** What agents send in physAddress: mostly 6 bytes (some all zero), other lengths, wrong types. */
const physVarbind: fc.Arbitrary<RawVarbind> = fc.oneof(
  {
    arbitrary: fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b): RawVarbind => ({ oid: "x", type: ASN.OctetString, value: Buffer.from(b) })),
    weight: 4,
  },
  fc.constant(octets("000000000000")),
  fc.uint8Array({ maxLength: 20 }).map((b) => ({ oid: "x", type: ASN.OctetString, value: Buffer.from(b) })),
  fc.integer().map(int),
  fc.constant(noSuch),
);
/** Type and state columns: small integers (valid and not), wrong types, missing. */
const intVarbind: fc.Arbitrary<RawVarbind> = fc.oneof(
  fc.integer({ min: 0, max: 9 }).map(int),
  fc.constant(octets("03")),
  fc.constant(noSuch),
);

const anyVarbind: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything(),
  fc.record({
    oid: fc.oneof(fc.string(), fc.constant("1.3.6.1"), fc.anything()),
    type: fc.oneof(fc.integer({ min: -5, max: 300 }), fc.constantFrom(2, 4, 6, 64, 128, 129, 130), fc.anything()),
    value: fc.oneof(fc.uint8Array({ maxLength: 12 }), fc.integer(), fc.double(), fc.string(), fc.anything()),
  }),
);

describe("MAC decoding", () => {
  it("round-trips 6 bytes through the lower-case colon form", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }).filter((b) => b.some((x) => x !== 0)), (bytes) => {
        const mac = macFromOctets(Buffer.from(bytes));
        expect(mac).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
        expect([...macToOctets(mac!)!]).toEqual([...bytes]);
      }),
    );
  });

  it("round-trips a MAC string through bytes", () => {
    fc.assert(
      fc.property(fc.mixedCase(fc.stringMatching(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/)), (mac) => {
        const bytes = macToOctets(mac)!;
        const back = macFromOctets(bytes);
        if (bytes.every((b) => b === 0)) expect(back).toBeNull();
        else expect(back).toBe(mac.toLowerCase());
      }),
    );
  });

  it("rejects other lengths, all zeros and non-buffers", () => {
    expect(macFromOctets(Buffer.alloc(6))).toBeNull();
    expect(macFromOctets(Buffer.from("001a4a48be", "hex"))).toBeNull();
    expect(macFromOctets(Buffer.from("001a4a48be4b00", "hex"))).toBeNull();
    expect(macFromOctets("00:1a:4a:48:be:4b")).toBeNull();
    expect(macFromOctets(null)).toBeNull();
    expect(macToOctets("not a mac")).toBeNull();
  });

  it("never throws on garbage", () => {
    // 6-byte arrays as well, so that the non-null branch is reached (counted).
    const seen = reach("mac", "null");
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ minLength: 6, maxLength: 6 }), fc.anything()), (v) => {
        const mac = macFromOctets(v);
        if (mac === null) return void seen.hit("null");
        seen.hit("mac");
        expect(v).toBeInstanceOf(Uint8Array);
        expect(mac).toBe(hexMac(v as Uint8Array));
      }),
      { numRuns: 200 },
    );
    seen.reached(10);
  });
});

describe("IPv4 in OID indexes", () => {
  it("round-trips an address through its sub-ids", () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        expect(ipv4FromSubids(ipv4ToSubids(ip))).toBe(ip);
      }),
    );
  });

  it("round-trips ARP row indexes of both tables", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("ipNetToMedia" as const, "ipNetToPhysical" as const),
        fc.integer({ min: 1, max: 0x7fffffff }),
        fc.ipV4(),
        (table, ifIndex, ip) => {
          expect(parseArpRowIndex(table, arpRowIndex(table, ifIndex, ip))).toEqual({ ifIndex, ip });
        },
      ),
    );
  });

  it("encodes the ipNetToPhysical index as ifIndex.addrType.len.address", () => {
    expect(arpRowIndex("ipNetToPhysical", 2, VIP)).toEqual([2, 1, 4, 192, 0, 2, 101]);
    expect(arpRowIndex("ipNetToMedia", 2, VIP)).toEqual([2, 192, 0, 2, 101]);
  });

  it("rejects malformed indexes without throwing", () => {
    expect(ipv4FromSubids([192, 0, 2])).toBeNull();
    expect(ipv4FromSubids([192, 0, 2, 256])).toBeNull();
    expect(parseArpRowIndex("ipNetToPhysical", [2, 2, 16, 192, 0, 2, 1])).toBeNull(); // IPv6 type
    expect(parseArpRowIndex("ipNetToPhysical", [2, 1, 5, 192, 0, 2, 1])).toBeNull(); // wrong length
    expect(parseArpRowIndex("ipNetToMedia", [0, 192, 0, 2, 1])).toBeNull(); // ifIndex 0
    // Random sub-ids almost never form an index: add real indexes of either table with one
    // sub-id edited, dropped or added, so both branches are reached (counted).
    const table = fc.constantFrom("ipNetToMedia" as const, "ipNetToPhysical" as const);
    const nearIndex = table
      .chain((t) => fc.record({
        t: fc.constant(t),
        ifIndex: fc.integer({ min: 1, max: 0x7fffffff }),
        // ipNetToPhysical rows are IPv4 or IPv6 (index ifIndex.2.16.address).
        ip: t === "ipNetToPhysical" ? fc.oneof(fc.ipV4(), fc.ipV6()) : fc.ipV4(),
        edit: fc.constantFrom("none", "set", "drop", "add"),
        at: fc.nat(),
        v: fc.oneof(fc.integer({ min: -1, max: 300 }), fc.double()),
      }))
      .map(({ t, ifIndex, ip, edit, at, v }) => {
        const ix = arpRowIndex(t, ifIndex, ip);
        const i = at % ix.length;
        if (edit === "set") ix[i] = v;
        if (edit === "drop") ix.splice(i, 1);
        if (edit === "add") ix.splice(i, 0, v);
        return ix;
      });
    const seen = reach("parsed", "null");
    fc.assert(
      fc.property(
        table,
        fc.oneof(fc.array(fc.oneof(fc.integer(), fc.double()), { maxLength: 10 }), nearIndex),
        (table, subids) => {
          const r = parseArpRowIndex(table, subids);
          if (r === null) return void seen.hit("null");
          seen.hit("parsed");
          // Whatever parses is exactly the index of what it returns (as dotted text: -0 is 0).
          expect(arpRowIndex(table, r.ifIndex, r.ip).join(".")).toBe(subids.join("."));
        },
      ),
      { numRuns: 300 },
    );
    seen.reached(10);
  });

  it("parses and orders OIDs numerically", () => {
    expect(parseOid("1.3.6.1.2.1")).toEqual([1, 3, 6, 1, 2, 1]);
    expect(parseOid("1.3.x")).toBeNull();
    expect(oidSuffix("1.3.6.1.2.1.4.22.1.2.2.192.0.2.101", "1.3.6.1.2.1.4.22.1.2")).toEqual([2, 192, 0, 2, 101]);
    expect(oidSuffix("1.3.6.1.2.1.4.22.1.20", "1.3.6.1.2.1.4.22.1.2")).toBeNull();
    expect(compareOids([1, 3, 10], [1, 3, 9])).toBeGreaterThan(0);
    expect(compareOids([1, 3], [1, 3, 0])).toBeLessThan(0);
  });
});

describe("ARP row decoding", () => {
  const mac = octets("001a4a48be4b");

  it("reads a dynamic and a static entry", () => {
    expect(decodeArpRow("ipNetToMedia", VIP, 2, { physAddress: mac, type: int(3) })).toEqual({
      kind: "entry",
      entry: { vip: VIP, mac: "00:1a:4a:48:be:4b", static: false, interface: "2" },
    });
    const s = decodeArpRow("ipNetToPhysical", VIP, 2, { physAddress: mac, type: int(4), state: int(1) });
    expect(s.kind === "entry" && s.entry.static).toBe(true);
    const local = decodeArpRow("ipNetToPhysical", VIP, 2, { physAddress: mac, type: int(5), state: int(1) });
    expect(local.kind === "entry" && local.entry.static).toBe(true);
    const other = decodeArpRow("ipNetToMedia", VIP, 2, { physAddress: mac, type: int(1) });
    expect(other.kind === "entry" && !other.entry.static).toBe(true);
  });

  it("treats invalid type, incomplete/invalid state and zero MACs as absent", () => {
    expect(decodeArpRow("ipNetToMedia", VIP, 2, { physAddress: mac, type: int(2) }).kind).toBe("absent");
    expect(decodeArpRow("ipNetToPhysical", VIP, 2, { physAddress: mac, type: int(2), state: int(1) }).kind).toBe("absent");
    expect(decodeArpRow("ipNetToPhysical", VIP, 2, { physAddress: mac, type: int(3), state: int(7) }).kind).toBe("absent");
    expect(decodeArpRow("ipNetToPhysical", VIP, 2, { physAddress: mac, type: int(3), state: int(5) }).kind).toBe("absent");
    expect(decodeArpRow("ipNetToMedia", VIP, 2, { physAddress: octets("000000000000"), type: int(3) }).kind).toBe("absent");
    // Stale/delay/probe entries still steer traffic.
    expect(decodeArpRow("ipNetToPhysical", VIP, 2, { physAddress: mac, type: int(3), state: int(2) }).kind).toBe("entry");
  });

  it("reports a missing row separately from an incomplete one", () => {
    expect(decodeArpRow("ipNetToMedia", VIP, 2, { physAddress: noSuch, type: noSuch }).kind).toBe("missing");
    expect(decodeArpRow("ipNetToMedia", VIP, 2, { physAddress: undefined, type: undefined }).kind).toBe("missing");
  });

  it("flags wrong varbind types and garbage lengths as malformed", () => {
    const str: RawVarbind = { oid: "x", type: ASN.OctetString, value: "00:1a:4a:48:be:4b" };
    expect(decodeArpRow("ipNetToMedia", VIP, 2, { physAddress: str, type: int(3) }).kind).toBe("malformed");
    expect(decodeArpRow("ipNetToMedia", VIP, 2, { physAddress: int(7), type: int(3) }).kind).toBe("malformed");
    expect(decodeArpRow("ipNetToMedia", VIP, 2, { physAddress: octets("001a4a48be4b4c4d"), type: int(3) }).kind).toBe(
      "malformed",
    );
    expect(decodeArpRow("ipNetToMedia", VIP, 2, { physAddress: mac, type: octets("03") }).kind).toBe("malformed");
    expect(decodeArpRow("ipNetToPhysical", VIP, 2, { physAddress: mac, type: int(3), state: octets("01") }).kind).toBe(
      "malformed",
    );
  });

  it("never throws and only returns well-formed entries, whatever the agent sent", () => {
    // Garbage alone never decodes to an entry: mix in varbinds an agent really sends, so that
    // every kind of result is reached (counted).
    const seen = reach("entry", "missing", "absent", "malformed");
    fc.assert(
      fc.property(
        fc.constantFrom("ipNetToMedia" as const, "ipNetToPhysical" as const),
        // A row the agent does not have answers noSuchInstance in every column.
        fc.oneof(
          {
            arbitrary: fc.tuple(
              fc.oneof({ arbitrary: physVarbind, weight: 3 }, { arbitrary: anyVarbind, weight: 1 }),
              fc.oneof({ arbitrary: intVarbind, weight: 3 }, { arbitrary: anyVarbind, weight: 1 }),
              fc.oneof({ arbitrary: intVarbind, weight: 3 }, { arbitrary: anyVarbind, weight: 1 }),
            ),
            weight: 6,
          },
          { arbitrary: fc.constant([noSuch, noSuch, noSuch] as unknown[]), weight: 1 },
        ),
        (table, [p, t, s]) => {
          const r = decodeArpRow(table, VIP, 2, {
            physAddress: p as RawVarbind,
            type: t as RawVarbind,
            state: s as RawVarbind,
          });
          seen.hit(r.kind);
          if (r.kind !== "entry") return;
          // An entry only from a 6-byte OctetString, and its MAC is exactly those bytes.
          const phys = p as RawVarbind;
          expect(phys.type).toBe(ASN.OctetString);
          expect(r.entry.mac).toBe(hexMac(phys.value as Uint8Array));
          expect(r.entry).toMatchObject({ vip: VIP, interface: "2" });
        },
      ),
      { numRuns: 1500 },
    );
    seen.reached(10);
  });
});

describe("address tables (discovery)", () => {
  const A = "1.3.6.1.2.1.4.20.1";
  const B = "1.3.6.1.2.1.4.34.1";

  it("joins ipAddrTable ifIndex and netmask columns", () => {
    const addrs = parseIpAddrTable(
      [
        { oid: `${A}.2.127.0.0.1`, type: ASN.Integer, value: 1 },
        { oid: `${A}.2.192.0.2.254`, type: ASN.Integer, value: 2 },
        { oid: `${A}.2.10.9.9`, type: ASN.Integer, value: 3 }, // short index: ignored
      ],
      [
        { oid: `${A}.3.127.0.0.1`, type: ASN.IpAddress, value: "255.0.0.0" },
        { oid: `${A}.3.192.0.2.254`, type: ASN.IpAddress, value: "255.255.255.0" },
      ],
    );
    expect(addrs).toEqual([
      { address: "127.0.0.1", prefixLength: 8, ifIndex: 1 },
      { address: "192.0.2.254", prefixLength: 24, ifIndex: 2 },
    ]);
  });

  it("joins ipAddressTable ifIndex and prefix pointer columns (IPv4 rows only)", () => {
    const addrs = parseIpAddressTable(
      [
        { oid: `${B}.3.1.4.192.0.2.254`, type: ASN.Integer, value: 2 },
        { oid: `${B}.3.2.16.${Array(16).fill(0).join(".")}`, type: ASN.Integer, value: 2 },
      ],
      [{ oid: `${B}.5.1.4.192.0.2.254`, type: ASN.OID, value: "1.3.6.1.2.1.4.32.1.5.2.1.4.192.0.2.0.24" }],
    );
    expect(addrs).toEqual([{ address: "192.0.2.254", prefixLength: 24, ifIndex: 2 }]);
  });

  it("decodes masks and prefix pointers defensively", () => {
    expect(prefixFromMask({ oid: "x", type: ASN.IpAddress, value: "255.255.0.0" })).toBe(16);
    expect(prefixFromMask({ oid: "x", type: ASN.IpAddress, value: "255.0.255.0" })).toBeNull();
    expect(prefixFromMask({ oid: "x", type: ASN.OctetString, value: "255.0.0.0" })).toBeNull();
    expect(prefixFromRowPointer({ oid: "x", type: ASN.OID, value: "0.0" })).toBeNull();
    expect(prefixFromRowPointer({ oid: "x", type: ASN.OID, value: "1.3.6.1.99" })).toBeNull();
    // Real masks and row pointers too, so that the non-null branch is reached (counted).
    const seen = reach("prefix", "null");
    const real = fc.integer({ min: 0, max: 40 }).chain((p) =>
      fc.constantFrom<RawVarbind>(
        { oid: "x", type: ASN.IpAddress, value: maskOf(Math.min(p, 32)) },
        { oid: "x", type: ASN.OID, value: `1.3.6.1.2.1.4.32.1.5.2.1.4.192.0.2.0.${p}` },
      ),
    );
    fc.assert(
      fc.property(fc.oneof(real, anyVarbind), (vb) => {
        const a = prefixFromMask(vb as RawVarbind);
        const b = prefixFromRowPointer(vb as RawVarbind);
        for (const p of [a, b]) {
          seen.hit(p === null ? "null" : "prefix");
          if (p !== null) expect(Number.isInteger(p) && p >= 0 && p <= 32).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
    seen.reached(10);
  });

  it("reads every prefix length back from its netmask and from a RowPointer ending in it", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 32 }), fc.array(fc.nat({ max: 300 }), { minLength: 1, maxLength: 12 }), (p, head) => {
        expect(prefixFromMask({ oid: "x", type: ASN.IpAddress, value: maskOf(p) })).toBe(p);
        expect(prefixFromRowPointer({ oid: "x", type: ASN.OID, value: [...head, p].join(".") })).toBe(p);
      }),
    );
  });

  it("places a VIP on the most specific interface subnet", () => {
    const addrs = [
      { address: "192.0.0.1", prefixLength: 16, ifIndex: 5 },
      { address: "192.0.2.254", prefixLength: 24, ifIndex: 2 },
      { address: "0.0.0.0", prefixLength: 0, ifIndex: 9 },
    ];
    expect(interfaceFor("192.0.2.101", addrs)).toBe(2);
    expect(interfaceFor("192.0.7.1", addrs)).toBe(5);
    expect(interfaceFor("198.51.100.1", addrs)).toBeNull();
    expect(interfaceFor("not-an-ip", addrs)).toBeNull();
  });
});
