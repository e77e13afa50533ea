import { describe, expect, it } from "vitest";
import { Cooldown } from "../../src/remediate/cooldown.js";

describe("Cooldown", () => {
  it("skips a VIP inside the window and frees it after", () => {
    let t = 1_000_000;
    const c = new Cooldown(60_000, () => t);
    expect(c.check("192.0.2.101")).toBeNull();
    c.mark("192.0.2.101");
    t += 12_000;
    const reason = c.check("192.0.2.101");
    expect(reason).toMatch(/cooldown: a GARP for 192\.0\.2\.101 was sent 12s ago/);
    expect(reason).toMatch(/allowed in 48s/);
    expect(c.check("192.0.2.102")).toBeNull();
    t += 47_999;
    expect(c.check("192.0.2.101")).not.toBeNull();
    t += 1;
    expect(c.check("192.0.2.101")).toBeNull();
  });

  it("restarts the window on a new send", () => {
    let t = 0;
    const c = new Cooldown(1000, () => t);
    c.mark("v");
    t = 1500;
    expect(c.check("v")).toBeNull();
    c.mark("v");
    t = 2000;
    expect(c.check("v")).not.toBeNull();
  });

  it("a zero window never skips", () => {
    const c = new Cooldown(0, () => 5);
    c.mark("v");
    expect(c.check("v")).toBeNull();
  });
});
