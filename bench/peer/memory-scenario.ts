// The simulated segment of the memory bench (pure): NODES x VIPS as keepalived runs them, each
// VIP held by one master (VIP i on node i mod NODES) and the router mapping each VIP to its
// master. Names only (the simulator talks over 127.0.0.1): VIPs and nodes are named in
// 198.18.0.0/16, the benchmarking range, since 1000 VIPs do not fit the documentation ranges.
import { parseScenario, type Scenario } from "../../src/sim/scenario.js";

export const MAX_MEMORY_VIPS = 2000;
export const MAX_MEMORY_NODES = 250;

export function memoryScenario(nodes: number, vips: number): Scenario {
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_MEMORY_NODES) throw new Error(`nodes must be 1..${MAX_MEMORY_NODES}`);
  if (!Number.isInteger(vips) || vips < 1 || vips > MAX_MEMORY_VIPS) throw new Error(`vips must be 1..${MAX_MEMORY_VIPS}`);
  const vip = (i: number) => `198.18.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`;
  const mac = (i: number) => `02:5e:00:00:${((i + 1) >> 8).toString(16).padStart(2, "0")}:${((i + 1) & 255).toString(16).padStart(2, "0")}`;
  const vipList = Array.from({ length: vips }, (_, i) => vip(i));
  const nodeList = Array.from({ length: nodes }, (_, n) => ({
    name: `infra-${String(n + 1).padStart(3, "0")}`,
    address: `198.18.${20 + Math.floor(n / 250)}.${1 + (n % 250)}`,
    interface: "eth0",
    mac: mac(n),
    holds: vipList.filter((_, i) => i % nodes === n),
  }));
  const entries: Record<string, string> = {};
  vipList.forEach((v, i) => (entries[v] = mac(i % nodes)));
  return parseScenario(
    JSON.stringify({ vips: vipList, nodes: nodeList, routers: [{ name: "core-s1", address: "198.18.0.254", prefix_length: 16, entries }] }),
    "<peer bench memory scenario>",
  );
}
