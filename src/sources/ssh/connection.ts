// One persistent SSH connection per host, opened on first use and shared by every command
// (inventory reads and GARPs). Host keys are checked against known_hosts; unknown keys are
// refused, never learned.
import { connect as netConnect, type Socket } from "node:net";
import ssh2 from "ssh2";
import type { Client as ClientType, ClientChannel, ConnectConfig } from "ssh2";
import type { SshSettings } from "../../config/types.js";
import type { Logger } from "../../log.js";
import type { CommandRunner, ExecResult } from "../../model/types.js";
import { preview } from "../ip-addr-json.js";
import { knownKeyTypes, parseKnownHosts, verifyHostKey, type KnownHostEntry } from "./known-hosts.js";

const { Client, utils } = ssh2;

/**
 * More output than this fails the command and drops the connection: a broken node must not
 * exhaust our memory, nor keep a read busy until its timeout with a flood nobody will parse.
 */
export const MAX_OUTPUT_BYTES = 1024 * 1024;

/** How much of what the server sends first is kept, to say what it was when it is not SSH. */
const FIRST_BYTES = 256;

/** Host key algorithms ssh2 can negotiate for each known_hosts key type. */
const ALGORITHMS_FOR_KEY_TYPE: Record<string, string[]> = {
  "ssh-ed25519": ["ssh-ed25519"],
  "ecdsa-sha2-nistp256": ["ecdsa-sha2-nistp256"],
  "ecdsa-sha2-nistp384": ["ecdsa-sha2-nistp384"],
  "ecdsa-sha2-nistp521": ["ecdsa-sha2-nistp521"],
  "ssh-rsa": ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"],
  "ssh-dss": ["ssh-dss"],
};

export interface SshConnectionOptions {
  /** Node or router name, for messages. */
  name: string;
  host: string;
  port: number;
  settings: SshSettings;
  log: Logger;
}

interface Live {
  client: ClientType;
  sock: Socket;
  ready: Promise<ClientType>;
  dead: boolean;
  /** Where the connection got to, for the message when it stalls. */
  connected: boolean;
  loggedIn: boolean;
  /** The first bytes the server sent (at most FIRST_BYTES). */
  received: Buffer;
  /** Set by the host verifier when it refuses the key. */
  hostKeyRefusal?: string;
}

export class SshConnection implements CommandRunner {
  private readonly knownHosts: KnownHostEntry[];
  private live: Live | null = null;
  private closed = false;

  constructor(private readonly opts: SshConnectionOptions) {
    this.knownHosts = parseKnownHosts(opts.settings.knownHosts);
  }

  /** "node1 (root@198.51.100.1:22)", for messages. */
  private get where(): string {
    const { name, host, port, settings } = this.opts;
    return `ssh ${name} (${settings.user}@${host}:${port})`;
  }

  async exec(command: string, options: { timeoutMs?: number; onStarted?: () => void } = {}): Promise<ExecResult> {
    if (this.closed) throw new Error(`${this.where}: connection closed`);
    const timeoutMs = options.timeoutMs ?? this.opts.settings.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    let live: Live | null = null;
    let channel: ClientChannel | null = null;
    let expired = false;
    const run = async (): Promise<ExecResult> => {
      // A reused connection may have died silently; when the channel cannot even be opened
      // the command did not run, so one retry on a fresh connection is safe.
      for (let attempt = 0; !expired; attempt++) {
        const reused = this.live !== null && !this.live.dead;
        live = this.connection(timeoutMs);
        const client = await live.ready;
        let started: Started;
        try {
          started = await openExec(client, command, live);
        } catch (err) {
          this.drop(live);
          if (reused && attempt === 0) continue;
          throw new Error(`${this.where}: cannot run command: ${(err as Error).message}`);
        }
        channel = started.channel;
        options.onStarted?.();
        try {
          return await started.done;
        } catch (err) {
          this.drop(live);
          throw new Error(`${this.where}: ${(err as Error).message}`);
        }
      }
      throw new Error(`${this.where}: timed out`);
    };
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        expired = true;
        const stalled = this.stalled(live, channel !== null, command);
        // Tear down so the next call starts from a fresh connection.
        if (live) this.drop(live);
        reject(new Error(`${this.where}: timed out after ${timeoutMs} ms ${stalled}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([run(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.live) {
      const live = this.live;
      this.live = null;
      live.dead = true;
      await new Promise<void>((resolve) => {
        if (live.sock.destroyed) return resolve();
        live.sock.once("close", () => resolve());
        live.client.end();
        // A peer that never answers the disconnect must not hold close() up.
        setTimeout(() => live.sock.destroy(), 1000).unref();
      });
    }
  }

  /** The current connection, or a new one when there is none or it died. */
  private connection(timeoutMs: number): Live {
    if (this.live && !this.live.dead) return this.live;
    // An exec in flight during close() (its retry) must not open a connection nobody closes.
    if (this.closed) throw new Error(`${this.where}: connection closed`);
    const live = this.open(timeoutMs);
    this.live = live;
    return live;
  }

  private drop(live: Live): void {
    live.dead = true;
    if (this.live === live) this.live = null;
    live.sock.destroy();
  }

  private open(timeoutMs: number): Live {
    const { host, port, settings, log } = this.opts;
    const client = new Client();
    const sock = netConnect({ host, port });
    sock.setNoDelay(true); // otherwise Nagle adds 40-90 ms to every exec
    const live: Live = { client, sock, dead: false, ready: Promise.resolve(client), connected: false, loggedIn: false, received: Buffer.alloc(0) };
    sock.once("connect", () => (live.connected = true));
    const keep = (d: Buffer): void => {
      live.received = Buffer.concat([live.received, d]).subarray(0, FIRST_BYTES);
      if (live.received.length >= FIRST_BYTES) sock.off("data", keep);
    };
    // Emitted from the next tick on, when ssh2 listens too: both see every byte.
    sock.on("data", keep);
    const serverHostKey = knownKeyTypes(this.knownHosts, host, port).flatMap((t) => ALGORITHMS_FOR_KEY_TYPE[t] ?? []);

    live.ready = new Promise<ClientType>((resolve, reject) => {
      let settled = false;
      const fail = (err: Error) => {
        this.drop(live);
        if (settled) return;
        settled = true;
        reject(new Error(`${this.where}: ${this.explain(err, live)}`));
      };
      client.on("ready", () => {
        settled = true;
        live.loggedIn = true;
        log.debug({ node: this.opts.name, host, port }, "ssh connected");
        resolve(client);
      });
      client.on("error", (err) => {
        if (settled) log.debug({ node: this.opts.name, err: err.message }, "ssh connection error");
        fail(err);
      });
      client.on("close", () => {
        if (!settled) fail(new Error("connection closed by the server before login"));
        else this.drop(live);
      });

      let privateKey: ReturnType<typeof utils.parseKey>;
      try {
        privateKey = utils.parseKey(settings.privateKey, settings.passphrase);
      } catch (err) {
        privateKey = err as Error;
      }
      if (privateKey instanceof Error) {
        return fail(new Error(`ssh.private_key_file cannot be parsed: ${privateKey.message}; use an unencrypted OpenSSH or PEM key, or set its passphrase`));
      }

      const config: ConnectConfig = {
        sock,
        username: settings.user,
        privateKey: settings.privateKey,
        passphrase: settings.passphrase,
        readyTimeout: Math.max(timeoutMs, settings.timeoutMs),
        keepaliveInterval: settings.keepaliveIntervalMs,
        keepaliveCountMax: 3,
        hostVerifier: (key: Buffer) => {
          const verdict = verifyHostKey(this.knownHosts, host, port, key, { file: settings.knownHostsFile });
          if (!verdict.ok) live.hostKeyRefusal = verdict.reason;
          return verdict.ok;
        },
      };
      if (serverHostKey.length > 0) config.algorithms = { serverHostKey: serverHostKey as never };
      try {
        client.connect(config);
      } catch (err) {
        fail(err as Error);
      }
    });
    // Nobody may be waiting when a connection fails after a timeout; avoid an unhandled rejection.
    live.ready.catch(() => {});
    return live;
  }

  /** What the server sent first when it is not an SSH banner; null when nothing or SSH. */
  private notSsh(live: Live): string | null {
    if (live.received.length === 0) return null;
    const text = live.received.toString("latin1");
    // RFC 4253 allows other lines before the "SSH-" line; one of them must be it.
    if (/^SSH-/m.test(text)) return null;
    return `the server sent ${preview(text)} instead of an SSH banner: check that port ${this.opts.port} is sshd's and not another service`;
  }

  /** Where a timed-out exec got stuck, and what to check. */
  private stalled(live: Live | null, started: boolean, command: string): string {
    const { host, port } = this.opts;
    if (!live || !live.connected) return `connecting to ${host}:${port}; check that the host is reachable and no firewall drops the connection`;
    if (live.received.length === 0) {
      return `waiting for the SSH banner: the server accepted the TCP connection but sent nothing; check that sshd (not another service) listens on port ${port} and is not overloaded`;
    }
    const notSsh = this.notSsh(live);
    if (notSsh) return `waiting for the SSH banner: ${notSsh}`;
    if (!live.loggedIn) return "during the SSH handshake and login; check that sshd on the host answers (its load, MaxStartups)";
    if (!started) return "starting the command; check that sshd on the host answers (its load, MaxSessions)";
    return `waiting for the command to finish: ${JSON.stringify(command)}; check that it does not hang on the host`;
  }

  /** A message that says what failed and what to check. */
  private explain(err: Error & { level?: string; code?: string }, live: Live): string {
    if (live.hostKeyRefusal) return `refused: ${live.hostKeyRefusal}`;
    const notSsh = this.notSsh(live);
    if (notSsh && !live.loggedIn) return `${notSsh} (${err.message})`;
    if (err.level === "client-authentication") {
      return `authentication as "${this.opts.settings.user}" failed: add the public key of ssh.private_key_file to that user's authorized_keys on the host`;
    }
    if (err.code === "ECONNREFUSED") return `connection refused: check the address and port and that sshd runs there (${err.message})`;
    if (/lost before handshake/i.test(err.message) || err.code === "ECONNRESET") {
      return `the server closed the connection before the SSH handshake: check that the host is up and sshd listens on port ${this.opts.port} (${err.message})`;
    }
    if (err.level === "client-timeout") return `timed out during the SSH handshake (${err.message})`;
    return err.message;
  }
}

interface Started {
  channel: ClientChannel;
  done: Promise<ExecResult>;
}

/**
 * Starts a command. The listeners are attached inside ssh2's callback: a fast server's output
 * and exit status can arrive in the same packet as the channel confirmation.
 */
function openExec(client: ClientType, command: string, live: Live): Promise<Started> {
  return new Promise((resolve, reject) => {
    try {
      client.exec(command, (err, channel) => {
        if (err) return reject(err);
        const done = collect(channel, command, live.sock);
        done.catch(() => {}); // observed by the caller; avoid an unhandled rejection meanwhile
        resolve({ channel, done });
      });
    } catch (err) {
      reject(err as Error);
    }
  });
}

/**
 * Reads a channel to its end: exit code (null: killed by a signal), stdout and stderr. More
 * than MAX_OUTPUT_BYTES on either fails at once (the caller drops the connection).
 */
function collect(channel: ClientChannel, command: string, sock: Socket): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const out = new CappedBuffer();
    const err = new CappedBuffer();
    let exited = false;
    let failed = false;
    let code: number | null = null;
    const take = (buf: CappedBuffer, stream: string) => (d: Buffer) => {
      if (failed || buf.push(d)) return;
      failed = true;
      reject(
        new Error(
          `${JSON.stringify(command)} printed more than ${MAX_OUTPUT_BYTES} bytes on ${stream}; stopped reading and dropped the connection: check what the command prints on the host`,
        ),
      );
    };
    channel.on("data", take(out, "stdout"));
    channel.stderr.on("data", take(err, "stderr"));
    channel.on("exit", (c: number | null) => {
      exited = true;
      code = typeof c === "number" ? c : null;
    });
    channel.on("close", () => {
      if (failed) return;
      if (exited) return resolve({ code, stdout: out.toString(), stderr: err.toString() });
      const how = sock.errored ? ` (${(sock.errored as Error).message})` : "";
      reject(
        new Error(
          `connection lost before ${JSON.stringify(command)} reported its exit status${how}; it may or may not have run: check sshd and the network path to the host`,
        ),
      );
    });
  });
}

class CappedBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Keeps d; false (and keeps nothing more) once the total would pass MAX_OUTPUT_BYTES. */
  push(d: Buffer): boolean {
    if (this.size + d.length > MAX_OUTPUT_BYTES) return false;
    this.chunks.push(d);
    this.size += d.length;
    return true;
  }
  toString(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}
