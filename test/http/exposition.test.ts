// /metrics as Prometheus asks for it: OpenMetrics when its Accept header prefers it, the 0.0.4
// text format otherwise, gzip when Accept-Encoding allows it; each rendered once per collection.
import { get } from "node:http";
import { gunzipSync } from "node:zlib";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptsGzip, negotiateFormat } from "../../src/http/exposition.js";
import { defaultScenario } from "../../src/sim/scenario.js";
import { startTestExporter, type TestExporter } from "../helpers/exporter.js";

// What Prometheus 2.x/3.x sends (scrape_protocols default), and what curl and the Go client send.
const PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";

describe("negotiation", () => {
  it.each([
    [undefined, "text"],
    ["", "text"],
    ["*/*", "text"],
    ["text/plain;version=0.0.4", "text"],
    [PROMETHEUS_ACCEPT, "openmetrics"],
    ["application/openmetrics-text; version=1.0.0", "openmetrics"],
    ["text/plain;q=0.9,application/openmetrics-text;q=0.5", "text"],
    ["application/openmetrics-text;q=0", "text"],
  ] as const)("Accept %j -> %s", (accept, want) => {
    expect(negotiateFormat(accept)).toBe(want);
  });

  it.each([
    [undefined, false],
    ["gzip", true],
    ["gzip, deflate, br", true],
    ["deflate", false],
    ["gzip;q=0", false],
    ["*", true],
    ["identity", false],
  ] as const)("Accept-Encoding %j -> gzip %s", (header, want) => {
    expect(acceptsGzip(header)).toBe(want);
  });
});

describe("GET /metrics", () => {
  let x: TestExporter;
  beforeAll(async () => {
    x = await startTestExporter(defaultScenario());
  });
  afterAll(async () => {
    await x.close();
  });

  it("answers the 0.0.4 text format to a plain client", async () => {
    const res = await request(x.app).get("/metrics").set("Accept-Encoding", "identity");
    expect(res.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.text).toMatch(/^# HELP /);
    expect(res.text).not.toContain("# EOF");
  });

  it("answers OpenMetrics to Prometheus, ending in # EOF, counters typed without _total", async () => {
    const res = await request(x.app).get("/metrics").set("Accept", PROMETHEUS_ACCEPT);
    expect(res.headers["content-type"]).toBe("application/openmetrics-text; version=1.0.0; charset=utf-8");
    expect(res.text.endsWith("# EOF\n")).toBe(true);
    expect(res.text).toContain("# TYPE vip_arp_owner_changes counter\n");
    expect(res.text).toMatch(/\nvip_arp_owner_changes_total\{router="core-s1",vip="192\.0\.2\.101"\} 0\n/);
    expect(res.text).toMatch(/\nvip_mac_owner\{router="core-s1",vip="192\.0\.2\.102",mac="00:1a:4a:48:be:4c",node="ose-prod-node-03"\} 1\n/);
  });

  it("gzips when asked, and the body is the same metrics", async () => {
    // The raw bytes, over a plain socket (superagent and fetch would decode them).
    const server = x.app.listen(0, "127.0.0.1");
    await new Promise<void>((r) => server.once("listening", () => r()));
    const { headers, raw } = await new Promise<{ headers: Record<string, unknown>; raw: Buffer }>((resolve, reject) => {
      get({ host: "127.0.0.1", port: (server.address() as { port: number }).port, path: "/metrics", headers: { "accept-encoding": "gzip" } }, (r) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("end", () => resolve({ headers: r.headers, raw: Buffer.concat(chunks) }));
      }).on("error", reject);
    }).finally(() => server.close());
    expect(headers["content-encoding"]).toBe("gzip");
    expect(headers.vary).toBe("Accept, Accept-Encoding");
    expect([raw[0], raw[1]]).toEqual([0x1f, 0x8b]); // the gzip magic
    const text = gunzipSync(raw).toString("utf8");
    expect(text).toMatch(/\narp_imbalance_ratio\{router="core-s1"\} 0\.3333333333333333\n/);
  });

  it("HEAD answers the negotiated content type without a body", async () => {
    const res = await request(x.app).head("/metrics").set("Accept", PROMETHEUS_ACCEPT);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/openmetrics-text; version=1.0.0; charset=utf-8");
    expect(res.text ?? "").toBe("");
  });
});
