// A simulated infra node: an ssh2 server on 127.0.0.1 that answers the inventory, arping and
// ndptool commands from the node's live state in the segment. No shell: a command is split on spaces
// and must match one of the known forms exactly; everything else is "command not found".
import { createServer, isIPv6, type AddressInfo, type Socket } from "node:net";
import ssh2 from "ssh2";
import type { AuthContext, Connection, ServerChannel } from "ssh2";
import { isIp } from "../model/net.js";
import { ARPING_USAGE, isArpingCommand, parseArpingArgs, splitArgv } from "./arping-args.js";
import { isNdptoolCommand, NDPTOOL_USAGE, parseNdptoolArgs } from "./ndptool-args.js";
import type { SimNode, SimSegment } from "./segment.js";

const { Server, utils } = ssh2;

export interface SimSshNode {
  port: number;
  /** Exec requests the node answered. */
  execCount(): number;
  /** Every command string the node received (while up), in order. */
  commands: string[];
  /** TCP connections accepted so far (including ones refused because the node was down). */
  connectionCount(): number;
  /** Drops every open connection, as a rebooting node or a firewall would. */
  dropConnections(): void;
  close(): Promise<void>;
}

export interface SimSshNodeOptions {
  /** The node's host private key (OpenSSH or PEM). */
  hostKey: string;
  /** The only public key allowed to log in ("ssh-ed25519 AAAA..."). */
  authorizedKey: string;
  user: string;
  /** 0 (default): any free port. */
  port?: number;
}

interface Reply {
  code: number;
  stdout?: string;
  stderr?: string;
}

export async function startSshNode(segment: SimSegment, nodeName: string, opts: SimSshNodeOptions): Promise<SimSshNode> {
  segment.node(nodeName); // fail early on an unknown node
  const authorized = utils.parseKey(opts.authorizedKey);
  if (authorized instanceof Error) throw new Error(`sim node ${nodeName}: bad authorized key: ${authorized.message}`);

  const commands: string[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const isUp = () => segment.node(nodeName).up;
  const dropAll = () => {
    for (const s of sockets) s.destroy();
  };

  const ssh = new Server({ hostKeys: [opts.hostKey] }, (client: Connection) => {
    client.on("error", () => {}); // peers vanish; nothing to do
    client.on("authentication", (ctx: AuthContext) => {
      if (ctx.method !== "publickey" || ctx.username !== opts.user) return ctx.reject(["publickey"]);
      if (ctx.key.algo !== authorized.type || !ctx.key.data.equals(authorized.getPublicSSH())) return ctx.reject(["publickey"]);
      if (ctx.signature && ctx.blob && authorized.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) {
        return ctx.reject(["publickey"]);
      }
      ctx.accept();
    });
    client.on("session", (accept, reject) => {
      if (!isUp()) {
        reject();
        return dropAll();
      }
      const session = accept();
      session.on("exec", (acceptExec, rejectExec, info) => {
        if (!isUp()) {
          rejectExec();
          return dropAll();
        }
        commands.push(info.command);
        const stream = acceptExec();
        const node = segment.node(nodeName);
        const argv = splitArgv(info.command);
        if ((node.arpingIntervalMs ?? 0) > 0 && isArpingCommand(argv)) pacedArping(segment, node, argv, stream);
        else send(stream, answer(segment, node, info.command));
      });
    });
  });
  ssh.on("error", () => {});

  const tcp = createServer((sock) => {
    connections++;
    if (!isUp()) return void sock.destroy(); // a switched-off node: connection reset at once
    sock.setNoDelay(true);
    sockets.add(sock);
    sock.on("close", () => sockets.delete(sock));
    sock.on("error", () => {});
    ssh.injectSocket(sock);
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once("error", reject);
    tcp.listen(opts.port ?? 0, "127.0.0.1", () => {
      tcp.off("error", reject);
      resolve();
    });
  });

  return {
    port: (tcp.address() as AddressInfo).port,
    execCount: () => commands.length,
    commands,
    connectionCount: () => connections,
    dropConnections: dropAll,
    close: () =>
      new Promise<void>((resolve) => {
        dropAll();
        tcp.close(() => resolve());
      }),
  };
}

function send(stream: ServerChannel, r: Reply): void {
  if (r.stdout) stream.write(r.stdout);
  if (r.stderr) stream.stderr.write(r.stderr);
  stream.exit(r.code);
  stream.end();
}

/** What the node prints for a command, from its current state. */
export function answer(segment: SimSegment, node: SimNode, command: string): Reply {
  const argv = splitArgv(command);
  const cmd = argv.join(" ");
  if (argv[0] === "ip" && argv.length === 6 && cmd.startsWith("ip -j ") && /^(addr|address) show dev$/.test(argv.slice(2, 5).join(" "))) {
    const dev = argv[5]!;
    if (dev !== node.interface) return { code: 1, stderr: `Device "${dev}" does not exist.\n` };
    return { code: 0, stdout: JSON.stringify(ipAddrJson(node)) + "\n" };
  }
  if (argv[0] === "cat" && argv.length === 2) {
    const m = /^\/sys\/class\/net\/([^/]+)\/address$/.exec(argv[1]!);
    if (m && m[1] === node.interface) return { code: 0, stdout: `${node.mac}\n` };
    return { code: 1, stderr: `cat: ${argv[1]}: No such file or directory\n` };
  }
  if (cmd === "command -v arping") return node.hasArping ? { code: 0, stdout: "/usr/sbin/arping\n" } : { code: 1 };
  if (cmd === "command -v ndptool") return (node.hasNdptool ?? true) ? { code: 0, stdout: "/usr/bin/ndptool\n" } : { code: 1 };
  if (isArpingCommand(argv)) return arping(segment, node, argv);
  if (isNdptoolCommand(argv)) return ndptool(segment, node, argv);
  const name = (argv[0] ?? "").slice(0, 80);
  return { code: 127, stderr: `bash: ${name}: command not found\n` };
}

type ArpingRun = { error: Reply } | { count: number; form: "reply" | "request"; vip: string; done: Reply };

/** What arping would do on this node: an error reply, or its packets and final reply. */
function arpingRun(node: SimNode, argv: string[]): ArpingRun {
  if (!node.hasArping) return { error: { code: 127, stderr: `bash: ${argv[0]}: command not found\n` } };
  const parsed = parseArpingArgs(argv);
  if (!parsed.ok) return { error: { code: 2, stderr: `arping: ${parsed.error}\n${ARPING_USAGE}\n` } };
  const { count, form, iface, vip, quiet } = parsed.args;
  if (iface !== node.interface) return { error: { code: 2, stderr: `arping: Device ${iface} not available.\n` } };
  // iputils binds to the VIP as source address in -A/-U mode: it fails on a node without it.
  if (!node.holds.has(vip)) return { error: { code: 2, stderr: "arping: bind: Cannot assign requested address\n" } };
  const done: Reply = quiet
    ? { code: 0 }
    : { code: 0, stdout: `ARPING ${vip} from ${vip} ${iface}\nSent ${count} probes (${count} broadcast(s))\nReceived 0 response(s)\n` };
  return { count, form, vip, done };
}

function arping(segment: SimSegment, node: SimNode, argv: string[]): Reply {
  const run = arpingRun(node, argv);
  if ("error" in run) return run.error;
  for (let i = 0; i < run.count; i++) segment.garp(node.name, run.vip, run.form);
  return run.done;
}

/**
 * ndptool send -t na: one neighbour advertisement per run, sent at once, nothing printed. Like
 * the real one it does not check that the node holds the target (that rule is the planner's).
 * Without -U the NA is solicited (no override flag): routers move no entry for it.
 */
function ndptool(segment: SimSegment, node: SimNode, argv: string[]): Reply {
  if (!(node.hasNdptool ?? true)) return { code: 127, stderr: `bash: ${argv[0]}: command not found\n` };
  const parsed = parseNdptoolArgs(argv);
  if (!parsed.ok) return { code: 1, stderr: `${parsed.error}\n${parsed.usage ? `${NDPTOOL_USAGE}\n` : ""}` };
  const { iface, target, unsolicited } = parsed.args;
  if (iface !== node.interface) return { code: 1, stderr: `Interface "${iface}" does not exist\n` };
  if (unsolicited) segment.unsolicitedNa(node.name, target);
  return { code: 0 };
}

/**
 * arping's real timing (node.arpingIntervalMs, iputils: 1000): the first packet leaves at once,
 * one more every interval, and `-c N` returns after N-1 intervals.
 */
function pacedArping(segment: SimSegment, node: SimNode, argv: string[], stream: ServerChannel): void {
  const run = arpingRun(node, argv);
  if ("error" in run) return send(stream, run.error);
  const interval = node.arpingIntervalMs ?? 0;
  const start = Date.now();
  let sent = 0;
  // Scheduled from the start, never early (a timer may fire a millisecond before its time),
  // like iputils' periodic timer: packet k leaves k intervals after the first.
  const tick = (): void => {
    const due = start + sent * interval;
    if (Date.now() < due) {
      timer = setTimeout(tick, due - Date.now());
      return;
    }
    segment.garp(node.name, run.vip, run.form);
    sent++;
    if (sent < run.count) timer = setTimeout(tick, start + sent * interval - Date.now());
    else send(stream, run.done);
  };
  let timer: NodeJS.Timeout | undefined;
  stream.on("close", () => clearTimeout(timer)); // the client gave up: stop sending
  tick();
}

/** Like `ip -j addr show dev IF` from iproute2 6.x: the node's own address and every held VIP. */
function ipAddrJson(node: SimNode): unknown[] {
  const addrInfo: Record<string, unknown>[] = [];
  if (isIp(node.address)) addrInfo.push(addrEntry(node, node.address, isIPv6(node.address) ? 64 : 24));
  for (const vip of node.holds) {
    if (isIp(vip) && vip !== node.address) addrInfo.push(addrEntry(node, vip, isIPv6(vip) ? 128 : 32));
  }
  return [
    {
      ifindex: 2,
      ifname: node.interface,
      flags: ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"],
      mtu: 1500,
      qdisc: "fq_codel",
      operstate: "UP",
      group: "default",
      txqlen: 1000,
      link_type: "ether",
      address: node.mac,
      broadcast: "ff:ff:ff:ff:ff:ff",
      addr_info: addrInfo,
    },
  ];
}

function addrEntry(node: SimNode, local: string, prefixlen: number): Record<string, unknown> {
  const v6 = isIPv6(local);
  return {
    family: v6 ? "inet6" : "inet",
    local,
    prefixlen,
    scope: "global",
    ...(v6 ? {} : { label: node.interface }),
    valid_life_time: 4294967295,
    preferred_life_time: 4294967295,
  };
}
