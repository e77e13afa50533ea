// deploy/kubernetes as kubectl builds it: every overlay (and the base alone, and every
// component) through `kubectl kustomize`, each object checked against its schema offline
// (k8s-schema.ts), then what must hold for the exporter: the base applies on any cluster (no
// Namespace, no CRDs), one replica with Recreate, hardened, probes, mounted files the config
// names, optional Secrets, a NetworkPolicy for the monitoring namespaces only, the Prometheus
// Operator objects in a component, and the probes of the TLS/basic auth component run for
// real against the exporter served that way.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import bcrypt from "bcryptjs";
import { parse, parseAllDocuments } from "yaml";
import { configSchema } from "../../src/config/schema.js";
import { openRuntime, type Runtime } from "../../src/cli/runtime.js";
import { serve } from "../../src/cli/serve.js";
import type { Exporter } from "../../src/serve/exporter.js";
import { loadWebConfigFile } from "../../src/http/web-config.js";
import { silentLogger } from "../../src/log.js";
import { buildPrometheusRule, DEFAULT_OUTPUT_FILE, parseRuleGroups, renderPrometheusRule } from "../../scripts/gen-prometheusrule.js";
import { issue } from "../http/certs.js";
import { schemaErrors, typeErrors } from "./k8s-schema.js";
import { IN_CI, findExecutable, missingToolReason, run } from "./tools.js";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const K8S = join(ROOT, "deploy/kubernetes");
const read = (rel: string) => readFileSync(join(ROOT, rel), "utf8");
const OVERLAYS = ["overlays/kubernetes", "overlays/openshift"];
const COMPONENTS = ["components/prometheus-operator", "components/alertmanager-config", "components/web-tls-auth"];
const MONITORING_NAMESPACES = ["monitoring", "openshift-monitoring", "openshift-user-workload-monitoring"];

const kubectl = findExecutable("kubectl");
const missing = missingToolReason("kubectl", kubectl, "kubectl (Kubernetes' apt repository, or the binary on PATH)");
if (missing && !IN_CI) console.warn(`Kubernetes manifest tests SKIPPED: ${missing}`);

const scratch = mkdtempSync(join(tmpdir(), "vip-arp-kustomize-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `kubectl kustomize DIR`, parsed. */
async function kustomize(dir: string, opts: string[] = []): Promise<Obj[]> {
  const r = await run(kubectl as string, ["kustomize", ...opts, dir], { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${r.stderr}`);
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj);
}

/** The base with the given components, through an overlay written outside the repository. */
async function withComponents(name: string, components: string[], namespace = "vip-arp-exporter"): Promise<Obj[]> {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  const rel = (p: string) => relative(dir, join(K8S, p));
  writeFileSync(
    join(dir, "kustomization.yaml"),
    `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ${namespace}\nresources: [${rel("base")}]\ncomponents: [${components.map(rel).join(", ")}]\n`,
  );
  return kustomize(dir, ["--load-restrictor", "LoadRestrictionsNone"]);
}

const one = (objects: Obj[], kind: string): Obj => {
  const found = objects.filter((o) => o.kind === kind);
  expect(found.map((o) => o.kind), kind).toEqual([kind]);
  return found[0] as Obj;
};
const kinds = (objects: Obj[]) => objects.map((o) => o.kind as string).sort();

describe("deploy/kubernetes", () => {
  if (missing && IN_CI) {
    it("kubectl is installed (required when CI=true)", () => {
      expect.fail(`${missing}: CI builds every overlay with kubectl kustomize`);
    });
  }

  describe.skipIf(missing !== null)(missing ? `SKIPPED: ${missing}` : "kubectl kustomize", () => {
    const built: Record<string, Obj[]> = {};
    beforeAll(async () => {
      built.base = await kustomize(join(K8S, "base"));
      for (const o of OVERLAYS) built[o] = await kustomize(join(K8S, o));
      built.all = await withComponents("all", COMPONENTS);
    }, 120_000);

    it("builds the base, every overlay and every component into objects valid for their schemas", () => {
      for (const [name, objects] of Object.entries(built)) {
        expect(objects.length, name).toBeGreaterThan(3);
        expect(schemaErrors(objects).filter(Boolean), name).toEqual([]);
      }
      const everything = Object.values(built).flat();
      expect(typeErrors(everything)).toEqual([]);
    }, 60_000);

    it("the schema checks fail on a wrong type, a missing field and an unknown field", () => {
      const deployment = structuredClone(one(built.base!, "Deployment"));
      const wrongType = structuredClone(deployment);
      wrongType.spec.replicas = "1";
      const noContainers = structuredClone(deployment);
      delete noContainers.spec.template.spec.containers;
      expect(schemaErrors([wrongType, noContainers])).toEqual([
        "apps/v1/Deployment vip-arp-exporter: data/spec/replicas must be integer",
        "apps/v1/Deployment vip-arp-exporter: data/spec/template/spec must have required property containers",
      ]);
      const typo = structuredClone(deployment);
      typo.spec.template.spec.volumes[0].projected.sources[1].secret.optinal = true;
      const errors = typeErrors([typo]);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^apps\/v1\/Deployment vip-arp-exporter: Object literal may only specify known properties, and '"?optinal"?' does not exist/);
      expect(schemaErrors([{ apiVersion: "example.com/v1", kind: "Thing", metadata: { name: "x" } }])).toEqual([
        "example.com/v1/Thing x: no schema for this kind in test/deploy/k8s-schema.ts",
      ]);
    });

    it("the base is what every cluster can apply: no Namespace, no namespace set, no CRD kinds", () => {
      expect(kinds(built.base!)).toEqual(["ConfigMap", "Deployment", "NetworkPolicy", "Service", "ServiceAccount"]);
      for (const o of built.base!) expect(o.metadata.namespace, o.kind).toBeUndefined();
      expect(built.base!.every((o) => !String(o.apiVersion).includes("monitoring.coreos.com"))).toBe(true);
    });

    it("overlays/kubernetes adds its Namespace and the Prometheus Operator objects, all in that namespace", () => {
      const objects = built["overlays/kubernetes"]!;
      expect(kinds(objects)).toEqual(["ConfigMap", "Deployment", "Namespace", "NetworkPolicy", "PrometheusRule", "Service", "ServiceAccount", "ServiceMonitor"]);
      const ns = one(objects, "Namespace").metadata.name;
      for (const o of objects.filter((x) => x.kind !== "Namespace")) expect(o.metadata.namespace, o.kind).toBe(ns);
    });

    it("overlays/openshift has no Namespace (a project admin cannot create one) and no fixed ids", () => {
      const objects = built["overlays/openshift"]!;
      expect(kinds(objects)).toEqual(["ConfigMap", "Deployment", "NetworkPolicy", "PrometheusRule", "Service", "ServiceAccount", "ServiceMonitor"]);
      const sc = one(objects, "Deployment").spec.template.spec.securityContext;
      expect(sc).toEqual({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
      // and the base had them, so the patch removed something real
      expect(one(built.base!, "Deployment").spec.template.spec.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
    });

    describe("the base Deployment", () => {
      let deployment: Obj;
      let pod: Obj;
      let container: Obj;
      let config: Obj;
      let configMap: Obj;
      /** What the container sees at an absolute path: { configMap|secret name, key, optional } from the projected volume. */
      const fileAt = (path: string): { source: "configMap" | "secret"; name: string; key: string; optional: boolean } | null => {
        for (const mount of container.volumeMounts as Obj[]) {
          if (!path.startsWith(`${mount.mountPath}/`)) continue;
          const rel = path.slice(mount.mountPath.length + 1);
          const volume = (pod.volumes as Obj[]).find((v) => v.name === mount.name);
          for (const src of (volume?.projected?.sources ?? []) as Obj[]) {
            const [source, ref] = Object.entries(src)[0] as ["configMap" | "secret", Obj];
            const item = (ref.items as Obj[]).find((i) => i.path === rel);
            if (item) return { source, name: ref.name, key: item.key, optional: ref.optional === true };
          }
        }
        return null;
      };
      beforeAll(() => {
        deployment = one(built.base!, "Deployment");
        pod = deployment.spec.template.spec;
        container = pod.containers[0];
        configMap = one(built.base!, "ConfigMap");
        config = parse(configMap.data["config.yml"] as string) as Obj;
      });

      it("runs one non-root, hardened replica with Recreate: auto remediation must run once per L2 segment", () => {
        expect(deployment.spec.replicas).toBe(1);
        expect(deployment.spec.strategy).toEqual({ type: "Recreate" });
        expect(pod.securityContext.runAsNonRoot).toBe(true);
        expect(pod.automountServiceAccountToken).toBe(false);
        expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
        expect(container.resources.limits.memory).toBeDefined();
      });

      it("serves port 9797 as http-metrics with liveness on /-/healthy and readiness on /-/ready", () => {
        expect(container.ports).toEqual([{ name: "http-metrics", containerPort: 9797, protocol: "TCP" }]);
        expect(container.livenessProbe.httpGet).toEqual({ path: "/-/healthy", port: "http-metrics" });
        expect(container.readinessProbe.httpGet).toEqual({ path: "/-/ready", port: "http-metrics" });
        const args = container.args as string[];
        expect(args[args.indexOf("--web.listen-address") + 1]).toBe(":9797");
      });

      it("reads its config from the ConfigMap at --config.file, and that config is valid", () => {
        const args = container.args as string[];
        const configFile = args[args.indexOf("--config.file") + 1] as string;
        expect(fileAt(configFile)).toEqual({ source: "configMap", name: configMap.metadata.name, key: "config.yml", optional: false });
        const r = configSchema.safeParse(config);
        expect(r.success, r.success ? "" : JSON.stringify(r.error.issues)).toBe(true);
      });

      it("mounts every secret file the config names from an optional Secret, and the README says how to create it", () => {
        const secretPaths = [config.ssh.private_key_file, config.ssh.known_hosts_file, config.remediation.token_file, ...(config.routers as Obj[]).map((r) => r.community_file).filter(Boolean)] as string[];
        expect(secretPaths).toHaveLength(4);
        const readme = read("deploy/kubernetes/README.md");
        for (const p of secretPaths) {
          const f = fileAt(p);
          expect(f?.source, `${p} must come from a Secret`).toBe("secret");
          expect(f?.optional, `${p}: Secrets of optional features are optional`).toBe(true);
          expect(readme, `README creates secret ${f?.name} with key ${f?.key}`).toMatch(new RegExp(`create secret generic ${f?.name}[^\\n]*(\\\\\\n[^\\n]*)?--from-file=${f?.key}=`));
        }
        expect(configMap.data["config.yml"]).not.toMatch(/community:|BEGIN .*PRIVATE KEY/);
        expect((pod.volumes as Obj[]).find((v) => v.projected)?.projected.defaultMode).toBe(0o440);
      });

      it("the Service selects the pods on http-metrics", () => {
        const svc = one(built.base!, "Service");
        for (const [k, v] of Object.entries(svc.spec.selector as Record<string, string>)) expect(deployment.spec.template.metadata.labels[k]).toBe(v);
        expect(svc.spec.ports).toEqual([{ name: "http-metrics", port: 9797, targetPort: "http-metrics", protocol: "TCP" }]);
      });

      it("the NetworkPolicy lets only the monitoring namespaces reach the port, and the README says so for /remediate", () => {
        const np = one(built.base!, "NetworkPolicy");
        for (const [k, v] of Object.entries(np.spec.podSelector.matchLabels as Record<string, string>)) expect(deployment.spec.template.metadata.labels[k]).toBe(v);
        expect(np.spec.policyTypes).toEqual(["Ingress"]);
        expect(np.spec.ingress).toEqual([
          {
            from: [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: MONITORING_NAMESPACES }] } }],
            ports: [{ port: "http-metrics", protocol: "TCP" }],
          },
        ]);
        expect(read("deploy/kubernetes/README.md")).toMatch(/NetworkPolicy[^\n]*\n?[^\n]*\/remediate/);
      });
    });

    it("the ServiceMonitor selects the Service's http-metrics port, and times out below its interval and above the exporter's", () => {
      const objects = built["overlays/kubernetes"]!;
      const svc = one(objects, "Service");
      const sm = one(objects, "ServiceMonitor");
      const config = parse(one(objects, "ConfigMap").data["config.yml"] as string) as Obj;
      for (const [k, v] of Object.entries(sm.spec.selector.matchLabels as Record<string, string>)) expect(svc.metadata.labels[k]).toBe(v);
      const ep = sm.spec.endpoints[0] as Obj;
      expect(ep.port).toBe("http-metrics");
      const s = (d: string) => Number(/^(\d+)s$/.exec(d)?.[1]);
      expect(s(ep.scrapeTimeout)).toBeLessThan(s(ep.interval));
      expect(s(ep.scrapeTimeout)).toBeGreaterThan(s(config.scrape_timeout ?? "10s"));
    });

    it("the AlertmanagerConfig component calls /remediate in the exporter's namespace with the token Secret the exporter uses", () => {
      const objects = built.all!;
      const hook = one(objects, "AlertmanagerConfig").spec.receivers[0].webhookConfigs[0] as Obj;
      const svc = one(objects, "Service");
      expect(hook.url).toBe(`http://${svc.metadata.name}.${svc.metadata.namespace}.svc:9797/remediate`);
      expect(hook.sendResolved).toBe(false);
      const token = parse(one(objects, "ConfigMap").data["config.yml"] as string).remediation.token_file as string;
      const source = (one(objects, "Deployment").spec.template.spec.volumes[0].projected.sources as Obj[]).find((s) => s.secret?.items.some((i: Obj) => `/etc/vip-arp-exporter/${i.path}` === token));
      expect(hook.httpConfig.authorization.credentials).toEqual({ name: source?.secret.name, key: "token" });
    });

    describe("components/web-tls-auth", () => {
      let deployment: Obj;
      let container: Obj;
      let secret: Obj;
      const WEB = "/etc/vip-arp-exporter/web";
      beforeAll(() => {
        deployment = one(built.all!, "Deployment");
        container = deployment.spec.template.spec.containers[0];
        secret = (deployment.spec.template.spec.volumes[0].projected.sources as Obj[]).find((s) => s.secret?.name === "vip-arp-exporter-web")!.secret;
      });

      it("serves with the mounted web config and probes with the healthcheck subcommand, scraped over HTTPS with basic auth", () => {
        const args = container.args as string[];
        expect(args.slice(-2)).toEqual(["--web.config.file", `${WEB}/web.yml`]);
        expect(secret.items.map((i: Obj) => `/etc/vip-arp-exporter/${i.path}`)).toEqual([`${WEB}/web.yml`, `${WEB}/tls.crt`, `${WEB}/tls.key`, `${WEB}/password`]);
        expect(secret.optional).toBeUndefined(); // required once the feature is on
        for (const probe of [container.livenessProbe, container.readinessProbe]) {
          expect(Object.keys(probe).filter((k) => ["exec", "httpGet", "tcpSocket", "grpc"].includes(k))).toEqual(["exec"]);
          // the image's entrypoint (Dockerfile) plus the subcommand
          expect(probe.exec.command.slice(0, 3)).toEqual(["node", "dist/src/cli.js", "healthcheck"]);
        }
        const ep = one(built.all!, "ServiceMonitor").spec.endpoints[0];
        expect(ep).toMatchObject({ scheme: "https", basicAuth: { username: { name: "vip-arp-exporter-web", key: "username" }, password: { name: "vip-arp-exporter-web", key: "password" } } });
        expect(ep.tlsConfig.ca.secret).toEqual({ name: "vip-arp-exporter-web", key: "tls.crt" });
      });

      describe("its probes, run for real against the exporter served with that web config", () => {
        let rt: Runtime;
        let serving: Exporter;
        let dir: string;
        beforeAll(async () => {
          dir = mkdtempSync(join(tmpdir(), "vip-arp-probe-"));
          const cert = issue("vip-arp-exporter");
          writeFileSync(join(dir, "tls.crt"), cert.cert);
          writeFileSync(join(dir, "tls.key"), cert.key);
          writeFileSync(join(dir, "password"), "probe-password\n");
          writeFileSync(join(dir, "web.yml"), `tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\nbasic_auth_users:\n  prometheus: "${bcrypt.hashSync("probe-password", 4)}"\n`);
          rt = await openRuntime({ env: {} });
          serving = await serve(rt, { listenAddresses: ["127.0.0.1:0"], telemetryPath: "/metrics", timeoutOffsetMs: 500, webConfig: loadWebConfigFile(join(dir, "web.yml")) }, silentLogger());
        });
        afterAll(async () => {
          await serving?.shutdown("SIGTERM");
          await rt?.close();
          rmSync(dir, { recursive: true, force: true });
        });

        /** The probe's command with the Secret's mount mapped to the temp dir and the port to the server's. */
        const runProbe = (command: string[]) => {
          const [, cli, ...args] = command.map((a) => a.replace(WEB, dir));
          expect(existsSync(join(ROOT, cli!)), `${cli} is built`).toBe(true);
          return run(process.execPath, [join(ROOT, cli!), ...args, "--web.listen-address", `127.0.0.1:${serving.port}`], { timeoutMs: 30_000 });
        };

        it.each(["livenessProbe", "readinessProbe"])("%s passes over HTTPS with basic auth", async (which) => {
          const r = await runProbe(container[which].exec.command as string[]);
          expect(r.stdout).toBe(`https://127.0.0.1:${serving.port}${which === "livenessProbe" ? "/-/healthy: vip-arp-exporter is Healthy." : "/-/ready: vip-arp-exporter is Ready."}\n`);
          expect(r.code).toBe(0);
        });

        it("the base's plain HTTP probe would fail against it (why the component replaces it)", async () => {
          const base = one(built.base!, "Deployment").spec.template.spec.containers[0].livenessProbe.httpGet;
          const res = await fetch(`http://127.0.0.1:${serving.port}${base.path}`).then(
            (r) => r.status,
            () => "no HTTP answer",
          );
          expect(res).toBe("no HTTP answer");
        });
      });
    });
  });
});

describe("PrometheusRule generated from alerts/vip-arp.rules.yml", () => {
  const rulesText = read("alerts/vip-arp.rules.yml");
  const committed = parse(read(DEFAULT_OUTPUT_FILE)) as Obj;

  it("sits in the prometheus-operator component, which lists it", () => {
    expect(DEFAULT_OUTPUT_FILE).toBe("deploy/kubernetes/components/prometheus-operator/prometheusrule.yaml");
    expect((parse(read("deploy/kubernetes/components/prometheus-operator/kustomization.yaml")) as Obj).resources).toContain("prometheusrule.yaml");
  });

  it("the committed file is what the generator makes from the current rules", () => {
    const regenerated = buildPrometheusRule(rulesText);
    expect(regenerated.ok).toBe(true);
    expect(committed).toEqual(regenerated.ok ? regenerated.value : null);
    expect(read(DEFAULT_OUTPUT_FILE)).toMatch(/^# GENERATED from alerts\/vip-arp\.rules\.yml/);
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
