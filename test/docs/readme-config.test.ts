// The config examples of README.md load with the real loader (src/config/load.ts): as written,
// with every commented-out option switched on, and the partial examples merged into the full
// one. Their *_file paths are replaced by real temporary files, and the test checks that the
// loader read each of them. Every key the schema accepts appears in an example.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { ConfigError, parseConfig } from "../../src/config/load.js";
import { configSchema } from "../../src/config/schema.js";
import type { Config } from "../../src/config/types.js";
import { fencedBlocks, repoFile, schemaKeys, withoutComment, type FencedBlock } from "./markdown-blocks.js";

// docs/scenarios.md holds scenario files, not configs: scenarios.test.ts loads those.
const DOCS = ["README.md", "docs/metrics.md", "docs/runbook.md", "docs/benchmarks.md", "docs/lab.md"];
const TOP_KEYS = new Set(Object.keys(configSchema.shape));
const ALL_KEYS = schemaKeys(configSchema);

const dir = mkdtempSync(join(tmpdir(), "vae-docs-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Example extends FencedBlock {
  doc: string;
}

const yamlBlocks: Example[] = DOCS.flatMap((doc) =>
  fencedBlocks(repoFile(doc))
    .filter((b) => b.lang === "yaml" || b.lang === "yml")
    .map((b) => ({ ...b, doc })),
);
const where = (e: Example): string => `${e.doc} line ${e.line}`;

/** A full config example: a YAML block with a top-level `vips:` key. */
const fullExamples = yamlBlocks.filter((b) => /^vips:/m.test(b.text));

/** A partial example: only top-level keys of the config (e.g. the Docker snippet's ssh and remediation). */
const fragments = yamlBlocks.filter((b) => {
  if (/^vips:/m.test(b.text)) return false;
  let doc: unknown;
  try {
    doc = parseYaml(b.text);
  } catch {
    return false;
  }
  const keys = doc && typeof doc === "object" && !Array.isArray(doc) ? Object.keys(doc) : [];
  return keys.length > 0 && keys.every((k) => TOP_KEYS.has(k));
});

let fileSeq = 0;

/**
 * Points every `*_file:` value outside comments at a fresh temporary file with a distinct
 * content, and returns what the loaded config must then contain.
 */
function withRealFiles(text: string): { text: string; expected: string[] } {
  const expected: string[] = [];
  const lines = text.split("\n").map((line) => {
    const code = withoutComment(line);
    const replaced = code.replace(/\b(\w+_file)(\s*:\s*)([^\s,}#]+)/g, (_m, key: string, sep: string) => {
      const path = join(dir, `${key}-${++fileSeq}`);
      if (key === "audit_log_file") {
        expected.push(path); // a path the exporter appends to, not a file it reads at load
      } else {
        const content = `${key}-${fileSeq}-content-from-a-real-file`;
        writeFileSync(path, `${content}\n`);
        expected.push(content);
      }
      return `${key}${sep}${path}`;
    });
    return replaced + line.slice(code.length);
  });
  return { text: lines.join("\n"), expected };
}

/** Turns `# key: value` lines (commented-out options of the schema) into live ones. */
function uncommentOptions(text: string): { text: string; count: number } {
  let count = 0;
  const out = text.split("\n").map((line) => {
    const m = /^(\s*)#\s?([a-z_]+)(:.*)$/.exec(line);
    if (!m || !ALL_KEYS.has(m[2]!)) return line;
    count++;
    return `${m[1]}${m[2]}${m[3]}`;
  });
  return { text: out.join("\n"), count };
}

function load(text: string, source: string): Config {
  try {
    // A set token variable would hide a broken token_file: load with an empty environment.
    return parseConfig(text, { source: join(dir, "config.yml"), env: {} });
  } catch (err) {
    if (err instanceof ConfigError) throw new Error(`${source} is rejected by the loader:\n${err.problems.join("\n")}`);
    throw err;
  }
}

function expectFilesRead(config: Config, expected: string[], source: string): void {
  const loaded = JSON.stringify(config);
  for (const value of expected) expect(loaded, `${source}: a *_file was not read (${value})`).toContain(value);
}

describe("config examples in README.md and docs/", () => {
  it("has a full config example and the partial ones to merge into it", () => {
    expect(fullExamples.filter((e) => e.doc === "README.md").map(where)).not.toEqual([]);
    expect(fragments.length, "the Docker section's ssh/remediation snippet").toBeGreaterThan(0);
  });

  it.each(fullExamples.map((e) => [where(e), e] as const))("%s loads as written", (name, example) => {
    const { text, expected } = withRealFiles(example.text);
    expect(expected.length, `${name} names no *_file`).toBeGreaterThan(0);
    const config = load(text, name);
    expectFilesRead(config, expected, name);
    const raw = parseYaml(example.text) as { vips: string[]; nodes: unknown[]; routers: unknown[] };
    expect(config.vips).toEqual(raw.vips);
    expect(config.nodes).toHaveLength(raw.nodes.length);
    expect(config.routers).toHaveLength(raw.routers.length);
  });

  const withOptions = fullExamples.filter((e) => uncommentOptions(e.text).count > 0);

  it("has a full example with commented-out options", () => {
    expect(withOptions.map(where)).not.toEqual([]);
  });

  it.each(withOptions.map((e) => [where(e), e] as const))("%s loads with every commented-out option switched on", (name, example) => {
    const { text, expected } = withRealFiles(uncommentOptions(example.text).text);
    expectFilesRead(load(text, `${name} (options uncommented)`), expected, name);
  });

  it.each(fragments.map((e) => [where(e), e] as const))("partial example %s loads merged into the full example", (name, fragment) => {
    const base = withRealFiles(fullExamples[0]!.text);
    const part = withRealFiles(fragment.text);
    const merged = { ...(parseYaml(base.text) as object), ...(parseYaml(part.text) as object) };
    const config = load(stringifyYaml(merged), name);
    expectFilesRead(config, part.expected, name);
  });

  it("documents every key the loader accepts (src/config/schema.ts) in README's key table, and no other", () => {
    const readme = repoFile("README.md");
    const section = readme.slice(readme.indexOf("\n## Configuration"), readme.indexOf("\n## Command line"));
    // First cells like `routers[].v3.user`, `.level`: every dotted segment is a key.
    const documented = new Set<string>();
    for (const row of section.split("\n").filter((l) => l.startsWith("| `"))) {
      const cell = row.split(" | ")[0]!;
      for (const m of cell.matchAll(/`([^`]+)`/g)) for (const seg of m[1]!.split(".")) if (seg) documented.add(seg.replace("[]", ""));
    }
    expect([...ALL_KEYS].filter((k) => !documented.has(k)), "config keys missing from README's key table").toEqual([]);
    expect([...documented].filter((k) => !ALL_KEYS.has(k)), "README's key table names keys the loader rejects").toEqual([]);
  });

  it("uses every key the loader accepts in an example, at least as a commented-out option or an alternative", () => {
    const written = new Set<string>();
    for (const e of [...fullExamples, ...fragments]) {
      for (const m of e.text.matchAll(/(?:^|[\s{,])([a-z_0-9]+):/gm)) written.add(m[1]!);
    }
    expect([...ALL_KEYS].filter((k) => !written.has(k)), "config keys missing from the config examples").toEqual([]);
  });

  it("rejects a typo in an example's key, naming its path (the test can fail)", () => {
    const { text } = withRealFiles(`${fullExamples[0]!.text}scrape_timout: 10s\n`);
    expect(() => load(text, "typo")).toThrow(/scrape_timout: unknown key/);
  });
});
