// The machine and the versions of every real part the peer bench measured, for the results.
import { execFileSync, spawnSync } from "node:child_process";
import { cpus, loadavg, release, totalmem } from "node:os";
import type { Machine } from "./results.js";

/** A version line from a tool's stdout or stderr (some print it there, some exit non-zero). */
function versionLine(argv: string[], pattern?: RegExp): string {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8", timeout: 10_000 });
  const lines = `${r.stdout ?? ""}\n${r.stderr ?? ""}`.split("\n").map((l) => l.trim()).filter(Boolean);
  return (pattern ? lines.find((l) => pattern.test(l)) : lines[0]) ?? "unknown";
}

export function describeMachine(): Machine {
  const cpuInfo = cpus();
  let commit = "unknown";
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    // not a git checkout
  }
  return {
    cpu: cpuInfo[0]?.model ?? "unknown",
    cores: cpuInfo.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    versions: {
      node: process.version,
      snmpd: versionLine(["snmpd", "-v"], /NET-SNMP version/),
      snmp_exporter: versionLine(["prometheus-snmp-exporter", "--version"], /version/),
      openssh: versionLine(["ssh", "-V"]),
      iproute2: versionLine(["ip", "-V"]),
      arping: versionLine(["arping", "-V"]),
      tcpdump: versionLine(["tcpdump", "--version"], /tcpdump version/),
    },
    commit,
  };
}
