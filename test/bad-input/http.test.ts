// Bad input, HTTP: one row per request a client can get wrong, against the exporter's app over
// the demo segment, and its exact answer: status, body and what it did to the network (see
// README.md for the convention). No row may send a GARP.
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultScenario } from "../../src/sim/scenario.js";
import { startTestExporter, type TestExporter } from "../helpers/exporter.js";

const TOKEN = "bad-input-http-token-0123456789";
const VIPS = "192.0.2.101, 192.0.2.102, 192.0.2.103";
const USAGE = 'send an empty body, {"dryRun":true}, {"vips":[...]}, {"reassert":true} or an Alertmanager v4 webhook payload (allowed keys: dryRun, vips, reassert)';

interface Row {
  name: string;
  input: { method: "get" | "post" | "put" | "delete" | "head"; path: string; headers?: Record<string, string>; body?: string | Buffer };
  expected: { status: number; body: unknown; garps: number };
}

const auth = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
const post = (body: string | Buffer, headers: Record<string, string> = auth): Row["input"] => ({ method: "post", path: "/remediate", headers, body });

const rows: Row[] = [
  { name: "no Authorization header", input: post("{}", { "content-type": "application/json" }), expected: { status: 401, body: { error: "missing or invalid bearer token: send `Authorization: Bearer <token>`" }, garps: 0 } },
  { name: "a wrong token", input: post("{}", { authorization: "Bearer not-the-token-0123456789", "content-type": "application/json" }), expected: { status: 401, body: { error: "missing or invalid bearer token: send `Authorization: Bearer <token>`" }, garps: 0 } },
  { name: "basic auth instead of a bearer token", input: post("{}", { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString("base64")}` }), expected: { status: 401, body: { error: "missing or invalid bearer token: send `Authorization: Bearer <token>`" }, garps: 0 } },
  { name: "a header padded with 10,000 blanks before a wrong token", input: post("{}", { authorization: `Bearer ${" ".repeat(10_000)}${TOKEN}x` }), expected: { status: 401, body: { error: "missing or invalid bearer token: send `Authorization: Bearer <token>`" }, garps: 0 } },
  { name: "malformed JSON", input: post("{dryRun: true"), expected: { status: 400, body: { error: "malformed JSON body: Expected property name or '}' in JSON at position 1" }, garps: 0 } },
  { name: "a JSON array", input: post("[1,2]"), expected: { status: 400, body: { error: "the body must be a JSON object (or empty), not an array" }, garps: 0 } },
  { name: "a JSON string", input: post('"remediate"'), expected: { status: 400, body: { error: 'the body must be a JSON object (or empty), not "remediate"' }, garps: 0 } },
  { name: "an unknown key", input: post('{"dryrun": true}'), expected: { status: 400, body: { error: `unknown key "dryrun" in the body: ${USAGE}` }, garps: 0 } },
  { name: "dryRun as a string", input: post('{"dryRun": "yes"}'), expected: { status: 400, body: { error: "invalid body: dryRun: Invalid input: expected boolean, received string" }, garps: 0 } },
  { name: "vips empty", input: post('{"vips": []}'), expected: { status: 400, body: { error: "vips is empty: list at least one VIP, or omit it for all" }, garps: 0 } },
  { name: "a VIP that is not an address", input: post('{"vips": ["192.0.2.101; reboot"]}'), expected: { status: 400, body: { error: 'invalid VIP "192.0.2.101; reboot" in vips: not an IP address' }, garps: 0 } },
  { name: "a VIP that is not configured", input: post('{"vips": ["198.51.100.7"]}'), expected: { status: 400, body: { error: `unknown VIP 198.51.100.7 in vips: configured VIPs are ${VIPS}` }, garps: 0 } },
  { name: "an Alertmanager payload of another version", input: post('{"version": "3", "status": "firing", "alerts": []}'), expected: { status: 400, body: { error: 'unsupported Alertmanager webhook payload version "3": expected "4"' }, garps: 0 } },
  { name: "an Alertmanager payload without alerts", input: post('{"version": "4", "status": "firing"}'), expected: { status: 400, body: { error: "invalid Alertmanager webhook payload: alerts: Invalid input: expected array, received undefined" }, garps: 0 } },
  {
    name: "an Alertmanager alert naming a VIP that is not configured",
    input: post(JSON.stringify({ version: "4", status: "firing", alerts: [{ status: "firing", labels: { alertname: "VIPBlackholed", vip: "198.51.100.7" } }] })),
    expected: { status: 400, body: { error: `unknown VIP 198.51.100.7 in alert label vip: configured VIPs are ${VIPS}` }, garps: 0 },
  },
  {
    name: "an Alertmanager notification with only resolved alerts",
    input: post(JSON.stringify({ version: "4", status: "resolved", alerts: [{ status: "resolved", labels: { alertname: "InfraNodeOwnsNoVIPs" } }] })),
    expected: { status: 200, body: { ok: true, ran: false, message: "Alertmanager notification has no firing alerts (resolved): nothing to do" }, garps: 0 },
  },
  {
    name: "bytes that are not UTF-8",
    input: post(Buffer.from([0xff, 0xfe, 0x00, 0x7b]), { authorization: `Bearer ${TOKEN}`, "content-type": "application/octet-stream" }),
    expected: { status: 400, body: { error: "the body is not UTF-8 text: send a JSON object (or nothing)" }, garps: 0 },
  },
  {
    name: "a body larger than remediation.max_body_bytes",
    input: post(JSON.stringify({ dryRun: true, pad: "x".repeat(300 * 1024) })),
    expected: { status: 413, body: { error: "request body larger than 262144 bytes (remediation.max_body_bytes)" }, garps: 0 },
  },
  { name: "GET /remediate", input: { method: "get", path: "/remediate", headers: auth }, expected: { status: 405, body: { error: "use POST /remediate" }, garps: 0 } },
  { name: "DELETE /remediate", input: { method: "delete", path: "/remediate", headers: auth }, expected: { status: 405, body: { error: "use POST /remediate" }, garps: 0 } },
  { name: "a path that does not exist", input: { method: "get", path: "/metrics/../etc/passwd" }, expected: { status: 404, body: {}, garps: 0 } },
  { name: "GET /-/reload", input: { method: "get", path: "/-/reload" }, expected: { status: 404, body: {}, garps: 0 } },
  {
    name: "POST /-/reload on a simulated segment",
    input: { method: "post", path: "/-/reload" },
    expected: { status: 200, body: "nothing to reload: running on a simulated segment without a config file\n", garps: 0 },
  },
  { name: "a scrape timeout header that is not a number", input: { method: "get", path: "/-/healthy", headers: { "X-Prometheus-Scrape-Timeout-Seconds": "soon" } }, expected: { status: 200, body: "vip-arp-exporter is Healthy.\n", garps: 0 } },
  { name: "a dry run (the only POST here that gets as far as the planner)", input: post('{"dryRun": true}'), expected: { status: 200, body: "dry run", garps: 0 } },
];

let x: TestExporter;
beforeAll(async () => {
  x = await startTestExporter(defaultScenario(), { remediation: { token: TOKEN, tokenSource: "env" } });
});
afterAll(async () => {
  await x.close();
});

describe("bad input: HTTP requests", () => {
  it.each(rows)("$name", async ({ input, expected }) => {
    const garpsBefore = x.sim.segment.garpLog.length;
    let req = request(x.app)[input.method](input.path);
    for (const [k, v] of Object.entries(input.headers ?? {})) req = req.set(k, v);
    const res = input.body !== undefined ? await req.send(input.body) : await req;
    const isJson = /json/.test(res.headers["content-type"] ?? "");
    const body = expected.body === "dry run" ? (res.body.dryRun === true && res.body.actions.every((a: { status: string }) => a.status === "planned") ? "dry run" : res.body) : isJson ? res.body : res.status === 404 ? {} : res.text;
    expect({ status: res.status, body, garps: x.sim.segment.garpLog.length - garpsBefore }).toEqual(expected);
  });
});
