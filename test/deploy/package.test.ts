// The npm package as a user gets it: `npm pack` in a fresh copy of the repository (no dist/:
// prepack must build), installed into an empty folder, then `npx vip-arp-exporter check` on
// the demo. The install is offline and exact: the folder gets a lockfile with the project's
// own locked versions of the runtime dependencies, which `npm ci` has put in npm's cache, so
// `npm ci --offline` resolves them from that cache whether or not a registry is reachable.
// Also checked: LICENSE is the Apache-2.0 text, every source map points at shipped sources,
// every relative link of the shipped docs resolves, and the package's metadata fields.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "./tools.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const REVISION = "0123456789ab";

const work = mkdtempSync(join(tmpdir(), "vip-arp-package-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Packed {
  filename: string;
  integrity: string;
  files: Array<{ path: string }>;
}

/** The repository's files as a fresh clone has them (tracked and new, not ignored), and the project's node_modules. */
function freshCopy(dest: string): void {
  const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
  for (const f of files) {
    if (!existsSync(join(ROOT, f))) continue; // deleted in the working tree
    mkdirSync(dirname(join(dest, f)), { recursive: true });
    copyFileSync(join(ROOT, f), join(dest, f));
  }
  symlinkSync(join(ROOT, "node_modules"), join(dest, "node_modules"), "dir");
}

/** A lockfile that pins the tarball and the project's locked runtime dependencies. */
function lockfileFor(packed: Packed): { manifest: object; lock: object } {
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean }> };
  const tgz = `file:${packed.filename}`;
  const packages: Record<string, unknown> = {
    "": { name: "package-test", dependencies: { "vip-arp-exporter": tgz } },
    "node_modules/vip-arp-exporter": { version: pkg.version, resolved: tgz, integrity: packed.integrity, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
  };
  for (const [path, entry] of Object.entries(lock.packages)) if (path.startsWith("node_modules/") && !entry.dev) packages[path] = entry;
  return {
    manifest: { name: "package-test", private: true, dependencies: { "vip-arp-exporter": tgz } },
    lock: { name: "package-test", lockfileVersion: 3, requires: true, packages },
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

describe("npm pack, install from the tarball, run", () => {
  let packed: Packed;
  let installed: string;
  let app: string;
  const env = { ...process.env, VIP_ARP_EXPORTER_REVISION: REVISION, VIP_ARP_EXPORTER_BRANCH: "package-test", npm_config_update_notifier: "false" };

  beforeAll(async () => {
    const clone = join(work, "clone");
    freshCopy(clone);
    expect(existsSync(join(clone, "dist")), "the copy has no dist/: prepack must build it").toBe(false);
    const p = await run(NPM, ["pack", "--json", "--pack-destination", work], { cwd: clone, timeoutMs: 240_000, env });
    if (p.code !== 0) throw new Error(`npm pack failed (${p.code}): ${p.stderr}`);
    packed = (JSON.parse(p.stdout.slice(p.stdout.indexOf("["))) as Packed[])[0]!;
    app = join(work, "app");
    mkdirSync(app);
    const { manifest, lock } = lockfileFor(packed);
    writeFileSync(join(app, "package.json"), JSON.stringify(manifest, null, 2));
    writeFileSync(join(app, "package-lock.json"), JSON.stringify(lock, null, 2));
    copyFileSync(join(work, packed.filename), join(app, packed.filename));
    const i = await run(NPM, ["ci", "--offline", "--no-audit", "--no-fund"], { cwd: app, timeoutMs: 240_000, env });
    if (i.code !== 0) throw new Error(`npm ci --offline of the tarball failed (${i.code}): ${i.stderr}`);
    installed = join(app, "node_modules/vip-arp-exporter");
  }, 480_000);

  it("ships the compiled CLI, its sources, LICENSE, README, docs, deploy, rules, dashboard and scenarios, and no tests", () => {
    const paths = packed.files.map((f) => f.path);
    for (const f of ["dist/src/cli.js", "dist/src/cli/healthcheck.js", "dist/build-info.json", "src/cli.ts", "LICENSE", "README.md", "docs/metrics.md", "docs/runbook.md", "deploy/kubernetes/README.md", "deploy/kubernetes/base/kustomization.yaml", "alerts/vip-arp.rules.yml", "grafana/vip-arp.json", "scenarios/example.yaml", "package.json"]) {
      expect(paths, f).toContain(f);
    }
    expect(paths.filter((f) => /^(test|bench|lab|scripts|node_modules)\/|^dist\/(test|bench|lab|scripts)\//.test(f))).toEqual([]);
  });

  it("runs the demo `check` from the clean install: the router's view, and exit 1 for its problems", async () => {
    const r = await run(NPM, ["exec", "--no", "--", "vip-arp-exporter", "check"], { cwd: app, timeoutMs: 60_000, env });
    expect(r.stderr).toContain("DEMO MODE");
    expect(r.stdout).toMatch(/^\s+192\.0\.2\.102\s+00:1a:4a:48:be:4c\s+ose-prod-node-03\s+yes$/m);
    expect(r.stdout).toMatch(/^\s+ose-prod-node-02\s+0\s+up\s/m);
    expect(r.code).toBe(1); // the demo is imbalanced on purpose
  }, 60_000);

  it("--version names the build the tarball was packed from", async () => {
    const r = await run(join(app, "node_modules/.bin/vip-arp-exporter"), ["--version"], { cwd: app, env: { ...process.env, VIP_ARP_EXPORTER_REVISION: "" } });
    expect(r.stdout.split("\n")[0]).toBe(`vip-arp-exporter, version ${pkg.version} (branch: package-test, revision: ${REVISION})`);
    expect(r.code).toBe(0);
  });

  it("has no dangling source maps: every map's sources are in the package", () => {
    const maps = filesUnder(join(installed, "dist")).filter((f) => f.endsWith(".map"));
    expect(maps.length).toBeGreaterThan(20);
    for (const map of maps) {
      const m = JSON.parse(readFileSync(map, "utf8")) as { sources: string[]; sourceRoot?: string };
      for (const s of m.sources) {
        const src = resolve(dirname(map), m.sourceRoot ?? "", s);
        expect(existsSync(src), `${relative(installed, map)} -> ${s}`).toBe(true);
        expect(relative(installed, src).startsWith(".."), `${s} stays inside the package`).toBe(false);
      }
    }
    for (const js of filesUnder(join(installed, "dist")).filter((f) => f.endsWith(".js"))) {
      const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(js, "utf8"))?.[1];
      if (url) expect(existsSync(join(dirname(js), url)), `${relative(installed, js)} -> ${url}`).toBe(true);
    }
  });

  it("every relative link of the shipped Markdown resolves to a shipped file", () => {
    const docs = filesUnder(installed).filter((f) => f.endsWith(".md"));
    expect(docs.map((f) => relative(installed, f)).sort()).toEqual(expect.arrayContaining(["README.md", "docs/metrics.md", "docs/runbook.md", "deploy/kubernetes/README.md"]));
    let links = 0;
    for (const doc of docs) {
      const text = readFileSync(doc, "utf8").replace(/```[\s\S]*?```/g, "");
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = (m[1] as string).split("#")[0] as string;
        if (!target || /^[a-z]+:/i.test(target)) continue;
        links++;
        expect(existsSync(resolve(dirname(doc), target)), `${relative(installed, doc)} links ${m[1]}`).toBe(true);
      }
    }
    expect(links).toBeGreaterThan(20);
  });
});

describe("package.json and LICENSE", () => {
  it("builds on prepack and says where the project lives", () => {
    expect(pkg.scripts.prepack).toBe("npm run build");
    expect(pkg.repository).toEqual({ type: "git", url: "git+https://github.com/vip-arp-exporter/vip-arp-exporter.git" });
    expect(pkg.homepage).toBe("https://github.com/vip-arp-exporter/vip-arp-exporter#readme");
    expect(pkg.bugs).toEqual({ url: "https://github.com/vip-arp-exporter/vip-arp-exporter/issues" });
    expect(pkg.license).toBe("Apache-2.0");
  });

  it("LICENSE is the full Apache License 2.0", () => {
    const text = readFileSync(join(ROOT, "LICENSE"), "utf8");
    expect(text).toMatch(/^\s+Apache License\n\s+Version 2\.0, January 2004\n\s+http:\/\/www\.apache\.org\/licenses\/\n/);
    for (let n = 1; n <= 9; n++) expect(text, `section ${n}`).toMatch(new RegExp(`^\\s+${n}\\. [A-Z]`, "m"));
    expect(text).toContain("END OF TERMS AND CONDITIONS");
    expect(text).toContain("APPENDIX: How to apply the Apache License to your work.");
    expect(text.split("\n").length).toBeGreaterThan(200);
  });
});
