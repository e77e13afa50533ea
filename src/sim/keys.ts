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

/**
 * An ed25519 pair ssh2 can read back. ssh2 1.17's generateKeyPairSync strips leading zero
 * bytes off the public key (mscdex/ssh2#1513), so about 1 key in 256 is "Malformed OpenSSH
 * public key" or "... private key" to its own parser: keep only keys whose both halves parse.
 */
export function ed25519Pair(comment = ""): SimKeyPair {
  for (let attempt = 0; attempt < 20; attempt++) {
    const k = utils.generateKeyPairSync("ed25519", { comment });
    if (!(utils.parseKey(k.private) instanceof Error) && !(utils.parseKey(k.public) instanceof Error)) return { privateKey: k.private, publicKey: k.public };
  }
  throw new Error("could not generate an ed25519 key that ssh2 can read back in 20 tries: check the ssh2 version in package-lock.json");
}

export function generateSimKeys(nodeNames: string[]): SimKeys {
  const hostKeys: Record<string, SimKeyPair> = {};
  for (const name of nodeNames) hostKeys[name] = ed25519Pair(`sim host key of ${name}`);
  return { client: ed25519Pair("vip-arp-exporter sim client"), hostKeys };
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
