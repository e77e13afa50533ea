// The small helpers other tests rely on: metric-name extraction, anchors, variable expansion.
import { describe, expect, it } from "vitest";
import { expandVariables } from "./dashboard.js";
import { documentedMetrics, githubAnchors } from "./markdown.js";
import { metricNames } from "./promql.js";

describe("metricNames", () => {
  it("finds metrics and skips functions, keywords, labels, durations and strings", () => {
    expect(
      metricNames(
        'sum by (router, vip) (increase(vip_arp_owner_changes_total{job=~"$job",node="a_b"}[$__rate_interval])) > on (job) group_left infra_node_up offset 30m',
      ),
    ).toEqual(["infra_node_up", "vip_arp_owner_changes_total"]);
    expect(metricNames("count(x == 0) or vector(0)")).toEqual(["x"]);
    expect(metricNames('(a > 0 unless a offset 1h) and bool b{c="d e"}')).toEqual(["a", "b"]);
    expect(metricNames("1e3 * 2")).toEqual([]);
  });
});

describe("githubAnchors / documentedMetrics", () => {
  it("slugs headings like GitHub, ignoring fenced code", () => {
    const a = githubAnchors("# Title\n## Why these `for:` windows\n```\n# not a heading\n```\n## Title\n");
    expect([...a].sort()).toEqual(["title", "title-1", "why-these-for-windows"]);
  });

  it("reads metric sections with their type", () => {
    const m = documentedMetrics(
      "### `foo_total`\n- **Type:** counter\n- **Labels:** `a` (e.g. `x`), `b`\n  (wrapped `y`)\n### Other\n### `bar`\n- **Type:** gauge\n- **Labels:** none\n",
    );
    expect([...m]).toEqual([
      ["foo_total", { type: "counter", labels: ["a", "b"] }],
      ["bar", { type: "gauge", labels: [] }],
    ]);
  });
});

describe("expandVariables", () => {
  it("expands dashboard and built-in variables in all their forms", () => {
    expect(expandVariables('x{job=~"$job",instance=~"${instance}",router=~"${router:regex}",vip=~"$vip",node=~"$node"}[$__rate_interval]')).toBe(
      'x{job=~".+",instance=~".+",router=~".*",vip=~".+",node=~".*"}[2m]',
    );
    expect(expandVariables('x{job=~"$job"}', { job: "vip" })).toBe('x{job=~"vip"}');
    expect(expandVariables("$unknown")).toBe("$unknown");
  });
});
