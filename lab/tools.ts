// The programs the lab needs, found the way a root shell would find them.
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** Needed by every lab. */
export const BASE_TOOLS = ["ip", "ss", "sysctl", "nsenter", "unshare", "umount", "bash", "ssh-keygen", "sshd", "snmpd", "arping"];
/** Needed in keepalived mode. */
export const KEEPALIVED_TOOLS = ["keepalived"];
/** Needed with IPv6 VIPs (unsolicited neighbour advertisements). */
export const IPV6_TOOLS = ["ndptool"];
/** Clients the lab's own tests use from the host. */
export const CLIENT_TOOLS = ["ssh", "snmpwalk"];

export function findTool(name: string): string | null {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/sbin", "/usr/bin", "/bin"].filter(Boolean);
  for (const d of dirs) {
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // keep looking
    }
  }
  return null;
}

export function missingTools(names: readonly string[]): string[] {
  return names.filter((n) => findTool(n) === null);
}

/** Debian packages that provide the tools, for the error message. */
export const TOOL_PACKAGES = "iproute2 util-linux procps openssh-server openssh-client snmpd snmp iputils-arping keepalived libndp-tools";
