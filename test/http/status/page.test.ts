import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DASHBOARD_UID, DEFAULT_RUNBOOK_URL } from "../../../src/http/status/links.js";
import { foldErrors } from "../../../src/http/status/sources.js";
import { plan } from "../../../src/model/plan.js";
import type { AnomalyKind } from "../../../src/model/types.js";
import type { AuditRecord } from "../../../src/remediate/audit.js";
import { MAC1, MAC2, MAC3, N1, N2, N3, V1, V2, V3, VIPS, designExample, node, router } from "../../model/fixtures.js";
import { AT, collectionOf, page, view } from "./fixtures.js";
import { hasClass, one, rows, select, textOf } from "./parse-html.js";

const later = (seconds: number) => new Date(AT.getTime() + seconds * 1000);

describe("status page: escaping", () => {
  it("shows names and error texts from config and the network as text, never as markup", () => {
    const evil = `core<script>alert("r")</script>&amp;'`;
    const err = `<img src=x onerror="alert(1)"> refused & "closed"`;
    const obs = designExample();
    obs.routers = [router(evil, { [V1]: MAC1, [V2]: MAC3, [V3]: MAC3 }), router("down", null, err)];
    obs.nodes[1] = { ...node(`<b>${N2}</b>`, MAC2, VIPS), up: false, holds: [], error: err };
    const c = collectionOf(obs);
    const banner = `demo <i>"mode"</i>`;
    const root = page(view(c, { banner, telemetryPath: `/m"><script>x</script>` }));
    for (const tag of ["script", "img", "b", "i"]) expect(select(root, tag)).toEqual([]);
    expect(one(root, `section[data-router=${evil}]`).attrs["data-router"]).toBe(evil);
    expect(textOf(one(one(root, `section[data-router=${evil}]`), "h3"))).toBe(`Router ${evil}`);
    expect(rows(one(root, "table.unreachable"))[0]![0]).toBe(`could not be read: ${err}`);
    expect(textOf(one(root, "p.banner"))).toBe(banner);
    expect(one(root, "nav").children.length).toBe(1);
    expect(select(root, "a").filter((a) => textOf(a) === "Metrics").map((a) => a.attrs.href)).toEqual([`/m"><script>x</script>`]);
    const source = select(one(root, "table.sources"), "tr").find((tr) => tr.attrs["data-source"] === "snmp down")!;
    expect(textOf(source.children.at(-1)!)).toBe(err);
    // Every anomaly message naming them is shown whole.
    expect(select(root, "span.message").map(textOf)).toEqual(c.analysis.anomalies.map((a) => a.message));
  });
});

describe("status page: age of the view", () => {
  const c = collectionOf(designExample());
  const warned = (now: Date, interval: number | null) =>
    select(page(view(c, { now, scrapeIntervalSeconds: interval })), "p.stale").map(textOf);

  it("warns once the view is older than two scrape intervals", () => {
    expect(warned(later(59), 30)).toEqual([]);
    expect(warned(later(60), 30)).toEqual([]);
    expect(warned(later(61), 30)).toEqual([
      "This view is stale: 61.0 s old, more than two scrape intervals. Check that Prometheus still scrapes this exporter and that the scrapes succeed.",
    ]);
    expect(warned(later(3 * 3600), 30)[0]).toMatch(/^This view is stale: 3\.0 h old/);
  });

  it("says the interval is unknown before two scrapes, and then cannot call the view stale", () => {
    const root = page(view(c, { now: later(3600), scrapeIntervalSeconds: null }));
    expect(select(root, "p.stale")).toEqual([]);
    expect(select(one(root, "section[id=freshness]"), "p").map(textOf)).toEqual([
      `View read at ${AT.toISOString()}, 60.0 min ago.`,
      "Scrape interval unknown (fewer than two scrapes of the metrics path seen).",
    ]);
  });

  it("says there is no view before the first scrape, and shows no tables", () => {
    const root = page(view(null));
    expect(textOf(select(one(root, "section[id=freshness]"), "p")[0]!)).toMatch(/^No view yet: /);
    expect(select(root, "table")).toEqual([]);
    expect(select(root, "li.problem")).toEqual([]);
  });
});

describe("status page: nodes and sources", () => {
  it("shows each node's state, MAC, VIPs held and what each router sends it", () => {
    const obs = designExample();
    obs.nodes[2] = { ...node(N3, MAC3, VIPS, false), error: "connect ECONNREFUSED" };
    obs.routers.push(router("edge-2", { [V1]: MAC2 }), router("edge-3", null));
    const root = page(view(collectionOf(obs)));
    const table = one(root, "table.nodes");
    expect(select(table, "th").map(textOf)).toEqual(["node", "state", "MAC", "VIPs held", "sent by core-s1", "sent by edge-2", "sent by edge-3", "status"]);
    const r = rows(table);
    expect(r.map((x) => x.slice(0, 7))).toEqual([
      [N1, "up", MAC1, VIPS.join(", "), "1", "0", "?"],
      [N2, "up", MAC2, VIPS.join(", "), "0", "1", "?"],
      [N3, "DOWN", MAC3, "none", "2", "0", "?"],
    ]);
    // Node 3 is down; core-s1 sends node 2 nothing although two up nodes share three VIPs.
    expect(select(table, "tr.problem").map((tr) => tr.attrs["data-node"])).toEqual([N2, N3]);
    const n2 = select(table, `tr[data-node=${N2}]`)[0]!;
    expect(select(n2, "td").map((td) => hasClass(td, "problem"))).toEqual([false, false, false, false, true, false, false, false]);
  });

  it("says a node holds all VIPs rather than listing many", () => {
    const vips = Array.from({ length: 11 }, (_, i) => `198.51.100.${i + 1}`);
    const obs = { vips, nodes: [node(N1, MAC1, [...vips].reverse()), node(N2, MAC2, vips.slice(1))], routers: [router("r", {})] };
    const r = rows(one(page(view(collectionOf(obs))), "table.nodes"));
    expect(r.map((x) => x[3])).toEqual(["all 11", vips.slice(1).join(", ")]);
  });

  it("keeps a source's last error after it recovers", () => {
    const failing = designExample();
    failing.routers = [router("core-s1", null, "Request timed out")];
    const first = collectionOf(failing, AT);
    const second = collectionOf(designExample(), later(30));
    const errors = foldErrors(foldErrors(new Map(), first.sources, first.at), second.sources, second.at);
    const table = one(page(view(second, { lastErrors: errors })), "table.sources");
    expect(rows(table)[0]).toEqual(["snmp", "core-s1", "ok", "12 ms", `Request timed out (at ${AT.toISOString()}, read since)`]);
    expect(rows(table)[1]).toEqual(["node", N1, "ok", "1.50 s", "none"]);
    expect(select(table, "tr.problem")).toEqual([]);
    const now = one(page(view(first, { lastErrors: errors })), "table.sources");
    expect(rows(now)[0]).toEqual(["snmp", "core-s1", "FAILED", "12 ms", "Request timed out"]);
    expect(hasClass(select(now, "tr")[1]!, "problem")).toBe(true);
  });
});

describe("status page: the plan and the runs", () => {
  it("shows the planner's dry run on the view", () => {
    const c = collectionOf(designExample());
    const p = plan(c.analysis);
    const root = page(view(c, { plan: p }));
    const macOf: Record<string, string> = { [N1]: MAC1, [N2]: MAC2, [N3]: MAC3 };
    expect(p.actions.length).toBe(1);
    expect(rows(one(root, "table.plan"))).toEqual(
      p.actions.map((a) => [a.vip, `${a.fromNode} (${macOf[a.fromNode!]})`, `${a.toNode} (${macOf[a.toNode]})`, "move"]),
    );
    expect(textOf(select(one(root, "section[id=plan]"), "p").at(-1)!)).toBe(`VIPs per node afterwards: ${N1} 1, ${N2} 1, ${N3} 1.`);
  });

  it("says what it cannot fix, and that nothing would be planned without a readable router", () => {
    const obs = designExample();
    obs.nodes = obs.nodes.map((n) => ({ ...n, holds: n.holds.filter((v) => v !== V3) }));
    const c = collectionOf(obs);
    const blocked = select(page(view(c)), "ul.blocked").flatMap((ul) => select(ul, "li").map(textOf));
    expect(blocked).toEqual(plan(c.analysis).blocked.map((b) => `${b.vip}: ${b.reason}`));
    expect(blocked.length).toBe(1);
    const none = designExample();
    none.routers = [router("core-s1", null)];
    expect(select(page(view(collectionOf(none))), "section[id=plan]").flatMap((s) => select(s, "p.problem")).map(textOf)).toEqual([
      "No router could be read: /remediate would refuse to plan or send anything.",
    ]);
  });

  it("shows the last remediation runs, newest first, failures highlighted", () => {
    const record = (time: string, ok: boolean, error?: string): AuditRecord => ({
      time,
      who: "alertmanager receiver <ops>",
      trigger: "alertmanager",
      dryRun: false,
      plan: { targets: {}, actions: [], blocked: [] },
      results: ok ? [{ vip: V2, from: { node: N3, mac: MAC3 }, to: { node: N2, mac: MAC2 }, status: "verified" }] : [],
      ok,
      durations: { totalSeconds: 1.234, sendSeconds: 1, verifySeconds: 0.2 },
      ...(error ? { error } : {}),
    });
    const runs = [record("2026-05-01T12:05:00.000Z", false, "no router could be read"), record("2026-05-01T12:00:00.000Z", true)];
    const table = one(page(view(null, { runs })), "table.runs");
    expect(rows(table)).toEqual([
      ["2026-05-01T12:05:00.000Z", "alertmanager receiver <ops>", "run", "FAILED", "1.23 s", "no router could be read"],
      ["2026-05-01T12:00:00.000Z", "alertmanager receiver <ops>", "run", "ok", "1.23 s", `${V2}: ${N3} → ${N2} verified`],
    ]);
    expect(select(table, "tr.problem")).toHaveLength(1);
  });
});

describe("status page: links", () => {
  it("links the dashboard shipped in grafana/ by its uid", () => {
    const dashboard = JSON.parse(readFileSync("grafana/vip-arp.json", "utf8")) as { uid: string };
    expect(DASHBOARD_UID).toBe(dashboard.uid);
  });

  it("links the runbook the alerts link to, each problem to its section", () => {
    const rules = readFileSync("alerts/vip-arp.rules.yml", "utf8");
    const urls = [...rules.matchAll(/runbook_url: (\S+)/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThan(5);
    for (const u of urls) expect(u.split("#")[0]).toBe(DEFAULT_RUNBOOK_URL);
    const anchors = new Set(
      readFileSync("docs/runbook.md", "utf8")
        .split("\n")
        .filter((l) => l.startsWith("## "))
        .map((l) => l.slice(3).trim().toLowerCase()),
    );
    const obs = designExample();
    obs.nodes[0] = node(N1, MAC1, [V1], false);
    obs.routers.push(router("edge-2", { [V1]: "02:00:00:00:00:99", [V2]: MAC3 }), router("edge-3", null));
    const root = page(view(collectionOf(obs)));
    const kinds = new Set<AnomalyKind>();
    for (const li of select(root, "li.problem")) {
      if (!li.attrs["data-kind"]) continue;
      kinds.add(li.attrs["data-kind"] as AnomalyKind);
      const href = one(li, "a.runbook").attrs.href!;
      expect(href.split("#")[0]).toBe(DEFAULT_RUNBOOK_URL);
      expect(anchors.has(href.split("#")[1]!)).toBe(true);
    }
    expect(kinds.size).toBeGreaterThan(5);
  });
});
