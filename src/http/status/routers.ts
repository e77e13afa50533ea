// Per router: how many VIPs it sends to every configured node (the ones that get none too;
// the status comes before the list so a phone shows it without scrolling the table),
// and its VIP -> MAC -> node table. Rows a problem concerns are highlighted and link to it.
import type { Analysis, RouterAnalysis } from "../../model/types.js";
import { classes, html, type Html } from "./html.js";
import { merge, statusCell, type ProblemIndex } from "./problems.js";

function countsTable(a: Analysis, r: RouterAnalysis, p: ProblemIndex): Html {
  const names = [...new Set(a.nodes.map((n) => n.name))];
  const rows = names.map((name) => {
    const vips = r.vips.filter((v) => v.node === name).map((v) => v.vip);
    const problems = merge(p.node(name), p.nodeOnRouter(r.router, name));
    const cls = classes({ zero: vips.length === 0, problem: problems.length > 0 });
    return html`<tr${cls} data-node="${name}"><td>${name}</td><td class="num">${r.counts[name] ?? 0}</td>${statusCell(problems)}<td class="list">${vips.join(", ") || "none"}</td></tr>`;
  });
  // Traffic that reaches no configured node, by MAC, then VIPs without an entry.
  const unknown = new Map<string, string[]>();
  for (const v of r.vips) {
    if (!v.present || v.node !== null) continue;
    if (!unknown.has(v.mac!)) unknown.set(v.mac!, []);
    unknown.get(v.mac!)!.push(v.vip);
  }
  for (const [mac, vips] of unknown) {
    const problems = merge(...vips.map((vip) => p.vip(r.router, vip)));
    rows.push(
      html`<tr class="problem" data-mac="${mac}"><td>unknown MAC ${mac}</td><td class="num">${vips.length}</td>${statusCell(problems)}<td class="list">${vips.join(", ")}</td></tr>`,
    );
  }
  const missing = r.vips.filter((v) => !v.present).map((v) => v.vip);
  if (missing.length > 0) {
    const problems = merge(...missing.map((vip) => p.vip(r.router, vip)));
    rows.push(
      html`<tr class="problem" data-missing=""><td>no ARP entry</td><td class="num">${missing.length}</td>${statusCell(problems)}<td class="list">${missing.join(", ")}</td></tr>`,
    );
  }
  return html`<div class="scroll"><table class="counts" data-router="${r.router}"><caption>VIPs ${r.router} sends to each node</caption><thead><tr><th>node</th><th>VIPs</th><th>status</th><th>which</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function vipTable(r: RouterAnalysis, p: ProblemIndex): Html {
  const rows = r.vips.map((v) => {
    const problems = p.vip(r.router, v.vip);
    const mac = v.present ? `${v.mac}${v.static ? " (static)" : ""}` : "no entry";
    const node = v.present ? (v.node ?? "unknown MAC") : "-";
    const held = v.present ? (v.ownerHoldsVip ? "yes" : "NO") : "-";
    return html`<tr${classes({ problem: problems.length > 0 })} data-vip="${v.vip}"><td>${v.vip}</td><td class="mac">${mac}</td><td>${node}</td><td>${held}</td>${statusCell(problems)}</tr>`;
  });
  return html`<div class="scroll"><table class="vips" data-router="${r.router}"><caption>VIP → MAC → node on ${r.router}</caption><thead><tr><th>VIP</th><th>router MAC</th><th>node</th><th>held by node</th><th>status</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

export function routerSection(a: Analysis, r: RouterAnalysis, p: ProblemIndex): Html {
  const problems = p.router(r.router);
  if (!r.ok) {
    return html`<section class="router" data-router="${r.router}"><h3>Router ${r.router}</h3><table class="unreachable"><tbody><tr class="problem"><td>could not be read: ${r.error ?? "no answer"}</td>${statusCell(problems)}</tr></tbody></table></section>`;
  }
  const moves = `${r.moves} move${r.moves === 1 ? "" : "s"} to spread ${r.resolved} resolved VIP${r.resolved === 1 ? "" : "s"} evenly`;
  return html`<section class="router" data-router="${r.router}"><h3>Router ${r.router}</h3><p${classes({ problem: problems.length > 0 })}>imbalance ratio ${r.imbalanceRatio.toFixed(3)} (${moves})</p>${countsTable(a, r, p)}${vipTable(r, p)}</section>`;
}

export function routersSection(a: Analysis | null, p: ProblemIndex): Html {
  if (a === null) return html`<section id="routers"><h2>Routers</h2><p>Not read yet.</p></section>`;
  return html`<section id="routers"><h2>Routers</h2>${a.routers.map((r) => routerSection(a, r, p))}</section>`;
}
