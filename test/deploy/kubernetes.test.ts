// deploy/kubernetes: the manifests fit together (labels, ports, probes, mounted files the
// config names), run hardened, and the PrometheusRule carries exactly the rules of alerts/.
import { describe, expect, it } from "vitest";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { parse, parseAllDocuments } from "yaml";
import { configSchema } from "../../src/config/schema.js";
import { buildPrometheusRule, parseRuleGroups, renderPrometheusRule } from "../../scripts/gen-prometheusrule.js";

const BASE = "deploy/kubernetes/base";
const read = (rel: string) => readFileSync(new URL(`../../${rel}`, import.meta.url), "utf8");
const exists = (rel: string) => existsSync(new URL(`../../${rel}`, import.meta.url));

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const manifests: Obj[] = readdirSync(new URL(`../../${BASE}`, import.meta.url))
  .filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml")
  .flatMap((f) => parseAllDocuments(read(`${BASE}/${f}`)).map((d) => ({ ...(d.toJS() as Obj), __file: f })));
const kind = (k: string): Obj => {
  const found = manifests.filter((m) => m.kind === k);
  expect(found, k).toHaveLength(1);
  return found[0] as Obj;
};

const deployment = kind("Deployment");
const pod = deployment.spec.template.spec as Obj;
const container = pod.containers[0] as Obj;
const configMap = kind("ConfigMap");
const config = parse(configMap.data["config.yml"] as string) as Obj;

/** What the container sees at an absolute path: { configMap|secret name, key } from the projected volume. */
function fileAt(path: string): { source: "configMap" | "secret"; name: string; key: string } | null {
  for (const mount of container.volumeMounts as Obj[]) {
    if (!path.startsWith(`${mount.mountPath}/`)) continue;
    const rel = path.slice(mount.mountPath.length + 1);
    const volume = (pod.volumes as Obj[]).find((v) => v.name === mount.name);
    for (const src of (volume?.projected?.sources ?? []) as Obj[]) {
      const [source, ref] = Object.entries(src)[0] as ["configMap" | "secret", Obj];
      const item = (ref.items as Obj[]).find((i) => i.path === rel);
      if (item) return { source, name: ref.name, key: item.key };
    }
  }
  return null;
}

describe("deploy/kubernetes/base", () => {
  it("kustomization lists every manifest (alertmanagerconfig.yaml is optional)", () => {
    const k = parse(read(`${BASE}/kustomization.yaml`)) as { resources: string[]; namespace: string };
    const files = [...new Set(manifests.map((m) => m.__file as string))].filter((f) => f !== "alertmanagerconfig.yaml");
    expect([...k.resources].sort()).toEqual(files.sort());
    expect(k.namespace).toBe("vip-arp-exporter");
  });

  it("the Deployment runs one non-root, hardened replica", () => {
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy.type).toBe("Recreate");
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).not.toBe(0);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(container.resources.limits.memory).toBeDefined();
  });

  it("serves port 9797 as http-metrics with liveness on /-/healthy and readiness on /-/ready", () => {
    expect(container.ports).toEqual([{ name: "http-metrics", containerPort: 9797, protocol: "TCP" }]);
    expect(container.livenessProbe.httpGet).toEqual({ path: "/-/healthy", port: "http-metrics" });
    expect(container.readinessProbe.httpGet).toEqual({ path: "/-/ready", port: "http-metrics" });
    const args = container.args as string[];
    expect(args[args.indexOf("--web.listen-address") + 1]).toBe(":9797");
  });

  it("reads its config from the ConfigMap at --config.file", () => {
    const args = container.args as string[];
    const configFile = args[args.indexOf("--config.file") + 1] as string;
    expect(configFile).toBe("/etc/vip-arp-exporter/config.yml");
    expect(fileAt(configFile)).toEqual({ source: "configMap", name: configMap.metadata.name, key: "config.yml" });
  });

  it("the ConfigMap's config is valid for the exporter's config schema", () => {
    const r = configSchema.safeParse(config);
    expect(r.success, r.success ? "" : JSON.stringify(r.error.issues)).toBe(true);
  });

  it("every secret file the config names is mounted from a Secret, and the README says how to create it", () => {
    const secretPaths = [
      config.ssh.private_key_file,
      config.ssh.known_hosts_file,
      config.remediation.token_file,
      ...(config.routers as Obj[]).map((r) => r.community_file).filter(Boolean),
    ] as string[];
    expect(secretPaths).toHaveLength(4);
    const readme = read("deploy/kubernetes/README.md");
    for (const p of secretPaths) {
      const f = fileAt(p);
      expect(f?.source, `${p} must come from a Secret`).toBe("secret");
      expect(readme, `README creates secret ${f?.name} with key ${f?.key}`).toMatch(
        new RegExp(`create secret generic ${f?.name}[^\\n]*(\\\\\\n[^\\n]*)?--from-file=${f?.key}=`),
      );
    }
    // secrets never sit in the ConfigMap
    expect(configMap.data["config.yml"]).not.toMatch(/community:|BEGIN .*PRIVATE KEY/);
    // readable by the pod's group only (fsGroup), not world-readable
    const vol = (pod.volumes as Obj[]).find((v) => v.projected);
    expect(vol?.projected.defaultMode).toBe(0o440);
  });

  it("the Service and ServiceMonitor select the pods and the http-metrics port", () => {
    const svc = kind("Service");
    const sm = kind("ServiceMonitor");
    const podLabels = deployment.spec.template.metadata.labels as Record<string, string>;
    for (const [k, v] of Object.entries(svc.spec.selector as Record<string, string>)) expect(podLabels[k]).toBe(v);
    expect(svc.spec.ports).toEqual([{ name: "http-metrics", port: 9797, targetPort: "http-metrics", protocol: "TCP" }]);
    for (const [k, v] of Object.entries(sm.spec.selector.matchLabels as Record<string, string>)) expect(svc.metadata.labels[k]).toBe(v);
    const ep = sm.spec.endpoints[0] as Obj;
    expect(ep.port).toBe("http-metrics");
    const s = (d: string) => Number(/^(\d+)s$/.exec(d)?.[1]);
    expect(s(ep.scrapeTimeout)).toBeLessThan(s(ep.interval));
    expect(s(ep.scrapeTimeout)).toBeGreaterThan(s(config.scrape_timeout ?? "10s"));
  });

  it("the optional AlertmanagerConfig calls /remediate with the token Secret the exporter uses", () => {
    const amc = kind("AlertmanagerConfig");
    const hook = amc.spec.receivers[0].webhookConfigs[0] as Obj;
    expect(hook.url).toBe("http://vip-arp-exporter.vip-arp-exporter.svc:9797/remediate");
    expect(hook.sendResolved).toBe(false);
    const tokenFile = fileAt(config.remediation.token_file as string);
    expect(hook.httpConfig.authorization.credentials).toEqual({ name: tokenFile?.name, key: tokenFile?.key });
  });
});

describe("deploy/kubernetes/openshift", () => {
  it("removes exactly the fixed ids OpenShift assigns itself, and they exist in the base", () => {
    const k = parse(read("deploy/kubernetes/openshift/kustomization.yaml")) as { resources: string[]; patches: Array<{ patch: string }> };
    expect(k.resources).toEqual(["../base"]);
    const ops = parse(k.patches[0]?.patch ?? "") as Array<{ op: string; path: string }>;
    const removed = ops.map((o) => {
      expect(o.op).toBe("remove");
      const value = o.path.split("/").slice(1).reduce<Obj | undefined>((obj, key) => obj?.[key], deployment);
      expect(value, `${o.path} exists in the base Deployment`).toBeDefined();
      return o.path.split("/").pop();
    });
    expect(removed.sort()).toEqual(["fsGroup", "runAsGroup", "runAsUser"]);
  });
});

describe("PrometheusRule generated from alerts/vip-arp.rules.yml", () => {
  const rulesText = read("alerts/vip-arp.rules.yml");
  const committed = parse(read(`${BASE}/prometheusrule.yaml`)) as Obj;

  it("the committed file is what the generator makes from the current rules", () => {
    const regenerated = buildPrometheusRule(rulesText);
    expect(regenerated.ok).toBe(true);
    expect(committed).toEqual(regenerated.ok ? regenerated.value : null);
    expect(read(`${BASE}/prometheusrule.yaml`)).toMatch(/^# GENERATED from alerts\/vip-arp\.rules\.yml/);
  });

  it("carries exactly the rule groups of alerts/", () => {
    expect(committed.spec.groups).toEqual((parse(rulesText) as Obj).groups);
    expect(committed).toMatchObject({ apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule" });
  });

  it("a changed rule makes the committed file stale", () => {
    const changed = renderPrometheusRule(rulesText.replace("for: 15m", "for: 20m"));
    expect(changed.ok).toBe(true);
    expect(parse(changed.ok ? changed.value : "")).not.toEqual(committed);
  });

  it("reports bad rule files with a message instead of throwing", () => {
    expect(parseRuleGroups("groups: [")).toMatchObject({ ok: false, error: expect.stringMatching(/not valid YAML/) });
    expect(parseRuleGroups("foo: 1")).toMatchObject({ ok: false, error: expect.stringMatching(/no `groups:` list/) });
    expect(parseRuleGroups("groups: [{rules: []}]")).toMatchObject({ ok: false, error: expect.stringMatching(/groups\[0\] needs a `name`/) });
    expect(buildPrometheusRule("")).toMatchObject({ ok: false });
  });
});

it("Kubernetes README exists next to the manifests", () => {
  expect(exists("deploy/kubernetes/README.md")).toBe(true);
});
