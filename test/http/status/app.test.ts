// The page in the app over the demo segment: it shows what scrapes read, never reads itself.
import { afterEach, describe, expect, it } from "vitest";
import { startDemoApp, TOKEN, type DemoApp } from "./demo-app.js";
import { one, parseHtml, rows, select, textOf } from "./parse-html.js";

let demo: DemoApp | null = null;
afterEach(async () => {
  await demo?.close();
  demo = null;
});

const get = async (d: DemoApp, path: string) => {
  const res = await fetch(`${d.url}${path}`);
  expect(res.status).toBe(200);
  return res.text();
};

describe("status page in the app", () => {
  it("never triggers a collection: it shows the last scrape's view", async () => {
    const d = (demo = await startDemoApp());
    const before = parseHtml(await get(d, "/"));
    await get(d, "/");
    expect(d.collections()).toBe(0);
    expect(select(before, "table")).toEqual([]);
    expect(textOf(select(one(before, "section[id=freshness]"), "p")[0]!)).toMatch(/^No view yet/);

    await get(d, "/metrics");
    expect(d.collections()).toBe(1);
    const after = parseHtml(await get(d, "/"));
    await get(d, "/");
    expect(d.collections()).toBe(1);
    expect(rows(one(after, "table.counts")).map((r) => r.slice(0, 2))).toEqual([
      ["ose-prod-node-01", "1"],
      ["ose-prod-node-02", "0"],
      ["ose-prod-node-03", "2"],
    ]);
    expect(rows(one(after, "table.sources")).map((r) => `${r[0]} ${r[1]} ${r[2]}`)).toEqual([
      "snmp core-s1 ok",
      "node ose-prod-node-01 ok",
      "node ose-prod-node-02 ok",
      "node ose-prod-node-03 ok",
      "dns foo.os.example.com ok",
    ]);
    expect(select(one(after, "section[id=freshness]"), "p").map(textOf)[1]).toBe(
      "Scrape interval unknown (fewer than two scrapes of the metrics path seen).",
    );
  });

  it("shows the runs /remediate made, from the audit log", async () => {
    const d = (demo = await startDemoApp());
    const res = await fetch(`${d.url}/remediate`, {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ dryRun: true }),
    });
    expect(res.status).toBe(200);
    const report = (await res.json()) as { actions: { vip: string }[] };
    const runs = rows(one(parseHtml(await get(d, "/")), "table.runs"));
    expect(runs.map((r) => r.slice(1, 4))).toEqual([["token", "dry run", "ok"]]);
    expect(runs[0]![5]).toBe(`${report.actions[0]!.vip}: ose-prod-node-03 → ose-prod-node-02 planned`);
  });
});
