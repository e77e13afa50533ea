// What a command runs against when no config file is given: the demo simulation.
import { existsSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { openRuntime } from "../../src/cli/runtime.js";

describe("openRuntime (demo)", () => {
  it("writes the demo token to a private file and removes it on close", async () => {
    const rt = await openRuntime({ env: {} });
    let closed = false;
    try {
      expect(rt.banner).toContain("DEMO MODE");
      const file = rt.tokenFile!;
      expect(readFileSync(file, "utf8").trim()).toBe(rt.config.remediation.token);
      await rt.close();
      closed = true;
      expect(existsSync(file)).toBe(false);
      expect(existsSync(dirname(file))).toBe(false);
    } finally {
      if (!closed) await rt.close();
    }
  });
});
