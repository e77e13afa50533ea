// --log.format: logfmt by default, like Prometheus and its exporters (levels as words, `ts`
// first), JSON lines on request; both from the real logger and the built CLI.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { toLogfmt } from "../../src/log-format.js";
import { createLogger } from "../../src/log.js";

const CLI = fileURLToPath(new URL("../../dist/src/cli.js", import.meta.url));

function capture(format: "logfmt" | "json"): { lines: string[]; log: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  return { lines, log: createLogger("debug", format, { write: (s: string) => void lines.push(s) }) };
}

describe("toLogfmt", () => {
  it.each([
    ['{"level":"warn","ts":"2026-01-01T00:00:00.000Z","msg":"router read failed","router":"core-s1"}', "ts=2026-01-01T00:00:00.000Z level=warn msg=\"router read failed\" router=core-s1\n"],
    ['{"msg":"x","n":3,"ok":true,"none":null}', "msg=x n=3 ok=true none=null\n"],
    ['{"msg":"q","err":"said \\"no\\" = nope"}', 'msg=q err="said \\"no\\" = nope"\n'],
    ['{"msg":"m","err":{"type":"Error","message":"boom\\nline 2"}}', 'msg=m err.type=Error err.message="boom\\nline 2"\n'],
    ['{"msg":"a","actions":["192.0.2.102->node2:verified"],"empty":""}', 'msg=a actions="[\\"192.0.2.102->node2:verified\\"]" empty=""\n'],
    ['{"msg":"k","bad key=x":1}', "msg=k bad_key_x=1\n"],
    ["not json at all\n", 'msg="not json at all"\n'],
  ])("%s", (line, want) => {
    expect(toLogfmt(line)).toBe(want);
  });
});

describe("createLogger", () => {
  it("logfmt: ts, level as a word and msg first, then the fields", () => {
    const { lines, log } = capture("logfmt");
    log.warn({ router: "core-s1", vips: 3 }, "router read failed");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ts=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z level=warn msg="router read failed" router=core-s1 vips=3\n$/);
  });

  it("json: one object per line, level as a word, ts", () => {
    const { lines, log } = capture("json");
    log.error({ node: "n1" }, "node read failed");
    const rec = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(rec)).toEqual(["level", "ts", "node", "msg"]);
    expect(rec).toMatchObject({ level: "error", node: "n1", msg: "node read failed" });
    expect(Number.isNaN(Date.parse(rec.ts as string))).toBe(false);
  });

  it("drops what is below the level", () => {
    const lines: string[] = [];
    const log = createLogger("warn", "logfmt", { write: (s: string) => void lines.push(s) });
    log.info("hidden");
    log.debug("hidden too");
    log.warn("shown");
    expect(lines.map((l) => l.replace(/^ts=\S+ /, ""))).toEqual(["level=warn msg=shown\n"]);
  });
});

describe("the CLI", () => {
  const run = (args: string[]) =>
    new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(process.execPath, [CLI, "check", "--sim.scenario", fileURLToPath(new URL("../../scenarios/node-down.yaml", import.meta.url)), ...args], { timeout: 30_000 }, (err, _out, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stderr }),
      ),
    );

  it("logs logfmt by default and JSON with --log.format json", async () => {
    const [plain, json] = await Promise.all([run([]), run(["--log.format", "json"])]);
    const failed = (text: string) => text.split("\n").find((l) => l.includes("node read failed"));
    expect(failed(plain.stderr)).toMatch(/^ts=\S+ level=warn msg="node read failed" node=ose-prod-node-03 err="ssh ose-prod-node-03 /);
    expect(JSON.parse(failed(json.stderr)!)).toMatchObject({ level: "warn", msg: "node read failed", node: "ose-prod-node-03" });
  });

  it("refuses an unknown format with exit 2", async () => {
    const r = await run(["--log.format", "xml"]);
    expect(r).toEqual({ code: 2, stderr: "error: option '--log.format <format>' argument 'xml' is invalid. Allowed choices are logfmt, json.\n" });
  });
});
