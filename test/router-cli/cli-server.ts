// A tiny SSH server playing a router's CLI for tests: 127.0.0.1, a free port, publickey auth
// for one generated client key, and each exec answered by a callback (fixture content).
import { createServer, type Server as NetServer, type Socket } from "node:net";
import ssh2 from "ssh2";
import type { SshSettings } from "../../src/config/types.js";
import { ed25519Pair } from "../../src/sim/keys.js";

const { Server, utils } = ssh2;

export interface CliReply {
  stdout?: string;
  stderr?: string;
  /** Exit status; default 0. */
  code?: number;
  /** Never answer (the client's timeout must fire). */
  hang?: boolean;
  /** Write stdout, then reset the TCP connection without an exit status. */
  reset?: boolean;
  /** Write stdout again and again until the client closes the channel (a runaway command). */
  flood?: boolean;
}

export interface CliServer {
  host: string;
  port: number;
  /** SSH settings a client needs: the user, the client key and known_hosts with our host key. */
  settings: SshSettings;
  /** Every command received, in order. */
  commands: string[];
  /** TCP connections accepted and SSH logins completed, since the start. */
  connections(): { tcp: number; ssh: number };
  /** TCP connections open now (the server has not seen them close). */
  openSockets(): number;
  close(): Promise<void>;
}

export async function startCliServer(respond: (command: string) => CliReply): Promise<CliServer> {
  const hostKey = ed25519Pair();
  const clientKey = ed25519Pair();
  const allowed = utils.parseKey(clientKey.publicKey);
  if (allowed instanceof Error) throw allowed;
  const commands: string[] = [];
  const sockets = new Set<Socket>();
  const count = { tcp: 0, ssh: 0 };

  const ssh = new Server({ hostKeys: [hostKey.privateKey] }, (client) => {
    client.on("error", () => {});
    client.on("authentication", (ctx) => {
      const ok =
        ctx.method === "publickey" &&
        ctx.key.algo === allowed.type &&
        ctx.key.data.equals(allowed.getPublicSSH()) &&
        (!ctx.signature || allowed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) === true);
      if (ok) ctx.accept();
      else ctx.reject(["publickey"]);
    });
    client.on("ready", () => {
      count.ssh++;
      client.on("session", (acceptSession) => {
        const session = acceptSession();
        session.on("exec", (acceptExec, _reject, info) => {
          commands.push(info.command);
          const stream = acceptExec();
          const reply = respond(info.command);
          if (reply.hang) return;
          if (reply.reset) {
            stream.write(reply.stdout ?? "");
            // Let the bytes leave, then RST every connection (there is one per test).
            setTimeout(() => sockets.forEach((s) => s.resetAndDestroy()), 50);
            return;
          }
          if (reply.flood) {
            const chunk = reply.stdout ?? "y\n";
            const pump = (): void => {
              while (!stream.destroyed && stream.writable && stream.write(chunk));
              if (!stream.destroyed && stream.writable) stream.once("drain", pump);
            };
            stream.on("error", () => {});
            return pump();
          }
          if (reply.stderr) stream.stderr.write(reply.stderr);
          stream.write(reply.stdout ?? "");
          stream.exit(reply.code ?? 0);
          stream.end();
        });
      });
    });
  });

  const net: NetServer = createServer((sock) => {
    sock.setNoDelay(true); // otherwise every exec waits on Nagle
    sockets.add(sock);
    count.tcp++;
    sock.on("close", () => sockets.delete(sock));
    ssh.injectSocket(sock);
  });
  await new Promise<void>((resolve, reject) => {
    net.once("error", reject);
    net.listen(0, "127.0.0.1", () => resolve());
  });
  const address = net.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  const port = address.port;

  return {
    host: "127.0.0.1",
    port,
    commands,
    connections: () => ({ ...count }),
    openSockets: () => sockets.size,
    settings: {
      user: "netops",
      privateKey: clientKey.privateKey,
      knownHosts: `[127.0.0.1]:${port} ${hostKey.publicKey}\n`,
      knownHostsFile: "<test known_hosts>",
      timeoutMs: 5000,
      keepaliveIntervalMs: 0,
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        net.close(() => resolve());
      }),
  };
}
