// selectVipEntries: which of a table's entries are the VIPs', honouring vrf:.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { selectVipEntries } from "../../src/sources/router-cli/select.js";
import type { CliArpEntry } from "../../src/sources/router-cli/types.js";
import { e, N1, N2, N3 } from "./fixtures.js";

describe("selectVipEntries", () => {
  it("returns the VIPs' entries in the order asked, once each", () => {
    const t = [e("192.0.2.1", N1, false), e("192.0.2.102", N2, false), e("192.0.2.101", N3, true)];
    expect(selectVipEntries(t, ["192.0.2.101", "192.0.2.102", "192.0.2.103", "192.0.2.101"])).toEqual({ entries: [t[2], t[1]], warnings: [] });
  });

  it("same VIP, same VRF, two MACs: the first is kept with a warning", () => {
    const t = [e("192.0.2.101", N1, false, "Gi0", "A"), e("192.0.2.101", N2, false, "Gi1", "A")];
    expect(selectVipEntries(t, ["192.0.2.101"])).toEqual({ entries: [t[0]], warnings: [`VIP 192.0.2.101 is listed with MACs ${N1} and ${N2}; keeping the first`] });
  });

  it("rows printed without a VRF count as the platform's default one", () => {
    const t = [e("192.0.2.101", N1, false), e("192.0.2.101", N2, false, undefined, "PROD")];
    expect(selectVipEntries(t, ["192.0.2.101"], { unnamed: "default" })).toEqual({ error: 'VIP 192.0.2.101 is in more than one VRF ("PROD", "default"); set vrf: to the one the VIPs live in' });
    expect(selectVipEntries(t, ["192.0.2.101"], { unnamed: "default", vrf: "default" })).toEqual({ entries: [t[0]], warnings: [] });
    expect(selectVipEntries(t, ["192.0.2.101"], { unnamed: "default", vrf: "prod" })).toEqual({ error: 'the output lists VRFs "PROD", "default" but not "prod"; check vrf: (names are case-sensitive) or command:' });
  });

  it("an empty table with a vrf is an empty reading, not an error", () => {
    expect(selectVipEntries([], ["192.0.2.101"], { vrf: "PROD", unnamed: "default" })).toEqual({ entries: [], warnings: [] });
  });

  it("property: with vrf, only that VRF's entries; without, a VIP in two VRFs is always an error", () => {
    const VRFS = ["default", "PROD", "DEV"];
    const entryArb = fc.record({
      ip: fc.constantFrom("192.0.2.101", "192.0.2.102", "192.0.2.103"),
      mac: fc.constantFrom(N1, N2, N3),
      vrf: fc.option(fc.constantFrom(...VRFS), { nil: undefined }),
    });
    let errors = 0;
    let selected = 0;
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 8 }), fc.option(fc.constantFrom(...VRFS), { nil: undefined }), (raw, vrf) => {
        const table: CliArpEntry[] = raw.map((r) => e(r.ip, r.mac, false, undefined, r.vrf));
        const vips = ["192.0.2.101", "192.0.2.102", "192.0.2.103"];
        const out = selectVipEntries(table, vips, { unnamed: "default", ...(vrf ? { vrf } : {}) });
        const vrfOf = (x: CliArpEntry) => x.vrf ?? "default";
        if ("error" in out) {
          errors++;
          if (vrf) expect(table.some((x) => vrfOf(x) === vrf)).toBe(false);
          else expect(vips.some((v) => new Set(table.filter((x) => x.ip === v).map(vrfOf)).size > 1)).toBe(true);
          return;
        }
        selected += out.entries.length;
        for (const x of out.entries) {
          if (vrf) expect(vrfOf(x)).toBe(vrf);
          expect(x).toBe(table.find((t) => t.ip === x.ip && (!vrf || vrfOf(t) === vrf)));
        }
        const expectedVips = vips.filter((v) => table.some((t) => t.ip === v && (!vrf || vrfOf(t) === vrf)));
        expect(out.entries.map((x) => x.ip)).toEqual(expectedVips);
      }),
      { numRuns: 400 },
    );
    expect(errors).toBeGreaterThan(20);
    expect(selected).toBeGreaterThan(100);
  });
});
