// Extra login users on the lab's SSH hosts, to measure what a user's shell costs: OpenSSH runs
// every command through the user's login shell (`$SHELL -c CMD`), and Debian's bash then reads
// ~/.bashrc. The host's /etc/passwd is never touched: `ip netns exec` bind-mounts the files of
// /etc/netns/NS/ over /etc/ for what it starts in NS (sshd and its sessions), so the users
// exist only inside the lab's namespaces. Teardown removes those directories.
import { chownSync, chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export type ShellProfile = "plain" | "heavy";

export interface LabUserSpec {
  name: string;
  /** plain: an empty ~/.bashrc. heavy: ~/.bashrc runs HEAVY_PROFILE_PROGRAMS programs first. */
  profile: ShellProfile;
}

export interface LabUser extends LabUserSpec {
  uid: number;
  home: string;
}

export const USER_NAME_PATTERN = /^[a-z][a-z0-9-]{0,30}$/;
/** Programs the heavy profile runs on every shell start, as tool init lines do (pyenv, nvm, conda, completions). */
export const HEAVY_PROFILE_PROGRAMS = 40;
const FIRST_UID = 61_000;
const NOGROUP = 65_534;

/** ~/.bashrc for a profile. Each exports VAE_PROFILE, so a caller can check it was read. */
export function bashrcFor(profile: ShellProfile): string {
  if (profile === "plain") return "# vip-arp-exporter lab: plain profile\nexport VAE_PROFILE=plain\n";
  return [
    "# vip-arp-exporter lab: heavy profile. Enterprise and developer profiles run tool init",
    "# lines (eval \"$(pyenv init -)\", nvm, conda, kubectl completion) on every shell start;",
    `# this one runs ${HEAVY_PROFILE_PROGRAMS} short programs, then exports the marker.`,
    `for _vae_i in $(seq 1 ${HEAVY_PROFILE_PROGRAMS}); do _vae_x=$(uname -r); done`,
    "unset _vae_i _vae_x",
    "export VAE_PROFILE=heavy",
    "",
  ].join("\n");
}

/** Assigns uids above every uid of hostPasswd; refuses bad or taken names. Pure. */
export function planUsers(specs: readonly LabUserSpec[], hostPasswd: string, homeDir: string): LabUser[] {
  const entries = hostPasswd.split("\n").filter(Boolean).map((l) => l.split(":"));
  const names = new Set(entries.map((e) => e[0]));
  let uid = Math.max(FIRST_UID, ...entries.map((e) => Number(e[2])).filter((n) => Number.isInteger(n) && n < NOGROUP).map((n) => n + 1));
  const seen = new Set<string>();
  return specs.map((s) => {
    if (!USER_NAME_PATTERN.test(s.name)) throw new Error(`lab user name ${JSON.stringify(s.name)} must be a lower-case letter, then up to 30 letters, digits or '-'`);
    if (names.has(s.name) || seen.has(s.name)) throw new Error(`lab user ${s.name} exists already: pick another name`);
    if (s.profile !== "plain" && s.profile !== "heavy") throw new Error(`lab user ${s.name}: profile must be plain or heavy`);
    seen.add(s.name);
    return { ...s, uid: uid++, home: join(homeDir, s.name) };
  });
}

/** The host's passwd plus the lab users (password field "*": key login only). Pure. */
export function passwdWithUsers(hostPasswd: string, users: readonly LabUser[]): string {
  const base = hostPasswd.endsWith("\n") || hostPasswd === "" ? hostPasswd : `${hostPasswd}\n`;
  return base + users.map((u) => `${u.name}:*:${u.uid}:${NOGROUP}:vip-arp-exporter lab (${u.profile} profile):${u.home}:/bin/bash\n`).join("");
}

/** Per-user authorized_keys, where sshd looks with AuthorizedKeysFile .../%u/.ssh/authorized_keys. */
export function userKeysPath(homeDir: string): string {
  return join(homeDir, "%u", ".ssh", "authorized_keys");
}

/** Homes with ~/.bashrc and the lab's public key, owned by each user. */
export function createHomes(users: readonly LabUser[], homeDir: string, publicKey: string): void {
  mkdirSync(homeDir, { recursive: true, mode: 0o755 });
  chmodSync(homeDir, 0o755);
  for (const u of users) {
    const ssh = join(u.home, ".ssh");
    mkdirSync(ssh, { recursive: true, mode: 0o700 });
    writeFileSync(join(u.home, ".bashrc"), bashrcFor(u.profile), { mode: 0o644 });
    writeFileSync(join(ssh, "authorized_keys"), `${publicKey}\n`, { mode: 0o600 });
    for (const p of [u.home, ssh, join(u.home, ".bashrc"), join(ssh, "authorized_keys")]) chownSync(p, u.uid, NOGROUP);
  }
}

export const ETC_NETNS = "/etc/netns";

/** Writes /etc/netns/NS/passwd for each namespace (the caller records the dirs first). */
export function writeNetnsPasswd(namespaces: readonly string[], users: readonly LabUser[]): void {
  const passwd = passwdWithUsers(readFileSync("/etc/passwd", "utf8"), users);
  for (const ns of namespaces) {
    const dir = join(ETC_NETNS, ns);
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    writeFileSync(join(dir, "passwd"), passwd, { mode: 0o644 });
  }
}
