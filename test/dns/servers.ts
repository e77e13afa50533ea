// Real DNS servers for the DNS tests, all on 127.0.0.1: Debian's dnsmasq serving records the
// test writes (an addn-hosts file), and a UDP socket that reads queries and never answers.
// dnsmasq runs in the foreground as a child of the test and is stopped by its pid.
import { spawn, type ChildProcess } from "node:child_process";
import { createSocket, type Socket } from "node:dgram";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Resolver } from "node:dns/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IN_CI, findExecutable, missingToolReason } from "../deploy/tools.js";

export const DNSMASQ = findExecutable("dnsmasq");
export const DNSMASQ_MISSING = missingToolReason("dnsmasq", DNSMASQ, "dnsmasq-base");
if (DNSMASQ_MISSING && !IN_CI) console.warn(`DNS tests with dnsmasq SKIPPED: ${DNSMASQ_MISSING}`);

/** The zone dnsmasq answers for by itself: unknown names in it are NXDOMAIN, not forwarded. */
export const ZONE = "os.example.com";
const READY = `dnsmasq-ready.${ZONE}`;

export interface Dnsmasq {
  port: number;
  /** What dnsmasq logged (its queries too). */
  log(): string;
  stop(): Promise<void>;
}

export interface DnsmasqRecords {
  /** Lines of an /etc/hosts-style file: "198.51.100.101 app.os.example.com". */
  hosts: string[];
  /** Names that exist with a TXT record only (NODATA for A and AAAA). */
  txtOnly?: string[];
}

async function freeUdpPort(): Promise<number> {
  const s = createSocket("udp4");
  await new Promise<void>((resolve) => s.bind(0, "127.0.0.1", resolve));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

async function answers(port: number, name: string): Promise<boolean> {
  const r = new Resolver({ timeout: 200, tries: 1 });
  r.setServers([`127.0.0.1:${port}`]);
  try {
    await r.resolve4(name);
    return true;
  } catch {
    return false;
  }
}

/** Starts dnsmasq on 127.0.0.1 at a free port, serving only these records, and waits until it answers. */
export async function startDnsmasq(records: DnsmasqRecords): Promise<Dnsmasq> {
  if (!DNSMASQ) throw new Error(`${DNSMASQ_MISSING}`);
  const dir = mkdtempSync(join(tmpdir(), "vae-dnsmasq-"));
  // dnsmasq reads the file after dropping root to nobody.
  chmodSync(dir, 0o755);
  const hostsFile = join(dir, "hosts");
  writeFileSync(hostsFile, [...records.hosts, `127.0.0.1 ${READY}`, ""].join("\n"), { mode: 0o644 });
  let lastError = "";
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freeUdpPort();
    const args = [
      "--keep-in-foreground",
      "--conf-file=/dev/null",
      "--no-resolv",
      "--no-hosts",
      `--addn-hosts=${hostsFile}`,
      "--listen-address=127.0.0.1",
      "--bind-interfaces",
      `--port=${port}`,
      `--local=/${ZONE}/`,
      "--pid-file=",
      "--log-queries",
      "--log-facility=-",
      ...(records.txtOnly ?? []).map((n) => `--txt-record=${n},"no addresses here"`),
    ];
    const child = spawn(DNSMASQ, args, { stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
    const stop = async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    };
    for (let i = 0; i < 50 && child.exitCode === null; i++) {
      if (await answers(port, READY)) return { port, log: () => log, stop };
      await new Promise((r) => setTimeout(r, 100));
    }
    lastError = log.trim() || `dnsmasq exited ${child.exitCode}`;
    await stopChild(child);
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`dnsmasq did not start on 127.0.0.1: ${lastError}`);
}

export interface SilentServer {
  port: number;
  /** Datagrams received (queries it ignored). */
  received(): number;
  close(): Promise<void>;
}

/** A UDP socket on 127.0.0.1 that reads every query and never replies: a name server that hangs. */
export async function startSilentServer(): Promise<SilentServer> {
  const s: Socket = createSocket("udp4");
  let received = 0;
  s.on("message", () => received++);
  await new Promise<void>((resolve) => s.bind(0, "127.0.0.1", resolve));
  return { port: s.address().port, received: () => received, close: () => new Promise((r) => s.close(() => r())) };
}

/** A UDP port on 127.0.0.1 where nothing listens. */
export const closedUdpPort = freeUdpPort;
