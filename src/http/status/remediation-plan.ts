// What POST /remediate would do on this view: the planner's dry run, computed once per
// collection by the caller. Rendering it sends nothing and reads nothing.
import type { Analysis, GarpAction, Plan } from "../../model/types.js";
import { html, type Html } from "./html.js";

const who = (node: string | null, mac: string | null): string =>
  node === null ? (mac === null ? "no entry" : `unknown MAC ${mac}`) : `${node} (${mac ?? "?"})`;

function actionRow(a: GarpAction): Html {
  return html`<tr data-vip="${a.vip}"><td>${a.vip}</td><td>${who(a.fromNode, a.fromMac)}</td><td>${who(a.toNode, a.toMac)}</td><td>${a.reason}</td></tr>`;
}

export function planSection(analysis: Analysis | null, plan: Plan | null, remediation: boolean): Html {
  const endpoint = remediation
    ? html`<p>POST /remediate is enabled (bearer token). It reads the routers again before it plans, so its answer may differ if the network changed since this view.</p>`
    : html`<p>POST /remediate is disabled: set remediation.token_file or VIP_ARP_REMEDIATE_TOKEN to enable it. The plan below is what it would do.</p>`;
  const head = html`<h2>What /remediate would do</h2>${endpoint}`;
  if (analysis === null || plan === null) return html`<section id="plan">${head}<p>Nothing to plan before the first collection.</p></section>`;
  if (!analysis.routers.some((r) => r.ok)) {
    return html`<section id="plan">${head}<p class="problem">No router could be read: /remediate would refuse to plan or send anything.</p></section>`;
  }
  const actions =
    plan.actions.length === 0
      ? html`<p class="ok">Nothing to send: every readable router already sends each VIP to its planned node.</p>`
      : html`<div class="scroll"><table class="plan"><caption>GARPs it would send (${plan.actions.length})</caption><thead><tr><th>VIP</th><th>now sent to</th><th>GARP from</th><th>why</th></tr></thead><tbody>${plan.actions.map(actionRow)}</tbody></table></div>`;
  const blocked =
    plan.blocked.length === 0
      ? null
      : html`<p>It cannot fix:</p><ul class="blocked">${plan.blocked.map((b) => html`<li class="problem">${b.vip}: ${b.reason}</li>`)}</ul>`;
  const after = Object.entries(plan.expectedCounts)
    .map(([n, c]) => `${n} ${c}`)
    .join(", ");
  return html`<section id="plan">${head}${actions}${blocked}<p>VIPs per node afterwards: ${after || "none"}.</p></section>`;
}
