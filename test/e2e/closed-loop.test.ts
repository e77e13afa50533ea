// Closed loop with the real programs (issue 4): the exporter on the DESIGN.md example, a real
// Prometheus loading the shipped rules (time constants shortened) and a real Alertmanager whose
// webhook is /remediate with a bearer token from a file. Watched: InfraNodeOwnsNoVIPs fires for
// ose-prod-node-02, Alertmanager calls /remediate, the simulated router is rebalanced, the alert
// resolves, arp_imbalance_ratio is 0; then every PromQL query of the Grafana dashboard runs
// against that Prometheus. Waits are bounded polls on states, never timing assertions.
// Without the Debian prometheus/prometheus-alertmanager binaries it is skipped locally and
// fails in CI (CI=true).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import type { Dashboard } from "../deploy/dashboard.js";
import { IN_CI, findExecutable } from "../deploy/tools.js";
import { expandExpr, expandedQueries, grafanaRegexValue, mayBeEmpty, MAY_BE_EMPTY, variableQueries, type ExpandedQuery } from "./dashboard-queries.js";
import { JOB } from "./loop-configs.js";
import { ClosedLoop, DASHBOARD } from "./loop.js";
import { pollUntil } from "./poll.js";
import { PromQueryError, hasData, showSamples, type PromClient, type QueryResult } from "./prom-api.js";

const NODE2 = "ose-prod-node-02";
const ROUTER = "core-s1";

const bins = {
  prometheus: findExecutable("prometheus"),
  // Debian names it prometheus-alertmanager; upstream tarballs call it alertmanager.
  alertmanager: findExecutable("prometheus-alertmanager") ?? findExecutable("alertmanager"),
};
const missing = [
  bins.prometheus ? null : "prometheus not found on PATH (install Debian's prometheus package)",
  bins.alertmanager ? null : "prometheus-alertmanager not found on PATH (install Debian's prometheus-alertmanager package)",
].filter((m): m is string => m !== null);
const skipReason = missing.join("; ");
if (missing.length > 0 && !IN_CI) console.warn(`closed-loop test SKIPPED: ${skipReason}`);

describe("closed loop: exporter -> Prometheus -> Alertmanager -> /remediate", () => {
  if (missing.length > 0 && IN_CI) {
    it("prometheus and prometheus-alertmanager are installed (required when CI=true)", () => {
      expect.fail(`${skipReason}: .ci/run must install them`);
    });
  }

  describe.skipIf(missing.length > 0)(missing.length > 0 ? `SKIPPED: ${skipReason}` : "with real binaries", () => {
    const loop = new ClosedLoop({ prometheus: bins.prometheus as string, alertmanager: bins.alertmanager as string });
    let prom: PromClient;
    let node2Mac = "";
    // The steps build on each other: after a failure the rest fail at once instead of each
    // waiting out its deadline.
    let failedStep: string | null = null;
    const step = (name: string, fn: () => Promise<void> | void, timeoutMs = 60_000) =>
      it(
        name,
        async () => {
          if (failedStep) throw new Error(`not run: the earlier step "${failedStep}" failed`);
          try {
            await fn();
          } catch (err) {
            failedStep = name;
            throw err;
          }
        },
        timeoutMs,
      );
    const withDiagnostics = async <T>(fn: () => Promise<T>): Promise<T> => {
      try {
        return await fn();
      } catch (err) {
        throw new Error(`${(err as Error).message}\n--- diagnostics ---\n${loop.diagnostics()}`);
      }
    };

    beforeAll(async () => {
      await loop.start();
      prom = loop.prom as PromClient;
      node2Mac = loop.sim?.segment.node(NODE2).mac ?? "";
    }, 60_000);

    afterAll(async () => {
      await loop.stop();
    }, 40_000);

    step("starts from the DESIGN.md example: the router sends node 2 no VIP", () => {
      expect(node2Mac).toBe("00:1a:4a:48:be:ef");
      expect(Object.values(loop.initialEntries)).not.toContain(node2Mac);
      expect(Object.values(loop.initialEntries)).toHaveLength(3);
    });

    step("Prometheus scrapes the exporter and evaluates every shortened rule without error", async () => {
      const broken = await withDiagnostics(() =>
        pollUntil(
          "the exporter target up and every rule evaluated",
          async () => {
            const [targets, rules] = [await prom.targets(), await prom.rules()];
            const broken = rules.filter((r) => r.health === "err");
            const up = targets.length === 1 && targets[0]?.health === "up";
            const evaluated = rules.length === loop.rules.length && rules.every((r) => r.health === "ok");
            // A rule in error is a finding, not something to wait out.
            return broken.length > 0 || (up && evaluated)
              ? { done: true, value: broken }
              : { done: false, seen: `targets ${JSON.stringify(targets)}; rules ${rules.map((r) => `${r.name}:${r.health}`).join(", ")}` };
          },
          { timeoutMs: 20_000 },
        ),
      );
      expect(broken.map((r) => `${r.name}: ${r.lastError}`)).toEqual([]);
      const names = (await prom.rules()).map((r) => r.name);
      expect(names).toEqual(loop.rules.map((r) => r.name));
    }, 30_000);

    step("InfraNodeOwnsNoVIPs fires for ose-prod-node-02, and for no other node", async () => {
      // ALERTS is kept in the TSDB, so a firing that the remediation ends quickly is still seen.
      const firedFor = await withDiagnostics(() =>
        pollUntil(
          `InfraNodeOwnsNoVIPs firing for ${NODE2}`,
          async () => {
            const s = await prom.vector('max_over_time(ALERTS{alertname="InfraNodeOwnsNoVIPs",alertstate="firing"}[10m])');
            return s.some((x) => x.metric.node === NODE2) ? { done: true, value: s } : { done: false, seen: showSamples(s) };
          },
          { timeoutMs: 45_000 },
        ),
      );
      expect(firedFor.map((s) => s.metric.node)).toEqual([NODE2]);
      expect(firedFor[0]?.metric).toMatchObject({ router: ROUTER, severity: "warning", job: JOB });
    }, 60_000);

    step("Alertmanager calls /remediate with the token, and the router sends node 2 a VIP", async () => {
      const runs = await withDiagnostics(() =>
        pollUntil(
          "an Alertmanager-triggered remediation that verified a VIP moved to node 2",
          async () => {
            const records = loop.auditRecords().filter((r) => r.trigger === "alertmanager");
            const moved = records.some((r) =>
              (r.results as Array<{ to: { node: string }; status: string }>).some((a) => a.to.node === NODE2 && a.status === "verified"),
            );
            return moved ? { done: true, value: records } : { done: false, seen: `${records.length} Alertmanager-triggered runs` };
          },
          { timeoutMs: 30_000 },
        ),
      );
      // Called by the receiver of the shipped config for the alert, not by anything else.
      expect(runs.every((r) => r.who === `alertmanager receiver ${loop.remediateReceivers[0]}` && r.dryRun === false)).toBe(true);
      expect(runs.flatMap((r) => (r.alerts as string[] | undefined) ?? [])).toContain("InfraNodeOwnsNoVIPs");
      expect(loop.auditRecords().every((r) => r.trigger === "alertmanager")).toBe(true);

      const seg = loop.sim!.segment;
      const now = loop.sim!.config.vips.map((vip) => seg.routerMac(ROUTER, vip));
      expect([seg.routerMac(ROUTER, "192.0.2.102"), seg.routerMac(ROUTER, "192.0.2.103")]).toContain(node2Mac);
      // Balanced: each node's MAC once.
      expect(new Set(now).size).toBe(3);
      expect(seg.garpLog.length).toBeGreaterThan(0);
      expect(seg.garpLog.every((g) => g.node === NODE2)).toBe(true);

      const remediations = await withDiagnostics(() =>
        pollUntil(
          "vip_arp_remediations_total > 0 in Prometheus",
          async () => {
            const s = await prom.vector("vip_arp_remediations_total > 0");
            return s.length > 0 ? { done: true, value: s } : { done: false, seen: showSamples(s) };
          },
          { timeoutMs: 15_000 },
        ),
      );
      expect(remediations).toHaveLength(1);

      // Alertmanager's own count of webhook deliveries agrees.
      const amMetrics = await (await fetch(`${loop.alertmanagerUrl}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
      const delivered = /^alertmanager_notifications_total\{integration="webhook"\} (\d+)/m.exec(amMetrics);
      expect(Number(delivered?.[1] ?? 0)).toBeGreaterThanOrEqual(1);

      // The call got through because Alertmanager sent the token from its credentials_file:
      // without it, or with another one, /remediate refuses.
      const remediate = `http://127.0.0.1:${loop.exporterPort}/remediate`;
      const post = (headers: Record<string, string>) =>
        fetch(remediate, { method: "POST", headers, body: "{}", signal: AbortSignal.timeout(5000) }).then((r) => r.status);
      expect(await post({})).toBe(401);
      expect(await post({ authorization: "Bearer not-the-token" })).toBe(401);
    }, 60_000);

    step("the alert resolves and Prometheus shows arp_imbalance_ratio 0", async () => {
      await withDiagnostics(() =>
        pollUntil(
          "InfraNodeOwnsNoVIPs and ARPTableImbalanced no longer active",
          async () => {
            const active = (await prom.alerts()).filter((a) => ["InfraNodeOwnsNoVIPs", "ARPTableImbalanced"].includes(a.labels.alertname ?? ""));
            return active.length === 0
              ? { done: true, value: null }
              : { done: false, seen: active.map((a) => `${a.labels.alertname}{node=${a.labels.node ?? ""}} ${a.state}`).join(", ") };
          },
          { timeoutMs: 30_000 },
        ),
      );
      // Polled: a scrape that times out on a busy machine leaves a gap of a second or two.
      await withDiagnostics(() =>
        pollUntil(
          "arp_imbalance_ratio 0 and one VIP per node in Prometheus",
          async () => {
            const ratio = await prom.vector(`arp_imbalance_ratio{router="${ROUTER}"}`);
            const counts = await prom.vector(`infra_node_vip_count{router="${ROUTER}"}`);
            const seen = `ratio ${showSamples(ratio)}; counts ${showSamples(counts)}`;
            const balanced =
              ratio.length === 1 &&
              Number(ratio[0]?.value?.[1]) === 0 &&
              counts.length === 3 &&
              counts.every((c) => Number(c.value?.[1]) === 1) &&
              counts.some((c) => c.metric.node === NODE2);
            return balanced ? { done: true, value: null } : { done: false, seen };
          },
          { timeoutMs: 20_000 },
        ),
      );
      // Alertmanager sees the resolution too (Prometheus sends resolved alerts even though the
      // webhook has send_resolved: false).
      await withDiagnostics(() =>
        pollUntil(
          "Alertmanager without an active InfraNodeOwnsNoVIPs",
          async () => {
            const res = await fetch(`${loop.alertmanagerUrl}/api/v2/alerts?filter=${encodeURIComponent('alertname="InfraNodeOwnsNoVIPs"')}`, {
              signal: AbortSignal.timeout(5000),
            });
            const alerts = (await res.json()) as Array<{ labels: Record<string, string>; status: { state: string } }>;
            return alerts.length === 0 ? { done: true, value: null } : { done: false, seen: JSON.stringify(alerts.map((a) => a.status)) };
          },
          { timeoutMs: 20_000 },
        ),
      );
    }, 60_000);

    step("every PromQL query of grafana/vip-arp.json parses and has data where this loop made data", async () => {
      const dashboard = JSON.parse(readFileSync(DASHBOARD, "utf8")) as Dashboard;
      const all = expandedQueries(dashboard);
      expect(all.length).toBeGreaterThan(0);
      // The exemption list names real queries only, so it cannot go stale silently.
      for (const e of MAY_BE_EMPTY) expect(all.some((q) => q.panel === e.panel && q.refId === e.refId), `${e.panel}/${e.refId}`).toBe(true);

      // Variables as Grafana fills them: each label_values() query, with the earlier choices.
      const chosen: Record<string, string> = {};
      const picked: Record<string, string> = {};
      for (const v of variableQueries(dashboard)) {
        if ("error" in v) throw new Error(`dashboard variable ${v.name}: ${v.error}`);
        const match = expandExpr(v.match, chosen);
        const values = await prom.labelValues(v.label, match);
        expect(values, `values of $${v.name} from label_values(${match}, ${v.label})`).not.toHaveLength(0);
        picked[v.name] = values[0] as string;
        chosen[v.name] = grafanaRegexValue(values[0] as string);
      }
      // Grafana would offer exactly this loop's job, exporter and router.
      expect(picked).toMatchObject({ job: JOB, instance: `127.0.0.1:${loop.exporterPort}`, router: ROUTER });

      const failures: string[] = [];
      const empty: Array<{ pass: string; q: ExpandedQuery }> = [];
      const run = (q: ExpandedQuery) => evaluate(prom, q, loop.startedAt, Date.now() / 1000);
      for (const [pass, queries] of [
        ["All", all],
        [`selected ${JSON.stringify(chosen)}`, expandedQueries(dashboard, chosen)],
      ] as const) {
        for (const q of queries) {
          const r = await run(q);
          if (typeof r === "string") failures.push(`[${pass}] ${q.panel} / ${q.refId}: ${r}\n    ${q.expr}`);
          else if (!r && !mayBeEmpty(q.panel, q.refId)) empty.push({ pass, q });
        }
      }
      // A counter born during the remediation needs a second sample before increase() shows
      // it: empties get one shared, bounded wait.
      let stillEmpty = empty;
      await pollUntil(
        "data in every query that must have some",
        async () => {
          const next: typeof empty = [];
          for (const e of stillEmpty) if ((await run(e.q)) !== true) next.push(e);
          stillEmpty = next;
          return next.length === 0 ? { done: true, value: null } : { done: false, seen: `${next.length} empty` };
        },
        { timeoutMs: 10_000, intervalMs: 500 },
      ).catch(() => undefined);
      for (const { pass, q } of stillEmpty) failures.push(`[${pass}] ${q.panel} / ${q.refId}: no data, but this loop produces its series\n    ${q.expr}`);
      expect(failures, failures.join("\n")).toEqual([]);
    }, 60_000);
  });
});

/**
 * true: the query parses and returns data (instant, and over the loop's range for time-series
 * panels); false: it parses but something is empty; a string: what Prometheus rejected.
 */
async function evaluate(prom: PromClient, q: ExpandedQuery, start: number, end: number): Promise<boolean | string> {
  try {
    const results: QueryResult[] = [await prom.query(q.expr)];
    if (!q.instant) results.push(await prom.queryRange(q.expr, start, end, 1));
    return results.every(hasData);
  } catch (err) {
    return err instanceof PromQueryError ? `${err.errorType}: ${err.detail}` : `query failed: ${(err as Error).message}`;
  }
}
