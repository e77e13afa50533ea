// DNSPublishesUnservedVIP fires from the exporter's real output: the exporter on a simulated
// segment looks up a name at a real dnsmasq, its /metrics are scraped, and the series are fed to
// promtool's unit tests of the shipped rule file (alerts/vip-arp.rules.yml). The same pipeline on
// a segment that serves every published VIP raises nothing.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadScenarioFile } from "../../src/sim/scenario.js";
import { startTestExporter } from "../helpers/exporter.js";
import { IN_CI, findExecutable, missingToolReason, run } from "../deploy/tools.js";
import { DNSMASQ_MISSING, ZONE, startDnsmasq, type Dnsmasq } from "./servers.js";

const RULES = fileURLToPath(new URL("../../alerts/vip-arp.rules.yml", import.meta.url));
const promtool = findExecutable("promtool");
const missing = [DNSMASQ_MISSING, missingToolReason("promtool", promtool, "prometheus")].filter((m): m is string => m !== null).join("; ");
if (missing && !IN_CI) console.warn(`DNS alert test SKIPPED: ${missing}`);

const NAME = `app.${ZONE}`;
const JOB = { job: "vip-arp-exporter", instance: "exporter:9797" };
const RUNBOOK = "https://github.com/vip-arp-exporter/vip-arp-exporter/blob/main/docs/runbook.md#";

/** The exporter's own series from a scrape, with job and instance as Prometheus adds them. */
function inputSeries(text: string, samples = 20): Array<{ series: string; values: string }> {
  const out: Array<{ series: string; values: string }> = [];
  for (const line of text.split("\n")) {
    if (!/^(vip_|infra_|arp_)/.test(line)) continue;
    const i = line.lastIndexOf(" ");
    const [metric, value] = [line.slice(0, i), line.slice(i + 1)];
    const labels = `job="${JOB.job}",instance="${JOB.instance}"`;
    const series = metric.includes("{") ? metric.replace("{", `{${labels},`) : `${metric}{${labels}}`;
    out.push({ series, values: `${value}x${samples}` });
  }
  return out;
}

describe("DNSPublishesUnservedVIP from the exporter's output", () => {
  if (missing && IN_CI) {
    it("dnsmasq and promtool are installed (required when CI=true)", () => {
      expect.fail(`${missing}: .ci/run must install dnsmasq-base and prometheus`);
    });
  }

  describe.skipIf(missing !== "")(missing ? `SKIPPED: ${missing}` : "dnsmasq, exporter, promtool", () => {
    let dm: Dnsmasq;
    const dir = mkdtempSync(join(tmpdir(), "vae-dns-alert-"));
    beforeAll(async () => {
      // The zone publishes the three VIPs of the scenarios.
      dm = await startDnsmasq({ hosts: ["192.0.2.101", "192.0.2.102", "192.0.2.103"].map((a) => `${a} ${NAME}`) });
    });
    afterAll(async () => {
      await dm?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    async function scrapeWithDns(scenarioFile: string): Promise<string> {
      const ex = await startTestExporter(loadScenarioFile(scenarioFile), {
        edit: (c) => ({ ...c, dns: { names: [NAME], server: { host: "127.0.0.1", port: dm.port }, timeoutMs: 2000 } }),
      });
      try {
        return (await request(ex.app).get("/metrics").expect(200)).text;
      } finally {
        await ex.close();
      }
    }

    async function promtoolTest(name: string, text: string, alerts: Array<{ alertname: string; eval_time: string; exp_alerts: unknown[] }>) {
      const file = join(dir, `${name}.test.yml`);
      writeFileSync(
        file,
        stringify({ rule_files: [RULES], evaluation_interval: "1m", tests: [{ name, interval: "1m", input_series: inputSeries(text), alert_rule_test: alerts }] }),
      );
      return run(promtool as string, ["test", "rules", file]);
    }

    const quietDns = (evalTime: string) =>
      ["DNSPublishesUnknownAddress", "VIPMissingFromDNS", "DNSLookupFailing"].map((alertname) => ({ alertname, eval_time: evalTime, exp_alerts: [] }));

    it("fires, critical, for the name whose VIP .103 is blackholed at the router (1 of 3 records)", async () => {
      // keepalived: one MASTER per VIP; the router sends .103 to node 1, which does not hold it.
      const text = await scrapeWithDns("scenarios/blackholed.yaml");
      expect(text).toContain(`vip_dns_unserved_ratio{name="${NAME}"} 0.3333333333333333\n`);
      const r = await promtoolTest("blackholed", text, [
        { alertname: "DNSPublishesUnservedVIP", eval_time: "1m", exp_alerts: [] }, // pending
        {
          alertname: "DNSPublishesUnservedVIP",
          eval_time: "3m",
          exp_alerts: [
            {
              exp_labels: { severity: "critical", ...JOB, name: NAME },
              exp_annotations: {
                summary: "A DNS name hands clients a VIP that no node serves, so that share of them fails.",
                description: `33.33% of the records of ${NAME} (exporter ${JOB.instance}) are VIPs that no up node holds or that a router sends to a node without them: that share of the name's clients fails.`,
                runbook_url: `${RUNBOOK}dnspublishesunservedvip`,
              },
            },
          ],
        },
        ...quietDns("15m"),
      ]);
      expect(r.stdout + r.stderr).toMatch(/SUCCESS/);
      expect(r.code, r.stdout + r.stderr).toBe(0);
    });

    it("stays quiet when every published VIP is served", async () => {
      const text = await scrapeWithDns("scenarios/balanced.yaml");
      expect(text).toContain(`vip_dns_unserved_ratio{name="${NAME}"} 0\n`);
      const r = await promtoolTest("balanced", text, [{ alertname: "DNSPublishesUnservedVIP", eval_time: "15m", exp_alerts: [] }, ...quietDns("15m")]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
    });
  });
});
