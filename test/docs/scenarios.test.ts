// Every scenario file in scenarios/ loads with the simulator's loader, and so does every
// scenario example in docs/scenarios.md; that page names every key the loader accepts and
// every shipped scenario file.
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/load.js";
import { loadScenarioFile, parseScenario } from "../../src/sim/scenario.js";
import { fencedBlocks, repoFile } from "./markdown-blocks.js";

const SCENARIOS = fileURLToPath(new URL("../../scenarios/", import.meta.url));
const files = readdirSync(SCENARIOS).filter((f) => /\.ya?ml$/.test(f)).sort();
const doc = repoFile("docs/scenarios.md");
const examples = fencedBlocks(doc).filter((b) => b.lang === "yaml" && /^vips:/m.test(b.text));

function explain(err: unknown): never {
  if (err instanceof ConfigError) throw new Error(err.message);
  throw err;
}

describe("scenarios/", () => {
  it("ships scenario files", () => {
    expect(files).toContain("example.yaml");
  });

  it.each(files)("%s loads with loadScenarioFile", (file) => {
    let s;
    try {
      s = loadScenarioFile(`${SCENARIOS}${file}`);
    } catch (err) {
      explain(err);
    }
    expect(s.vips.length).toBeGreaterThan(0);
    // The simulator may name these addresses but never sends to them: keep to the documentation ranges.
    for (const a of [...s.vips, ...s.nodes.map((n) => n.address)]) expect(a, file).toMatch(/^(192\.0\.2\.|198\.51\.100\.|203\.0\.113\.|2001:db8:)/i);
  });

  it.each(files)("docs/scenarios.md describes %s", (file) => {
    expect(doc).toContain(`scenarios/${file}`);
  });
});

describe("docs/scenarios.md", () => {
  it("has scenario examples", () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  it.each(examples.map((e) => [`line ${e.line}`, e.text] as const))("the example at %s loads with parseScenario", (name, text) => {
    try {
      expect(parseScenario(text, `docs/scenarios.md ${name}`).nodes.length).toBeGreaterThan(0);
    } catch (err) {
      explain(err);
    }
  });

  it("names every scenario key the loader accepts (src/sim/scenario.ts)", () => {
    // The scenario schema is not exported: read its keys from the source, its `key: ...` and `key,` lines.
    const source = repoFile("src/sim/scenario.ts");
    const schema = source.slice(source.indexOf("const scenarioSchema"), source.indexOf("export type Scenario"));
    const keys = [...schema.matchAll(/^\s+([a-z_]+)(?:: |,$)/gm)].map((m) => m[1]!);
    expect(keys).toEqual(expect.arrayContaining(["vips", "nodes", "routers", "holds", "entries", "static"]));
    for (const k of keys) expect(doc, `docs/scenarios.md does not mention ${k}`).toMatch(new RegExp(`\\b${k}:`));
  });
});
