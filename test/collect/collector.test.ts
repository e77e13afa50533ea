// The collector's scrape_timeout cap: a source that ignores its own timeout (its read never
// settles) still fails within scrape_timeout, and the other sources of the round are kept.
import { describe, expect, it } from "vitest";
import { createCollector } from "../../src/collect/collector.js";
import type { Sources } from "../../src/collect/sources.js";
import { parseConfig } from "../../src/config/load.js";
import type { NodeInventory, RouterReading } from "../../src/model/types.js";
import type { NodeSource, RouterSource } from "../../src/sources/types.js";
import { recordingLogger } from "../helpers/log.js";

const CONFIG = `
vips: [198.51.100.101, 198.51.100.102]
nodes:
  - {name: good-node, address: 198.51.100.1, mac: "02:00:00:00:00:01"}
  - {name: hung-node, address: 198.51.100.2, mac: "02:00:00:00:00:02"}
routers:
  - {name: good-router, type: snmp, address: 198.51.100.253, community: public}
  - {name: hung-router, type: snmp, address: 198.51.100.254, community: public}
scrape_timeout: 400ms
`;

/** A read that never settles: the source forgot its own timeout. */
const never = <T>(): Promise<T> => new Promise<T>(() => {});

function sources(): Sources & { closed: string[] } {
  const closed: string[] = [];
  const router = (name: string, read: () => Promise<RouterReading>): RouterSource => ({
    name,
    kind: "snmp",
    read,
    close: async () => void closed.push(name),
  });
  const node = (name: string, read: () => Promise<NodeInventory>): NodeSource => ({
    name,
    runner: null,
    read,
    close: async () => void closed.push(name),
  });
  return {
    closed,
    routers: [
      router("good-router", async () => ({ router: "good-router", entries: [{ vip: "198.51.100.101", mac: "02:00:00:00:00:01", static: false }] })),
      router("hung-router", never),
    ],
    nodes: [
      node("good-node", async () => ({ node: "good-node", mac: "02:00:00:00:00:01", addresses: ["198.51.100.101", "198.51.100.102"] })),
      node("hung-node", never),
    ],
  };
}

describe("scrape_timeout", () => {
  it("bounds a source that ignores its own timeout; the rest of the round is kept", async () => {
    const config = parseConfig(CONFIG, { source: "config.yml", env: {} });
    expect(config.scrapeTimeoutMs).toBe(400);
    const { log, lines } = recordingLogger("warn");
    const src = sources();
    const collector = createCollector(config, log, src);
    const c = await collector.collect();

    expect(c.sources.map(({ collector, target, success, error }) => ({ collector, target, success, error }))).toEqual([
      { collector: "snmp", target: "good-router", success: true, error: undefined },
      { collector: "snmp", target: "hung-router", success: false, error: "snmp hung-router did not answer within 400 ms" },
      { collector: "node", target: "good-node", success: true, error: undefined },
      { collector: "node", target: "hung-node", success: false, error: "node hung-node did not answer within 400 ms" },
    ]);
    expect(c.observation.nodes.map((n) => [n.name, n.up])).toEqual([["good-node", true], ["hung-node", false]]);
    expect(c.observation.routers.map((r) => [r.name, r.reading !== null])).toEqual([["good-router", true], ["hung-router", false]]);
    expect(c.analysis.routers.find((r) => r.router === "good-router")?.counts).toEqual({ "good-node": 1, "hung-node": 0 });
    expect(lines.map((l) => [l.msg, l.router ?? l.node, l.err])).toEqual([
      ["router read failed", "hung-router", "snmp hung-router did not answer within 400 ms"],
      ["node read failed", "hung-node", "node hung-node did not answer within 400 ms"],
    ]);

    await collector.close();
    expect(src.closed.sort()).toEqual(["good-node", "good-router", "hung-node", "hung-router"]);
  });
});
