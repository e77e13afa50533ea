// What a scrape gets back, as Prometheus asks for it: the OpenMetrics text format when its
// Accept header prefers it (Prometheus 2.5+ asks for it first), else the 0.0.4 text format;
// gzip when Accept-Encoding allows it. Each format of a collection is rendered (and gzipped)
// once, however many scrapes share that collection.
import { promisify } from "node:util";
import { gzip as gzipCb } from "node:zlib";
import { Registry, type OpenMetricsContentType } from "prom-client";

const gzip = promisify(gzipCb);

export type Format = "openmetrics" | "text";

/** The q-value a header gives `type` (0 when absent), from `Accept`-style lists. */
function quality(header: string, matches: (token: string) => boolean): number {
  let best = 0;
  for (const part of header.split(",")) {
    const [token = "", ...params] = part.split(";").map((x) => x.trim().toLowerCase());
    if (!matches(token)) continue;
    const q = params.find((p) => p.startsWith("q="));
    const v = q ? Number(q.slice(2)) : 1;
    if (Number.isFinite(v)) best = Math.max(best, v);
  }
  return best;
}

/** OpenMetrics when the client rates it at least as high as the text format; else text. */
export function negotiateFormat(accept: string | undefined): Format {
  if (!accept) return "text";
  const om = quality(accept, (t) => t === "application/openmetrics-text");
  const text = quality(accept, (t) => t === "text/plain" || t === "*/*" || t === "text/*");
  return om > 0 && om >= text ? "openmetrics" : "text";
}

/** Whether Accept-Encoding allows gzip (q > 0; `*` counts). */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (!acceptEncoding) return false;
  return quality(acceptEncoding, (t) => t === "gzip" || t === "*") > 0;
}

export interface Rendered {
  contentType: string;
  body: Buffer;
  encoding?: "gzip";
}

export class Exposition {
  private openmetrics: Registry<OpenMetricsContentType> | null = null;
  private cache: { key: object; entries: Map<string, Promise<Rendered>> } | null = null;

  constructor(private readonly registry: Registry) {}

  /** An OpenMetrics view of the same metric objects (built once: every metric is registered at start). */
  private registryFor(format: Format): Registry | Registry<OpenMetricsContentType> {
    if (format === "text") return this.registry;
    if (!this.openmetrics) {
      // merge() registers the same metric objects in a new registry, which then renders OpenMetrics.
      const om = Registry.merge([this.registry]) as unknown as Registry<OpenMetricsContentType>;
      om.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
      this.openmetrics = om;
    }
    return this.openmetrics;
  }

  /** The content type of a format (HEAD answers with it without rendering). */
  contentType(format: Format): string {
    return this.registryFor(format).contentType;
  }

  /**
   * The body for `key` (the collection the metrics were set from) in `format`, gzipped when
   * asked. Callers with the same key share one rendering per format and encoding.
   */
  render(key: object, format: Format, gzipped: boolean): Promise<Rendered> {
    if (this.cache?.key !== key) this.cache = { key, entries: new Map() };
    const entries = this.cache.entries;
    const id = `${format}:${gzipped ? "gzip" : "identity"}`;
    let r = entries.get(id);
    if (!r) {
      r = gzipped
        ? this.render(key, format, false).then(async (plain) => ({ contentType: plain.contentType, body: await gzip(plain.body), encoding: "gzip" as const }))
        : this.registryFor(format).metrics().then((text) => ({ contentType: this.registryFor(format).contentType, body: Buffer.from(text, "utf8") }));
      entries.set(id, r);
      r.catch(() => entries.delete(id));
    }
    return r;
  }
}
