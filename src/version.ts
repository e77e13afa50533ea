// Version and build facts for vip_arp_exporter_build_info and --version.
import { readFileSync } from "node:fs";

function packageVersion(): string {
  // dist/src/version.js and src/version.ts both sit two levels below package.json's folder or one.
  for (const rel of ["../../package.json", "../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "vip-arp-exporter" && pkg.version) return pkg.version;
    } catch {
      // try the next location
    }
  }
  return "unknown";
}

export const VERSION = packageVersion();
export const REVISION = process.env.VIP_ARP_EXPORTER_REVISION ?? "unknown";
