// Offline schema checks for the Kubernetes manifests, with what npm provides (no cluster, no
// network): kubernetes-models' validators (the OpenAPI schemas of Kubernetes and of the
// Prometheus Operator CRDs, compiled with ajv) check types, required fields and enums, and
// the TypeScript compiler checks each object against the same models' interfaces as an
// object literal, which rejects unknown fields (a misspelled `optional:` or `readinessProbe`)
// that the OpenAPI schemas let through.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";
import { AlertmanagerConfig } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/AlertmanagerConfig";

type Obj = Record<string, unknown>;
interface Kind {
  validate(o: Obj): void;
  /** Module and interface for the TypeScript check. */
  module: string;
  iface: string;
}
const model =
  (C: new (o: Obj) => { validate(): void }, module: string, iface: string): Kind =>
    ({ validate: (o) => new C(o).validate(), module, iface });

/** apiVersion/kind -> schema. A kind not listed here is an error: add it, do not skip it. */
export const KINDS: Record<string, Kind> = {
  "v1/ConfigMap": model(ConfigMap as never, "kubernetes-models/v1/ConfigMap", "IConfigMap"),
  "v1/Namespace": model(Namespace as never, "kubernetes-models/v1/Namespace", "INamespace"),
  "v1/Secret": model(Secret as never, "kubernetes-models/v1/Secret", "ISecret"),
  "v1/Service": model(Service as never, "kubernetes-models/v1/Service", "IService"),
  "v1/ServiceAccount": model(ServiceAccount as never, "kubernetes-models/v1/ServiceAccount", "IServiceAccount"),
  "apps/v1/Deployment": model(Deployment as never, "kubernetes-models/apps/v1/Deployment", "IDeployment"),
  "networking.k8s.io/v1/NetworkPolicy": model(NetworkPolicy as never, "kubernetes-models/networking.k8s.io/v1/NetworkPolicy", "INetworkPolicy"),
  "monitoring.coreos.com/v1/PrometheusRule": model(PrometheusRule as never, "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule", "IPrometheusRule"),
  "monitoring.coreos.com/v1/ServiceMonitor": model(ServiceMonitor as never, "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor", "IServiceMonitor"),
  "monitoring.coreos.com/v1alpha1/AlertmanagerConfig": model(AlertmanagerConfig as never, "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/AlertmanagerConfig", "IAlertmanagerConfig"),
};

const keyOf = (o: Obj) => `${String(o.apiVersion)}/${String(o.kind)}`;
const nameOf = (o: Obj) => `${keyOf(o)} ${String((o.metadata as Obj | undefined)?.name)}`;

/** Schema errors of each object, "" when valid. */
export function schemaErrors(objects: Obj[]): string[] {
  return objects.map((o) => {
    const kind = KINDS[keyOf(o)];
    if (!kind) return `${nameOf(o)}: no schema for this kind in test/deploy/k8s-schema.ts`;
    try {
      kind.validate(o);
      return "";
    } catch (err) {
      return `${nameOf(o)}: ${(err as Error).message}`;
    }
  });
}

// The virtual file sits in test/deploy/, so its imports resolve in the project's node_modules.
const HERE = dirname(fileURLToPath(import.meta.url));
const VIRTUAL = join(HERE, "__k8s_objects__.ts");

/** TypeScript's complaints about the objects as literals of their model interfaces (unknown fields, wrong types). */
export function typeErrors(objects: Obj[]): string[] {
  const kinds = [...new Set(objects.map(keyOf))].filter((k) => KINDS[k]);
  const lines = kinds.map((k, i) => `import type { ${KINDS[k]!.iface} as T${i} } from "${KINDS[k]!.module}";`);
  objects.forEach((o, j) => {
    const i = kinds.indexOf(keyOf(o));
    if (i >= 0) lines.push(`// ${nameOf(o)}`, `export const o${j}: T${i} = ${JSON.stringify(o, null, 1)};`);
  });
  const source = lines.join("\n");
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, lang, ...rest) => (file === VIRTUAL ? ts.createSourceFile(file, source, lang) : getSourceFile(file, lang, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => file === VIRTUAL || fileExists(file);
  const program = ts.createProgram([VIRTUAL], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    if (!d.file || d.start === undefined) return text;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    const src = d.file.text.split("\n");
    const owner = src.slice(0, line + 1).reverse().find((l) => l.startsWith("// ")) ?? "";
    return `${owner.slice(3)}: ${text} (at ${src[line]?.trim()})`;
  });
}
