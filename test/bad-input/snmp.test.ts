// Bad input, SNMP: one row per way a router's agent misbehaves (the simulated agent's fault
// modes, src/sim/snmp-faults.ts), and the exact outcome: the read's error, the router's
// metrics, what `check` exits with, and what POST /remediate answers and sends (see README.md
// for the convention). A view that could not be read is never "no entry", and nothing is ever
// sent on it.
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import request from "supertest";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { DEFAULT_SCENARIO_YAML, parseScenario } from "../../src/sim/scenario.js";
import type { SnmpFault } from "../../src/sim/snmp-faults.js";
import { find, samples, startTestExporter } from "../helpers/exporter.js";

const TOKEN = "bad-input-snmp-token-0123456789";
const CLI = fileURLToPath(new URL("../../dist/src/cli.js", import.meta.url));
const REMEDY = "the router's entries for the VIPs are unknown: check the agent (firmware, proxies or NAT rewriting SNMP)";
const NO_VIEW =
  "the SNMP agent 127.0.0.1:PORT does not show ipNetToMediaTable (1.3.6.1.2.1.4.22) or ipNetToPhysicalTable (1.3.6.1.2.1.4.35) to this community " +
  "(a GETNEXT from the table's entry left the table at once): the ARP table is outside its view or not supported, so the router's entries for the VIPs are unknown. " +
  'Add the IP-MIB ARP table to the view of this community (net-snmp snmpd.conf: "view VIEW included .1.3.6.1.2.1.4.22", "view VIEW included .1.3.6.1.2.1.4.35", ' +
  '"view VIEW included .1.3.6.1.2.1.4.20", "view VIEW included .1.3.6.1.2.1.4.34", where VIEW is the view of the rocommunity/rouser line; Debian\'s stock view "systemonly" shows none of them) and restart the agent';
const GET = (oid: string) => `1.3.6.1.2.1.4.22.1.2.2.${oid}`;
const noRow = (why: string) => `malformed SNMP GET response from 127.0.0.1:PORT: no row of the answer is usable: ipNetToMedia row ${GET("192.0.2.101")}: ${why} (and 2 more); ${REMEDY}`;
const TIMEOUT = "SNMP request to 127.0.0.1:PORT timed out after 300ms: check address, community and ACL";

interface Expected {
  /** The router read's error (PORT: the agent's); null: the read succeeded. */
  error: string | null;
  metrics: {
    success: number;
    malformedRows: number;
    /** vip_arp_view_trusted; undefined: no series (the read failed). */
    trusted: number | undefined;
    /** How many vip_arp_entry_present series (a VIP whose row was unreadable has none). */
    presentSeries: number;
  };
  /** `vip-arp-exporter check` on the same segment. */
  checkExit: number;
  /** POST /remediate: status, GARPs sent, and the distrusted routers. */
  remediate: { status: number; garps: number; distrusted: string[] };
}

interface Row {
  name: string;
  /** timeoutMs: the router's per-request timeout (default a generous 2 s, so a busy machine never turns an answer into a timeout). */
  input: { fault: SnmpFault; slowMs?: number; timeoutMs?: number };
  expected: Expected;
}

const failed = (error: string, malformedRows = 0): Expected => ({
  error,
  metrics: { success: 0, malformedRows, trusted: undefined, presentSeries: 0 },
  checkExit: 2,
  remediate: { status: 503, garps: 0, distrusted: ["core-s1"] },
});

const rows: Row[] = [
  {
    name: "a correct agent (the demo: one VIP must move to node 2)",
    input: { fault: "none" },
    expected: { error: null, metrics: { success: 1, malformedRows: 0, trusted: 1, presentSeries: 3 }, checkExit: 1, remediate: { status: 200, garps: 6, distrusted: [] } },
  },
  {
    name: "a slow agent that still answers within the timeout",
    input: { fault: "slow", slowMs: 50 },
    expected: { error: null, metrics: { success: 1, malformedRows: 0, trusted: 1, presentSeries: 3 }, checkExit: 1, remediate: { status: 200, garps: 6, distrusted: [] } },
  },
  { name: "Debian's stock view: only the system group is visible", input: { fault: "restricted-view" }, expected: failed(NO_VIEW) },
  {
    name: "endOfMibView in answer to a GET",
    input: { fault: "end-of-mib-view" },
    expected: failed(`malformed SNMP GET response from 127.0.0.1:PORT: endOfMibView answers a GET of ${GET("192.0.2.101")} (only GETNEXT/GETBULK may end the MIB view); ${REMEDY}`),
  },
  { name: "the MAC sent as INTEGER", input: { fault: "phys-as-integer" }, expected: failed(noRow("physAddress has type 2, expected OctetString (4)"), 3) },
  { name: "the entry type sent as OCTET STRING", input: { fault: "type-as-octets" }, expected: failed(noRow("type has varbind type 4, expected Integer (2)"), 3) },
  { name: "5-byte MACs", input: { fault: "short-mac" }, expected: failed(noRow("physAddress is 5 bytes, expected 6"), 3) },
  { name: "20-byte MACs", input: { fault: "long-mac" }, expected: failed(noRow("physAddress is 20 bytes, expected 6"), 3) },
  { name: "MACs written as text", input: { fault: "text-mac" }, expected: failed(noRow('physAddress is the text "00:1a:4a:48:be:4b" instead of 6 bytes'), 3) },
  {
    name: "one malformed row among good ones: skipped, counted, and the view not acted on",
    input: { fault: "one-bad-row" },
    expected: { error: null, metrics: { success: 1, malformedRows: 1, trusted: 0, presentSeries: 2 }, checkExit: 2, remediate: { status: 503, garps: 0, distrusted: ["core-s1"] } },
  },
  {
    name: "an answer naming other OIDs than the ones asked",
    input: { fault: "other-oids" },
    expected: failed(
      `malformed SNMP GET response from 127.0.0.1:PORT: it does not answer the OIDs asked (OID '${GET("192.0.2.101")}' in request at position '0' does not match OID '${GET("192.0.2.101")}.1' in response at position '0'); the router's entries are unknown: check the agent (firmware, proxies or NAT rewriting SNMP)`,
    ),
  },
  { name: "answers with another request id", input: { fault: "wrong-request-id", timeoutMs: 300 }, expected: failed(TIMEOUT) },
  { name: "an agent that never answers", input: { fault: "silent", timeoutMs: 300 }, expected: failed(TIMEOUT) },
  { name: "an agent slower than its timeout", input: { fault: "slow", slowMs: 2500, timeoutMs: 300 }, expected: failed(TIMEOUT) },
];

function scenarioFor(input: Row["input"]) {
  const s = parseScenario(DEFAULT_SCENARIO_YAML);
  s.routers[0]!.snmp_fault = input.fault;
  if (input.slowMs !== undefined) s.routers[0]!.slow_ms = input.slowMs;
  return s;
}

/** `check` on the same segment, as a user runs it (the simulated router's own timeouts are 2 s, 1 retry). */
function checkExit(input: Row["input"]): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "vae-bad-snmp-"));
  const file = join(dir, "scenario.yaml");
  writeFileSync(file, stringify(scenarioFor(input)));
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, "check", "--sim.scenario", file, "--output", "json"], { timeout: 60_000 }, (err) => {
      resolve(err ? ((err as { code?: number }).code ?? -1) : 0);
    });
  });
}

describe("bad input: SNMP agents", () => {
  it.concurrent.each(rows)("$name", async ({ input, expected }) => {
    const x = await startTestExporter(scenarioFor(input), {
      remediation: { token: TOKEN, tokenSource: "env", garpCount: 3, verifyTimeoutMs: 1000 },
      edit: (c) => ({ ...c, routers: c.routers.map((r) => ({ ...r, timeoutMs: input.timeoutMs ?? 2000, retries: 0 })) }),
    });
    try {
      const port = x.sim.routers["core-s1"]!.port;
      const exit = checkExit(input);
      const m = samples((await request(x.app).get("/metrics")).text);
      const got = await request(x.app).post("/remediate").set("authorization", `Bearer ${TOKEN}`);
      const page = (await request(x.app).get("/")).text;
      const one = (name: string) => find(m, name, { router: "core-s1" })[0]?.value;
      const observed: Expected = {
        error: /could not be read/.test(page) ? firstError(got.body) : null,
        metrics: {
          success: find(m, "vip_arp_collector_success", { target: "core-s1" })[0]!.value,
          malformedRows: one("vip_arp_malformed_rows_total")!,
          trusted: one("vip_arp_view_trusted"),
          presentSeries: find(m, "vip_arp_entry_present").length,
        },
        checkExit: await exit,
        remediate: { status: got.status, garps: x.sim.segment.garpLog.length, distrusted: (got.body.distrusted ?? []).map((d: { router: string }) => d.router) },
      };
      expect(observed).toEqual({ ...expected, error: expected.error?.replaceAll("PORT", String(port)) ?? null });
    } finally {
      await x.close();
    }
  });
});

/** The router's read error as /remediate's report quotes it ("core-s1 could not be read: ERROR"). */
function firstError(body: { distrusted?: { reason: string }[] }): string | null {
  const reason = body.distrusted?.[0]?.reason ?? "";
  return reason.startsWith("could not be read: ") ? reason.slice("could not be read: ".length) : null;
}
