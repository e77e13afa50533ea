// The lab's state file (DIR/state.json) and the host-wide registry of labs. Every resource is
// recorded BEFORE it is created, so a crashed run can always be torn down from its state file.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TrackedProcess } from "./procs.js";

export const RUN_DIR = "/run/vip-arp-lab";
export const REGISTRY_DIR = join(RUN_DIR, "labs");
export const STATE_FILE = "state.json";

export interface LabState {
  version: 1;
  prefix: string;
  dir: string;
  /** true when startLab created dir (then down() removes it whole). */
  createdDir: boolean;
  subnet: string;
  mode: "static" | "keepalived";
  hostLeg: string | null;
  namespaces: string[];
  /** Persistent UTS namespace files (bind mounts) to unmount. */
  utsFiles: string[];
  processes: TrackedProcess[];
  /** /etc/netns/NS directories the lab wrote (extra users' passwd): removed on down. */
  etcNetns?: string[];
  /** Entries inside dir that the lab created (removed on down when dir is not the lab's own). */
  files: string[];
  createdAt: string;
  /**
   * The process whose lab this is when the lab must not outlive it (a test run): once it is
   * gone, reapAbandonedLabs removes the lab. Absent for `lab up`, whose labs outlive it.
   */
  owner?: TrackedProcess;
  /** What `lab status` shows. */
  info?: LabInfo;
}

export interface LabInfo {
  routerNs: string;
  vips: string[];
  configFile: string;
  hosts: { role: "router" | "node" | "rogue"; name: string; ns: string; address: string; address6?: string; mac: string }[];
}

export function newState(prefix: string, dir: string, createdDir: boolean, subnet: string, mode: LabState["mode"]): LabState {
  return {
    version: 1, prefix, dir, createdDir, subnet, mode,
    hostLeg: null, namespaces: [], utsFiles: [], processes: [], files: [],
    createdAt: new Date().toISOString(),
  };
}

export function saveState(state: LabState): void {
  const path = join(state.dir, STATE_FILE);
  writeFileSync(`${path}.tmp`, JSON.stringify(state, null, 2) + "\n", { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

/** Reads DIR/state.json; null when there is none. Throws with a clear message when unreadable. */
export function loadState(dir: string): LabState | null {
  const path = join(dir, STATE_FILE);
  if (!existsSync(path)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(`lab state file ${path} is not valid JSON (${(err as Error).message}); remove the lab's namespaces by hand (ip netns list)`);
  }
  const s = parsed as Partial<LabState>;
  if (s.version !== 1 || typeof s.prefix !== "string" || !Array.isArray(s.namespaces) || !Array.isArray(s.processes)) {
    throw new Error(`lab state file ${path} has an unknown format; remove the lab's namespaces by hand (ip netns list)`);
  }
  return { ...(s as LabState), dir };
}

export function register(state: LabState): void {
  mkdirSync(REGISTRY_DIR, { recursive: true, mode: 0o700 });
  writeFileSync(join(REGISTRY_DIR, `${state.prefix}.json`), JSON.stringify({ dir: state.dir }) + "\n", { mode: 0o600 });
}

export function unregister(prefix: string): void {
  rmSync(join(REGISTRY_DIR, `${prefix}.json`), { force: true });
}

export function isRegistered(prefix: string): boolean {
  return existsSync(join(REGISTRY_DIR, `${prefix}.json`));
}

/** Every registered lab: prefix and dir. */
export function registeredLabs(): { prefix: string; dir: string }[] {
  if (!existsSync(REGISTRY_DIR)) return [];
  const out: { prefix: string; dir: string }[] = [];
  for (const f of readdirSync(REGISTRY_DIR)) {
    if (!f.endsWith(".json")) continue;
    try {
      const { dir } = JSON.parse(readFileSync(join(REGISTRY_DIR, f), "utf8")) as { dir?: unknown };
      if (typeof dir === "string") out.push({ prefix: f.slice(0, -5), dir });
    } catch {
      // a torn registry entry names nothing we could clean up
    }
  }
  return out;
}
