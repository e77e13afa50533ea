// The pure parts of the peer bench (bench/peer/) and of the lab additions it uses: pcap
// reading and per-window accounting, bulk neighbour batches, lab users, ip monitor lines,
// the targets, the sanity check of a results file, and the generated markdown.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { bulkAddress, bulkMac, bulkNeighbourBatch, countBulkNeighbours, MAX_BULK_NEIGHBOURS } from "../../lab/neighbours.js";
import { bashrcFor, HEAVY_PROFILE_PROGRAMS, passwdWithUsers, planUsers } from "../../lab/users.js";
import { etcNetnsToRemove } from "../../lab/teardown.js";
import { exporterConfig } from "../../lab/exporter-config.js";
import { spread } from "../../bench/peer/measure.js";
import { memoryScenario } from "../../bench/peer/memory-scenario.js";
import { inWindow, parsePcap, tcpTraffic, udpExchange, type Packet } from "../../bench/peer/pcap.js";
import { parseMonitorLine } from "../../bench/peer/repair.js";
import { DOCS_MARKERS, docsSection, headline, replaceBetween } from "../../bench/peer/report.js";
import { checkPeerResults, judgeTargets, METHOD, type PeerResults, type RouterTableResult } from "../../bench/peer/results.js";
import { snmpExporterConfig } from "../../bench/peer/snmp-exporter.js";
import { parse } from "yaml";

// ---- a pcap writer for the tests ---------------------------------------------------------

type Pkt = Omit<Packet, "ipBytes">;

const ipBytes = (ip: string) => ip.split(".").map(Number);

function frame(p: Pkt): Buffer {
  const l4 = p.proto === "udp" ? 8 : 20;
  const total = 20 + l4 + p.payload;
  const b = Buffer.alloc(14 + total);
  b.writeUInt16BE(0x0800, 12);
  b[14] = 0x45;
  b.writeUInt16BE(total, 16);
  b[23] = p.proto === "udp" ? 17 : 6;
  Buffer.from(ipBytes(p.src)).copy(b, 26);
  Buffer.from(ipBytes(p.dst)).copy(b, 30);
  b.writeUInt16BE(p.sport, 34);
  b.writeUInt16BE(p.dport, 36);
  if (p.proto === "tcp") b[34 + 12] = 5 << 4;
  return b;
}

function pcap(packets: Pkt[], snap = 128): Buffer {
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(snap, 16);
  head.writeUInt32LE(1, 20);
  const recs = packets.map((p) => {
    const f = frame(p);
    const incl = Math.min(snap, f.length);
    const h = Buffer.alloc(16);
    h.writeUInt32LE(Math.floor(p.tsUs / 1e6), 0);
    h.writeUInt32LE(p.tsUs % 1e6, 4);
    h.writeUInt32LE(incl, 8);
    h.writeUInt32LE(f.length, 12);
    return Buffer.concat([h, f.subarray(0, incl)]);
  });
  return Buffer.concat([head, ...recs]);
}

const HOST = "203.0.113.250";
const ROUTER = "203.0.113.254";
const req = (tsUs: number, payload = 40): Pkt => ({ tsUs, src: HOST, dst: ROUTER, proto: "udp", sport: 40000, dport: 161, payload });
const ans = (tsUs: number, payload = 400): Pkt => ({ tsUs, src: ROUTER, dst: HOST, proto: "udp", sport: 161, dport: 40000, payload });

describe("pcap reading", () => {
  it("reads times, addresses, ports and lengths of UDP and TCP packets", () => {
    const pk = parsePcap(pcap([req(1_000_000_123), { tsUs: 1_000_000_500, src: ROUTER, dst: HOST, proto: "tcp", sport: 22, dport: 5555, payload: 900 }]));
    expect(pk).toEqual([
      { tsUs: 1_000_000_123, src: HOST, dst: ROUTER, proto: "udp", sport: 40000, dport: 161, ipBytes: 68, payload: 40 },
      { tsUs: 1_000_000_500, src: ROUTER, dst: HOST, proto: "tcp", sport: 22, dport: 5555, ipBytes: 940, payload: 900 },
    ]);
  });

  it("refuses what is not an Ethernet pcap, saying what to do", () => {
    expect(() => parsePcap(Buffer.alloc(10))).toThrow("not a pcap file: 10 bytes");
    const cooked = pcap([]);
    cooked.writeUInt32LE(113, 20);
    expect(() => parsePcap(cooked)).toThrow('capture on eth0, not "any"');
  });

  it("splits a capture into reads by time window and sums the agent's answer times", () => {
    const pk = parsePcap(pcap([req(10_000), ans(12_000), req(13_000), ans(18_000), req(100_000), ans(101_000)]));
    const first = udpExchange(inWindow(pk, { fromUs: 0, toUs: 50_000 }), ROUTER, 161);
    expect(first).toEqual({ requests: 2, answers: 2, bytesToServer: 136, bytesFromServer: 856, serverMs: 7 });
    expect(udpExchange(inWindow(pk, { fromUs: 50_000, toUs: 200_000 }), ROUTER, 161).serverMs).toBe(1);
  });

  it("counts a retransmission's wait once: the agent's share never exceeds the read", () => {
    // Request, no answer for 5 s, the client retries, both get answered.
    const pk = parsePcap(pcap([req(0), req(5_000_000), ans(5_500_000), ans(5_600_000), req(5_700_000), ans(5_800_000)]));
    expect(udpExchange(pk, ROUTER, 161)).toMatchObject({ requests: 3, answers: 3, serverMs: 5_600 });
  });

  it("counts any number of exchanges exactly (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 1400 })), { minLength: 1, maxLength: 40 }), (xs) => {
        let t = 1_000;
        const pkts: Pkt[] = [];
        for (const [wait, size] of xs) {
          pkts.push(req(t), ans(t + wait, size));
          t += wait + 10;
        }
        const x = udpExchange(parsePcap(pcap(pkts)), ROUTER, 161);
        expect(x.requests).toBe(xs.length);
        expect(x.answers).toBe(xs.length);
        expect(x.bytesFromServer).toBe(xs.reduce((s, [, size]) => s + size + 28, 0));
        expect(x.serverMs).toBeCloseTo(xs.reduce((s, [w]) => s + w / 1000, 0), 6);
      }),
      { numRuns: 50 },
    );
  });

  it("counts SSH segments per direction", () => {
    const pk = parsePcap(pcap([
      { tsUs: 1, src: HOST, dst: ROUTER, proto: "tcp", sport: 5555, dport: 22, payload: 100 },
      { tsUs: 2, src: ROUTER, dst: HOST, proto: "tcp", sport: 22, dport: 5555, payload: 1000 },
      { tsUs: 3, src: ROUTER, dst: HOST, proto: "tcp", sport: 22, dport: 5555, payload: 0 },
      req(4),
    ]));
    expect(tcpTraffic(pk, ROUTER, 22)).toEqual({ packetsToServer: 1, packetsFromServer: 2, bytesToServer: 140, bytesFromServer: 1080, payloadFromServer: 1000 });
  });
});

describe("bulk neighbour tables", () => {
  it("numbers addresses and MACs from 198.18.0.1 and writes ip -batch lines", () => {
    expect(bulkAddress(0)).toBe("198.18.0.1");
    expect(bulkAddress(254)).toBe("198.18.0.255");
    expect(bulkAddress(65_535)).toBe("198.19.0.0");
    expect(bulkAddress(MAX_BULK_NEIGHBOURS - 1)).toBe("198.19.255.254");
    expect(() => bulkAddress(MAX_BULK_NEIGHBOURS)).toThrow("outside");
    expect(bulkMac(0)).toBe("02:be:00:00:00:01");
    expect(bulkNeighbourBatch(1, 3)).toBe(
      "neigh add 198.18.0.2 lladdr 02:be:00:00:00:02 dev eth0 nud permanent\nneigh add 198.18.0.3 lladdr 02:be:00:00:00:03 dev eth0 nud permanent\n",
    );
    expect(bulkNeighbourBatch(5, 5)).toBe("");
    expect(() => bulkNeighbourBatch(3, 2)).toThrow("0 <= from <= to");
  });

  it("gives every index its own address and MAC (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_BULK_NEIGHBOURS - 2 }), (i) => {
        expect(bulkAddress(i)).not.toBe(bulkAddress(i + 1));
        expect(bulkMac(i)).not.toBe(bulkMac(i + 1));
        expect(bulkAddress(i)).toMatch(/^198\.1[89]\.\d+\.\d+$/);
      }),
    );
  });

  it("counts only entries in 198.18.0.0/15", () => {
    const json = JSON.stringify([{ dst: "198.18.0.1" }, { dst: "198.19.4.4" }, { dst: "198.180.0.1" }, { dst: "203.0.113.101" }, {}]);
    expect(countBulkNeighbours(json)).toBe(2);
    expect(countBulkNeighbours("")).toBe(0);
  });
});

describe("lab users", () => {
  const host = "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\nnobody:x:65534:65534::/nonexistent:/usr/sbin/nologin\n";

  it("gets uids above the host's, homes under the dir, and a passwd with key-only entries", () => {
    const users = planUsers([{ name: "bench-plain", profile: "plain" }, { name: "bench-heavy", profile: "heavy" }], host, "/lab/home");
    expect(users).toEqual([
      { name: "bench-plain", profile: "plain", uid: 61_000, home: "/lab/home/bench-plain" },
      { name: "bench-heavy", profile: "heavy", uid: 61_001, home: "/lab/home/bench-heavy" },
    ]);
    expect(passwdWithUsers(host, users).split("\n").slice(3, 5)).toEqual([
      "bench-plain:*:61000:65534:vip-arp-exporter lab (plain profile):/lab/home/bench-plain:/bin/bash",
      "bench-heavy:*:61001:65534:vip-arp-exporter lab (heavy profile):/lab/home/bench-heavy:/bin/bash",
    ]);
  });

  it("refuses names that exist, repeat or could reach a shell", () => {
    expect(() => planUsers([{ name: "alice", profile: "plain" }], host, "/h")).toThrow("lab user alice exists already");
    expect(() => planUsers([{ name: "a", profile: "plain" }, { name: "a", profile: "heavy" }], host, "/h")).toThrow("exists already");
    expect(() => planUsers([{ name: "x;rm", profile: "plain" }], host, "/h")).toThrow("must be a lower-case letter");
  });

  it("writes profiles that export their marker; the heavy one runs its programs first", () => {
    expect(bashrcFor("plain")).toContain("export VAE_PROFILE=plain\n");
    const heavy = bashrcFor("heavy");
    expect(heavy).toContain(`$(seq 1 ${HEAVY_PROFILE_PROGRAMS})`);
    expect(heavy.indexOf("seq")).toBeLessThan(heavy.indexOf("export VAE_PROFILE=heavy"));
  });

  // Pure: the check never touches the file system, so a regression cannot remove anything.
  it("teardown names only /etc/netns of the lab's own namespaces", () => {
    expect(etcNetnsToRemove("/etc/netns/vae-bench-router", ["vae-bench-router"])).toBe("/etc/netns/vae-bench-router");
    expect(() => etcNetnsToRemove("/etc/netns/other-ns", ["vae-bench-router"])).toThrow("refusing to remove /etc/netns/other-ns");
    expect(() => etcNetnsToRemove("/etc/passwd", ["passwd"])).toThrow("refusing to remove /etc/passwd");
    expect(() => etcNetnsToRemove("/etc/netns/../passwd", ["../passwd"])).toThrow("refusing to remove /etc/netns/../passwd");
    expect(() => etcNetnsToRemove("/etc/netns/..", [".."])).toThrow("refusing");
    expect(() => etcNetnsToRemove("/etc/netns/a/b", ["a/b"])).toThrow("refusing");
  });
});

describe("the lab's exporter config, with the bench's overrides", () => {
  const input = {
    vips: ["203.0.113.101"],
    nodes: [{ name: "lab-node-1", address: "203.0.113.1" }],
    router: { address: "203.0.113.254" },
    community: "c",
    privateKeyFile: "/k",
    knownHostsFile: "/kh",
    tokenFile: "/t",
  };

  it("lists both routers, root and garp_count 1 by default", () => {
    const doc = parse(exporterConfig(input));
    expect(doc.routers.map((r: { name: string }) => r.name)).toEqual(["lab-router", "lab-router-ssh"]);
    expect(doc.ssh.user).toBe("root");
    expect(doc.remediation).toEqual({ token_file: "/t", garp_count: 1 });
  });

  it("takes another user, one router, an SNMP timeout and the product's remediation defaults", () => {
    const doc = parse(exporterConfig({ ...input, overrides: { sshUser: "bench-plain", routers: ["snmp"], snmpTimeout: "15s", remediation: { cooldown: "0s" } } }));
    expect(doc.routers).toHaveLength(1);
    expect(doc.routers[0]).toMatchObject({ name: "lab-router", type: "snmp", timeout: "15s" });
    expect(doc.ssh.user).toBe("bench-plain");
    expect(doc.remediation).toEqual({ token_file: "/t", cooldown: "0s" });
  });
});

describe("ip -ts monitor neigh lines", () => {
  it("gives the VIP, the MAC and ip's own time", () => {
    expect(parseMonitorLine("[2026-12-02T14:19:30.833123] 203.0.113.101 dev eth0 lladdr 02:1A:4A:00:00:01 STALE")).toEqual({
      vip: "203.0.113.101",
      mac: "02:1a:4a:00:00:01",
      atMs: Date.parse("2026-12-02T14:19:30.833"),
    });
    expect(parseMonitorLine("203.0.113.102 dev eth0 lladdr 02:1a:4a:00:00:02 REACHABLE")).toEqual({ vip: "203.0.113.102", mac: "02:1a:4a:00:00:02", atMs: null });
    expect(parseMonitorLine("[2026-12-02T14:19:30.833123] Deleted 203.0.113.101 dev eth0 lladdr 02:1a:4a:00:00:01 STALE")).toBeNull();
    expect(parseMonitorLine("203.0.113.103 dev eth0 INCOMPLETE")).toBeNull();
  });
});

describe("spread", () => {
  it("is median, min and max", () => {
    expect(spread([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5, runs: 3 });
    expect(spread([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4, runs: 4 });
    expect(spread([]).runs).toBe(0);
  });
});

describe("snmp_exporter module and memory scenario", () => {
  it("walks the one ARP column with the generator's defaults", () => {
    const m = parse(snmpExporterConfig("c0mm")).vip_arp;
    expect(m.walk).toEqual(["1.3.6.1.2.1.4.22.1.2"]);
    expect(m.auth).toEqual({ community: "c0mm" });
    expect(m.metrics[0].indexes.map((i: { type: string }) => i.type)).toEqual(["gauge", "InetAddressIPv4"]);
  });

  it("builds a valid 100 x 1000 segment, each VIP held by one node and mapped to it", () => {
    const s = memoryScenario(100, 1000);
    expect(s.vips).toHaveLength(1000);
    expect(new Set(s.vips).size).toBe(1000);
    expect(s.nodes.reduce((n, x) => n + x.holds.length, 0)).toBe(1000);
    const owner = new Map(s.nodes.flatMap((n) => n.holds.map((v) => [v, n.mac] as const)));
    expect(Object.entries(s.routers[0]!.entries).every(([vip, mac]) => owner.get(vip) === mac)).toBe(true);
    expect(() => memoryScenario(0, 3)).toThrow("nodes must be");
  });
});

// ---- results ------------------------------------------------------------------------------

const sp = (median: number, runs = 3) => ({ median, min: median * 0.9, max: median * 1.1, runs });
/** Counts (requests, rows) are the same in every run. */
const exact = (v: number, runs = 3) => ({ median: v, min: v, max: v, runs });

function table(entries: number, walkMs: number, readMs: number, linuxBytes: number, linuxMs: number): RouterTableResult {
  const snmpTraffic = (req: number) => ({ requests: exact(req), answers: exact(req), bytesToRouter: sp(200), bytesFromRouter: sp(300), agentMs: sp(1), clientMs: sp(1) });
  return {
    entries,
    methods: [
      { method: METHOD.walk, ms: sp(walkMs), traffic: { ...snmpTraffic(entries / 25), rows: exact(entries + 6) }, detail: {} },
      { method: METHOD.snmpFirst, ms: sp(readMs), traffic: snmpTraffic(3), detail: {} },
      { method: METHOD.snmp, ms: sp(readMs), traffic: snmpTraffic(1), detail: {} },
      { method: METHOD.scrape, ms: sp(readMs * 2), traffic: snmpTraffic(1), detail: {} },
      { method: METHOD.linux, ms: sp(linuxMs), traffic: { packetsToRouter: sp(5), packetsFromRouter: sp(5), bytesToRouter: sp(500), bytesFromRouter: sp(linuxBytes) }, detail: {} },
      { method: METHOD.whole, ms: sp(linuxMs), traffic: { packetsToRouter: sp(5), packetsFromRouter: sp(5), bytesToRouter: sp(500), bytesFromRouter: sp(linuxBytes), stdoutBytes: sp(linuxBytes) }, detail: {} },
    ],
  };
}

function results(opts: { answerMs: number; rss: number; linuxBigBytes: number }): PeerResults {
  const base: Omit<PeerResults, "targets"> = {
    kind: "peer",
    smoke: false,
    startedAt: "2026-12-02T14:00:00.000Z",
    durationSeconds: 1800,
    command: "sudo npm run bench -- --peer",
    machine: { cpu: "Test CPU", cores: 2, memoryGiB: 24, kernel: "6.18", loadAverage: [1, 1, 1], versions: { node: "v20" }, commit: "abc" },
    settings: { coldGapMs: 3000 },
    routerTable: [table(1000, 50, 8, 4000, 20), table(50_000, 200_000, 1500, opts.linuxBigBytes, 25)],
    nodeReads: [
      { user: "bench-plain", profile: "plain", read: sp(4), connectAndRead: sp(80) },
      { user: "bench-heavy", profile: "heavy", read: sp(50), connectAndRead: sp(150) },
    ],
    repair: [1, 3].map((moves) => ({
      moves,
      exporter: { firstEntryChanged: sp(30), allEntriesChanged: sp(40), answered: sp(opts.answerMs) },
      manual: { firstEntryChanged: sp(100), allEntriesChanged: sp(4000 * moves), answered: sp(4100 * moves) },
    })),
    memory: [{ nodes: 100, vips: 1000, scrapes: 300, series: 305_000, startRssMiB: 90, rssMiB: sp(opts.rss), heapMiB: sp(opts.rss / 2), scrapeMs: sp(2000), checkpoints: [], limitMiB: 256 }],
  };
  return { ...base, targets: judgeTargets(base, 4) };
}

describe("targets", () => {
  it("are met when the numbers meet them", () => {
    const r = results({ answerMs: 1200, rss: 100, linuxBigBytes: 4500 });
    expect(r.targets.map((t) => [t.name, t.met])).toEqual([
      ["exporter's SNMP requests per read flat in table size", true],
      ["at 50k entries, 100x faster than snmp_exporter's walk", true],
      ["platform: linux read cost flat in table size", true],
      ["RSS at 100 nodes x 1000 VIPs at most 128 MiB", true],
      ["repair of 3 VIPs verified within 1.5 s of the POST", true],
    ]);
  });

  it("are missed, plainly, when the numbers miss them", () => {
    const r = results({ answerMs: 6000, rss: 300, linuxBigBytes: 4_000_000 });
    expect(r.targets.map((t) => t.met)).toEqual([true, true, false, false, false]);
    expect(docsSection(r)).toContain("| repair of 3 VIPs verified within 1.5 s of the POST | HTTP answer <= 1.5 s | answer 6.00 s; router entries changed after 40.0 ms | **MISSED** |");
    expect(headline(r)).toContain("Targets missed in this run: platform: linux read cost flat in table size; RSS at 100 nodes x 1000 VIPs at most 128 MiB; repair of 3 VIPs verified within 1.5 s of the POST");
  });

  it("count a read that failed as missed, and say so in the tables", () => {
    const base = results({ answerMs: 1000, rss: 100, linuxBigBytes: 4000 });
    const lin = base.routerTable[1]!.methods.find((m) => m.method === METHOD.linux)!;
    lin.detail = { error: "cannot parse `ip -j neigh` output | truncated", failedRuns: 3 };
    const r = { ...base, targets: judgeTargets(base, 4) };
    expect(r.targets[2]!.met).toBe(false);
    expect(r.targets[2]!.measured).toContain("reads fail from 50,000 entries on: cannot parse `ip -j neigh` output | truncated");
    expect(docsSection(r)).toContain("| 50,000 | exporter linux read over SSH (**3 of 3 runs failed**: cannot parse `ip -j neigh` output / truncated) | 25.0 ms |");
    expect(headline(r)).toContain("| fails (3 of 3 reads) |");
  });

  it("say 'not measured' when a run lacks the data (smoke)", () => {
    const r = results({ answerMs: 1000, rss: 100, linuxBigBytes: 4000 });
    const smoke: Omit<PeerResults, "targets"> = { ...r, routerTable: [r.routerTable[0]!], memory: [] };
    expect(judgeTargets(smoke, 4).map((t) => t.met)).toEqual([null, null, null, null, true]);
  });
});

describe("results sanity check", () => {
  it("accepts a complete results file", () => {
    expect(checkPeerResults(JSON.parse(JSON.stringify(results({ answerMs: 6000, rss: 300, linuxBigBytes: 4000 }))))).toEqual([]);
  });

  it("names what is wrong", () => {
    const r = results({ answerMs: 6000, rss: 300, linuxBigBytes: 4000 });
    expect(checkPeerResults({ kind: "other" })).toEqual(["not a peer results file (kind != peer)"]);
    const broken = JSON.parse(JSON.stringify(r)) as PeerResults;
    broken.routerTable[0]!.methods = broken.routerTable[0]!.methods.filter((m) => m.method !== METHOD.linux);
    broken.routerTable[1]!.methods[0]!.ms = { median: 5, min: 6, max: 7, runs: 1 };
    broken.memory[0]!.rssMiB = { median: NaN, min: 1, max: 2, runs: 1 };
    broken.repair.pop();
    expect(checkPeerResults(JSON.parse(JSON.stringify(broken)))).toEqual([
      'router table 1000: no "exporter linux read over SSH"',
      `router table 50000 snmp_exporter walk ms: min <= median <= max does not hold (${JSON.stringify({ median: 5, min: 6, max: 7, runs: 1 })})`,
      "repair: expected the 1- and 3-VIP cases",
      `memory 100x1000 RSS: not finite non-negative numbers (${JSON.stringify({ median: null, min: 1, max: 2, runs: 1 })})`,
      "memory 100x1000: RSS below 10 MiB is not a node process",
    ]);
  });
});

describe("generated markdown", () => {
  it("replaces exactly the text between the markers", () => {
    const doc = `# A\n\n${DOCS_MARKERS[0]}\nold\n${DOCS_MARKERS[1]}\n\n## B\n`;
    expect(replaceBetween(doc, DOCS_MARKERS, "new")).toBe(`# A\n\n${DOCS_MARKERS[0]}\nnew\n${DOCS_MARKERS[1]}\n\n## B\n`);
    expect(() => replaceBetween("# A\n", DOCS_MARKERS, "x")).toThrow("markers <!-- peer-bench:begin -->");
  });

  it("puts one row per table size and read in the SNMP table", () => {
    const md = docsSection(results({ answerMs: 6000, rss: 300, linuxBigBytes: 4000 }));
    expect(md).toContain("| 50,000 | snmp_exporter walk | 200.0 s | 180.0 s – 220.0 s | 2,000 | 0.2 KiB / 0.3 KiB | 1.00 ms | 1.00 ms | 3 |");
    expect(md).toContain("| 1,000 | exporter SNMP read | 8.00 ms | 7.20 ms – 8.80 ms | 1 |");
  });
});
