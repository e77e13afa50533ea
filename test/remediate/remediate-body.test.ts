import { describe, expect, it } from "vitest";
import { parseRemediateBody } from "../../src/http/remediate-body.js";

const VIPS = ["192.0.2.101", "192.0.2.102", "192.0.2.103"];
const parse = (raw: unknown) => parseRemediateBody(raw, VIPS);

/** An Alertmanager v4 webhook payload as Alertmanager sends it. */
function alertmanager(status: "firing" | "resolved", alerts: { status: "firing" | "resolved"; labels: Record<string, string> }[]) {
  return JSON.stringify({
    receiver: "vip-arp-remediate",
    status,
    alerts: alerts.map((a) => ({
      ...a,
      annotations: { summary: "x" },
      startsAt: "2024-05-01T10:00:00Z",
      endsAt: "0001-01-01T00:00:00Z",
      generatorURL: "http://prometheus/graph",
      fingerprint: "b2c1a0e9f0d1c2b3",
    })),
    groupLabels: { alertname: "VipArpImbalance" },
    commonLabels: { alertname: "VipArpImbalance" },
    commonAnnotations: {},
    externalURL: "http://alertmanager:9093",
    version: "4",
    groupKey: '{}:{alertname="VipArpImbalance"}',
    truncatedAlerts: 0,
  });
}

describe("parseRemediateBody: manual bodies", () => {
  it("an empty body is a manual run on every VIP", () => {
    for (const raw of [undefined, "", Buffer.from(""), "  \n", Buffer.from("{}")]) {
      expect(parse(raw)).toEqual({ kind: "run", request: { trigger: "manual" } });
    }
  });

  it("dryRun, reassert and vips", () => {
    expect(parse('{"dryRun":true}')).toEqual({ kind: "run", request: { trigger: "manual", dryRun: true } });
    expect(parse('{"reassert":true}')).toEqual({ kind: "run", request: { trigger: "manual", reassert: true } });
    expect(parse('{"vips":["192.0.2.102","192.0.2.102"]}')).toEqual({
      kind: "run",
      request: { trigger: "manual", vips: ["192.0.2.102"] },
    });
  });

  it("malformed JSON and non-objects are errors", () => {
    expect(parse("{dryRun:true")).toMatchObject({ kind: "error", message: expect.stringMatching(/malformed JSON/) });
    expect(parse("[1]")).toMatchObject({ kind: "error", message: expect.stringMatching(/JSON object/) });
    expect(parse("42")).toMatchObject({ kind: "error" });
    expect(parse("null")).toMatchObject({ kind: "error" });
  });

  it("an unknown key is named", () => {
    const r = parse('{"dryrun":true}');
    expect(r.kind).toBe("error");
    expect(r.kind === "error" && r.message).toMatch(/unknown key "dryrun"/);
  });

  it("wrong types are errors", () => {
    expect(parse('{"dryRun":"yes"}')).toMatchObject({ kind: "error", message: expect.stringMatching(/dryRun/) });
    expect(parse('{"vips":"192.0.2.101"}')).toMatchObject({ kind: "error", message: expect.stringMatching(/vips/) });
  });

  it("a VIP must be an IP and configured", () => {
    expect(parse('{"vips":["192.0.2.101; reboot"]}')).toMatchObject({
      kind: "error",
      message: expect.stringMatching(/invalid VIP "192\.0\.2\.101; reboot".*not an IP address/),
    });
    expect(parse('{"vips":["$(id)"]}')).toMatchObject({ kind: "error" });
    expect(parse('{"vips":["192.0.2.200"]}')).toMatchObject({
      kind: "error",
      message: expect.stringMatching(/unknown VIP 192\.0\.2\.200.*configured VIPs are 192\.0\.2\.101/),
    });
    expect(parse('{"vips":[]}')).toMatchObject({ kind: "error" });
  });

  it("accepts an already parsed object", () => {
    expect(parse({ dryRun: true })).toEqual({ kind: "run", request: { trigger: "manual", dryRun: true } });
  });
});

describe("parseRemediateBody: Alertmanager webhook", () => {
  it("firing alerts without a vip label run on every VIP", () => {
    const r = parse(alertmanager("firing", [{ status: "firing", labels: { alertname: "VipArpImbalance", router: "core-s1" } }]));
    expect(r).toEqual({
      kind: "run",
      request: {
        trigger: "alertmanager",
        groupKey: '{}:{alertname="VipArpImbalance"}',
        receiver: "vip-arp-remediate",
        alerts: ["VipArpImbalance"],
      },
      notification: JSON.stringify(['{}:{alertname="VipArpImbalance"}', ["b2c1a0e9f0d1c2b3@2024-05-01T10:00:00Z"]]),
    });
  });

  it("the notification's identity is its group key and each firing alert's fingerprint and start, in any order", () => {
    const key = (alerts: { fingerprint: string; startsAt: string }[], groupKey = "g1") => {
      const r = parse(JSON.stringify({ version: "4", status: "firing", groupKey, alerts: alerts.map((a) => ({ status: "firing", labels: { alertname: "A" }, ...a })) }));
      return r.kind === "run" ? r.notification : undefined;
    };
    const a = { fingerprint: "aaaa", startsAt: "2024-05-01T10:00:00Z" };
    const b = { fingerprint: "bbbb", startsAt: "2024-05-01T10:05:00Z" };
    expect(key([a, b])).toBe(key([b, a]));
    expect(key([a, b])).not.toBe(key([a]));
    expect(key([a, b], "g2")).not.toBe(key([a, b]));
    // The same alert firing again later (a new start) is a new notification.
    expect(key([{ ...a, startsAt: "2024-05-01T11:00:00Z" }, b])).not.toBe(key([a, b]));
    const noGroup = parse(JSON.stringify({ version: "4", status: "firing", alerts: [{ status: "firing", labels: {} }] }));
    expect(noGroup.kind === "run" && "notification" in noGroup).toBe(false);
  });

  it("firing alerts with vip labels restrict the run to those VIPs; resolved ones are ignored", () => {
    const r = parse(
      alertmanager("firing", [
        { status: "firing", labels: { alertname: "VipOwnerNotHolding", vip: "192.0.2.102" } },
        { status: "firing", labels: { alertname: "VipOwnerNotHolding", vip: "192.0.2.103" } },
        { status: "resolved", labels: { alertname: "VipOwnerNotHolding", vip: "192.0.2.101" } },
      ]),
    );
    expect(r.kind === "run" && r.request.vips).toEqual(["192.0.2.102", "192.0.2.103"]);
    expect(r.kind === "run" && r.request.alerts).toEqual(["VipOwnerNotHolding"]);
  });

  it("a mix of alerts with and without vip runs on every VIP", () => {
    const r = parse(
      alertmanager("firing", [
        { status: "firing", labels: { alertname: "A", vip: "192.0.2.102" } },
        { status: "firing", labels: { alertname: "B" } },
      ]),
    );
    expect(r.kind === "run" && r.request.vips).toBeUndefined();
  });

  it("a resolved-only notification does nothing", () => {
    const r = parse(alertmanager("resolved", [{ status: "resolved", labels: { alertname: "VipArpImbalance" } }]));
    expect(r.kind).toBe("noop");
  });

  it("a vip label that is not a configured VIP is an error", () => {
    const r = parse(alertmanager("firing", [{ status: "firing", labels: { alertname: "A", vip: "192.0.2.101; reboot" } }]));
    expect(r).toMatchObject({ kind: "error", message: expect.stringMatching(/not an IP address/) });
  });

  it("other versions and broken payloads are errors", () => {
    const v3 = JSON.parse(alertmanager("firing", [])) as Record<string, unknown>;
    v3.version = "3";
    expect(parse(JSON.stringify(v3))).toMatchObject({ kind: "error", message: expect.stringMatching(/version "3"/) });
    expect(parse('{"version":"4","status":"firing","alerts":"no"}')).toMatchObject({
      kind: "error",
      message: expect.stringMatching(/alerts/),
    });
  });
});
