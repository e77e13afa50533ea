// logfmt as go-kit/log prints it for Prometheus and its exporters: `key=value` pairs, `ts`,
// `level` and `msg` first, a value quoted when it holds a space, a quote, `=` or a control
// character, nested objects flattened with dots (`err.code=...`), arrays as JSON. Pure.

const FIRST = ["ts", "level", "msg"];

function needsQuotes(s: string): boolean {
  return s === "" || /[\s"=\\\p{Cc}]/u.test(s);
}

/** A value as logfmt writes it. */
export function logfmtValue(v: unknown): string {
  const s = v === null || v === undefined ? "null" : typeof v === "string" ? v : Array.isArray(v) ? JSON.stringify(v) : String(v);
  return needsQuotes(s) ? JSON.stringify(s) : s;
}

/** A key as logfmt allows it: no spaces, quotes or `=` (replaced by `_`). */
function logfmtKey(k: string): string {
  return k.replace(/[\s"=]/g, "_") || "_";
}

function flatten(prefix: string, v: unknown, out: [string, unknown][]): void {
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length === 0) out.push([prefix, "{}"]);
    for (const [k, x] of entries) flatten(prefix ? `${prefix}.${k}` : k, x, out);
  } else {
    out.push([prefix, v]);
  }
}

/** One pino JSON line (with its newline) as one logfmt line. A line that is not JSON passes as msg. */
export function toLogfmt(jsonLine: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return `msg=${logfmtValue(jsonLine.trimEnd())}\n`;
  }
  const pairs: [string, unknown][] = [];
  for (const k of FIRST) if (k in rec) pairs.push([k, rec[k]]);
  for (const [k, v] of Object.entries(rec)) if (!FIRST.includes(k)) flatten(k, v, pairs);
  return pairs.map(([k, v]) => `${logfmtKey(k)}=${logfmtValue(v)}`).join(" ") + "\n";
}
