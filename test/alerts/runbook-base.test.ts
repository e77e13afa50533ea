// One configurable runbook base (scripts/runbook-base.ts): every runbook_url is that base plus
// the alert's anchor, and `npm run runbook-base -- URL` moves the rules, their tests, the
// dashboard's link and the generated PrometheusRule to another base together, so the rewritten
// rules still pass their promtool tests.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEFAULT_OUTPUT_FILE } from "../../scripts/gen-prometheusrule.js";
import { checkBase, rebase, runbookBase, RUNBOOK_FILES } from "../../scripts/runbook-base.js";
import { IN_CI, findExecutable, run } from "../deploy/tools.js";

const ROOT = join(dirname(new URL(import.meta.url).pathname), "../..");
const read = (rel: string, root = ROOT) => readFileSync(join(root, rel), "utf8");
const BASE = "https://github.com/vip-arp-exporter/vip-arp-exporter/blob/main/docs/runbook.md";
const NEW = "https://wiki.example.com/ops/vip-arp-runbook";

type Rule = { alert: string; annotations: { runbook_url: string } };
const urls = (rulesText: string) => (parse(rulesText) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((g) => g.rules.map((r) => [r.alert, r.annotations.runbook_url]));

const dir = mkdtempSync(join(tmpdir(), "runbook-base-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("runbook base", () => {
  it("every shipped runbook_url is the one base plus the alert's anchor, and the dashboard links the base", () => {
    expect(runbookBase(read("alerts/vip-arp.rules.yml"))).toEqual({ ok: true, value: BASE });
    for (const [alert, url] of urls(read("alerts/vip-arp.rules.yml"))) expect(url).toBe(`${BASE}#${alert!.toLowerCase()}`);
    expect(read("grafana/vip-arp.json")).toContain(`"url": "${BASE}"`);
  });

  it("refuses rules with two bases or none, and bases that are no plain URL", () => {
    expect(runbookBase("runbook_url: https://a.example/x#one\n  runbook_url: https://b.example/x#two\n")).toMatchObject({ ok: false, error: expect.stringContaining("2 bases") });
    expect(runbookBase("groups: []")).toMatchObject({ ok: false });
    for (const bad of ["ftp://x.example/r", "https://x.example/r#a", "https://x.example/a b", 'https://x.example/"q']) expect(checkBase(bad).ok, bad).toBe(false);
    expect(checkBase(NEW)).toEqual({ ok: true, value: NEW });
    expect(rebase(`a ${BASE}#x b ${BASE}`, BASE, NEW)).toBe(`a ${NEW}#x b ${NEW}`);
  });

  it("npm run runbook-base -- URL rewrites rules, tests, dashboard and PrometheusRule, which stay consistent", async () => {
    for (const f of [...RUNBOOK_FILES, DEFAULT_OUTPUT_FILE]) {
      mkdirSync(dirname(join(dir, f)), { recursive: true });
      writeFileSync(join(dir, f), read(f));
    }
    const script = join(ROOT, "dist/scripts/runbook-base.js");
    const r = await run(process.execPath, [script, NEW], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    for (const f of [...RUNBOOK_FILES, DEFAULT_OUTPUT_FILE]) {
      expect(read(f, dir), f).not.toContain(BASE);
      expect(read(f, dir), f).toContain(NEW);
    }
    for (const [alert, url] of urls(read("alerts/vip-arp.rules.yml", dir))) expect(url).toBe(`${NEW}#${alert!.toLowerCase()}`);
    const rule = parse(read(DEFAULT_OUTPUT_FILE, dir)) as { spec: { groups: unknown } };
    expect(rule.spec.groups).toEqual((parse(read("alerts/vip-arp.rules.yml", dir)) as { groups: unknown }).groups);
    expect((await run(process.execPath, [script], { cwd: dir })).stdout.trim()).toBe(NEW);
    expect(await run(process.execPath, [script, "not a url"], { cwd: dir })).toMatchObject({ code: 2, stderr: expect.stringContaining("is not a runbook base") });

    const promtool = findExecutable("promtool");
    if (!promtool && IN_CI) expect.fail("promtool is required in CI");
    if (promtool) {
      const t = await run(promtool, ["test", "rules", join(dir, "alerts/vip-arp.rules.test.yml")]);
      expect(t.code, t.stdout + t.stderr).toBe(0);
    }
  });
});
