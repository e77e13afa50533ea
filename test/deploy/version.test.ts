// --version in the form of Prometheus' own exporters, and the build facts behind it
// (dist/build-info.json written by scripts/build-info.ts, overridable by the environment).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collectBuildInfo, prometheusDate } from "../../scripts/build-info.js";
import { buildInfo, versionText } from "../../src/version.js";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };

describe("versionText", () => {
  it("prints name, version, branch, revision, build date, Node version and platform like node_exporter", () => {
    expect(versionText({ version: "1.2.3", revision: "9fda885c1e2a", branch: "main", buildDate: "20260101-12:00:00" }, "v24.1.0", "linux/x64")).toBe(
      [
        "vip-arp-exporter, version 1.2.3 (branch: main, revision: 9fda885c1e2a)",
        "  build date:       20260101-12:00:00",
        "  node version:     v24.1.0",
        "  platform:         linux/x64",
      ].join("\n"),
    );
  });
});

describe("buildInfo", () => {
  const recorded = { revision: "aaaaaaaaaaaa", branch: "release-1", buildDate: "20260102-03:04:05" };
  it("takes the recorded facts, the environment over them, and says unknown for the rest", () => {
    expect(buildInfo({}, recorded)).toEqual({ version: pkg.version, ...recorded });
    expect(buildInfo({ VIP_ARP_EXPORTER_REVISION: "bbbbbbbbbbbb", VIP_ARP_EXPORTER_BUILD_DATE: "" }, recorded)).toEqual({ version: pkg.version, ...recorded, revision: "bbbbbbbbbbbb" });
    expect(buildInfo({}, null)).toEqual({ version: pkg.version, revision: "unknown", branch: "unknown", buildDate: "unknown" });
  });
});

describe("scripts/build-info.ts", () => {
  const git = (args: string[]) => (args.includes("--abbrev-ref") ? "main" : "0123456789ab");
  it("records git's revision and branch and the build time in Prometheus' date form", () => {
    expect(collectBuildInfo({}, new Date("2026-03-04T05:06:07.890Z"), git)).toEqual({ revision: "0123456789ab", branch: "main", buildDate: "20260304-05:06:07" });
  });
  it("prefers the image build's variables, and SOURCE_DATE_EPOCH for the date", () => {
    const env = { VIP_ARP_EXPORTER_REVISION: "feedfacecafe", VIP_ARP_EXPORTER_BRANCH: "v1", SOURCE_DATE_EPOCH: "1767225600" };
    expect(collectBuildInfo(env, new Date(), git)).toEqual({ revision: "feedfacecafe", branch: "v1", buildDate: "20260101-00:00:00" });
  });
  it("says unknown without git", () => {
    expect(collectBuildInfo({}, new Date(0), () => null)).toEqual({ revision: "unknown", branch: "unknown", buildDate: prometheusDate(new Date(0)) });
  });
});

describe("vip-arp-exporter --version", () => {
  it("prints the build's facts and exits 0", () => {
    const r = spawnSync(process.execPath, [join(process.cwd(), "dist/src/cli.js"), "--version"], { encoding: "utf8", timeout: 30_000, env: { ...process.env, VIP_ARP_EXPORTER_REVISION: "" } });
    const recorded = JSON.parse(readFileSync(join(process.cwd(), "dist/build-info.json"), "utf8")) as { revision: string; branch: string; buildDate: string };
    expect(r.stdout).toBe(`${versionText({ version: pkg.version, ...recorded }, process.version, `${process.platform}/${process.arch}`)}\n`);
    expect(recorded.buildDate).toMatch(/^\d{8}-\d{2}:\d{2}:\d{2}$/);
    expect(r.status).toBe(0);
  });
});
