// deploy/prometheus and deploy/alertmanager: valid for the real promtool and amtool, scraping
// the exporter's port, and routing the two rebalancing alerts to /remediate with a token file.
import { afterAll, describe, expect, it } from "vitest";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { IN_CI, findExecutable, missingToolReason, run } from "./tools.js";

const path = (rel: string) => fileURLToPath(new URL(`../../${rel}`, import.meta.url));
const PROMETHEUS_YML = path("deploy/prometheus/prometheus.yml");
const ALERTMANAGER_YML = path("deploy/alertmanager/alertmanager.yml");
const RULES = path("alerts/vip-arp.rules.yml");

interface Route {
  receiver?: string;
  matchers?: string[];
  group_by?: string[];
  repeat_interval?: string;
  continue?: boolean;
  routes?: Route[];
}
const prom = parse(readFileSync(PROMETHEUS_YML, "utf8")) as {
  rule_files: string[];
  alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> };
  scrape_configs: Array<{ job_name: string; scrape_interval?: string; scrape_timeout?: string; static_configs: Array<{ targets: string[] }> }>;
};
const am = parse(readFileSync(ALERTMANAGER_YML, "utf8")) as {
  route: Route;
  receivers: Array<{ name: string; webhook_configs?: Array<Record<string, unknown>> }>;
  inhibit_rules?: Array<{ source_matchers: string[]; target_matchers: string[]; equal: string[] }>;
};
const alertNames = (parse(readFileSync(RULES, "utf8")) as { groups: Array<{ rules: Array<{ alert: string }> }> }).groups.flatMap((g) =>
  g.rules.map((r) => r.alert),
);
const REMEDIATED = ["InfraNodeOwnsNoVIPs", "ARPTableImbalanced"];
const seconds = (d: string) => Number(/^(\d+)s$/.exec(d)?.[1] ?? NaN);
const hours = (d: string) => {
  const m = /^(\d+)([mh])$/.exec(d);
  return m ? Number(m[1]) / (m[2] === "m" ? 60 : 1) : NaN;
};

describe("deploy/prometheus/prometheus.yml", () => {
  it("scrapes the exporter on 9797 with a timeout that leaves room for slow routers", () => {
    const job = prom.scrape_configs.find((j) => j.static_configs.some((s) => s.targets.some((t) => t.endsWith(":9797"))));
    expect(job, "a scrape job for :9797").toBeDefined();
    expect(job?.job_name).toMatch(/vip-arp-exporter/); // what VIPARPExporterDown matches
    const timeout = seconds(job?.scrape_timeout ?? "");
    expect(timeout).toBeGreaterThan(10); // the exporter's default scrape_timeout is 10s
    expect(timeout).toBeLessThan(seconds(job?.scrape_interval ?? ""));
  });

  it("loads the rules and sends alerts to an Alertmanager", () => {
    expect(prom.rule_files).toContain("rules/vip-arp.rules.yml");
    expect(prom.alerting.alertmanagers[0]?.static_configs[0]?.targets[0]).toMatch(/:9093$/);
  });
});

describe("deploy/alertmanager/alertmanager.yml", () => {
  const remediateRoute = am.route.routes?.find((r) => r.receiver === "vip-arp-remediate");
  const receiver = am.receivers.find((r) => r.name === "vip-arp-remediate");
  const webhook = receiver?.webhook_configs?.[0] ?? {};

  it("calls /remediate with a bearer token from a file and no resolved notifications", () => {
    expect(webhook.url).toBe("http://vip-arp-exporter:9797/remediate");
    expect(webhook.send_resolved).toBe(false);
    expect(webhook.http_config).toEqual({
      authorization: { type: "Bearer", credentials_file: expect.stringMatching(/^\/.+/) },
    });
    expect(JSON.stringify(am)).not.toMatch(/"credentials"\s*:/); // never an inline token
  });

  it("routes the two rebalancing alerts there, grouped per alert and router, and keeps people informed", () => {
    expect(am.route.group_by).toEqual(["alertname", "router"]);
    expect(remediateRoute?.matchers).toEqual([`alertname =~ "${REMEDIATED.join("|")}"`]);
    expect(remediateRoute?.continue).toBe(true);
    const repeat = hours(remediateRoute?.repeat_interval ?? am.route.repeat_interval ?? "");
    expect(repeat).toBeGreaterThanOrEqual(0.5);
    expect(repeat).toBeLessThanOrEqual(24);
    expect(am.receivers.map((r) => r.name)).toContain(am.route.receiver);
  });

  it("holds remediation back while the router's VIP owner flaps", () => {
    const rule = am.inhibit_rules?.find((r) => r.source_matchers.includes('alertname = "VIPOwnerFlapping"'));
    expect(rule?.target_matchers).toEqual([`alertname =~ "${REMEDIATED.join("|")}"`]);
    expect(rule?.equal).toContain("router");
  });
});

const promtool = findExecutable("promtool");
const amtool = findExecutable("amtool");
const missingPromtool = missingToolReason("promtool", promtool, "prometheus");
const missingAmtool = missingToolReason("amtool", amtool, "prometheus-alertmanager");
for (const m of [missingPromtool, missingAmtool]) if (m && !IN_CI) console.warn(`deploy config checks SKIPPED: ${m}`);

describe("deploy configs with the real tools", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  for (const m of [missingPromtool, missingAmtool]) {
    if (m && IN_CI) {
      it(`${m.split(" ")[0]} is installed (required when CI=true)`, () => {
        expect.fail(`${m}: CI validates the deploy configs with it`);
      });
    }
  }

  describe.skipIf(missingPromtool !== null)(missingPromtool ? `SKIPPED: ${missingPromtool}` : "promtool", () => {
    it("`promtool check config` accepts prometheus.yml with the rules laid out as documented", async () => {
      const dir = mkdtempSync(join(tmpdir(), "vip-arp-prom-"));
      dirs.push(dir);
      mkdirSync(join(dir, "rules"));
      copyFileSync(PROMETHEUS_YML, join(dir, "prometheus.yml"));
      copyFileSync(RULES, join(dir, "rules", "vip-arp.rules.yml"));
      const r = await run(promtool as string, ["check", "config", join(dir, "prometheus.yml")]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`SUCCESS: ${alertNames.length} rules found`));
    });
  });

  describe.skipIf(missingAmtool !== null)(missingAmtool ? `SKIPPED: ${missingAmtool}` : "amtool", () => {
    it("`amtool check-config` accepts alertmanager.yml", async () => {
      const r = await run(amtool as string, ["check-config", ALERTMANAGER_YML]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/SUCCESS/);
    });

    it.each(alertNames.map((a) => [a] as const))("`amtool config routes test` sends %s to the right receivers", async (alert) => {
      const r = await run(amtool as string, ["config", "routes", "test", `--config.file=${ALERTMANAGER_YML}`, `alertname=${alert}`, "router=core-s1"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe(REMEDIATED.includes(alert) ? "vip-arp-remediate,default" : "default");
    });
  });
});
