// SshConnection against simulated nodes over real TCP on 127.0.0.1.
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { generateSimKeys } from "../../src/sim/keys.js";
import type { SimSegment } from "../../src/sim/segment.js";
import type { SimSshNode } from "../../src/sim/ssh-node.js";
import type { SshConnection } from "../../src/sources/ssh/connection.js";
import { connect, exampleSegment, keys, settingsFor, startNode } from "./helpers.js";

const N1 = "ose-prod-node-01";
const N2 = "ose-prod-node-02";

let seg: SimSegment;
let node: SimSshNode;
const conns: SshConnection[] = [];
const track = (c: SshConnection) => (conns.push(c), c);

beforeEach(async () => {
  seg = exampleSegment();
  node = await startNode(seg, N1);
});
afterEach(async () => {
  await Promise.all(conns.splice(0).map((c) => c.close()));
  await node.close();
});

const trusted = () => settingsFor([{ port: node.port, publicKey: keys.hostKeys[N1]!.publicKey }]);

describe("SshConnection", () => {
  it("runs commands and reuses one TCP connection for sequential and concurrent execs", async () => {
    const c = track(connect(N1, node.port, trusted()));
    const first = await c.exec("cat /sys/class/net/eth0/address");
    expect(first).toEqual({ code: 0, stdout: "00:1a:4a:48:be:4b\n", stderr: "" });
    await c.exec("command -v arping");
    const many = await Promise.all(Array.from({ length: 5 }, () => c.exec("cat /sys/class/net/eth0/address")));
    expect(many.every((r) => r.stdout === "00:1a:4a:48:be:4b\n")).toBe(true);
    expect(node.connectionCount()).toBe(1);
    expect(node.execCount()).toBe(7);
  });

  it("reports exit codes and stderr of failing commands", async () => {
    const c = track(connect(N1, node.port, trusted()));
    expect(await c.exec("ip -j addr show dev eth9")).toEqual({ code: 1, stdout: "", stderr: 'Device "eth9" does not exist.\n' });
    expect((await c.exec("reboot")).code).toBe(127);
  });

  it("reconnects on the next exec after the server dropped the connection", async () => {
    const c = track(connect(N1, node.port, trusted()));
    await c.exec("command -v arping");
    node.dropConnections();
    const r = await c.exec("cat /sys/class/net/eth0/address");
    expect(r.stdout).toBe("00:1a:4a:48:be:4b\n");
    expect(node.connectionCount()).toBe(2);
  });

  it("refuses a wrong host key with a MISMATCH message and runs no command", async () => {
    // known_hosts holds node 2's key for node 1's address
    const c = track(connect(N1, node.port, settingsFor([{ port: node.port, publicKey: keys.hostKeys[N2]!.publicKey }])));
    await expect(c.exec("cat /sys/class/net/eth0/address")).rejects.toThrow(
      new RegExp(`ssh ${N1} .*host key MISMATCH for \\[127\\.0\\.0\\.1\\]:${node.port}.*ssh-keygen -R`),
    );
    expect(node.commands).toEqual([]);
  });

  it("refuses an unknown host and says how to add it", async () => {
    const c = track(connect(N1, node.port, settingsFor([])));
    await expect(c.exec("command -v arping")).rejects.toThrow(
      new RegExp(`not in known_hosts /test/known_hosts: add it with ssh-keyscan -p ${node.port} -t ed25519 127\\.0\\.0\\.1`),
    );
    expect(node.execCount()).toBe(0);
  });

  it("refuses a client key the node does not authorize, and a wrong user", async () => {
    const other = generateSimKeys([]).client;
    const c = track(connect(N1, node.port, { ...trusted(), privateKey: other.privateKey }));
    await expect(c.exec("command -v arping")).rejects.toThrow(/authentication as "root" failed: add the public key/);
    const u = track(connect(N1, node.port, { ...trusted(), user: "admin" }));
    await expect(u.exec("command -v arping")).rejects.toThrow(/authentication as "admin" failed/);
    expect(node.execCount()).toBe(0);
  });

  it("rejects an unreadable private key with a clear message", async () => {
    const c = track(connect(N1, node.port, { ...trusted(), privateKey: "not a key" }));
    await expect(c.exec("command -v arping")).rejects.toThrow(/ssh\.private_key_file cannot be parsed/);
    expect(node.connectionCount()).toBe(0);
  });

  it("fails fast on a node that is down, drops existing connections, and works again when it is up", async () => {
    const c = track(connect(N1, node.port, trusted()));
    await c.exec("command -v arping");
    seg.setNodeUp(N1, false);
    // the open connection is dropped at this exec; the retry on a new one is refused
    const err = await c.exec("command -v arping").then(
      () => null,
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toMatch(new RegExp(`^ssh ${N1} \\(root@127\\.0\\.0\\.1:${node.port}\\): `));
    expect(err!.message).not.toMatch(/timed out/);
    const fresh = track(connect(N1, node.port, trusted()));
    await expect(fresh.exec("command -v arping")).rejects.toThrow(/ssh ose-prod-node-01/);
    expect(node.commands).toEqual(["command -v arping"]);
    seg.setNodeUp(N1, true);
    expect((await c.exec("command -v arping")).code).toBe(0);
  });

  it("an exec in flight when close() runs does not reconnect behind its back", async () => {
    const c = connect(N1, node.port, trusted());
    await c.exec("command -v arping");
    const inFlight = c.exec("cat /sys/class/net/eth0/address").then(
      () => null,
      (e: Error) => e,
    );
    await c.close();
    expect((await inFlight)?.message).toMatch(/connection closed/);
    expect(node.connectionCount()).toBe(1);
    expect(node.commands).toEqual(["command -v arping"]);
  });

  it("rejects after close()", async () => {
    const c = connect(N1, node.port, trusted());
    await c.exec("command -v arping");
    await c.close();
    await expect(c.exec("command -v arping")).rejects.toThrow(/connection closed/);
  });
});

describe("SshConnection against servers that misbehave", () => {
  let silent: Server;
  let accepted: Socket[] = [];
  beforeAll(async () => {
    silent = createServer((s) => {
      accepted.push(s); // accepts, reads, never speaks
      s.resume();
      s.on("error", () => {});
    });
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
  });
  afterAll(async () => {
    for (const s of accepted) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
  });

  it("a server that accepts and never speaks makes exec reject with a timeout, and tears the connection down", async () => {
    accepted = [];
    const port = (silent.address() as AddressInfo).port;
    const c = track(connect("mute", port, settingsFor([], { timeoutMs: 300 })));
    await expect(c.exec("command -v arping")).rejects.toThrow(/ssh mute .*timed out after 300 ms/);
    await expect(c.exec("command -v arping", { timeoutMs: 200 })).rejects.toThrow(/timed out after 200 ms/);
    expect(accepted).toHaveLength(2); // the second call used a new connection
    // the first connection was closed by the client (the server sees its end)
    await new Promise<void>((resolve) => (accepted[0]!.destroyed || accepted[0]!.readableEnded ? resolve() : accepted[0]!.once("close", resolve)));
    await c.close();
  });

  it("a closed port is a clear connection-refused error", async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const c = track(connect("gone", port, settingsFor([])));
    await expect(c.exec("command -v arping")).rejects.toThrow(/ssh gone .*connection refused: check the address and port/);
  });
});
