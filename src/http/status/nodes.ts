// Per node: up or down, its MAC, the VIPs on its interface and how many VIPs each router
// sends to it. A router's cell is a problem when that router's view of the node is.
import type { Analysis, ObservedNode } from "../../model/types.js";
import { classes, html, type Html } from "./html.js";
import { merge, problemId, statusCell, type ProblemIndex } from "./problems.js";

function sentCell(a: Analysis, router: string, node: string, p: ProblemIndex): Html {
  const r = a.routers.find((x) => x.router === router)!;
  if (!r.ok) return html`<td class="num unknown">?</td>`;
  const problems = p.nodeOnRouter(router, node);
  const n = r.counts[node] ?? 0;
  if (problems.length === 0) return html`<td class="num">${n}</td>`;
  return html`<td class="num problem"><a href="#${problemId(problems[0]!)}">${n}</a></td>`;
}

// With many VIPs most nodes hold them all (keepalived everywhere): say so instead of listing them.
const LIST_ALL_UP_TO = 10;

function held(a: Analysis, n: ObservedNode): string {
  const all = a.vips.length > LIST_ALL_UP_TO && a.vips.every((v) => n.holds.includes(v));
  return all ? `all ${a.vips.length}` : n.holds.join(", ") || "none";
}

function nodeRow(a: Analysis, n: ObservedNode, p: ProblemIndex): Html {
  const problems = merge(p.node(n.name), ...a.routers.map((r) => p.nodeOnRouter(r.router, n.name)));
  const sent = a.routers.map((r) => sentCell(a, r.router, n.name, p));
  return html`<tr${classes({ problem: problems.length > 0 })} data-node="${n.name}"><td>${n.name}</td><td>${n.up ? "up" : "DOWN"}</td><td class="mac">${n.mac ?? "unknown"}</td><td class="list">${held(a, n)}</td>${sent}${statusCell(problems)}</tr>`;
}

export function nodesSection(a: Analysis | null, p: ProblemIndex): Html {
  if (a === null) return html`<section id="nodes"><h2>Nodes</h2><p>Not read yet.</p></section>`;
  const seen = new Set<string>();
  const nodes = a.nodes.filter((n) => !seen.has(n.name) && seen.add(n.name));
  const heads = a.routers.map((r) => html`<th>sent by ${r.router}</th>`);
  return html`<section id="nodes"><h2>Nodes</h2><div class="scroll"><table class="nodes"><thead><tr><th>node</th><th>state</th><th>MAC</th><th>VIPs held</th>${heads}<th>status</th></tr></thead><tbody>${nodes.map((n) => nodeRow(a, n, p))}</tbody></table></div></section>`;
}
