// Parses the body of POST /remediate: empty, {"dryRun":true}, {"vips":[...]},
// {"reassert":true}, or an Alertmanager v4 webhook payload. Never throws: bad input is an
// error message for a 400 that says what to send instead.
import { z } from "zod";
import { isIp } from "../model/net.js";
import { notificationKey } from "../remediate/notifications.js";
import type { RemediationRequest } from "../remediate/remediator.js";

export type BodyOutcome =
  /** notification: an Alertmanager notification's identity (group key, fingerprints, start times). */
  | { kind: "run"; request: RemediationRequest; notification?: string }
  /** A valid notification that asks for nothing (resolved-only). */
  | { kind: "noop"; message: string }
  | { kind: "error"; message: string };

const MANUAL_KEYS = ["dryRun", "vips", "reassert"] as const;
const UTF8 = new TextDecoder("utf-8", { fatal: true });

const manualSchema = z.strictObject({
  dryRun: z.boolean().optional(),
  vips: z.array(z.string()).optional(),
  reassert: z.boolean().optional(),
});

const alertSchema = z.looseObject({
  status: z.enum(["firing", "resolved"]),
  labels: z.record(z.string(), z.string()).default({}),
  fingerprint: z.string().optional(),
  startsAt: z.string().optional(),
});

const alertmanagerSchema = z.looseObject({
  version: z.literal("4"),
  status: z.enum(["firing", "resolved"]),
  receiver: z.string().optional(),
  groupKey: z.string().optional(),
  alerts: z.array(alertSchema),
});

/** Keys only an Alertmanager webhook payload has. */
const ALERTMANAGER_KEYS = ["version", "alerts", "groupKey", "receiver", "groupLabels", "commonLabels"];

/**
 * `raw` is the request body as received (Buffer or string), or an object when something
 * upstream already parsed it. `configuredVips` are the only VIPs a request may name.
 */
export function parseRemediateBody(raw: unknown, configuredVips: string[]): BodyOutcome {
  let body: unknown;
  if (raw === undefined || raw === null) {
    body = {};
  } else if (typeof raw === "string" || Buffer.isBuffer(raw)) {
    let text: string;
    try {
      text = typeof raw === "string" ? raw : UTF8.decode(raw);
    } catch {
      return { kind: "error", message: "the body is not UTF-8 text: send a JSON object (or nothing)" };
    }
    if (text.trim() === "") {
      body = {};
    } else {
      try {
        body = JSON.parse(text);
      } catch (err) {
        // Node 22+ adds "(line L column C)": the position alone says the same on every version.
        return { kind: "error", message: `malformed JSON body: ${(err as Error).message.replace(/ \(line \d+ column \d+\)$/, "")}` };
      }
    }
  } else {
    body = raw;
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { kind: "error", message: `the body must be a JSON object (or empty), not ${Array.isArray(body) ? "an array" : JSON.stringify(body)}` };
  }
  const keys = Object.keys(body);
  return keys.some((k) => ALERTMANAGER_KEYS.includes(k))
    ? parseAlertmanager(body, configuredVips)
    : parseManual(body, configuredVips);
}

function parseManual(body: object, configuredVips: string[]): BodyOutcome {
  const parsed = manualSchema.safeParse(body);
  if (!parsed.success) {
    const unknownKeys = parsed.error.issues.flatMap((i) => (i.code === "unrecognized_keys" ? i.keys : []));
    if (unknownKeys.length > 0) {
      return {
        kind: "error",
        message:
          `unknown key ${unknownKeys.map((k) => JSON.stringify(k)).join(", ")} in the body: ` +
          `send an empty body, {"dryRun":true}, {"vips":[...]}, {"reassert":true} or an Alertmanager v4 webhook payload ` +
          `(allowed keys: ${MANUAL_KEYS.join(", ")})`,
      };
    }
    return { kind: "error", message: `invalid body: ${describe(parsed.error)}` };
  }
  const { dryRun, vips, reassert } = parsed.data;
  const request: RemediationRequest = { trigger: "manual" };
  if (dryRun !== undefined) request.dryRun = dryRun;
  if (reassert !== undefined) request.reassert = reassert;
  if (vips !== undefined) {
    if (vips.length === 0) return { kind: "error", message: "vips is empty: list at least one VIP, or omit it for all" };
    const err = checkVips(vips, configuredVips, "vips");
    if (err) return { kind: "error", message: err };
    request.vips = [...new Set(vips)];
  }
  return { kind: "run", request };
}

function parseAlertmanager(body: object, configuredVips: string[]): BodyOutcome {
  const version = (body as { version?: unknown }).version;
  if (version !== "4") {
    return {
      kind: "error",
      message: `unsupported Alertmanager webhook payload version ${JSON.stringify(version)}: expected "4"`,
    };
  }
  const parsed = alertmanagerSchema.safeParse(body);
  if (!parsed.success) return { kind: "error", message: `invalid Alertmanager webhook payload: ${describe(parsed.error)}` };
  const { alerts, groupKey, receiver } = parsed.data;
  const firing = alerts.filter((a) => a.status === "firing");
  if (firing.length === 0) {
    return { kind: "noop", message: "Alertmanager notification has no firing alerts (resolved): nothing to do" };
  }
  const request: RemediationRequest = { trigger: "alertmanager" };
  if (groupKey !== undefined) request.groupKey = groupKey;
  if (receiver !== undefined) request.receiver = receiver;
  const names = [...new Set(firing.map((a) => a.labels.alertname).filter((n): n is string => !!n))];
  if (names.length > 0) request.alerts = names;
  // Only when every firing alert names a VIP can the run be narrowed to those VIPs.
  if (firing.every((a) => a.labels.vip !== undefined)) {
    const vips = [...new Set(firing.map((a) => a.labels.vip!))];
    const err = checkVips(vips, configuredVips, "alert label vip");
    if (err) return { kind: "error", message: err };
    request.vips = vips;
  }
  const notification = notificationKey(groupKey, firing);
  return notification === null ? { kind: "run", request } : { kind: "run", request, notification };
}

function checkVips(vips: string[], configured: string[], where: string): string | null {
  for (const v of vips) {
    if (!isIp(v)) return `invalid VIP ${JSON.stringify(v)} in ${where}: not an IP address`;
    if (!configured.includes(v)) return `unknown VIP ${v} in ${where}: configured VIPs are ${configured.join(", ")}`;
  }
  return null;
}

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length > 0 ? i.path.join(".") : "body"}: ${i.message}`)
    .join("; ");
}
