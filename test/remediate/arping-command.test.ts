import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { garpCommands } from "../../src/remediate/arping-command.js";
import { reach } from "../helpers/reach.js";
import { expectNoMetacharacterThrough, spliced } from "../helpers/shell-meta.js";

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

  it("never lets a shell metacharacter through, whatever the input", () => {
    // IPv4 only: arping refuses IPv6 VIPs (ndp-command.ts builds theirs).
    expectNoMetacharacterThrough(
      "arping",
      spliced(fc.ipV4()),
      (vip, iface) => garpCommands(vip, iface, "both", 3),
      (vip, iface) => [`arping -c 3 -A -I ${iface} ${vip}`, `arping -c 3 -U -I ${iface} ${vip}`],
      7,
      reach("accepted", "refused with a metacharacter"),
    );
  });
});
