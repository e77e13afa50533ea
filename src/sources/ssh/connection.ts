// One persistent SSH connection per host, opened on first use and shared by every command
// (inventory reads and GARPs). Host keys are checked against known_hosts; unknown keys are
// refused, never learned.
import { connect as netConnect, type Socket } from "node:net";
import ssh2 from "ssh2";
import type { Client as ClientType, ClientChannel, ConnectConfig } from "ssh2";
import type { SshSettings } from "../../config/types.js";
import type { Logger } from "../../log.js";
import type { CommandRunner, ExecResult } from "../../model/types.js";
import { knownKeyTypes, parseKnownHosts, verifyHostKey, type KnownHostEntry } from "./known-hosts.js";

const { Client, utils } = ssh2;

/** Output beyond this is dropped: a broken node must not exhaust our memory. */
export const MAX_OUTPUT_BYTES = 1024 * 1024;

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

  async exec(command: string, options: { timeoutMs?: number } = {}): Promise<ExecResult> {
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
          started = await openExec(client, command);
        } catch (err) {
          this.drop(live);
          if (reused && attempt === 0) continue;
          throw new Error(`${this.where}: cannot run command: ${(err as Error).message}`);
        }
        channel = started.channel;
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
        const phase = live && !channel ? "connecting or starting the command" : "waiting for the command";
        // Tear down so the next call starts from a fresh connection.
        if (live) this.drop(live);
        reject(new Error(`${this.where}: timed out after ${timeoutMs} ms ${phase}; check that the host is reachable and sshd answers`));
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
    const live: Live = { client, sock, dead: false, ready: Promise.resolve(client) };
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

  /** A message that says what failed and what to check. */
  private explain(err: Error & { level?: string; code?: string }, live: Live): string {
    if (live.hostKeyRefusal) return `refused: ${live.hostKeyRefusal}`;
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
function openExec(client: ClientType, command: string): Promise<Started> {
  return new Promise((resolve, reject) => {
    try {
      client.exec(command, (err, channel) => {
        if (err) return reject(err);
        const done = collect(channel);
        done.catch(() => {}); // observed by the caller; avoid an unhandled rejection meanwhile
        resolve({ channel, done });
      });
    } catch (err) {
      reject(err as Error);
    }
  });
}

/** Reads a channel to its end: exit code (null: killed by a signal) and capped stdout/stderr. */
function collect(channel: ClientChannel): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const out = new CappedBuffer();
    const err = new CappedBuffer();
    let exited = false;
    let code: number | null = null;
    channel.on("data", (d: Buffer) => out.push(d));
    channel.stderr.on("data", (d: Buffer) => err.push(d));
    channel.on("exit", (c: number | null) => {
      exited = true;
      code = typeof c === "number" ? c : null;
    });
    channel.on("close", () => {
      if (exited) resolve({ code, stdout: out.toString(), stderr: err.toString() });
      else reject(new Error("connection lost before the command reported its exit status"));
    });
  });
}

class CappedBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  push(d: Buffer): void {
    if (this.size >= MAX_OUTPUT_BYTES) return;
    const part = d.subarray(0, MAX_OUTPUT_BYTES - this.size);
    this.chunks.push(part);
    this.size += part.length;
  }
  toString(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}
