// Tearing a lab down from its state: host leg first (so nothing on the host can reach the
// subnet through the lab any more), then the lab's processes by pid, then the namespaces.
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { runIgnoring } from "./exec.js";
import { deleteHostLink, deleteNamespace, linkExists, listNamespaces } from "./netns.js";
import { sweepNetns } from "./ns-procs.js";
import { stopAll, track, type TrackedProcess } from "./procs.js";
import { saveState, unregister, type LabState } from "./state.js";
import { ETC_NETNS } from "./users.js";
import { pollUntil } from "./wait.js";

/** Live descendants of the given pids (e.g. sshd's per-connection children), from /proc. */
export function descendants(roots: readonly number[]): TrackedProcess[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // exited while we looked
    }
  }
  const out: TrackedProcess[] = [];
  const queue = [...roots];
  while (queue.length) {
    for (const c of children.get(queue.shift()!) ?? []) {
      const t = track(`child of ${roots.join(",")}`, c);
      if (t) out.push(t);
      queue.push(c);
    }
  }
  return out;
}

/** Stops the given lab processes and everything they forked. */
export async function stopTree(procs: readonly TrackedProcess[]): Promise<void> {
  const kids = descendants(procs.map((p) => p.pid));
  await stopAll([...procs, ...kids]);
}

/**
 * Removes everything the state records. Safe to run twice and on a half-built lab. Processes
 * left inside the lab's namespaces (sessions of its sshd, commands run there) go too: they
 * belong to the lab and would keep its namespaces alive.
 */
export async function teardown(state: LabState): Promise<void> {
  const errors: string[] = [];
  const step = async (what: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      errors.push(`${what}: ${(err as Error).message}`);
    }
  };
  if (state.hostLeg) await step(`delete host link ${state.hostLeg}`, () => deleteHostLink(state.hostLeg!));
  await step("stop lab processes", () => stopTree(state.processes));
  const existing = new Set(await listNamespaces());
  const ours = state.namespaces.filter((ns) => existing.has(ns));
  // Each namespace is looked at again until it is empty: what is stopped may have forked.
  await step("stop processes left in the lab namespaces", async () => {
    await Promise.all(ours.map((ns) => sweepNetns(ns)));
  });
  for (const f of state.utsFiles) {
    await step(`unmount ${f}`, async () => {
      await runIgnoring(["umount", f], /not mounted|no mount point|No such file/i);
    });
  }
  for (const ns of ours) await step(`delete namespace ${ns}`, () => deleteNamespace(ns));
  for (const d of state.etcNetns ?? []) {
    await step(`remove ${d}`, async () => rmSync(etcNetnsToRemove(d, state.namespaces), { recursive: true, force: true }));
  }
  if (state.hostLeg) {
    await step(`wait for ${state.hostLeg} to go`, async () => {
      await pollUntil(`host link ${state.hostLeg} to disappear`, async () => ((await linkExists(state.hostLeg!)) ? undefined : true), { timeoutMs: 5_000 });
    });
  }
  await step("check namespaces are gone", async () => {
    const still = (await listNamespaces()).filter((ns) => state.namespaces.includes(ns));
    if (still.length) throw new Error(`still present: ${still.join(", ")}`);
  });
  if (errors.length) {
    // Keep the state file so `lab down` can retry.
    saveState(state);
    throw new Error(`lab ${state.prefix} teardown incomplete (state kept in ${join(state.dir, "state.json")}; retry with \`npm run lab -- down --dir ${state.dir}\`):\n  ${errors.join("\n  ")}`);
  }
  unregister(state.prefix);
  if (state.createdDir) {
    rmSync(state.dir, { recursive: true, force: true });
  } else {
    for (const f of [...state.files, "state.json"]) rmSync(join(state.dir, f), { recursive: true, force: true });
  }
}

/**
 * The /etc/netns/NS directory to remove, checked: NS must be one of the lab's namespaces and a
 * plain name (no "/" or ".."), so nothing outside /etc/netns/ can ever be named. Pure.
 */
export function etcNetnsToRemove(dir: string, namespaces: readonly string[]): string {
  const ns = dir.startsWith(`${ETC_NETNS}/`) ? dir.slice(ETC_NETNS.length + 1) : "";
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(ns) || !namespaces.includes(ns)) {
    throw new Error(`refusing to remove ${dir}: not /etc/netns/ of one of the lab's namespaces`);
  }
  return join(ETC_NETNS, ns);
}

/**
 * For a registered lab whose state file is gone: its namespaces are the ones named
 * PREFIX-*, its host leg PREFIX-h. Processes still inside those namespaces are stopped.
 */
export async function teardownByPrefix(prefix: string, dir: string): Promise<string[]> {
  const namespaces = (await listNamespaces()).filter((ns) => ns.startsWith(`${prefix}-`));
  const hostLeg = `${prefix}-h`;
  const etcNetns = existsSync(ETC_NETNS) ? readdirSync(ETC_NETNS).filter((d) => d.startsWith(`${prefix}-`)) : [];
  await teardown({
    version: 1, prefix, dir, createdDir: false, subnet: "", mode: "static",
    hostLeg: (await linkExists(hostLeg)) ? hostLeg : null,
    namespaces: [...new Set([...namespaces, ...etcNetns])], utsFiles: nsMountsUnder(dir), processes: [], files: [], createdAt: "",
    etcNetns: etcNetns.map((d) => join(ETC_NETNS, d)),
  });
  return namespaces;
}

/** Namespace bind mounts (our UTS files) below dir, from /proc/self/mountinfo. */
export function nsMountsUnder(dir: string): string[] {
  const root = dir.endsWith("/") ? dir : `${dir}/`;
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => {
      const [left, right] = line.split(" - ");
      const mountPoint = left?.split(" ")[4]?.replace(/\\040/g, " ");
      return right?.startsWith("nsfs ") && mountPoint?.startsWith(root) ? mountPoint : null;
    })
    .filter((m): m is string => m !== null);
}
