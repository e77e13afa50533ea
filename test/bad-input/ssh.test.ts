// Bad input, SSH: one row per way a node's SSH server misbehaves, each against a real server on
// 127.0.0.1 started for the row, and the exact outcome of one scrape: the error the exporter
// reports for the node, the node's metrics, whether the exporter let go of the connection, and
// that the scrape returned within the node's deadline (see README.md for the convention).
import { createServer, type Socket } from "node:net";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { defaultRemediation } from "../../src/config/load.js";
import type { Config, SshSettings } from "../../src/config/types.js";
import { fingerprint } from "../../src/sources/ssh/known-hosts.js";
import { MAX_OUTPUT_BYTES } from "../../src/sources/ssh/connection.js";
import { knownHostsFor } from "../../src/sim/keys.js";
import { createTestApp, samples } from "../helpers/exporter.js";
import { recordingLogger } from "../helpers/log.js";
import { startCliServer, type CliReply } from "../router-cli/cli-server.js";
import { keys, nodeConfig, settingsFor, VIPS } from "../ssh/helpers.js";

/** The node's own timeout (ssh.timeout); the scrape cap is far above it, so it must be the bound that fires. */
const NODE_TIMEOUT_MS = 1000;
const SCRAPE_TIMEOUT_MS = 30_000;
/** A bound on the whole scrape, not a speed measure: the node's deadline plus room for a busy machine. */
const DEADLINE_MS = NODE_TIMEOUT_MS + 4000;
const CMD = "ip -j addr show dev eth0";

/** A server on 127.0.0.1 playing the bad node, and what the node's SSH settings must be. */
interface BadServer {
  port: number;
  settings: SshSettings;
  /** TCP connections the server has not yet seen closed. */
  openSockets(): number;
  /** Commands it was asked to run (SSH servers only). */
  commands: string[];
  /** Fingerprint of its host key (SSH servers only). */
  fingerprint?: string;
  close(): Promise<void>;
}

interface Row {
  name: string;
  /** What the server on the node's port does. */
  input: () => Promise<BadServer>;
  expected: {
    /** The error reported for the node (log line "node read failed"); PORT and FP (the server's host key) are filled in. */
    error: string;
    /** vip_arp_collector_success{collector="node",target="bad-node"} and infra_node_up{node="bad-node"}. */
    metrics: { success: number; up: number };
    /** Commands the server saw. */
    commands: string[];
    /** true: the exporter closed the connection after the failure; false: it keeps it for the next read. */
    dropped: boolean;
  };
}

/** A plain TCP server: `onConnection` decides what (if anything) the client hears. */
async function tcpServer(onConnection: (s: Socket) => void): Promise<BadServer> {
  const open = new Set<Socket>();
  const srv = createServer((s) => {
    open.add(s);
    s.on("close", () => open.delete(s));
    s.on("error", () => {});
    s.resume(); // read and ignore whatever the client says
    onConnection(s);
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  return {
    port,
    settings: settingsFor([]),
    openSockets: () => open.size,
    commands: [],
    close: () =>
      new Promise<void>((r) => {
        open.forEach((s) => s.destroy());
        srv.close(() => r());
      }),
  };
}

/** A real ssh2 server answering every exec with `reply`; `settings` may spoil the client's side. */
async function sshServer(reply: CliReply, spoil: (s: SshSettings, port: number) => SshSettings = (s) => s): Promise<BadServer> {
  const srv = await startCliServer(() => reply);
  const hostKey = Buffer.from(srv.settings.knownHosts.trim().split(/\s+/)[2]!, "base64");
  return {
    port: srv.port,
    settings: spoil(srv.settings, srv.port),
    openSockets: srv.openSockets,
    commands: srv.commands,
    fingerprint: fingerprint(hostKey),
    close: srv.close,
  };
}

/** `ip -j addr` output that is valid JSON and larger than the exporter reads. */
function hugeIpOutput(): string {
  const addrInfo = Array.from({ length: 40_000 }, (_, i) => ({ family: "inet", local: `10.${(i >> 8) & 255}.${i & 255}.1`, prefixlen: 32 }));
  const text = JSON.stringify([{ ifindex: 2, ifname: "eth0", address: "02:00:00:00:00:02", addr_info: addrInfo }]);
  if (text.length <= MAX_OUTPUT_BYTES) throw new Error("the huge output is not huge enough");
  return text;
}

const OTHER_HOST_KEY = keys.hostKeys["ose-prod-node-02"]!.publicKey;
const down = { success: 0, up: 0 };

const rows: Row[] = [
  {
    name: "a TCP tarpit: accepts, never speaks",
    input: () => tcpServer(() => {}),
    expected: {
      error: `ssh bad-node (root@127.0.0.1:PORT): timed out after ${NODE_TIMEOUT_MS} ms waiting for the SSH banner: the server accepted the TCP connection but sent nothing; check that sshd (not another service) listens on port PORT and is not overloaded`,
      metrics: down,
      commands: [],
      dropped: true,
    },
  },
  {
    name: "garbage instead of an SSH banner, connection kept open (an HTTP server on the port)",
    input: () => tcpServer((s) => s.write("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n\r\n")),
    expected: {
      error: `ssh bad-node (root@127.0.0.1:PORT): timed out after ${NODE_TIMEOUT_MS} ms waiting for the SSH banner: the server sent "HTTP/1.1 400 Bad Request\\r\\nContent-Type: "... instead of an SSH banner: check that port PORT is sshd's and not another service`,
      metrics: down,
      commands: [],
      dropped: true,
    },
  },
  {
    name: "garbage instead of an SSH banner, then hang-up (a mail server on the port)",
    input: () => tcpServer((s) => s.end("220 mail.example.com ESMTP Postfix\r\n")),
    expected: {
      error: `ssh bad-node (root@127.0.0.1:PORT): the server sent "220 mail.example.com ESMTP Postfix\\r\\n" instead of an SSH banner: check that port PORT is sshd's and not another service (Connection lost before handshake)`,
      metrics: down,
      commands: [],
      dropped: true,
    },
  },
  {
    name: "binary noise instead of an SSH banner",
    input: () => tcpServer((s) => s.write(Buffer.alloc(70_000, 0x07))),
    expected: {
      error: `ssh bad-node (root@127.0.0.1:PORT): the server sent "${"\\u0007".repeat(40)}"... instead of an SSH banner: check that port PORT is sshd's and not another service (Header line too long)`,
      metrics: down,
      commands: [],
      dropped: true,
    },
  },
  {
    name: "the host key is not the one in known_hosts",
    input: () => sshServer({ stdout: "[]" }, (s, port) => ({ ...s, knownHosts: knownHostsFor([{ host: "127.0.0.1", port, publicKey: OTHER_HOST_KEY }]) })),
    expected: {
      error: `ssh bad-node (netops@127.0.0.1:PORT): refused: host key MISMATCH for [127.0.0.1]:PORT: the server presented ssh-ed25519 FP, but <test known_hosts> line 1 holds a different ssh-ed25519 key. This may be a man-in-the-middle attack; if the host was reinstalled, verify the new fingerprint, then run: ssh-keygen -R '[127.0.0.1]:PORT' -f <test known_hosts> and add the new key`,
      metrics: down,
      commands: [],
      dropped: true,
    },
  },
  {
    name: "the server refuses our key",
    input: () => sshServer({ stdout: "[]" }, (s) => ({ ...s, privateKey: keys.client.privateKey })),
    expected: {
      error: `ssh bad-node (netops@127.0.0.1:PORT): authentication as "netops" failed: add the public key of ssh.private_key_file to that user's authorized_keys on the host`,
      metrics: down,
      commands: [],
      dropped: true,
    },
  },
  {
    name: "an exec that never returns",
    input: () => sshServer({ hang: true }),
    expected: {
      error: `ssh bad-node (netops@127.0.0.1:PORT): timed out after ${NODE_TIMEOUT_MS} ms waiting for the command to finish: "${CMD}"; check that it does not hang on the host`,
      metrics: down,
      commands: [CMD],
      dropped: true,
    },
  },
  {
    name: "garbage output for ip -j addr show dev eth0",
    input: () => sshServer({ stdout: "Segmentation fault (core dumped)\n" }),
    expected: {
      error: `node bad-node: "${CMD}" did not print JSON (got "Segmentation fault (core dumped)\\n"); the node needs iproute2 >= 4.13 for "ip -j"`,
      metrics: down,
      commands: [CMD],
      dropped: false,
    },
  },
  {
    name: "JSON of another shape for ip -j addr show dev eth0",
    input: () => sshServer({ stdout: '{"ifname":"eth0","address":"02:00:00:00:00:02"}\n' }),
    expected: {
      error: `node bad-node: "${CMD}" printed JSON that is not an array (got "{\\"ifname\\":\\"eth0\\",\\"address\\":\\"02:00:00:00:"...)`,
      metrics: down,
      commands: [CMD],
      dropped: false,
    },
  },
  {
    name: `huge output: valid JSON beyond MAX_OUTPUT_BYTES (${MAX_OUTPUT_BYTES})`,
    input: () => sshServer({ stdout: hugeIpOutput() }),
    expected: {
      error: `ssh bad-node (netops@127.0.0.1:PORT): "${CMD}" printed more than ${MAX_OUTPUT_BYTES} bytes on stdout; stopped reading and dropped the connection: check what the command prints on the host`,
      metrics: down,
      commands: [CMD],
      dropped: true,
    },
  },
  {
    name: "endless output (a runaway command)",
    input: () => sshServer({ flood: true, stdout: "y\n".repeat(32 * 1024) }),
    expected: {
      error: `ssh bad-node (netops@127.0.0.1:PORT): "${CMD}" printed more than ${MAX_OUTPUT_BYTES} bytes on stdout; stopped reading and dropped the connection: check what the command prints on the host`,
      metrics: down,
      commands: [CMD],
      dropped: true,
    },
  },
  {
    name: "the connection is reset in the middle of the command",
    input: () => sshServer({ reset: true, stdout: '[{"ifindex":2,"ifname":"eth0",' }),
    expected: {
      error: `ssh bad-node (netops@127.0.0.1:PORT): connection lost before "${CMD}" reported its exit status (read ECONNRESET); it may or may not have run: check sshd and the network path to the host`,
      metrics: down,
      commands: [CMD],
      dropped: true,
    },
  },
];

/** Rejects when p has not settled within ms: the scrape outlived its deadline. */
function withinDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the scrape did not return within its deadline of ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** Waits (bounded) until the server has seen every connection close. */
async function allClosed(server: BadServer): Promise<number> {
  for (let i = 0; i < 100 && server.openSockets() > 0; i++) await new Promise((r) => setTimeout(r, 20));
  return server.openSockets();
}

describe("bad input: SSH nodes", () => {
  it.each(rows)("$name", async ({ input, expected }) => {
    const server = await input();
    const { log, lines } = recordingLogger("warn");
    const config: Config = {
      vips: VIPS,
      // A node known from config only: its series show the rest of the scrape is kept.
      nodes: [nodeConfig("good-node", 22, { ssh: false, mac: "02:00:00:00:00:01" }), nodeConfig("bad-node", server.port)],
      routers: [],
      ssh: { ...server.settings, timeoutMs: NODE_TIMEOUT_MS },
      remediation: defaultRemediation(),
      scrapeTimeoutMs: SCRAPE_TIMEOUT_MS,
      source: "test/bad-input/ssh.test.ts",
    };
    const app = createTestApp(config, log);
    try {
      const res = await withinDeadline(Promise.resolve(request(app.app).get("/metrics")), DEADLINE_MS);
      expect(res.status).toBe(200);
      const s = samples(res.text);
      const failed = lines.filter((l) => l.msg === "node read failed");
      const fill = (t: string) => t.replaceAll("PORT", String(server.port)).replaceAll("FP", server.fingerprint ?? "");
      expect({
        errors: failed.map((l) => [l.node, l.err]),
        metrics: {
          success: s.get('vip_arp_collector_success{collector="node",target="bad-node"}'),
          up: s.get('infra_node_up{node="bad-node"}'),
        },
        rest: [s.get('infra_node_up{node="good-node"}'), s.get('vip_arp_collector_success{collector="node",target="good-node"}')],
        commands: server.commands,
      }).toEqual({
        errors: [["bad-node", fill(expected.error)]],
        metrics: expected.metrics,
        rest: [1, 1],
        commands: expected.commands,
      });
      // A dropped connection is closed at once, not left to the peer; a kept one stays open.
      if (expected.dropped) expect(await allClosed(server)).toBe(0);
      else expect(server.openSockets()).toBe(1);
      // Closing the exporter leaves no connection behind.
      await app.close();
      expect(await allClosed(server)).toBe(0);
    } finally {
      await app.close();
      await server.close();
    }
  });
});
