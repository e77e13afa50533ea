// The DESIGN.md example segment and configs pointing at a simulated agent on 127.0.0.1.
import type { SnmpRouterConfig, SnmpV3User } from "../../src/config/types.js";
import { SimSegment } from "../../src/sim/segment.js";

export const VIPS = ["192.0.2.101", "192.0.2.102", "192.0.2.103"];
export const MAC1 = "00:1a:4a:48:be:4b";
export const MAC2 = "00:1a:4a:48:be:ef";
export const MAC3 = "00:1a:4a:48:be:4c";
export const ROUTER = "core-s1";
export const COMMUNITY = "s3cret-ro";

export function exampleSegment(): SimSegment {
  const seg = new SimSegment([...VIPS]);
  const nodes: [string, string, string][] = [
    ["ose-prod-node-01", "192.0.2.1", MAC1],
    ["ose-prod-node-02", "192.0.2.2", MAC2],
    ["ose-prod-node-03", "192.0.2.3", MAC3],
  ];
  for (const [name, address, mac] of nodes) {
    seg.addNode({ name, address, interface: "eth0", mac, holds: new Set(VIPS), up: true, hasArping: true });
  }
  seg.addRouter({
    name: ROUTER,
    arpAccept: false,
    ignores: "none",
    entries: new Map([
      ["192.0.2.101", { mac: MAC1, static: false }],
      ["192.0.2.102", { mac: MAC3, static: false }],
      ["192.0.2.103", { mac: MAC3, static: false }],
    ]),
    community: COMMUNITY,
    ifIndex: 2,
    ifName: "eth0",
    address: "192.0.2.254",
    prefixLength: 24,
    up: true,
  });
  return seg;
}

export const V3_USER: SnmpV3User = {
  user: "exporter",
  level: "authPriv",
  authProtocol: "sha256",
  authKey: "auth-passphrase-1",
  privProtocol: "aes",
  privKey: "priv-passphrase-1",
};

export function snmpConfig(port: number, over: Partial<SnmpRouterConfig> = {}): SnmpRouterConfig {
  return {
    type: "snmp",
    name: ROUTER,
    host: "127.0.0.1",
    port,
    version: 2,
    community: COMMUNITY,
    table: "auto",
    timeoutMs: 400,
    retries: 0,
    ...over,
  };
}
