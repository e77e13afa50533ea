import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { garpCommands } from "../../src/remediate/arping-command.js";
import { reach } from "../helpers/reach.js";

describe("garpCommands", () => {
  it("builds the reply form, the request form, or both", () => {
    expect(garpCommands("192.0.2.102", "eth0", "reply", 4)).toEqual(["arping -c 4 -A -I eth0 192.0.2.102"]);
    expect(garpCommands("192.0.2.102", "eth0", "request", 4)).toEqual(["arping -c 4 -U -I eth0 192.0.2.102"]);
    expect(garpCommands("192.0.2.102", "bond0.100", "both", 3)).toEqual([
      "arping -c 3 -A -I bond0.100 192.0.2.102",
      "arping -c 3 -U -I bond0.100 192.0.2.102",
    ]);
  });

  it.each([
    "192.0.2.101; reboot",
    "$(id)",
    "`id`",
    "192.0.2.101 && id",
    "192.0.2.101\nid",
    "-h",
    "",
    "192.0.2.0/24",
    "192.0.2.010",
  ])("rejects VIP %j", (vip) => {
    expect(() => garpCommands(vip, "eth0", "both", 3)).toThrow(/is not an IP address/);
  });

  it.each(["eth0 && id", "$(id)", "eth0;id", "eth0|id", "-A", "", "eth0\n", "a234567890123456", "eth0 ", "..", "e..th"])(
    "rejects interface %j",
    (iface) => {
      expect(() => garpCommands("192.0.2.101", iface, "both", 3)).toThrow(/not a valid interface name/);
    },
  );

  it.each([0, 21, 2.5, -1, Number.NaN])("rejects count %s", (count) => {
    expect(() => garpCommands("192.0.2.101", "eth0", "both", count)).toThrow(/count/);
  });

  it("rejects an unknown mode", () => {
    expect(() => garpCommands("192.0.2.101", "eth0", "all" as never, 3)).toThrow(/garp mode/);
  });

  // Valid VIPs and interface names, the same with one shell metacharacter (or space) spliced
  // in, and arbitrary strings: so that some inputs are accepted and the assertion on the
  // built command is reached (counted below), not only the refusals.
  const META = ";&|$`<>(){}\\'\"\n\r\t*?!#~ ";
  const spliced = (valid: fc.Arbitrary<string>): fc.Arbitrary<string> =>
    fc.oneof(
      valid,
      fc.tuple(valid, fc.nat(), fc.constantFrom(...META)).map(([s, i, c]) => {
        const at = i % (s.length + 1);
        return s.slice(0, at) + c + s.slice(at);
      }),
      fc.string(),
    );
  const vipArb = spliced(fc.oneof(fc.ipV4(), fc.ipV6()));
  const ifaceArb = spliced(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,14}$/));

  it("never lets a shell metacharacter through, whatever the input", () => {
    const seen = reach("accepted", "refused with a metacharacter");
    fc.assert(
      fc.property(vipArb, ifaceArb, (vip, iface) => {
        const hasMeta = [...META].some((c) => vip.includes(c) || iface.includes(c));
        let cmds: string[];
        try {
          cmds = garpCommands(vip, iface, "both", 3);
        } catch (err) {
          expect((err as Error).message).toMatch(/^refusing to build arping command: /);
          if (hasMeta) seen.hit("refused with a metacharacter");
          return;
        }
        seen.hit("accepted");
        expect(hasMeta).toBe(false);
        expect(cmds).toEqual([`arping -c 3 -A -I ${iface} ${vip}`, `arping -c 3 -U -I ${iface} ${vip}`]);
        for (const c of cmds) {
          expect(c).not.toMatch(/[;&|$`<>(){}\\'"\n\r\t*?!#~]/);
          expect(c.split(" ")).toHaveLength(7);
        }
      }),
      { numRuns: 300 },
    );
    seen.reached(10);
  });
});
