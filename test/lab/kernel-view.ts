// The lab's ground truth, read from the router's kernel: which node each VIP's entry names,
// per-node counts, and a drift made on purpose. Shared by the lab's end-to-end tests.
import type { Lab } from "../../lab/lab.js";
import { pollUntil } from "../../lab/wait.js";

export const nodeOfMac = (l: Lab, mac: string | null): string | null => l.nodes.find((n) => n.mac === mac)?.name ?? null;

/** Per-node VIP counts from the kernel table (every node, zeros included). */
export function countsOf(l: Lab, neigh: Record<string, string | null>): Record<string, number> {
  const counts = Object.fromEntries(l.nodes.map((n) => [n.name, 0]));
  for (const mac of Object.values(neigh)) {
    const n = nodeOfMac(l, mac);
    if (n) counts[n]! += 1;
  }
  return counts;
}

/** Points every VIP at one node with that node's own GARPs, and waits for the kernel to show it. */
export async function allOn(l: Lab, name: string): Promise<void> {
  const mac = l.nodes.find((n) => n.name === name)!.mac;
  for (const vip of l.vips) await l.garp(name, vip);
  await pollUntil(`every VIP on ${name}`, async () => (Object.values(await l.routerNeigh()).every((m) => m === mac) ? true : undefined), { timeoutMs: 5_000 });
}
