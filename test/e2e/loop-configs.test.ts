// The closed loop's Prometheus/Alertmanager configs and dashboard query expansion: pure parts,
// tested without the binaries.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import type { Dashboard } from "../deploy/dashboard.js";
import { expandedQueries, grafanaRegexValue, MAY_BE_EMPTY, variableQueries } from "./dashboard-queries.js";
import { JOB, alertmanagerConfigForTest, prometheusConfig } from "./loop-configs.js";

const file = (rel: string) => readFileSync(fileURLToPath(new URL(`../../${rel}`, import.meta.url)), "utf8");
const opts = { remediateUrl: "http://127.0.0.1:4242/remediate", credentialsFile: "/tmp/x/token" };

interface Route {
  receiver?: string;
  matchers?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  routes?: Route[];
}

describe("alertmanagerConfigForTest on deploy/alertmanager/alertmanager.yml", () => {
  const r = alertmanagerConfigForTest(file("deploy/alertmanager/alertmanager.yml"), opts);
  if (!r.ok) throw new Error(r.error);
  const doc = parse(r.value.text) as { route: Route; receivers: Array<Record<string, unknown> & { name: string }> };

  it("points the /remediate webhook at the exporter under test with the test's token file", () => {
    expect(r.value.remediateReceivers).toHaveLength(1);
    const receiver = doc.receivers.find((x) => x.name === r.value.remediateReceivers[0]);
    const hooks = receiver?.webhook_configs as Array<Record<string, unknown>>;
    expect(hooks).toHaveLength(1);
    expect(hooks[0]).toMatchObject({
      url: opts.remediateUrl,
      send_resolved: false,
      http_config: { authorization: { credentials_file: opts.credentialsFile } },
    });
  });

  it("keeps the routing to that receiver and shortens every timer that is set", () => {
    const routes: Route[] = [];
    const walk = (x: Route) => {
      routes.push(x);
      (x.routes ?? []).forEach(walk);
    };
    walk(doc.route);
    const remediate = routes.find((x) => x.receiver === r.value.remediateReceivers[0]);
    expect(remediate?.matchers?.join(" ")).toMatch(/InfraNodeOwnsNoVIPs/);
    for (const x of routes) {
      if (x.group_wait !== undefined) expect(x.group_wait).toBe("1s");
      if (x.group_interval !== undefined) expect(x.group_interval).toBe("1s");
      if (x.repeat_interval !== undefined) expect(x.repeat_interval).toBe("1h");
    }
    expect(doc.route).toMatchObject({ group_wait: "1s", group_interval: "1s", repeat_interval: "1h" });
  });

  it("leaves no integration that would send anywhere but the exporter", () => {
    for (const receiver of doc.receivers) {
      for (const [key, value] of Object.entries(receiver)) {
        if (!key.endsWith("_configs")) continue;
        expect(key).toBe("webhook_configs");
        for (const hook of value as Array<{ url: string }>) expect(hook.url).toBe(opts.remediateUrl);
      }
    }
  });
});

describe("alertmanagerConfigForTest on other input", () => {
  const base = (hooks: string) => `route: {receiver: r}\nreceivers:\n  - name: r\n${hooks}`;

  it("removes integrations that leave the machine and reports them", () => {
    const r = alertmanagerConfigForTest(
      base(
        "    webhook_configs:\n      - url: http://x:9797/remediate\n        http_config: {authorization: {credentials_file: /a}}\n      - url: http://hooks.example/notify\n    email_configs:\n      - to: a@example.org\n",
      ),
      opts,
    );
    expect(r.ok && r.value.removed).toEqual(["r.webhook_configs(http://hooks.example/notify)", "r.email_configs"]);
  });

  it("says what is missing", () => {
    expect(alertmanagerConfigForTest("route: [", opts)).toMatchObject({ ok: false, error: expect.stringMatching(/YAML/) });
    expect(alertmanagerConfigForTest(base("    webhook_configs: [{url: 'not a url'}]\n"), opts)).toMatchObject({
      ok: false,
      error: "no receiver has a webhook that calls /remediate",
    });
    expect(alertmanagerConfigForTest(base("    webhook_configs: [{url: 'http://x/remediate'}]\n"), opts)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/credentials_file/),
    });
  });
});

describe("prometheusConfig", () => {
  it("scrapes and evaluates every second under the shipped job name", () => {
    const doc = parse(prometheusConfig({ exporter: "127.0.0.1:1", alertmanager: "127.0.0.1:2", rulesFile: "/r.yml" }));
    expect(doc).toMatchObject({
      global: { scrape_interval: "1s", evaluation_interval: "1s" },
      rule_files: ["/r.yml"],
      alerting: { alertmanagers: [{ static_configs: [{ targets: ["127.0.0.1:2"] }] }] },
      scrape_configs: [{ job_name: JOB, static_configs: [{ targets: ["127.0.0.1:1"] }] }],
    });
    const shipped = parse(file("deploy/prometheus/prometheus.yml")) as { scrape_configs: Array<{ job_name: string }> };
    expect(shipped.scrape_configs.map((j) => j.job_name)).toContain(JOB);
  });
});

describe("dashboard queries", () => {
  const dashboard = JSON.parse(file("grafana/vip-arp.json")) as Dashboard;

  it("escapes a value as Grafana's Prometheus data source does in a regex matcher", () => {
    expect(grafanaRegexValue("127.0.0.1:9797")).toBe("127\\\\.0\\\\.0\\\\.1:9797");
    expect(grafanaRegexValue("core-s1")).toBe("core-s1");
    expect(grafanaRegexValue("a(b)|c")).toBe("a\\\\(b\\\\)\\\\|c");
  });

  it("reads every query variable as label_values(selector, label)", () => {
    const vars = variableQueries(dashboard);
    expect(vars.map((v) => v.name)).toEqual(expect.arrayContaining(["job", "instance", "router"]));
    for (const v of vars) expect("error" in v ? v.error : null).toBeNull();
  });

  it("leaves no Grafana variable unexpanded", () => {
    for (const q of [...expandedQueries(dashboard), ...expandedQueries(dashboard, { job: "j", instance: "i", router: "r" })]) {
      expect(q.expr, `${q.panel}/${q.refId}`).not.toMatch(/\$/);
    }
  });

  it("exempts only queries the dashboard has, each with a reason", () => {
    const all = expandedQueries(dashboard);
    for (const e of MAY_BE_EMPTY) {
      expect(all.some((q) => q.panel === e.panel && q.refId === e.refId), `${e.panel}/${e.refId}`).toBe(true);
      expect(e.why.length).toBeGreaterThan(20);
    }
  });
});
