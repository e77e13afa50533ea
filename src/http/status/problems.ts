// The problems of the view: the anomaly messages of src/model/anomalies.ts, the same sentences
// `check` prints, each linked to its runbook section. Tables elsewhere on the page mark the
// rows a problem concerns and link back here by the problem's anchor.
import type { Anomaly } from "../../model/types.js";
import { html, type Html } from "./html.js";
import { runbookSection } from "./links.js";

export const problemId = (i: number): string => `problem-${i + 1}`;

export interface ProblemIndex {
  /** Problems about the node itself (down). */
  node(node: string): number[];
  /** Problems about what this router sends to this node. */
  nodeOnRouter(router: string, node: string): number[];
  /** Problems about this VIP on this router, and about the VIP on every router. */
  vip(router: string, vip: string): number[];
  /** Problems about this router as a whole (unreadable, imbalanced). */
  router(router: string): number[];
}

export function indexProblems(anomalies: readonly Anomaly[]): ProblemIndex {
  const pick = (test: (a: Anomaly) => boolean): number[] =>
    anomalies.flatMap((a, i) => (test(a) ? [i] : []));
  return {
    node: (node) => pick((a) => a.node === node && a.router === undefined),
    nodeOnRouter: (router, node) => pick((a) => a.node === node && a.router === router),
    vip: (router, vip) => pick((a) => a.vip === vip && (a.router === undefined || a.router === router)),
    router: (router) => pick((a) => a.router === router && a.vip === undefined && a.node === undefined),
  };
}

/** Problem numbers of several lookups, each once, in page order. */
export const merge = (...lists: number[][]): number[] => [...new Set(lists.flat())].sort((a, b) => a - b);

/** A table cell that says whether its row is a problem and links to the problems in question. */
export function statusCell(problems: number[]): Html {
  if (problems.length === 0) return html`<td class="status">ok</td>`;
  const links = problems.map((i) => html` <a href="#${problemId(i)}">#${i + 1}</a>`);
  return html`<td class="status"><span class="badge">problem</span>${links}</td>`;
}

export function problemsSection(anomalies: readonly Anomaly[] | null, runbookUrl: string): Html {
  if (anomalies === null) return html`<section id="problems"><h2>Problems</h2><p>Not known before the first collection.</p></section>`;
  if (anomalies.length === 0) {
    return html`<section id="problems"><h2>Problems</h2><p class="ok">None in this view.</p></section>`;
  }
  const items = anomalies.map(
    (a, i) =>
      html`<li id="${problemId(i)}" class="problem" data-kind="${a.kind}"><span class="message">${a.message}</span> <a class="runbook" href="${runbookSection(runbookUrl, a.kind)}">runbook</a></li>`,
  );
  return html`<section id="problems"><h2>Problems (${anomalies.length})</h2><ol class="problems">${items}</ol></section>`;
}
