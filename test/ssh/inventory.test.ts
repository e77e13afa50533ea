// Node inventory over real SSH against the simulated nodes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log.js";
import type { CommandRunner } from "../../src/model/types.js";
import type { SimSegment } from "../../src/sim/segment.js";
import type { SimSshNode } from "../../src/sim/ssh-node.js";
import { createSshNodeSource, createStaticNodeSource, readNode } from "../../src/sources/node-inventory.js";
import type { NodeSource } from "../../src/sources/types.js";
import { exampleSegment, keys, NODES, nodeConfig, settingsFor, startNode, VIPS } from "./helpers.js";

let seg: SimSegment;
const sims = new Map<string, SimSshNode>();
const sources = new Map<string, NodeSource>();

beforeAll(async () => {
  seg = exampleSegment();
  for (const n of NODES) sims.set(n.name, await startNode(seg, n.name));
  const settings = settingsFor(NODES.map((n) => ({ port: sims.get(n.name)!.port, publicKey: keys.hostKeys[n.name]!.publicKey })));
  for (const n of NODES) sources.set(n.name, createSshNodeSource(nodeConfig(n.name, sims.get(n.name)!.port), settings, silentLogger()));
});
afterAll(async () => {
  await Promise.all([...sources.values()].map((s) => s.close()));
  await Promise.all([...sims.values()].map((s) => s.close()));
});

describe("SSH node source against the simulated segment", () => {
  it("reads every node's MAC and addresses as the segment has them", async () => {
    for (const n of NODES) {
      const inv = await sources.get(n.name)!.read();
      const sim = seg.node(n.name);
      expect(inv).toEqual({ node: n.name, mac: sim.mac, addresses: [sim.address, ...sim.holds] });
    }
  });

  it("shows a VIP removal and a MAC change on the next read", async () => {
    const name = "ose-prod-node-02";
    seg.node(name).holds.delete("192.0.2.102");
    seg.node(name).mac = "02:00:00:00:00:02";
    const inv = await sources.get(name)!.read();
    expect(inv.addresses).toEqual(["192.0.2.2", "192.0.2.101", "192.0.2.103"]);
    expect(inv.mac).toBe("02:00:00:00:00:02");
    seg.node(name).holds.add("192.0.2.102");
  });

  it("exposes its SSH connection as runner and reuses it", async () => {
    const name = "ose-prod-node-03";
    const before = sims.get(name)!.connectionCount();
    await sources.get(name)!.read();
    const r = await sources.get(name)!.runner!.exec("command -v arping");
    expect(r.code).toBe(0);
    expect(sims.get(name)!.connectionCount()).toBe(Math.max(before, 1));
  });

  it("lets a configured static MAC override the one read", async () => {
    const name = "ose-prod-node-01";
    const settings = settingsFor([{ port: sims.get(name)!.port, publicKey: keys.hostKeys[name]!.publicKey }]);
    const src = createSshNodeSource(nodeConfig(name, sims.get(name)!.port, { mac: "02:aa:bb:cc:dd:ee" }), settings, silentLogger());
    try {
      const inv = await src.read();
      expect(inv.mac).toBe("02:aa:bb:cc:dd:ee");
      expect(inv.addresses).toContain("192.0.2.101");
    } finally {
      await src.close();
    }
  });

  it("reports a node whose interface does not exist with the command's message", async () => {
    const name = "ose-prod-node-01";
    const settings = settingsFor([{ port: sims.get(name)!.port, publicKey: keys.hostKeys[name]!.publicKey }]);
    const src = createSshNodeSource(nodeConfig(name, sims.get(name)!.port, { interface: "eth7" }), settings, silentLogger());
    try {
      await expect(src.read()).rejects.toThrow(/"ip -j addr show dev eth7" exited 1: Device "eth7" does not exist\./);
    } finally {
      await src.close();
    }
  });

  it("rejects an unsafe interface name before any command is built", async () => {
    const name = "ose-prod-node-01";
    const sim = sims.get(name)!;
    const settings = settingsFor([{ port: sim.port, publicKey: keys.hostKeys[name]!.publicKey }]);
    const src = createSshNodeSource(nodeConfig(name, sim.port, { interface: "eth0 && id" }), settings, silentLogger());
    const before = sim.commands.length;
    try {
      await expect(src.read()).rejects.toThrow(/interface "eth0 && id" is not a valid interface name; fix nodes\[\]\.interface/);
      expect(sim.commands.length).toBe(before);
    } finally {
      await src.close();
    }
  });

  it("a node that is down fails the read and recovers when it is up again", async () => {
    const name = "ose-prod-node-03";
    seg.setNodeUp(name, false);
    try {
      await expect(sources.get(name)!.read()).rejects.toThrow(/ssh ose-prod-node-03/);
    } finally {
      seg.setNodeUp(name, true);
    }
    expect((await sources.get(name)!.read()).mac).toBe("00:1a:4a:48:be:4c");
  });
});

describe("readNode with a scripted runner", () => {
  // A runner that answers from a table: for output shapes the simulator never produces.
  const runner = (answers: Record<string, { code: number; stdout?: string; stderr?: string }>): CommandRunner & { seen: string[] } => {
    const seen: string[] = [];
    return {
      seen,
      exec: async (cmd) => {
        seen.push(cmd);
        const a = answers[cmd] ?? { code: 127, stderr: "not found" };
        return { code: a.code, stdout: a.stdout ?? "", stderr: a.stderr ?? "" };
      },
      close: async () => {},
    };
  };
  const node = nodeConfig("n1", 22);

  it("falls back to /sys/class/net when ip -j prints no MAC", async () => {
    const r = runner({
      "ip -j addr show dev eth0": { code: 0, stdout: '[{"ifname":"eth0","addr_info":[{"local":"192.0.2.9"}]}]' },
      "cat /sys/class/net/eth0/address": { code: 0, stdout: "00:1A:4A:48:BE:4B\n" },
    });
    expect(await readNode(node, r, 1000)).toEqual({ node: "n1", mac: "00:1a:4a:48:be:4b", addresses: ["192.0.2.9"] });
    expect(r.seen).toEqual(["ip -j addr show dev eth0", "cat /sys/class/net/eth0/address"]);
  });

  it("does not read /sys when ip -j has the MAC", async () => {
    const r = runner({ "ip -j addr show dev eth0": { code: 0, stdout: '[{"ifname":"eth0","address":"00:1a:4a:48:be:4b"}]' } });
    expect((await readNode(node, r, 1000)).mac).toBe("00:1a:4a:48:be:4b");
    expect(r.seen).toHaveLength(1);
  });

  it("names the node and the first bytes when the output is not JSON", async () => {
    const r = runner({ "ip -j addr show dev eth0": { code: 0, stdout: "2: eth0: <BROADCAST,MULTICAST,UP> mtu 1500" } });
    await expect(readNode(node, r, 1000)).rejects.toThrow(/^node n1: "ip -j addr show dev eth0" did not print JSON \(got "2: eth0/);
  });

  it("reports an old iproute2 without -j", async () => {
    const r = runner({ "ip -j addr show dev eth0": { code: 255, stderr: 'Option "-j" is unknown, try "ip -help".' } });
    await expect(readNode(node, r, 1000)).rejects.toThrow(/exited 255: Option "-j" is unknown/);
  });

  it("rejects a /sys answer that is not a MAC", async () => {
    const r = runner({
      "ip -j addr show dev eth0": { code: 0, stdout: '[{"ifname":"eth0"}]' },
      "cat /sys/class/net/eth0/address": { code: 0, stdout: "garbage" },
    });
    await expect(readNode(node, r, 1000)).rejects.toThrow(/printed no MAC address \(got "garbage"\)/);
  });
});

describe("static node source", () => {
  it("returns the configured MAC and holds, or every VIP, with no runner", async () => {
    const withHolds = createStaticNodeSource(nodeConfig("s1", 22, { ssh: false, mac: "02:00:00:00:00:01", holds: ["192.0.2.101"] }), VIPS);
    expect(withHolds.runner).toBeNull();
    expect(await withHolds.read()).toEqual({ node: "s1", mac: "02:00:00:00:00:01", addresses: ["192.0.2.101"] });
    const all = createStaticNodeSource(nodeConfig("s2", 22, { ssh: false, mac: "02:00:00:00:00:02" }), VIPS);
    expect((await all.read()).addresses).toEqual(VIPS);
    await withHolds.close();
    await all.close();
  });
});
