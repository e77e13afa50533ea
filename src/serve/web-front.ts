// The listening side of the exporter: one HTTP(S) server per --web.listen-address, basic auth
// in front of the app, and the web config applied again on reload without a restart (new
// certificates, new users). Switching TLS on or off, or the client certificate policy, needs
// new servers: such a reload is refused with that reason and the old settings stay.
import type { IncomingMessage, RequestListener, Server, ServerResponse } from "node:http";
import type { Server as HttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { Logger } from "../log.js";
import { basicAuthGate } from "../http/basic-auth.js";
import { createWebServer, secureContextOptions, type WebConfig } from "../http/web-config.js";
import { parseListenAddress } from "../cli/listen-address.js";

type Gate = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

export interface Listener {
  address: string;
  server: Server;
  port: number;
}

export class WebFront {
  private web: WebConfig;
  private gate: Gate | null;
  readonly listeners: Listener[] = [];

  constructor(
    web: WebConfig,
    private readonly app: RequestListener,
    private readonly log: Logger,
    private readonly exempt: (req: IncomingMessage) => boolean,
  ) {
    this.web = web;
    this.gate = this.makeGate(web);
  }

  get scheme(): "http" | "https" {
    return this.web.tls ? "https" : "http";
  }

  get webConfig(): WebConfig {
    return this.web;
  }

  private makeGate(web: WebConfig): Gate | null {
    return web.basicAuthUsers ? basicAuthGate(web.basicAuthUsers, { log: this.log, exempt: this.exempt }) : null;
  }

  private readonly handle: RequestListener = (req, res) => {
    const gate = this.gate;
    if (gate) gate(req, res, () => this.app(req, res));
    else this.app(req, res);
  };

  /** Listens on every address, or fails naming the first that cannot (and closes the others). */
  async listen(addresses: string[]): Promise<void> {
    const seen = new Set<string>();
    for (const address of addresses) {
      if (seen.has(address)) throw new Error(`--web.listen-address ${address} is given twice`);
      seen.add(address);
      const { host, port } = parseListenAddress(address);
      const server = createWebServer(this.web.tls, this.handle);
      try {
        await new Promise<void>((resolve, reject) => {
          server.once("error", (err: NodeJS.ErrnoException) =>
            reject(
              new Error(
                `cannot listen on ${address}: ${err.code ?? err.message}${err.code === "EADDRINUSE" ? " (another process uses the port: pick another with --web.listen-address)" : ""}`,
              ),
            ),
          );
          server.listen(port, host ?? "", () => resolve());
        });
      } catch (err) {
        await this.close();
        throw err;
      }
      this.listeners.push({ address, server, port: (server.address() as AddressInfo).port });
    }
  }

  /**
   * Applies a re-read web config; throws (and keeps the old one) when it needs a restart.
   * Connections already open keep the certificate they negotiated.
   */
  apply(next: WebConfig): void {
    const cur = this.web;
    if (!!cur.tls !== !!next.tls) {
      throw new Error(`turning TLS ${next.tls ? "on" : "off"} needs a restart of the exporter (the listeners are ${this.scheme})`);
    }
    if (cur.tls && next.tls && cur.tls.clientAuth !== next.tls.clientAuth) {
      throw new Error(`changing client_auth_type from ${cur.tls.clientAuth} to ${next.tls.clientAuth} needs a restart of the exporter`);
    }
    if (next.tls) {
      const ctx = secureContextOptions(next.tls);
      for (const l of this.listeners) (l.server as HttpsServer).setSecureContext(ctx);
    }
    this.web = next;
    this.gate = this.makeGate(next);
  }

  /** Stops accepting connections; resolves when every open request has been answered. */
  close(): Promise<void> {
    return Promise.all(
      this.listeners.map(
        (l) =>
          new Promise<void>((resolve) => {
            if (!l.server.listening) return resolve();
            l.server.close(() => resolve());
            l.server.closeIdleConnections();
          }),
      ),
    ).then(() => undefined);
  }

  /** Drops every connection at once (after the grace period). */
  destroy(): void {
    for (const l of this.listeners) l.server.closeAllConnections();
  }
}
