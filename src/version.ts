// Version and build facts for vip_arp_exporter_build_info and --version. The version comes
// from package.json; revision, branch and build date from dist/build-info.json, which the build
// writes (scripts/build-info.ts: from git, or from VIP_ARP_EXPORTER_REVISION, _BRANCH and
// _BUILD_DATE where there is no git, as in the image build). Those variables, when set at run
// time, win; a fact nobody recorded is "unknown".
import { readFileSync } from "node:fs";

export interface BuildInfo {
  version: string;
  revision: string;
  branch: string;
  buildDate: string;
}

function readJson(rel: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function packageVersion(): string {
  // dist/src/version.js sits two levels below package.json's folder, src/version.ts one.
  for (const rel of ["../../package.json", "../package.json"]) {
    const pkg = readJson(rel);
    if (pkg?.name === "vip-arp-exporter" && typeof pkg.version === "string") return pkg.version;
  }
  return "unknown";
}

/** The build facts: run-time environment first, then dist/build-info.json, then "unknown". */
export function buildInfo(env: NodeJS.ProcessEnv = process.env, recorded: Record<string, unknown> | null = readJson("../build-info.json")): BuildInfo {
  const fact = (envName: string, key: string): string => {
    const v = env[envName] || recorded?.[key];
    return typeof v === "string" && v ? v : "unknown";
  };
  return {
    version: packageVersion(),
    revision: fact("VIP_ARP_EXPORTER_REVISION", "revision"),
    branch: fact("VIP_ARP_EXPORTER_BRANCH", "branch"),
    buildDate: fact("VIP_ARP_EXPORTER_BUILD_DATE", "buildDate"),
  };
}

/** `--version` in the form Prometheus' own exporters print (node_exporter --version). */
export function versionText(b: BuildInfo = buildInfo(), node = process.version, platform = `${process.platform}/${process.arch}`): string {
  return [
    `vip-arp-exporter, version ${b.version} (branch: ${b.branch}, revision: ${b.revision})`,
    `  build date:       ${b.buildDate}`,
    `  node version:     ${node}`,
    `  platform:         ${platform}`,
  ].join("\n");
}

const BUILD = buildInfo();
export const VERSION = BUILD.version;
export const REVISION = BUILD.revision;
