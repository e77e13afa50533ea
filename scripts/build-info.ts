// Writes dist/build-info.json (revision, branch, build date) for --version; part of `npm run
// build`, so every build and every packed tarball records what it was built from. Sources, in
// order: VIP_ARP_EXPORTER_REVISION / _BRANCH / _BUILD_DATE (the image build has no .git), git,
// "unknown". The date is UTC in Prometheus' form (20260101-12:00:00), from SOURCE_DATE_EPOCH
// when set (reproducible builds).
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

export const BUILD_INFO_FILE = "dist/build-info.json";

/** 2026-01-01T12:00:00Z -> 20260101-12:00:00 */
export function prometheusDate(d: Date): string {
  const iso = d.toISOString();
  return `${iso.slice(0, 10).replace(/-/g, "")}-${iso.slice(11, 19)}`;
}

function git(args: string[]): string | null {
  try {
    return execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 5000 }).trim() || null;
  } catch {
    return null;
  }
}

export function collectBuildInfo(env: NodeJS.ProcessEnv, now: Date, gitOut: (args: string[]) => string | null = git): Record<string, string> {
  const epoch = Number(env.SOURCE_DATE_EPOCH);
  return {
    revision: env.VIP_ARP_EXPORTER_REVISION || gitOut(["rev-parse", "--short=12", "HEAD"]) || "unknown",
    branch: env.VIP_ARP_EXPORTER_BRANCH || gitOut(["rev-parse", "--abbrev-ref", "HEAD"]) || "unknown",
    buildDate: env.VIP_ARP_EXPORTER_BUILD_DATE || prometheusDate(Number.isFinite(epoch) && env.SOURCE_DATE_EPOCH ? new Date(epoch * 1000) : now),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(BUILD_INFO_FILE, `${JSON.stringify(collectBuildInfo(process.env, new Date()), null, 2)}\n`);
}
