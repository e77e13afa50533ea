// The Dockerfile without a Docker engine: its stages and instructions, its consistency with
// package.json/tsconfig.json and .dockerignore, and its HEALTHCHECK command run for real
// against a local HTTP server.
import { afterEach, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadScenarioFile } from "../../src/sim/scenario.js";
import { runWithEnv } from "./tools.js";

const read = (rel: string) => readFileSync(new URL(`../../${rel}`, import.meta.url), "utf8");

interface Instruction {
  op: string;
  args: string;
}
/** Instructions per stage, with line continuations joined and comments dropped. */
function parseDockerfile(text: string): Array<{ from: string; name: string; instructions: Instruction[] }> {
  const logical = text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const stages: Array<{ from: string; name: string; instructions: Instruction[] }> = [];
  for (const line of logical) {
    const m = /^(\w+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const op = (m[1] as string).toUpperCase();
    const args = m[2] as string;
    if (op === "FROM") {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      stages.push({ from: f?.[1] ?? "", name: f?.[2] ?? "", instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ op, args });
    }
  }
  return stages;
}

const stages = parseDockerfile(read("Dockerfile"));
const [build, runtime] = stages;
const ops = (s: typeof build, op: string) => (s?.instructions ?? []).filter((i) => i.op === op).map((i) => i.args);
const pkg = JSON.parse(read("package.json")) as { bin: Record<string, string>; scripts: Record<string, string> };
const tsconfig = JSON.parse(read("tsconfig.json")) as { compilerOptions: { outDir: string } };

describe("Dockerfile", () => {
  it("has a build and a runtime stage on node:24-bookworm-slim, a Node that engines names", () => {
    expect(stages.map((s) => [s.from, s.name])).toEqual([
      ["node:24-bookworm-slim", "build"],
      ["node:24-bookworm-slim", "runtime"],
    ]);
    const pkgEngines = (JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node;
    expect(pkgEngines).toBe(">=20 <25");
  });

  it("builds with npm ci and the package's build script (tsc)", () => {
    const runs = ops(build, "RUN");
    expect(runs.some((r) => /^npm ci\b/.test(r) && !r.includes("--omit=dev"))).toBe(true);
    expect(runs).toContain("npm run build");
    expect(pkg.scripts.build).toMatch(/^tsc\b/);
  });

  it("runtime has production dependencies and the compiled code only", () => {
    expect(ops(runtime, "RUN").some((r) => /^npm ci --omit=dev\b/.test(r))).toBe(true);
    const copies = ops(runtime, "COPY");
    expect(copies).toContain(`--from=build /app/${tsconfig.compilerOptions.outDir}/src ./${tsconfig.compilerOptions.outDir}/src`);
    // --version's revision, branch and build date, recorded by the build
    expect(copies).toContain(`--from=build /app/${tsconfig.compilerOptions.outDir}/build-info.json ./${tsconfig.compilerOptions.outDir}/build-info.json`);
    expect(pkg.scripts.build).toContain("node dist/scripts/build-info.js");
    expect(ops(build, "COPY")).toContain("scripts ./scripts");
    // from the build stage only compiled code; alerts/, grafana/, src/ and tests stay out
    for (const c of copies.filter((x) => x.startsWith("--from=build"))) expect(c).toMatch(/^--from=build \/app\/dist\//);
    expect(copies.filter((c) => !c.startsWith("--from=build"))).toEqual(["package.json package-lock.json ./", "scenarios ./scenarios"]);
  });

  it("ships scenarios/ where --sim.scenario /app/scenarios/NAME.yaml finds them", () => {
    expect(ops(runtime, "WORKDIR").at(-1)).toBe("/app");
    expect(ops(runtime, "COPY")).toContain("scenarios ./scenarios");
    // the path the Dockerfile's usage comment shows, mapped back into the repository
    const shown = /--sim\.scenario (\/app\/scenarios\/[\w.-]+\.yaml)/.exec(read("Dockerfile"))?.[1];
    expect(shown).toBe("/app/scenarios/example.yaml");
    const file = fileURLToPath(new URL(`../../${(shown as string).slice("/app/".length)}`, import.meta.url));
    const scenario = loadScenarioFile(file);
    expect(scenario.nodes.length).toBeGreaterThan(0);
    expect(scenario.routers.length).toBeGreaterThan(0);
  });

  it("runs as a numeric non-root user, exposes 9797 and starts the CLI", () => {
    const user = ops(runtime, "USER").at(-1) ?? "";
    expect(user).toMatch(/^[1-9]\d*(:\d+)?$/); // numeric: Kubernetes' runAsNonRoot can verify it
    expect(ops(runtime, "EXPOSE")).toEqual(["9797"]);
    const entry = JSON.parse(ops(runtime, "ENTRYPOINT")[0] ?? "null") as string[];
    expect(entry).toEqual(["node", pkg.bin["vip-arp-exporter"]]);
    const cmd = JSON.parse(ops(runtime, "CMD")[0] ?? "null") as string[];
    expect(cmd).toEqual(["--config.file", "/etc/vip-arp-exporter/config.yml", "--web.listen-address", ":9797"]);
  });

  it(".dockerignore keeps the context to what the build copies", () => {
    const lines = read(".dockerignore")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
    expect(lines[0]).toBe("*");
    const allowed = lines.filter((l) => l.startsWith("!")).map((l) => l.slice(1).replace(/\/$/, ""));
    const copied = stages
      .flatMap((s) => ops(s, "COPY"))
      .filter((c) => !c.startsWith("--from"))
      .flatMap((c) => c.split(/\s+/).slice(0, -1));
    expect([...new Set(copied)].sort()).toEqual([...allowed].sort());
    expect(allowed).not.toContain("node_modules");
  });
});

describe("Dockerfile HEALTHCHECK", () => {
  const healthcheck = ops(runtime, "HEALTHCHECK")[0] ?? "";
  const cmd = JSON.parse(/CMD\s+(\[.*\])$/.exec(healthcheck)?.[1] ?? "null") as string[];
  const entry = JSON.parse(ops(runtime, "ENTRYPOINT")[0] ?? "null") as string[];
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  /**
   * Runs the HEALTHCHECK command as the image would (its node, its CLI path mapped to dist/
   * here), pointed by VIP_ARP_WEB_LISTEN_ADDRESS at a server answering `status`.
   */
  async function probe(status: number | null): Promise<number | null> {
    let port = 9;
    if (status !== null) {
      server = createServer((req, res) => {
        res.statusCode = req.url === "/-/healthy" ? status : 404;
        res.end();
      });
      await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
      port = (server.address() as AddressInfo).port;
    }
    const [file, ...args] = cmd;
    expect(file).toBe("node");
    const r = await runWithEnv(process.execPath, args, { VIP_ARP_WEB_LISTEN_ADDRESS: `127.0.0.1:${port}` });
    return r.code;
  }

  it("runs the CLI's healthcheck subcommand with the image's node (TLS and basic auth from the web config)", () => {
    expect(healthcheck).toMatch(/--interval=\d+s/);
    expect(cmd.slice(0, 3)).toEqual([...entry, "healthcheck"]);
    // its own timeout stays below Docker's, so a hung server reports why
    const dockerTimeout = Number(/--timeout=(\d+)s/.exec(healthcheck)?.[1]);
    expect(Number(/^(\d+)s$/.exec(cmd[cmd.indexOf("--timeout") + 1] ?? "")?.[1])).toBeLessThan(dockerTimeout);
  });

  it("succeeds on 200", async () => {
    expect(await probe(200)).toBe(0);
  });

  it("fails on 503", async () => {
    expect(await probe(503)).toBe(1);
  });

  it("fails when nothing listens", async () => {
    expect(await probe(null)).toBe(1);
  });
});
