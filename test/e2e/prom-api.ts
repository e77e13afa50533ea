// A minimal client of Prometheus' HTTP API (v1) for the closed-loop test.
export interface Sample {
  metric: Record<string, string>;
  /** Instant vectors. */
  value?: [number, string];
  /** Range vectors (query_range). */
  values?: Array<[number, string]>;
}

export interface QueryResult {
  resultType: "vector" | "matrix" | "scalar" | "string";
  result: Sample[] | [number, string];
}

export interface ActiveAlert {
  labels: Record<string, string>;
  state: "pending" | "firing" | "inactive";
  activeAt: string;
  value: string;
}

export interface RuleState {
  name: string;
  type: "alerting" | "recording";
  health: "ok" | "err" | "unknown";
  lastError?: string;
  query: string;
}

/** A query Prometheus rejected (bad_data: a parse error, or an execution error). */
export class PromQueryError extends Error {
  constructor(
    readonly query: string,
    readonly errorType: string,
    readonly detail: string,
  ) {
    super(`Prometheus rejected ${JSON.stringify(query)}: ${errorType}: ${detail}`);
  }
}

export class PromClient {
  constructor(readonly base: string) {}

  private async get<T>(path: string, params: Record<string, string | string[]> = {}): Promise<T> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) for (const one of Array.isArray(v) ? v : [v]) qs.append(k, one);
    const res = await fetch(`${this.base}${path}?${qs}`, { signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as { status: string; data?: T; errorType?: string; error?: string };
    if (body.status !== "success") throw new PromQueryError(String(params.query ?? params["match[]"] ?? path), body.errorType ?? `HTTP ${res.status}`, body.error ?? "");
    return body.data as T;
  }

  /** Instant query (at `time`, seconds, default now). */
  query(q: string, time?: number): Promise<QueryResult> {
    return this.get<QueryResult>("/api/v1/query", { query: q, ...(time !== undefined ? { time: String(time) } : {}) });
  }

  queryRange(q: string, start: number, end: number, stepSeconds: number): Promise<QueryResult> {
    return this.get<QueryResult>("/api/v1/query_range", { query: q, start: String(start), end: String(end), step: String(stepSeconds) });
  }

  /** Instant vector samples; an error when the query gives a scalar or string. */
  async vector(q: string): Promise<Sample[]> {
    const r = await this.query(q);
    if (r.resultType !== "vector") throw new Error(`${q} gave a ${r.resultType}, not a vector`);
    return r.result as Sample[];
  }

  async alerts(): Promise<ActiveAlert[]> {
    return (await this.get<{ alerts: ActiveAlert[] }>("/api/v1/alerts")).alerts;
  }

  async rules(): Promise<RuleState[]> {
    const data = await this.get<{ groups: Array<{ rules: RuleState[] }> }>("/api/v1/rules");
    return data.groups.flatMap((g) => g.rules);
  }

  labelValues(label: string, match?: string): Promise<string[]> {
    return this.get<string[]>(`/api/v1/label/${encodeURIComponent(label)}/values`, match ? { "match[]": match } : {});
  }

  async targets(): Promise<Array<{ health: string; lastError: string; scrapeUrl: string }>> {
    return (await this.get<{ activeTargets: Array<{ health: string; lastError: string; scrapeUrl: string }> }>("/api/v1/targets")).activeTargets;
  }
}

/** Non-empty result: a vector or matrix with series, or any scalar/string. */
export function hasData(r: QueryResult): boolean {
  return r.resultType === "scalar" || r.resultType === "string" || (r.result as Sample[]).length > 0;
}

export const showSamples = (s: Sample[]): string =>
  s.length === 0 ? "(empty)" : s.map((x) => `${JSON.stringify(x.metric)} ${x.value?.[1] ?? `${x.values?.length ?? 0} points`}`).join("; ");
