// OpenSSH servers for the router and the nodes: own host key per namespace, key-only root
// login with the lab's key, started with `ip netns exec` directly so the pid is sshd's own.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inNs, run } from "./exec.js";
import { spawnDaemon, type TrackedProcess, isAlive } from "./procs.js";
import { pollUntil } from "./wait.js";

export interface SshdSite {
  /** Namespace and its display name (hostname). */
  ns: string;
  name: string;
  address: string;
  /** Per-namespace directory inside the lab dir. */
  dir: string;
  /** Persistent UTS namespace file (own hostname), if any. */
  utsFile?: string;
}

/** Generates an ed25519 key pair at path (no passphrase); returns the public key line. */
export async function generateKey(path: string, comment: string): Promise<string> {
  await run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path]);
  return readFileSync(`${path}.pub`, "utf8").trim();
}

/** userKeys: a second AuthorizedKeysFile pattern (with %u) for the lab's extra users. */
export function sshdConfig(site: SshdSite, authorizedKeysFile: string, userKeys?: string): string {
  return [
    `# vip-arp-exporter lab: sshd for ${site.name}`,
    `ListenAddress ${site.address}`,
    `HostKey ${join(site.dir, "ssh_host_ed25519_key")}`,
    `PidFile ${join(site.dir, "sshd.pid")}`,
    `AuthorizedKeysFile ${authorizedKeysFile}${userKeys ? ` ${userKeys}` : ""}`,
    // Keys live in the lab dir (often under /tmp): the default ownership checks would refuse them.
    "StrictModes no",
    "PermitRootLogin prohibit-password",
    "PubkeyAuthentication yes",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "UsePAM no",
    "UseDNS no",
    "PrintMotd no",
    "MaxStartups 100:30:200",
    "MaxSessions 50",
    "LogLevel INFO",
    "",
  ].join("\n");
}

/** Writes the host key and config for a site; returns the known_hosts line for it. */
export async function prepareSshd(site: SshdSite, authorizedKeysFile: string, userKeys?: string): Promise<string> {
  mkdirSync(site.dir, { recursive: true, mode: 0o700 });
  const pub = await generateKey(join(site.dir, "ssh_host_ed25519_key"), `${site.name}-host`);
  writeFileSync(join(site.dir, "sshd_config"), sshdConfig(site, authorizedKeysFile, userKeys), { mode: 0o600 });
  const [type, key] = pub.split(" ");
  return `${site.address} ${type} ${key}`;
}

/** True when something listens on address:port (TCP or UDP) inside ns. */
export async function listening(ns: string, proto: "tcp" | "udp", address: string, port: number): Promise<boolean> {
  const out = await run(inNs(ns, ["ss", "-Hn", proto === "tcp" ? "-lt" : "-lu"]));
  return out.split("\n").some((line) => line.split(/\s+/).includes(`${address}:${port}`));
}

/** Starts sshd in the site's namespace and waits until it listens. */
export async function startSshd(site: SshdSite, logDir: string): Promise<TrackedProcess> {
  mkdirSync("/run/sshd", { recursive: true, mode: 0o755 }); // privilege separation directory
  const log = join(logDir, `${site.name}-sshd.log`);
  const argv = inNs(site.ns, ["/usr/sbin/sshd", "-D", "-f", join(site.dir, "sshd_config"), "-E", log], site.utsFile);
  const proc = await spawnDaemon(`sshd ${site.name}`, argv, log);
  await pollUntil(
    `sshd of ${site.name} to listen on ${site.address}:22 (log: ${log})`,
    async () => {
      if (!isAlive(proc)) throw new Error(`sshd exited; see ${log}`);
      return (await listening(site.ns, "tcp", site.address, 22)) ? true : undefined;
    },
    { timeoutMs: 30_000 }, // a bound, not a delay: generous for a loaded 2-core machine
  );
  return proc;
}
