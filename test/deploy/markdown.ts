// What tests need from the Markdown docs: GitHub's heading anchors and the metric reference.

/** Anchors GitHub generates for the headings (lower-case, punctuation dropped, spaces -> '-'). */
export function githubAnchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  let inFence = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const m = inFence ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = (m[1] ?? "")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

export interface DocumentedMetric {
  type: string;
  labels: string[];
}

/** Metrics documented in docs/metrics.md: one "### `name`" heading each, with type and labels. */
export function documentedMetrics(markdown: string): Map<string, DocumentedMetric> {
  const metrics = new Map<string, DocumentedMetric>();
  const sections = markdown.split(/^### /m).slice(1);
  for (const section of sections) {
    const name = /^`([a-zA-Z_:][a-zA-Z0-9_:]*)`/.exec(section)?.[1];
    if (!name) continue;
    const type = /\*\*Type:\*\*\s*(\w+)/.exec(section)?.[1] ?? "";
    // label names are the backticked words outside parentheses (which hold examples)
    const labelLine = (/\*\*Labels:\*\*(.*(?:\n {2,}.*)*)/.exec(section)?.[1] ?? "").replace(/\([^)]*\)/g, "");
    const labels = [...labelLine.matchAll(/`([a-zA-Z_][a-zA-Z0-9_]*)`/g)].map((m) => m[1] as string);
    metrics.set(name, { type, labels });
  }
  return metrics;
}
