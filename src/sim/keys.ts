// Throwaway keys for the simulated segment: one client key, one host key per node, and the
// known_hosts text that makes the exporter trust exactly those host keys on 127.0.0.1.
import ssh2 from "ssh2";
import { knownHostsName } from "../sources/ssh/known-hosts.js";

const { utils } = ssh2;

export interface SimKeyPair {
  /** OpenSSH private key text. */
  privateKey: string;
  /** "ssh-ed25519 AAAA... comment" */
  publicKey: string;
}

export interface SimKeys {
  client: SimKeyPair;
  hostKeys: Record<string, SimKeyPair>;
}

function pair(comment: string): SimKeyPair {
  // ssh2 cannot parse about 1 in 300 of the ed25519 keys it generates itself
  // ("Malformed OpenSSH private key"): keep only keys it can read back.
  for (let attempt = 0; attempt < 20; attempt++) {
    const k = utils.generateKeyPairSync("ed25519", { comment });
    if (!(utils.parseKey(k.private) instanceof Error)) return { privateKey: k.private, publicKey: k.public };
  }
  throw new Error("could not generate a usable ed25519 key for the simulated segment");
}

export function generateSimKeys(nodeNames: string[]): SimKeys {
  const hostKeys: Record<string, SimKeyPair> = {};
  for (const name of nodeNames) hostKeys[name] = pair(`sim host key of ${name}`);
  return { client: pair("vip-arp-exporter sim client"), hostKeys };
}

/** OpenSSH known_hosts lines, e.g. "[127.0.0.1]:2222 ssh-ed25519 AAAA...". */
export function knownHostsFor(entries: { host: string; port: number; publicKey: string }[]): string {
  return entries
    .map((e) => {
      const [type, b64] = e.publicKey.trim().split(/\s+/);
      return `${knownHostsName(e.host, e.port)} ${type} ${b64}`;
    })
    .join("\n") + "\n";
}
