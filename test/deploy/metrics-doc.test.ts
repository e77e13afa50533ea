// docs/metrics.md and the code agree: every metric the exporter registers (prom-client
// constructors under src/) is documented with its type and labels, and nothing else is.
import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { documentedMetrics } from "./markdown.js";

const SRC = fileURLToPath(new URL("../../src", import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [join(dir, e.name)] : [],
  );
}

/** `new Gauge({ name: "x", ..., labelNames: [...] })` and friends, as written in the source. */
function registeredMetrics(): Map<string, { type: string; labels: string[]; file: string }> {
  const found = new Map<string, { type: string; labels: string[]; file: string }>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/new (Gauge|Counter|Histogram|Summary)(?:<[^>]*>)?\(\{([\s\S]*?)\}\)/g)) {
      const body = m[2] ?? "";
      const name = /name:\s*"([^"]+)"/.exec(body)?.[1];
      if (!name) continue;
      const labelList = /labelNames:\s*\[([^\]]*)\]/.exec(body)?.[1] ?? "";
      const labels = [...labelList.matchAll(/"([^"]+)"/g)].map((l) => l[1] as string);
      found.set(name, { type: (m[1] as string).toLowerCase(), labels, file: file.slice(SRC.length + 1) });
    }
  }
  return found;
}

const documented = documentedMetrics(readFileSync(new URL("../../docs/metrics.md", import.meta.url), "utf8"));
const registered = registeredMetrics();

describe("docs/metrics.md", () => {
  it("finds the exporter's metrics in the source", () => {
    expect(registered.size).toBeGreaterThanOrEqual(15);
  });

  it("documents every registered metric with its type and labels", () => {
    for (const [name, r] of registered) {
      const d = documented.get(name);
      expect(d, `${name} (src/${r.file}) is missing from docs/metrics.md`).toBeDefined();
      expect(d?.type, `${name}: type`).toBe(r.type);
      expect([...(d?.labels ?? [])].sort(), `${name}: labels`).toEqual([...r.labels].sort());
    }
  });

  it("documents no metric the exporter does not register", () => {
    for (const name of documented.keys()) expect(registered.has(name), `${name} is documented but registered nowhere under src/`).toBe(true);
  });

  it("lists every documented metric in its summary table", () => {
    const table = readFileSync(new URL("../../docs/metrics.md", import.meta.url), "utf8");
    for (const name of documented.keys()) expect(table).toContain(`| [\`${name}\`](#${name}) |`);
  });
});
